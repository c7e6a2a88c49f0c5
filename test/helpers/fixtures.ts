// The vendor fixtures live in the repository (test/fixtures, copied from the product documents'
// fixtures), so a clone alone passes the tests. ASSAY_FIXTURES_DIR may point elsewhere to test others.
import { fileURLToPath } from 'node:url';

export const FIXTURES_DIR = process.env.ASSAY_FIXTURES_DIR ?? fileURLToPath(new URL('../fixtures', import.meta.url));
