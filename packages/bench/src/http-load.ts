import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { type Latency, summarize } from './stats.js';

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  requestsPerSecond: number;
  latency: Latency;
  /** Every successful request's latency (ms), so rounds can be pooled. */
  samples: number[];
}

/**
 * Fixed-duration closed-loop load: `connections` keep-alive sockets, each
 * sending the next GET as soon as the previous answer is read (what
 * autocannon does), so both servers see the same concurrency.
 */
export async function loadGet(
  url: string,
  options: { connections: number; durationMs: number; expectStatus: number },
): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + options.durationMs;
  const worker = async () => {
    while (performance.now() < deadline) {
      const sent = performance.now();
      const status = await getStatus(url, agent).catch(() => -1);
      if (status === options.expectStatus) latencies.push(performance.now() - sent);
      else errors += 1;
    }
  };
  await Promise.all(Array.from({ length: options.connections }, worker));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return {
    requests: latencies.length,
    errors,
    seconds,
    requestsPerSecond: latencies.length / seconds,
    latency: summarize(latencies),
    samples: latencies,
  };
}

function getStatus(url: string, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      res.resume(); // read the body to the end so the socket is reused
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}
