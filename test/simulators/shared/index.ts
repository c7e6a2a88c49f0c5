/**
 * Helpers common to all simulators (kombo, stackone, recruitee, lever, greenhouse).
 * Import from here: `import { startHonoApp, hmacSha256, FaultQueue, RequestLog, ... } from '../shared/index.ts'`.
 * Each file documents its own API at the top; this module only re-exports. The API is kept stable.
 *
 *   types.ts        SimHandle, StartOptions, StartSimulator
 *   server.ts       startHonoApp(app, { port, host }) -> { server, host, port, origin, close() }
 *   signing.ts      hmacSha256(secret, raw, 'hex'|'base64'|'base64url'), safeEqual, basicAuth, parseBasicAuth, parseBearer
 *   request-log.ts  RequestLog (inbound log + middleware)
 *   faults.ts       FaultQueue (queue of next answers + middleware), parseFaults, sleep
 *   outbound.ts     sendHttp (never throws), DeliveryLog, deliverWithRetry, randomId
 *   control.ts      mountSimBasics (/_sim/health|info|requests|faults|deliveries|reset), readJson, simError
 *   validate.ts     isRecord, isIsoDateTime, isHttpUrl, isEmail, Problems
 *
 * Typical wiring:
 *   const log = new RequestLog(); const faults = new FaultQueue(); const deliveries = new DeliveryLog();
 *   const app = new Hono();
 *   app.use('*', log.middleware());                                // first: logs faulted answers too
 *   app.use('*', faults.middleware({ errorBody: (s) => ({ ... }) })); // provider's own error shape
 *   mountSimBasics(app, { provider: 'x', log, faults, deliveries, info: () => ({ ... }) });
 *   ...provider routes...
 *   const running = await startHonoApp(app, { port: opts.port, host: opts.host });
 */
export * from './types.ts';
export * from './server.ts';
export * from './signing.ts';
export * from './request-log.ts';
export * from './faults.ts';
export * from './outbound.ts';
export * from './control.ts';
export * from './validate.ts';
