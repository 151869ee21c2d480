/**
 * The peer: Emmett's SQLite event store (@event-driven-io/emmett-sqlite 0.38.5) on the same workload as
 * ours, run as its own process (`node dist/bench/emmett-peer.js '<job as JSON>'`): its driver prints
 * every failed statement, and the bench keeps only the result, the last line, one JSON object.
 */
import { getSQLiteEventStore } from '@event-driven-io/emmett-sqlite';
import { CLAIM_BODY } from './fixtures.js';

interface PeerJob {
  file: string;
  writers: number;
  /** Each writer starts appends until this many seconds have passed (a failing append can take long). */
  seconds: number;
  streamEvents: number;
  reads: number;
}

const job = JSON.parse(process.argv[2]!) as PeerJob;
const claim = (i: number) => ({ type: 'ExpenseClaimed', data: { ...CLAIM_BODY, expenseId: `exp-${i}` } });

/** Each writer its own store (its own connection), as concurrent requests or processes would have. */
const appends = async (): Promise<{ ok: number; errors: Record<string, number>; seconds: number }> => {
  const errors: Record<string, number> = {};
  let ok = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: job.writers }, async (_, w) => {
      const store = getSQLiteEventStore({ fileName: job.file });
      for (let i = 0; performance.now() - started < job.seconds * 1000; i++) {
        try {
          await store.appendToStream(`assignment-w${w}`, [claim(i)]);
          ok += 1;
        } catch (error) {
          const code = (error as { code?: string }).code ?? (error as Error).name;
          errors[code] = (errors[code] ?? 0) + 1;
        }
      }
    }),
  );
  return { ok, errors, seconds: (performance.now() - started) / 1000 };
};

/** Reads of one stream of `streamEvents` events, one after the other: events read per second (median of 3). */
const streamReads = async (): Promise<number> => {
  const store = getSQLiteEventStore({ fileName: job.file });
  const events = Array.from({ length: job.streamEvents }, (_, i) => claim(i));
  for (let from = 0; from < events.length; from += 500) {
    await store.appendToStream('assignment-long', events.slice(from, from + 500));
  }
  const rates: number[] = [];
  for (let round = 0; round < 3; round++) {
    const started = performance.now();
    for (let r = 0; r < job.reads; r++) {
      const read = await store.readStream('assignment-long');
      if (read.events.length !== job.streamEvents) throw new Error(`read ${read.events.length} events`);
    }
    rates.push((job.reads * job.streamEvents) / ((performance.now() - started) / 1000));
  }
  return rates.sort((a, b) => a - b)[1]!;
};

const reads = await streamReads();
const written = await appends();
process.stdout.write(
  `\n${JSON.stringify({ emmett: { ...written, rate: written.ok / written.seconds, reads } })}\n`,
);
