// Nothing is pushed or pulled outside a request: Recruitee asks for the tests list (routes.ts) when it needs it.
import type { Connector } from '../types.ts';

export const periodic: Connector['periodic'] = undefined;
