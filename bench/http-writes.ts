/**
 * The HTTP write figures alone, for iterating on the write path (`npm run build` first, then
 * `node dist/bench/http-writes.js`): a log of BENCH_HTTP_HISTORY events of history (10,000 by default),
 * short and long streams seeded as http.bench.ts does, one run of each beside the bare node:http POST,
 * then BENCH_SUSTAINED_SECONDS of writes with the server's RSS (0: none). BENCH_CPU_PROF profiles it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store.js';
import { seedAssignments } from './fixtures.js';
import { bare, caughtUp, job, LONG, longIds, rssSampler, SHORT, shortIds, writePaths } from './http.bench.js';
import { failureKinds, fmt, load, median, type HttpRun } from './measure.js';
import { fill } from './replay.bench.js';
import { startServer } from './server-process.js';

const HISTORY = Number(process.env.BENCH_HTTP_HISTORY ?? 10_000);
const SUSTAINED = Number(process.env.BENCH_SUSTAINED_SECONDS ?? 0);
const KEY = 'bench-hr-key';
const describe = (run: HttpRun): string =>
  `${fmt(run.rate)}/s, p50 ${run.p50.toFixed(1)} ms, p99 ${run.p99.toFixed(1)} ms, ${run.failures} failed${run.failures > 0 ? ` (${failureKinds(run)})` : ''}`;
const load1 = () => loadavg()[0]!.toFixed(2);

const dir = mkdtempSync(join(tmpdir(), 'ledger-bench-writes-'));
try {
  const path = join(dir, 'ledger.sqlite');
  const store = new SqliteEventStore(path);
  let head: number;
  try {
    await fill(store, HISTORY);
    await seedAssignments(store, shortIds(0), SHORT.events);
    await seedAssignments(store, longIds(0), LONG.events);
    await seedAssignments(store, shortIds(1), SHORT.events);
    head = await store.headPosition();
  } finally {
    await store.close();
  }
  const server = await startServer({
    LEDGER_STORE_URL: `sqlite:${path}`,
    LEDGER_API_KEYS: `hr=${KEY}`,
    LEDGER_DATA_DIR: dir,
  });
  try {
    await caughtUp(server, head);
    console.log(`writes: ${fmt(head)} events stored, RSS ${server.rssMb().toFixed(0)} MB, load ${load1()}`);
    await load({ ...job(server.url, writePaths(shortIds(1)), true, 3), warmupSeconds: 0 });
    const short = await load(job(server.url, writePaths(shortIds(0)), true));
    console.log(`short (${SHORT.events} events): ${describe(short)}, load ${load1()}`);
    const long = await load(job(server.url, writePaths(longIds(0)), true));
    console.log(`long (${LONG.events} events): ${describe(long)}, load ${load1()}`);
    const bareRun = await bare(201, '{"revision":10}', (url) => load(job(url, ['/'], true)));
    console.log(`bare node:http POST: ${describe(bareRun)}, load ${load1()}`);
    console.log(
      `ratios: short/bare ${((short.rate / bareRun.rate) * 100).toFixed(1)}%, long/short ${((long.rate / short.rate) * 100).toFixed(0)}%, RSS ${server.rssMb().toFixed(0)} MB`,
    );
    if (SUSTAINED > 0) {
      const sampler = rssSampler(server);
      const startMb = server.rssMb();
      const run = await load({
        ...job(server.url, writePaths(shortIds(1)), true, SUSTAINED),
        warmupSeconds: 0,
      });
      const samples = sampler.stop();
      console.log(
        `sustained ${SUSTAINED} s: ${describe(run)}; RSS ${startMb.toFixed(0)} -> ${server.rssMb().toFixed(0)} MB (max ${Math.max(...samples).toFixed(0)}, median ${median(samples).toFixed(0)}), load ${load1()}`,
      );
    }
  } finally {
    await server.stop();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
