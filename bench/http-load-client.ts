/**
 * The HTTP load of the benches, run as its own process (`node dist/bench/http-load-client.js`, the job
 * as JSON on stdin): autocannon keeps `clients` keep-alive connections each sending requests back to
 * back (GETs, or POSTs of `body` when one is given), first for a warm-up, then for the measured
 * `seconds`. Prints one JSON line: every measured latency in ms, the duration, and how many answers
 * were not `status` (200 by default; any is a failure of the bench).
 */
import autocannon from 'autocannon';
import type { LoadJob } from './measure.js';
import { jobFromStdin } from './stdin-job.js';

const job = await jobFromStdin<LoadJob>();

/**
 * Connections in groups of four, each group an autocannon instance with its own share of the paths:
 * every connection cycles through prebuilt requests, and with all 3,000 paths on each of 64
 * connections that is 192,000 request buffers, whose memory traffic made the client, not the server,
 * the bottleneck (a bare node:http server fell from ~47,000 to ~26,000 requests/s).
 */
const GROUP = 4;
/** Failures by kind: `timeouts`, `errors` (connection errors) and each unexpected status. */
const failedBy: Record<string, number> = {};
const count = (kind: string, n = 1) => {
  if (n > 0) failedBy[kind] = (failedBy[kind] ?? 0) + n;
};

/** Above this many paths per group, requests are built as they are sent (see `requestsFor`). */
const PREBUILT = 1_000;

/**
 * The group's requests. autocannon deep-copies them per connection and builds each one's buffer up
 * front: for 5,000 paths on 16 instances that blocked the client for seconds while its first requests'
 * 3 s timers ran (a bare server then "timed out" and halved its rate). Past `PREBUILT` paths one
 * request names the next path as it is sent, at a few microseconds of the client's time each.
 */
const requestsFor = (paths: string[]): autocannon.Request[] => {
  const base: autocannon.Request =
    job.body === undefined ? { method: 'GET' } : { method: 'POST', body: job.body };
  if (paths.length <= PREBUILT) return paths.map((path) => ({ ...base, path }));
  let next = 0;
  const setupRequest = (request: autocannon.Request) => ({ ...request, path: paths[next++ % paths.length]! });
  return [{ ...base, path: paths[0]!, setupRequest }];
};

const group = (
  paths: string[],
  connections: number,
  seconds: number,
  record?: (ms: number, status: number) => void,
) =>
  new Promise<void>((resolve, reject) => {
    const instance = autocannon(
      {
        url: job.url,
        connections,
        duration: seconds,
        // A request still unanswered after 3 s counts as failed, so a stalled server cannot look idle.
        timeout: 3,
        headers: {
          authorization: `Bearer ${job.key}`,
          ...(job.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        requests: requestsFor(paths),
      },
      (error, result) => {
        if (error) return reject(error);
        // Timeouts and connection errors are failures too: a server that stalls must not look idle.
        if (record) count('timeouts', result.timeouts);
        resolve();
      },
    );
    if (record) {
      // autocannon counts a timeout as an error too: the other errors, by their code.
      instance.on('reqError', (error: Error & { code?: string }) => {
        if (error.message !== 'request timed out') count(error.code ?? error.message);
      });
      instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) =>
        record(ms, status),
      );
    }
  });

const once = async (seconds: number, record?: (ms: number, status: number) => void): Promise<void> => {
  const groups = Math.max(1, Math.ceil(job.clients / GROUP));
  await Promise.all(
    Array.from({ length: groups }, (_, g) => {
      const connections = Math.min(GROUP, job.clients - g * GROUP);
      const share = job.paths.filter((_, i) => i % groups === g);
      return group(share.length > 0 ? share : job.paths, connections, seconds, record);
    }),
  );
};

await once(job.warmupSeconds);
const latencies: number[] = [];
const started = performance.now();
await once(job.seconds, (ms, status) => {
  if (status === (job.status ?? 200)) latencies.push(ms);
  else count(`status ${status}`);
});
const failures = Object.values(failedBy).reduce((sum, n) => sum + n, 0);
process.stdout.write(
  `${JSON.stringify({ latencies, seconds: (performance.now() - started) / 1000, failures, failedBy })}\n`,
);
