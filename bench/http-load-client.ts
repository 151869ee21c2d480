/**
 * The HTTP load of the benches, run as its own process (`node dist/bench/http-load-client.js`, the job
 * as JSON on stdin): autocannon keeps `clients` keep-alive connections each sending requests back to
 * back (GETs, or POSTs of `body` when one is given), first for a warm-up, then for the measured
 * `seconds`. Prints one JSON line: every measured latency in ms, the duration, and how many answers
 * were not `status` (200 by default; any is a failure of the bench).
 */
import autocannon from 'autocannon';
import type { LoadJob } from './measure.js';

const readStdin = async (): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

const job = JSON.parse(await readStdin()) as LoadJob;

/**
 * Connections in groups of four, each group an autocannon instance with its own share of the paths:
 * every connection cycles through prebuilt requests, and with all 3,000 paths on each of 64
 * connections that is 192,000 request buffers, whose memory traffic made the client, not the server,
 * the bottleneck (a bare node:http server fell from ~47,000 to ~26,000 requests/s).
 */
const GROUP = 4;
let lost = 0;

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
        requests: paths.map((path) =>
          job.body === undefined ? { method: 'GET', path } : { method: 'POST', path, body: job.body },
        ),
      },
      (error, result) => {
        if (error) return reject(error);
        // Timeouts and connection errors are failures too: a server that stalls must not look idle.
        if (record) lost += result.errors + result.timeouts;
        resolve();
      },
    );
    if (record) {
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
let failures = 0;
const started = performance.now();
await once(job.seconds, (ms, status) => {
  if (status === (job.status ?? 200)) latencies.push(ms);
  else failures += 1;
});
process.stdout.write(
  `${JSON.stringify({ latencies, seconds: (performance.now() - started) / 1000, failures: failures + lost })}\n`,
);
