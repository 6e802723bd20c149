/**
 * One autocannon load run: the same POST body over `connections` keep-alive connections for a
 * fixed time, from this process (the servers are child processes). Latencies are taken from
 * autocannon's per-response event, in fractional milliseconds: autocannon's own latency
 * histogram records whole milliseconds (its `lowestDiscernibleValue` is 1), which would read
 * a 0.15 ms p50 as 0.
 */
import autocannon from 'autocannon';

export interface LoadSpec {
  readonly url: string;
  readonly body: Buffer;
  readonly connections: number;
  readonly seconds: number;
}

export interface LoadResult {
  readonly connections: number;
  readonly seconds: number;
  /** 2xx responses per second of the run. */
  readonly reqPerSec: number;
  readonly responses: number;
  readonly non2xx: number;
  /** Connection errors and timeouts. */
  readonly errors: number;
  readonly timeouts: number;
  /** Of the 2xx responses, in ms. */
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
  /** CPU seconds this process (the load generator) used during the run. */
  readonly clientCpuSeconds: number;
  /** autocannon's own percentiles, for reference (whole milliseconds, 2xx only). */
  readonly autocannonLatencyMs: { readonly p50: number; readonly p99: number };
}

/** Runs the load; rejects when autocannon cannot start. */
export function loadRun(spec: LoadSpec): Promise<LoadResult> {
  let latencies = new Float64Array(1 << 16);
  let n = 0;
  const cpuBefore = process.cpuUsage();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: spec.url,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: spec.body,
        connections: spec.connections,
        pipelining: 1,
        duration: spec.seconds,
        timeout: 30,
      },
      (err: unknown, result: autocannon.Result) => {
        if (err !== null && err !== undefined) {
          reject(err instanceof Error ? err : new Error(`autocannon failed: ${JSON.stringify(err)}`));
          return;
        }
        const cpu = process.cpuUsage(cpuBefore);
        const sorted = latencies.subarray(0, n).sort();
        const at = (p: number): number => (n === 0 ? Number.NaN : sorted[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))]!);
        let sum = 0;
        for (let i = 0; i < n; i++) sum += sorted[i]!;
        resolve({
          connections: spec.connections,
          seconds: result.duration,
          reqPerSec: result['2xx'] / result.duration,
          responses: result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'],
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          p50Ms: at(50),
          p90Ms: at(90),
          p99Ms: at(99),
          maxMs: n === 0 ? Number.NaN : sorted[n - 1]!,
          meanMs: n === 0 ? Number.NaN : sum / n,
          clientCpuSeconds: (cpu.user + cpu.system) / 1e6,
          autocannonLatencyMs: { p50: result.latency.p50, p99: result.latency.p99 },
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode < 200 || statusCode > 299) return;
      if (n === latencies.length) {
        const grown = new Float64Array(latencies.length * 2);
        grown.set(latencies);
        latencies = grown;
      }
      latencies[n++] = responseTime;
    });
  });
}
