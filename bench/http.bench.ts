import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store.js';
import { CLAIM_BODY, seedAssignments } from './fixtures.js';
import { failureKinds, fmt, load, median, medianRun, type HttpRun, type LoadJob } from './measure.js';
import { addRow, record, say } from './report.js';
import { fill } from './replay.bench.js';
import { startServer, type ServerProcess } from './server-process.js';

/**
 * Figures 2, 4, 5 and 6: the real server in its own process, the load from another (autocannon, 64
 * keep-alive connections), beside a bare node:http server answering the same requests in the same run.
 * - writes: POST an expense claim, on assignments of ~10 events and of ~1,000 (each run its own set,
 *   so every run starts at that length);
 * - reads: entitlements of assignments of the bench's history (~25 events each), a different
 *   (assignment, asOf) each request;
 * - memory: the server's RSS once it holds the log, and while writes go on for 60 s;
 * at two sizes of log: ~10,000 events of history besides the streams written to, and ~1,000,000.
 */

export const KEY = 'bench-hr-key';
const CLIENTS = 64;
const RUNS = 3;
const SECONDS = 4;
const WARMUP = 1;
export const SHORT = { streams: 1000, events: 10 };
export const LONG = { streams: 32, events: 1000 };
const READ_ASSIGNMENTS = 400;
const SUSTAINED_SECONDS = Number(process.env.BENCH_SUSTAINED_SECONDS ?? 60);
const DATES = ['2005-03-31', '2005-06-30', '2005-09-30', '2005-12-31', '2006-01-01', '2006-04-30'];

export const shortIds = (run: number) => Array.from({ length: SHORT.streams }, (_, i) => `short-${run}-${i}`);
export const longIds = (run: number) => Array.from({ length: LONG.streams }, (_, i) => `long-${run}-${i}`);
export const writePaths = (ids: string[]) => ids.map((id) => `/assignments/${id}/expenses`);
const CLAIM = JSON.stringify(CLAIM_BODY);

export const job = (url: string, paths: string[], write: boolean, seconds = SECONDS): LoadJob => ({
  url,
  key: KEY,
  clients: CLIENTS,
  seconds,
  warmupSeconds: WARMUP,
  paths,
  ...(write ? { body: CLAIM, status: 201 } : {}),
});

const BARE_SERVER = fileURLToPath(new URL('./bare-server.js', import.meta.url));

/** A bare node:http server answering every request with `body`, in a process of its own (bare-server.ts). */
export const bare = async <T>(status: number, body: string, use: (url: string) => Promise<T>): Promise<T> => {
  const child = spawn(process.execPath, [BARE_SERVER], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.stdin!.end(JSON.stringify({ status, body }));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8');
        if (out.includes('\n')) resolve(out.trim());
      });
      child.once('exit', (code) => reject(new Error(`the bare server exited (${code}) before listening`)));
    });
    return await use(url);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
};

