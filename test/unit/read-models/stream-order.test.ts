import { afterEach, describe, expect, it } from '@jest/globals';
import type { EventStore } from '../../../src/event-store/event-store.port.js';
import {
  SqliteEventStore,
  type RebuildEvent,
  type StreamOrderedRange,
} from '../../../src/event-store/sqlite/sqlite-event-store.js';
import { appendEvents, HistoryBuilder, memoryStore } from './fixtures.js';

/** The reads a stream-by-stream rebuild makes (stream-rebuild.ts): every event once, each stream whole. */
describe('reading the log in stream order', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  const setUp = async (): Promise<SqliteEventStore> => {
    const store: EventStore = await memoryStore();
    cleanups.push(() => store.close());
    await appendEvents(store, new HistoryBuilder(23), 900);
    // A stream of another category, whose events no assignment projection keys.
    for (let i = 0; i < 5; i++) {
      await store.appendToStream(
        'webhook-x',
        [
          {
            eventId: `0000feed-0000-4000-9000-00000000000${i}`,
            type: 'WebhookRegistered',
            data: { i },
            metadata: { actor: 'a', commandId: `c${i}`, correlationId: `k${i}` },
          },
        ],
        { expectedRevision: 'any' },
      );
      await appendEvents(store, new HistoryBuilder(23, '0000b0b0'), 20);
    }
    return store as SqliteEventStore;
  };

  const readRun = (store: SqliteEventStore, range: StreamOrderedRange, pageSize: number) => {
    const out: RebuildEvent[] = [];
    for (;;) {
      const page = store.readStreamOrdered(range, pageSize);
      out.push(...page);
      if (page.length < pageSize) return out;
      range.afterStream = page.at(-1)!.streamId;
      range.afterRevision = page.at(-1)!.revision;
    }
  };

  it('cuts the streams into runs that together hold every event up to a position once, stream by stream', async () => {
    const store = await setUp();
    const head = await store.headPosition();
    const upTo = head - 37;
    const points = store.streamSplitPoints(5, upTo);
    expect(points.length).toBeGreaterThan(1);
    expect(points.length).toBeLessThanOrEqual(4);
    expect(new Set(points).size).toBe(points.length);
    expect([...points].sort()).toEqual(points);

    const runs = [...points, null].map((beforeStream, i) =>
      readRun(
        store,
        { afterStream: i === 0 ? '' : points[i - 1]!, afterRevision: -1, beforeStream, upTo },
        7,
      ),
    );
    const all = runs.flat();
    const expected = await store.readAll({ limit: upTo });
    expect(all).toHaveLength(upTo);
    expect(new Set(all.map((e) => e.position)).size).toBe(upTo);
    // Each run is whole streams in order; each stream in revision (and position) order.
    const runOf = new Map<string, number>();
    runs.forEach((run, i) => {
      for (const e of run) {
        expect(runOf.get(e.streamId) ?? i).toBe(i);
        runOf.set(e.streamId, i);
      }
      const keys = run.map((e) => [e.streamId, e.revision, e.position] as const);
      for (let k = 1; k < keys.length; k++) {
        const [s0, r0, p0] = keys[k - 1]!;
        const [s1, r1, p1] = keys[k]!;
        expect(s0 < s1 || (s0 === s1 && r0 < r1 && p0 < p1)).toBe(true);
      }
    });
    // The same events as readAll gives (but the hash, which a rebuild does not need).
    const byPosition = new Map(all.map((e) => [e.position, e]));
    for (const { hash: _hash, ...event } of expected) expect(byPosition.get(event.position)).toEqual(event);
  });

  it('has no split points for one part or an empty log', async () => {
    const store = (await memoryStore()) as SqliteEventStore;
    cleanups.push(() => store.close());
    expect(store.streamSplitPoints(4, 0)).toEqual([]);
    await appendEvents(store, new HistoryBuilder(1), 10);
    expect(store.streamSplitPoints(1, 10)).toEqual([]);
    // One stream: nothing to cut.
    expect(store.streamSplitPoints(4, 10)).toEqual([]);
  });
});
