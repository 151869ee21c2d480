import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { loadConfig } from '../src/config/ledger-config.js';
import { createHttpApp, listen } from '../src/http/bootstrap.js';
import { RecordAssignmentEvent } from '../src/application/commands/record-assignment-event.command.js';
import { GetEntitlements } from '../src/application/queries/assignment.queries.js';
import { requestHashOf } from '../src/application/ids.js';
import { letterStory } from '../src/demo/letter-story.js';
import { ProjectionRunner } from '../src/read-models/projection-runner.js';

/**
 * Entitlements query latency at 64 concurrent clients, on a ledger holding the letter's story for many
 * assignments: over HTTP (load from another process, autocannon, after a warm-up), in-process through
 * the query bus (the ledger's own cost), and a bare node:http server answering the same bytes (what this
 * machine's loopback allows).
 */
const ASSIGNMENTS = 500;
const CLIENTS = 64;
const REQUESTS = 20_000;
const LOAD_SECONDS = 10;
const WARMUP_SECONDS = 3;
const HTTP_RUNS = 3;
const KEY = 'bench-hr-key';

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

const report = (name: string, latencies: number[], seconds: number): void => {
  latencies.sort((a, b) => a - b);
  console.log(
    `${name}: p50 ${percentile(latencies, 0.5).toFixed(2)} ms, p99 ${percentile(latencies, 0.99).toFixed(2)} ms, ` +
      `${Math.round(latencies.length / seconds).toLocaleString('en-US')} requests/s`,
  );
};

const LOAD_CLIENT = fileURLToPath(new URL('./http-load-client.js', import.meta.url));

/** Runs the load in a second process, so client and server never share an event loop or a heap. */
const load = (url: string, paths: string[]) =>
  new Promise<{ latencies: number[]; seconds: number }>((resolve, reject) => {
    const job = {
      url,
      key: KEY,
      clients: CLIENTS,
      seconds: LOAD_SECONDS,
      warmupSeconds: WARMUP_SECONDS,
      paths,
    };
    const child = execFile(
      process.execPath,
      [LOAD_CLIENT],
      { maxBuffer: 256 * 1024 * 1024 },
      (error, stdout) => {
        if (error) return reject(error);
        const run = JSON.parse(stdout) as { latencies: number[]; seconds: number; failures: number };
        if (run.failures > 0) return reject(new Error(`${run.failures} answers were not 200 OK`));
        resolve(run);
      },
    );
    child.stdin!.end(JSON.stringify(job));
  });

const bareHttpBaseline = async (body: string) => {
  const server = http.createServer((_, res) => res.setHeader('content-type', 'application/json').end(body));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as { port: number };
    const run = await load(`http://127.0.0.1:${port}`, ['/']);
    report(`query.bare-node-http-baseline.${CLIENTS}-clients`, run.latencies, run.seconds);
  } finally {
    server.close();
  }
};

export const run = async (): Promise<void> => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-bench-query-'));
  const config = loadConfig({
    LEDGER_STORE_URL: `sqlite:${join(dir, 'ledger.sqlite')}`,
    LEDGER_API_KEYS: `hr=${KEY}`,
    // One key drives the whole load, far past any per-key budget.
    LEDGER_RATE_LIMIT_PER_MINUTE: '0',
  });
  const app = await createHttpApp(config, { logLevels: ['error'] });
  try {
    const url = await listen(app, 0, '127.0.0.1');
    const commands = app.get(CommandBus);
    let position = 0;
    for (let a = 0; a < ASSIGNMENTS; a++) {
      const id = `bench-${a}`;
      for (const [i, step] of letterStory(id).entries()) {
        const result = await commands.execute(
          new RecordAssignmentEvent(id, step.command, {
            actor: 'bench',
            commandId: `${id}-${i}`,
            requestHash: requestHashOf('bench', step.command),
            correlationId: id,
          }),
        );
        position = result.position;
      }
    }
    await app.get(ProjectionRunner).waitFor(position, 60_000);
    console.log(`query: ${position.toLocaleString('en-US')} events in ${ASSIGNMENTS} assignments`);

    // Every request a different (assignment, asOf): no answer is served from the cache twice in a row.
    const dates = ['2005-03-31', '2005-06-30', '2005-09-30', '2005-12-31', '2006-01-01', '2006-04-30'];
    const paths = Array.from(
      { length: ASSIGNMENTS * dates.length },
      (_, i) =>
        `/assignments/bench-${i % ASSIGNMENTS}/entitlements?asOf=${dates[Math.floor(i / ASSIGNMENTS)]}`,
    );
    // A shared machine wanders: three runs, the one with the median p99 reported, with the spread.
    const runs: { p50: number; p99: number; rate: number }[] = [];
    for (let run = 0; run < HTTP_RUNS; run++) {
      const { latencies, seconds } = await load(url, paths);
      latencies.sort((a, b) => a - b);
      runs.push({
        p50: percentile(latencies, 0.5),
        p99: percentile(latencies, 0.99),
        rate: latencies.length / seconds,
      });
    }
    runs.sort((a, b) => a.p99 - b.p99);
    const median = runs[Math.floor(runs.length / 2)]!;
    console.log(
      `query.entitlements.http.${CLIENTS}-clients: p50 ${median.p50.toFixed(2)} ms, p99 ${median.p99.toFixed(2)} ms, ` +
        `${Math.round(median.rate).toLocaleString('en-US')} requests/s (median of ${HTTP_RUNS} by p99; p99 ` +
        `${runs[0]!.p99.toFixed(2)}-${runs.at(-1)!.p99.toFixed(2)} ms; target p99 < 10 ms)`,
    );

    const queries = app.get(QueryBus);
    const latencies: number[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (next < REQUESTS) {
          const n = next++;
          const t = performance.now();
          await queries.execute(new GetEntitlements(`bench-${n % ASSIGNMENTS}`, dates[n % dates.length]!));
          latencies.push(performance.now() - t);
        }
      }),
    );
    report(
      `query.entitlements.in-process.${CLIENTS}-clients`,
      latencies,
      (performance.now() - started) / 1000,
    );

    const sample = await queries.execute(new GetEntitlements('bench-0', '2005-12-31'));
    await bareHttpBaseline(JSON.stringify(sample));
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
};
