import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

const rate = (events: number, startedAt: bigint): string => {
  const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
  return `${Math.round(events / seconds).toLocaleString('en-US')} events/s`;
};

const concurrentSingleEventAppends = async (
  path: string,
  writers: number,
  perWriter: number,
): Promise<string> => {
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
    return rate(writers * perWriter, startedAt);
  } finally {
    await store.close();
  }
};

const sequentialReadAll = async (path: string, total: number, pageSize: number): Promise<string> => {
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
    return rate(read, startedAt);
  } finally {
    await store.close();
  }
};

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-bench-'));
  try {
    await concurrentSingleEventAppends(join(dir, 'warm-up.sqlite'), 64, 50);
    const grouped = await concurrentSingleEventAppends(join(dir, 'grouped.sqlite'), 64, 1000);
    console.log(`append.single-event.64-writers.durable: ${grouped}`);
    const baseline = await concurrentSingleEventAppends(join(dir, 'baseline.sqlite'), 1, 3000);
    console.log(`append.single-event.1-writer-sequential.durable (one fsync per append): ${baseline}`);
    const reads = await sequentialReadAll(join(dir, 'read.sqlite'), 200_000, 1000);
    console.log(`read-all.sequential.200k-events.pages-of-1000: ${reads}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
