import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewEvent } from '../src/event-store/event-store.port.js';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store.js';

/** Event store figures on a file store with synchronous=FULL: what an acknowledged append costs. */

const event = (i: number): NewEvent => ({
  eventId: randomUUID(),
  type: 'ExpenseClaimed',
  data: {
    expenseId: `exp-${i}`,
    category: 'housing',
    amount: { amount: '1234.56', currency: 'EUR' },
    incurredOn: '2025-03-01',
  },
  metadata: { actor: 'bench', commandId: randomUUID(), correlationId: randomUUID() },
});

const perSecond = (events: number, startedAt: bigint): number =>
  events / (Number(process.hrtime.bigint() - startedAt) / 1e9);

const format = (rate: number): string => `${Math.round(rate).toLocaleString('en-US')} events/s`;

/** The disk and CPU of a shared box wander: report the median of a few runs, and their spread. */
const medianOf = async (runs: number, measure: (run: number) => Promise<number>): Promise<string> => {
  const rates: number[] = [];
  for (let run = 0; run < runs; run += 1) rates.push(await measure(run));
  rates.sort((a, b) => a - b);
  const median = rates[Math.floor(rates.length / 2)]!;
  const spread = `${Math.round(rates[0]!).toLocaleString('en-US')}-${Math.round(rates[rates.length - 1]!).toLocaleString('en-US')}`;
  return `${format(median)} (median of ${runs}, ${spread})`;
};

const concurrentSingleEventAppends = async (
  path: string,
  writers: number,
  perWriter: number,
): Promise<number> => {
  const store = new SqliteEventStore(path);
  try {
    const writer = async (w: number): Promise<void> => {
      for (let i = 0; i < perWriter; i += 1) {
        await store.appendToStream(`assignment-w${w}`, [event(i)], {
          expectedRevision: i === 0 ? 'no_stream' : i - 1,
        });
      }
    };
    const startedAt = process.hrtime.bigint();
    await Promise.all(Array.from({ length: writers }, (_, w) => writer(w)));
    return perSecond(writers * perWriter, startedAt);
  } finally {
    await store.close();
  }
};

const sequentialReadAll = async (path: string, total: number, pageSize: number): Promise<number> => {
  const store = new SqliteEventStore(path);
  try {
    const perAppend = 500;
    const appends = Array.from({ length: total / perAppend }, (_, s) =>
      store.appendToStream(
        `assignment-${s}`,
        Array.from({ length: perAppend }, (_, i) => event(i)),
        {
          expectedRevision: 'no_stream',
        },
      ),
    );
    await Promise.all(appends);
    const startedAt = process.hrtime.bigint();
    let after = 0;
    let read = 0;
    for (;;) {
      const page = await store.readAll({ after, limit: pageSize });
      if (page.length === 0) break;
      read += page.length;
      after = page[page.length - 1]!.position;
    }
    if (read !== total) throw new Error(`read ${read} events, expected ${total}`);
    return perSecond(read, startedAt);
  } finally {
    await store.close();
  }
};

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-bench-'));
  const file = (name: string): string => join(dir, `${name}.sqlite`);
  try {
    console.log(
      `event-store: file store in ${tmpdir()}, synchronous=FULL, ${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(1)}`,
    );
    await concurrentSingleEventAppends(file('warm-up'), 64, 50);
    const grouped = await medianOf(3, (run) => concurrentSingleEventAppends(file(`grouped-${run}`), 64, 500));
    console.log(`append.single-event.64-writers.durable: ${grouped}`);
    const baseline = await medianOf(3, (run) =>
      concurrentSingleEventAppends(file(`baseline-${run}`), 1, 1000),
    );
    console.log(`append.single-event.1-writer-sequential.durable (one fsync per append): ${baseline}`);
    const reads = await medianOf(1, () => sequentialReadAll(file('read'), 200_000, 1000));
    console.log(`read-all.sequential.200k-events.pages-of-1000: ${reads}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
