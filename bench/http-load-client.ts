/**
 * The HTTP load of the query bench, run as its own process (`node dist/bench/http-load-client.js`, the
 * job as JSON on stdin): autocannon keeps `clients` keep-alive connections each sending GETs back to back, first for a
 * warm-up, then for the measured `seconds`. Prints one JSON line: every measured latency in ms, the
 * duration, and how many answers were not 200 (any is a failure of the bench).
 */
import autocannon from 'autocannon';

interface LoadJob {
  url: string;
  key: string;
  clients: number;
  seconds: number;
  warmupSeconds: number;
  paths: string[];
}

const readStdin = async (): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

const job = JSON.parse(await readStdin()) as LoadJob;

const once = (seconds: number, record?: (ms: number, status: number) => void) =>
  new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: job.url,
        connections: job.clients,
        duration: seconds,
        headers: { authorization: `Bearer ${job.key}` },
        requests: job.paths.map((path) => ({ method: 'GET', path })),
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    if (record) {
      instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) =>
        record(ms, status),
      );
    }
  });

await once(job.warmupSeconds);
const latencies: number[] = [];
let failures = 0;
const started = performance.now();
await once(job.seconds, (ms, status) => {
  if (status === 200) latencies.push(ms);
  else failures += 1;
});
process.stdout.write(
  `${JSON.stringify({ latencies, seconds: (performance.now() - started) / 1000, failures })}\n`,
);