export const fetchJson = async (url: string, path: string): Promise<{ status: number; body: unknown }> => {
  const reply = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${KEY}` } });
  return { status: reply.status, body: await reply.json() };
};

/** Waits until the server's read models have applied everything up to `head`. */
export const caughtUp = async (server: ServerProcess, head: number): Promise<void> => {
  for (const started = Date.now(); Date.now() - started < 300_000;) {
    const { body } = await fetchJson(server.url, '/health');
    const readModels = (body as { details?: { readModels?: { position?: number; lag?: number } } }).details
      ?.readModels;
    if (readModels && (readModels.position ?? 0) >= head && readModels.lag === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('the server did not catch up');
};

const describeRun = (run: HttpRun & { spread: string }): string =>
  `${fmt(run.rate)}/s, p50 ${run.p50.toFixed(1)} ms, p99 ${run.p99.toFixed(1)} ms (median of ${RUNS}, ${run.spread})` +
  (run.failures > 0 ? `, ${run.failures} requests failed (${failureKinds(run)})` : '');

/** ", N failed" when some requests of the runs failed (counted against the target). */
const failed = (run: HttpRun): string =>
  run.failures > 0 ? `, **${run.failures} failed** (${failureKinds(run)})` : '';

export const rssSampler = (server: ServerProcess) => {
  const samples: number[] = [];
  const timer = setInterval(() => samples.push(server.rssMb()), 1000);
  return {
    stop: () => {
      clearInterval(timer);
      return samples;
    },
  };
};

interface ScaleFigures {
  events: number;
  writesShort: HttpRun & { spread: string };
  writesLong: HttpRun & { spread: string };
  reads: HttpRun & { spread: string };
  bareWrites: HttpRun & { spread: string };
  bareReads: HttpRun & { spread: string };
  rssMb: number;
  sustained?: { startMb: number; endMb: number; maxMb: number; writes: number; p99: number };
}

/** Every figure at one size of log: `storePath` already holds `history` events of the bench's history. */
const atScale = async (
  label: string,
  storePath: string,
  history: number,
  sustain: boolean,
): Promise<ScaleFigures> => {
  const store = new SqliteEventStore(storePath);
  let head: number;
  const readIds = new Set<string>();
  try {
    // The assignments read are the first of the history (the same ones at both sizes).
    for (const event of await store.readAll({ limit: 20_000 })) {
      if (readIds.size < READ_ASSIGNMENTS) readIds.add(event.streamId.slice('assignment-'.length));
    }
    for (let run = 0; run < RUNS; run++) {
      await seedAssignments(store, shortIds(run), SHORT.events);
      await seedAssignments(store, longIds(run), LONG.events);
    }
    await seedAssignments(store, shortIds(RUNS), SHORT.events);
    head = await store.headPosition();
  } finally {
    await store.close();
  }
  const server = await startServer({
    LEDGER_STORE_URL: `sqlite:${storePath}`,
    LEDGER_API_KEYS: `hr=${KEY}`,
    LEDGER_DATA_DIR: dirname(storePath),
  });
  try {
    await caughtUp(server, head);
    const rssMb = server.rssMb();
    say(
      `http.${label}: ${fmt(head)} events stored (${fmt(history)} of history), server RSS ${rssMb.toFixed(0)} MB once caught up`,
    );

    const ids = [...readIds];
    const readPaths = Array.from(
      { length: ids.length * DATES.length },
      (_, i) => `/assignments/${ids[i % ids.length]}/entitlements?asOf=${DATES[Math.floor(i / ids.length)]}`,
    );
    const sample = await fetchJson(server.url, readPaths[0]!);
    if (sample.status !== 200)
      throw new Error(`${readPaths[0]} answered ${sample.status} ${JSON.stringify(sample.body)}`);

    const short: HttpRun[] = [];
    const long: HttpRun[] = [];
    const reads: HttpRun[] = [];
    // Reads first, on the server as it started: the writes leave it with far more in memory.
    for (let run = 0; run < RUNS; run++) reads.push(await load(job(server.url, readPaths, false)));
    // Writes to assignments of their own first, not counted: the first writes after a start read the
    // log's and the read models' index pages from disk, which on a 1,000,000-event file took seconds.
    await load({ ...job(server.url, writePaths(shortIds(RUNS)), true, 3), warmupSeconds: 0 });
    for (let run = 0; run < RUNS; run++) {
      short.push(await load(job(server.url, writePaths(shortIds(run)), true)));
      long.push(await load(job(server.url, writePaths(longIds(run)), true)));
    }
    const answer = JSON.stringify({
      assignmentId: 'bare',
      revision: 10,
      position: head,
      events: [{ eventId: 'e', type: 'ExpenseClaimed' }],
    });
    const bareWrites = await bare(201, answer, async (url) => {
      const runs: HttpRun[] = [];
      for (let run = 0; run < RUNS; run++) runs.push(await load(job(url, ['/'], true)));
      return medianRun(runs, 'rate');
    });
    const bareReads = await bare(200, JSON.stringify(sample.body), async (url) => {
      const runs: HttpRun[] = [];
      for (let run = 0; run < RUNS; run++) runs.push(await load(job(url, ['/'], false)));
      return medianRun(runs, 'p99');
    });
    const figures: ScaleFigures = {
      events: head,
      writesShort: medianRun(short, 'rate'),
      writesLong: medianRun(long, 'rate'),
      reads: medianRun(reads, 'p99'),
      bareWrites,
      bareReads,
      rssMb,
    };
    say(`http.${label}.writes, streams of ${SHORT.events} events: ${describeRun(figures.writesShort)}`);
    say(`http.${label}.writes, streams of ${LONG.events} events: ${describeRun(figures.writesLong)}`);
    say(`http.${label}.bare-node-http POST (yardstick): ${describeRun(figures.bareWrites)}`);
    say(`http.${label}.entitlements: ${describeRun(figures.reads)}`);
    say(`http.${label}.bare-node-http GET (yardstick): ${describeRun(figures.bareReads)}`);

    if (sustain) {
      const sampler = rssSampler(server);
      const startMb = server.rssMb();
      const run = await load({
        ...job(server.url, writePaths(shortIds(RUNS)), true, SUSTAINED_SECONDS),
        warmupSeconds: 0,
      });
      const samples = sampler.stop();
      const endMb = server.rssMb();
      figures.sustained = {
        startMb,
        endMb,
        maxMb: Math.max(startMb, ...samples),
        writes: run.rate,
        p99: run.p99,
      };
      say(
        `http.${label}.sustained ${SUSTAINED_SECONDS} s of writes (${fmt(run.rate)}/s, p99 ${run.p99.toFixed(0)} ms): RSS ${startMb.toFixed(0)} -> ${endMb.toFixed(0)} MB (max ${figures.sustained.maxMb.toFixed(0)}, median ${median(samples).toFixed(0)})`,
      );
    }
    return figures;
  } finally {
    await server.stop();
  }
};

const ratioRow = (
  figure: string,
  ours: HttpRun,
  yardstick: number,
  target: number,
  yardText: string,
): void => {
  const ratio = ours.rate / yardstick;
  addRow({
    figure,
    ours: `${fmt(ours.rate)}/s, p99 ${ours.p99.toFixed(0)} ms${failed(ours)}`,
    yardstick: yardText,
    ratio: `${(ratio * 100).toFixed(0)}%`,
    target: `>= ${target * 100}%`,
    met: ratio >= target && ours.failures === 0,
  });
};

const rows = (label: string, f: ScaleFigures): void => {
  const at = `at ${fmt(f.events)} events`;
  ratioRow(
    `2. HTTP writes, streams of ~${SHORT.events}, ${at}`,
    f.writesShort,
    f.bareWrites.rate,
    0.1,
    `bare node:http POST ${fmt(f.bareWrites.rate)}/s`,
  );
  addRow({
    figure: `2. HTTP write p99, streams of ~${SHORT.events}, ${at}`,
    ours: `${f.writesShort.p99.toFixed(1)} ms`,
    yardstick: `bare p99 ${f.bareWrites.p99.toFixed(1)} ms`,
    ratio: '-',
    target: '< 50 ms',
    met: f.writesShort.p99 < 50,
  });
  ratioRow(
    `2. HTTP writes, streams of ~${LONG.events} vs ~${SHORT.events}, ${at}`,
    f.writesLong,
    f.writesShort.rate,
    0.8,
    `short streams ${fmt(f.writesShort.rate)}/s`,
  );
  const readRatio = f.reads.p99 / f.bareReads.p99;
  addRow({
    figure: `4. entitlements p99, 64 clients, ${at}`,
    ours: `p99 ${f.reads.p99.toFixed(1)} ms, p50 ${f.reads.p50.toFixed(1)}, ${fmt(f.reads.rate)}/s${failed(f.reads)}`,
    yardstick: `bare node:http GET p99 ${f.bareReads.p99.toFixed(1)} ms`,
    ratio: `${readRatio.toFixed(2)}x`,
    target: '<= 1.5x',
    met: readRatio <= 1.5 && f.reads.failures === 0,
  });
  record(`http${label}`, {
    events: f.events,
    writesShort: f.writesShort,
    writesLong: f.writesLong,
    bareWrites: f.bareWrites,
    reads: f.reads,
    bareReads: f.bareReads,
    rssMb: f.rssMb,
    sustained: f.sustained,
  });
};

/**
 * Figures at ~10,000 events of history, then at the 1,000,000 of `bigStorePath`; each server starts with
 * no read models and builds them (a first start), so its memory is what serving the log takes.
 */
export const run = async (bigStorePath: string, bigEvents: number): Promise<void> => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-bench-http-'));
  try {
    const smallPath = join(dir, 'ledger.sqlite');
    const store = new SqliteEventStore(smallPath);
    try {
      await fill(store, 10_000);
    } finally {
      await store.close();
    }
    const small = await atScale('10k', smallPath, 10_000, false);
    const big = await atScale('1M', bigStorePath, bigEvents, true);
    rows('10k', small);
    rows('1M', big);
    const flat = (a: number, b: number) => `${((b / a) * 100).toFixed(0)}%`;
    const flatWrites = big.writesShort.rate / small.writesShort.rate;
    const flatLong = big.writesLong.rate / small.writesLong.rate;
    const flatReads = small.reads.p99 / big.reads.p99;
    addRow({
      figure: '6. 1M vs 10k: writes short / long, reads p99',
      ours: `${flat(small.writesShort.rate, big.writesShort.rate)} / ${flat(small.writesLong.rate, big.writesLong.rate)} / ${big.reads.p99.toFixed(1)} vs ${small.reads.p99.toFixed(1)} ms`,
      yardstick: `bare POST ${flat(small.bareWrites.rate, big.bareWrites.rate)}, bare GET p99 ${big.bareReads.p99.toFixed(1)} vs ${small.bareReads.p99.toFixed(1)} ms`,
      ratio: `${(Math.min(flatWrites, flatLong, flatReads) * 100).toFixed(0)}% worst`,
      target: 'flat (>= 80%)',
      met: Math.min(flatWrites, flatLong, flatReads) >= 0.8,
    });
    const s = big.sustained!;
    addRow({
      figure: `5. server RSS at ${fmt(big.events)} events; after ${SUSTAINED_SECONDS} s of writes`,
      ours: `${big.rssMb.toFixed(0)} MB; ${s.startMb.toFixed(0)} -> ${s.endMb.toFixed(0)} MB (max ${s.maxMb.toFixed(0)}) at ${fmt(s.writes)} writes/s`,
      yardstick: '-',
      ratio: `+${(s.endMb - s.startMb).toFixed(0)} MB`,
      target: '< 300 MB, flat',
      met: big.rssMb < 300 && s.maxMb < 300,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
