// Nothing is pushed or pulled outside a request: StackOne fetches the package list from routes.ts when a recruiter opens the picker.
import type { Connector } from '../types.ts';

export const periodic: Connector['periodic'] = undefined;
