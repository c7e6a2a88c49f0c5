// Minimal typings for the parts of autocannon's API the load worker uses (the package ships none).
declare module 'autocannon' {
  namespace autocannon {
    interface Request {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string;
      setupRequest?: (req: any, context: any) => any;
      onResponse?: (status: number, body: string, context: any, headers?: Record<string, string>) => void;
    }
    interface Options {
      url: string;
      connections?: number;
      duration?: number;
      amount?: number;
      pipelining?: number;
      timeout?: number;
      overallRate?: number;
      ignoreCoordinatedOmission?: boolean;
      requests?: Request[];
    }
    interface Result {
      duration: number;
      non2xx: number;
      errors: number;
      timeouts: number;
      requests: { average: number; total: number };
      latency: { p50: number; p99: number; average: number; max: number };
      [k: string]: unknown;
    }
    interface Instance {
      on(event: string, listener: (...args: any[]) => void): Instance;
      stop(): void;
    }
  }
  function autocannon(opts: autocannon.Options): autocannon.Instance;
  export default autocannon;
}
