import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NewEvent } from '../src/event-store/event-store.port.js';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store.js';
import { CLAIM_BODY } from './fixtures.js';
import { fmt, medianOf } from './measure.js';
import { addRow, record, say } from './report.js';

/**
 * Figures 1 and 7: durable appends on a file store with synchronous=FULL, beside one fsync per append;
 * and the same appends and stream reads on Emmett's SQLite event store, in its own process.
 */

const WRITERS = 64;
const STREAM_EVENTS = 1000;
const STREAM_READS = 20;

const event = (i: number): NewEvent => ({
  eventId: randomUUID(),
  type: 'ExpenseClaimed',
  data: { ...CLAIM_BODY, expenseId: `exp-${i}` },
  metadata: { actor: 'bench', commandId: randomUUID(), correlationId: randomUUID() },
});

const perSecond = (events: number, startedAt: number): number =>
  events / ((performance.now() - startedAt) / 1000);

const concurrentSingleEventAppends = async (
  path: string,
  writers: number,
  perWriter: number,
): Promise<{ rate: number; errors: number }> => {
  const store = new SqliteEventStore(path);
  let errors = 0;
  try {
    const writer = async (w: number): Promise<void> => {
      for (let i = 0; i < perWriter; i += 1) {
        try {
          await store.appendToStream(`assignment-w${w}`, [event(i)], {
            expectedRevision: i === 0 ? 'no_stream' : i - 1,
          });
        } catch {
          errors += 1;
        }
      }
    };
    const startedAt = performance.now();
    await Promise.all(Array.from({ length: writers }, (_, w) => writer(w)));
    return { rate: perSecond(writers * perWriter - errors, startedAt), errors };
  } finally {
    await store.close();
  }
};

/** Reads of one stream of STREAM_EVENTS events, one after the other: events read per second. */
const streamReads = async (path: string): Promise<number> => {
  const store = new SqliteEventStore(path);
  try {
    const events = Array.from({ length: STREAM_EVENTS }, (_, i) => event(i));
    await store.appendToStream('assignment-long', events, { expectedRevision: 'no_stream' });
    const startedAt = performance.now();
    for (let r = 0; r < STREAM_READS; r++) {
      const read = await store.readStream('assignment-long');
      if (read.length !== STREAM_EVENTS) throw new Error(`read ${read.length} events`);
    }
    return perSecond(STREAM_READS * STREAM_EVENTS, startedAt);
  } finally {
    await store.close();
  }
};

interface PeerResult {
  ok: number;
  errors: Record<string, number>;
  seconds: number;
  rate: number;
  reads: number;
}

const PEER = fileURLToPath(new URL('./emmett-peer.js', import.meta.url));

const peer = (file: string, writers: number, seconds: number) =>
  new Promise<PeerResult>((resolve, reject) => {
    const job = { file, writers, seconds, streamEvents: STREAM_EVENTS, reads: STREAM_READS };
    execFile(
      process.execPath,
      [PEER, JSON.stringify(job)],
      { maxBuffer: 64 * 1024 * 1024 },
      (error, stdout) => {
        if (error) return reject(error);
        const line = stdout.trim().split('\n').at(-1)!;
        resolve((JSON.parse(line) as { emmett: PeerResult }).emmett);
      },
    );
  });

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-bench-'));
  const file = (name: string): string => join(dir, `${name}.sqlite`);
  try {
    say(
      `event-store: file store in ${tmpdir()}, synchronous=FULL, ${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(1)}`,
    );
    await concurrentSingleEventAppends(file('warm-up'), WRITERS, 50);
    let ourErrors = 0;
    const grouped = await medianOf(3, async (r) => {
      const run = await concurrentSingleEventAppends(file(`grouped-${r}`), WRITERS, 500);
      ourErrors += run.errors;
      return run.rate;
    });
    const fsync = await medianOf(
      3,
      async (r) => (await concurrentSingleEventAppends(file(`baseline-${r}`), 1, 1000)).rate,
    );
    say(
      `append.single-event.64-writers.durable: ${fmt(grouped.median)} events/s (median of 3, ${fmt(grouped.min)}-${fmt(grouped.max)}; ${ourErrors} errors)`,
    );
    say(
      `append.single-event.1-writer-sequential.durable (one fsync per append): ${fmt(fsync.median)} events/s (median of 3, ${fmt(fsync.min)}-${fmt(fsync.max)})`,
    );
    const appendRatio = grouped.median / fsync.median;
    addRow({
      figure: '1. durable single-event appends, 64 writers',
      ours: `${fmt(grouped.median)}/s`,
      yardstick: `one fsync per append ${fmt(fsync.median)}/s`,
      ratio: `${appendRatio.toFixed(1)}x`,
      target: '>= 6x',
      met: appendRatio >= 6,
    });
    record('appends', {
      perSecond: grouped.median,
      spread: [grouped.min, grouped.max],
      errors: ourErrors,
      oneFsyncPerSecond: fsync.median,
      ratio: appendRatio,
    });

    const ours = await medianOf(3, (r) => streamReads(file(`stream-${r}`)));
    const theirs = await peer(file('emmett'), WRITERS, 5);
    const theirErrors = Object.values(theirs.errors).reduce((a, b) => a + b, 0);
    const theirBest = await peer(file('emmett-1'), 1, 3);
    say(
      `emmett-sqlite 0.38.5, 64 writers: ${fmt(theirs.rate, 1)} appends/s, ${theirs.ok} stored, ${theirErrors} failed (${JSON.stringify(theirs.errors)}) in ${theirs.seconds.toFixed(1)} s; one writer: ${fmt(theirBest.rate)}/s, ${Object.values(theirBest.errors).reduce((a, b) => a + b, 0)} failed`,
    );
    say(
      `stream reads of ${STREAM_EVENTS} events: ours ${fmt(ours.median)} events/s (median of 3), emmett ${fmt(theirs.reads)} events/s (median of 3)`,
    );
    const appendsVsPeer = grouped.median / Math.max(theirs.rate, 1e-9);
    addRow({
      figure: '7a. appends vs Emmett SQLite, 64 writers',
      ours: `${fmt(grouped.median)}/s, ${ourErrors} errors`,
      yardstick: `Emmett ${fmt(theirs.rate, 1)}/s, ${theirErrors} of ${theirs.ok + theirErrors} failed (1 writer: ${fmt(theirBest.rate)}/s)`,
      ratio: `${fmt(appendsVsPeer)}x`,
      target: '>= 50x, 0 errors of ours',
      met: appendsVsPeer >= 50 && ourErrors === 0,
    });
    const readsVsPeer = ours.median / theirs.reads;
    addRow({
      figure: `7b. stream reads vs Emmett (${STREAM_EVENTS}-event stream)`,
      ours: `${fmt(ours.median)} events/s`,
      yardstick: `Emmett ${fmt(theirs.reads)} events/s`,
      ratio: `${readsVsPeer.toFixed(1)}x`,
      target: '>= 3x',
      met: readsVsPeer >= 3,
    });
    record('emmett', {
      version: '0.38.5',
      appends64: {
        perSecond: theirs.rate,
        stored: theirs.ok,
        errors: theirs.errors,
        seconds: theirs.seconds,
      },
      appends1: { perSecond: theirBest.rate, errors: theirBest.errors },
      streamReadsPerSecond: theirs.reads,
      oursStreamReadsPerSecond: ours.median,
      appendsRatio: appendsVsPeer,
      readsRatio: readsVsPeer,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
