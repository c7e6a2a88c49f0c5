// The vendor fixtures live in ../shared/fixtures beside the repository (as in CI's clone).
import { fileURLToPath } from 'node:url';

export const FIXTURES_DIR = process.env.ASSAY_FIXTURES_DIR ?? fileURLToPath(new URL('../../../shared/fixtures', import.meta.url));
