/**
 * Types every simulator shares.
 *
 * API (stable):
 *   SimHandle          what `startSimulator()` resolves to (plus provider-specific methods)
 *   StartOptions       what `startSimulator()` accepts (plus provider-specific options)
 *   StartSimulator     the signature of `startSimulator` in `test/simulators/<provider>/index.ts`
 */

export interface SimHandle {
  /** e.g. "kombo" */
  provider: string;
  /** Where our product should send its API calls (e.g. "http://127.0.0.1:4100/v1" for Kombo). */
  baseUrl: string;
  /** Named as in /work/shared/API.md "Connections" (e.g. kombo: api_key, integration_id, webhook_secret, base_url). */
  credentials: Record<string, string>;
  close(): Promise<void>;
}

export interface StartOptions {
  /** 0 or absent = a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Where the simulator delivers its webhooks (changeable later through /_sim/config). */
  webhookUrl?: string;
  [k: string]: unknown;
}

export type StartSimulator = (opts?: StartOptions) => Promise<SimHandle>;
