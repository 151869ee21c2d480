import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import {
  ConcurrencyError,
  DuplicateEventError,
  type EventStore,
  type NewEvent,
  type StoredEvent,
  type Subscription,
} from '../../src/event-store/event-store.port.js';
import { ChainVerifier, eventHash, GENESIS_HASH } from '../../src/event-store/integrity.js';

/**
 * The behaviour every EventStore adapter promises. Each test works in its own category of fresh
 * streams and reads the global log only after the head it saw at its start, so the suite also runs
 * against a shared server that holds other data.
 */
export const describeEventStoreContract = (name: string, factory: () => Promise<EventStore>): void => {
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;

    beforeEach(async () => {
      store = await factory();
    });

    afterEach(async () => {
      await store.close();
    });

    const uid = (): string => randomUUID().replaceAll('-', '').slice(0, 12);
    const newCategory = (): string => `c${uid()}`;

    const event = (
      type = 'Tested',
      data: Record<string, unknown> = {},
      extra: Partial<NewEvent> = {},
    ): NewEvent => ({
      eventId: randomUUID(),
      type,
      data,
      metadata: { actor: 'contract', commandId: randomUUID(), correlationId: randomUUID() },
      ...extra,
    });

    const append = (streamId: string, events: NewEvent[], expectedRevision: 'no_stream' | 'any' | number) =>
      store.appendToStream(streamId, events, { expectedRevision });

    /** Consumes a subscription until n events arrived (or the deadline passed), then closes it. */
    const take = async (
      subscription: Subscription,
      n: number,
      onEach?: (event: StoredEvent, count: number) => void,
      deadlineMs = 15_000,
    ): Promise<StoredEvent[]> => {
      const received: StoredEvent[] = [];
      const deadline = setTimeout(() => void subscription.close(), deadlineMs);
      try {
        for await (const stored of subscription) {
          received.push(stored);
          onEach?.(stored, received.length);
          if (received.length >= n) break;
        }
      } finally {
        clearTimeout(deadline);
        await subscription.close();
      }
      return received;
    };

    const expectIncreasing = (positions: number[]): void => {
      for (let i = 1; i < positions.length; i += 1) expect(positions[i]!).toBeGreaterThan(positions[i - 1]!);
    };

    describe('expected revision', () => {
      it('creates a stream with no_stream and reports revision 0 and its global position', async () => {
        const streamId = `${newCategory()}-1`;
        const first = event('Opened', { n: 1 });
        const result = await append(streamId, [first], 'no_stream');
        expect(result).toMatchObject({ streamId, revision: 0, duplicate: false });
        expect(result.position).toBeGreaterThan(0);
        expect(result.events).toHaveLength(1);
        expect(result.events[0]).toMatchObject({
          streamId,
          eventId: first.eventId,
          revision: 0,
          position: result.position,
        });
        expect(await store.headPosition()).toBeGreaterThanOrEqual(result.position);
      });

      it('rejects no_stream on an existing stream with ConcurrencyError and stores nothing', async () => {
        const streamId = `${newCategory()}-1`;
        await append(streamId, [event()], 'no_stream');
        const error = await append(streamId, [event()], 'no_stream').catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ConcurrencyError);
        expect(error).toMatchObject({ streamId, expected: 'no_stream', actual: 0 });
        expect(await store.readStream(streamId)).toHaveLength(1);
      });

      it('appends at the exact revision and rejects a stale one, storing nothing', async () => {
        const streamId = `${newCategory()}-1`;
        await append(streamId, [event(), event()], 'no_stream');
        const next = await append(streamId, [event()], 1);
        expect(next.revision).toBe(2);
        const error = await append(streamId, [event()], 1).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ConcurrencyError);
        expect(error).toMatchObject({ expected: 1, actual: 2 });
        expect((await store.readStream(streamId)).map((e) => e.revision)).toEqual([0, 1, 2]);
      });

      it('rejects an exact revision on a missing stream, reporting no_stream', async () => {
        const streamId = `${newCategory()}-1`;
        const error = await append(streamId, [event()], 0).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ConcurrencyError);
        expect(error).toMatchObject({ actual: 'no_stream' });
        expect(await store.readStream(streamId)).toEqual([]);
      });

      it('appends with any to a new and to an existing stream', async () => {
        const streamId = `${newCategory()}-1`;
        expect((await append(streamId, [event()], 'any')).revision).toBe(0);
        expect((await append(streamId, [event(), event()], 'any')).revision).toBe(2);
      });

      it('lets exactly one of many racing appends at the same revision win', async () => {
        const streamId = `${newCategory()}-1`;
        await append(streamId, [event()], 'no_stream');
        const outcomes = await Promise.allSettled(
          Array.from({ length: 10 }, () => append(streamId, [event()], 0)),
        );
        const won = outcomes.filter((o) => o.status === 'fulfilled');
        const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(9);
        for (const o of lost) expect(o.reason).toBeInstanceOf(ConcurrencyError);
        expect(await store.readStream(streamId)).toHaveLength(2);
      });

      it('fails only the conflicting append among appends issued together', async () => {
        const category = newCategory();
        await append(`${category}-a`, [event()], 'no_stream');
        const [good, stale, other] = await Promise.allSettled([
          append(`${category}-a`, [event()], 0),
          append(`${category}-a`, [event()], 5),
          append(`${category}-b`, [event()], 'no_stream'),
        ]);
        expect(good.status).toBe('fulfilled');
        expect(stale.status).toBe('rejected');
        expect((stale as PromiseRejectedResult).reason).toBeInstanceOf(ConcurrencyError);
        expect(other.status).toBe('fulfilled');
        expect(await store.readStream(`${category}-a`)).toHaveLength(2);
        expect(await store.readStream(`${category}-b`)).toHaveLength(1);
      });
    });

    describe('idempotent retry', () => {
      it('answers a retried append with the original result, duplicate: true, and stores nothing new', async () => {
        const streamId = `${newCategory()}-1`;
        const events = [event('A', { x: 1 }), event('B', { y: [1, 2] })];
        const original = await append(streamId, events, 'no_stream');
        await append(streamId, [event()], 1);
        // The retry carries the expected revision of the first attempt, now stale.
        const retry = await append(streamId, events, 'no_stream');
        expect(retry.duplicate).toBe(true);
        expect(retry.revision).toBe(original.revision);
        expect(retry.position).toBe(original.position);
        expect(retry.events.map((e) => [e.eventId, e.position, e.hash])).toEqual(
          original.events.map((e) => [e.eventId, e.position, e.hash]),
        );
        expect(await store.readStream(streamId)).toHaveLength(3);
      });

      it('treats data with the same content in another key order as the same event', async () => {
        const streamId = `${newCategory()}-1`;
        const first = event('A', { a: 1, b: { c: 2, d: 3 } });
        await append(streamId, [first], 'no_stream');
        const retry = await append(streamId, [{ ...first, data: { b: { d: 3, c: 2 }, a: 1 } }], 'no_stream');
        expect(retry.duplicate).toBe(true);
      });

      it('rejects an append where only some event ids are already stored, storing nothing', async () => {
        const streamId = `${newCategory()}-1`;
        const first = event();
        await append(streamId, [first], 'no_stream');
        const error = await append(streamId, [first, event()], 'any').catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DuplicateEventError);
        expect(await store.readStream(streamId)).toHaveLength(1);
      });

      it('rejects an event id reused with other content', async () => {
        const streamId = `${newCategory()}-1`;
        const first = event('A', { amount: '10.00' });
        await append(streamId, [first], 'no_stream');
        const error = await append(streamId, [{ ...first, data: { amount: '11.00' } }], 'any').catch(
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(DuplicateEventError);
        const typeChanged = await append(streamId, [{ ...first, type: 'B' }], 'any').catch((e: unknown) => e);
        expect(typeChanged).toBeInstanceOf(DuplicateEventError);
        expect(await store.readStream(streamId)).toHaveLength(1);
      });

      it('rejects the same event id twice in one append', async () => {
        const streamId = `${newCategory()}-1`;
        const twice = event();
        const error = await append(streamId, [twice, twice], 'no_stream').catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DuplicateEventError);
        expect(await store.readStream(streamId)).toEqual([]);
      });

      it('stores events once when the same append is issued twice at the same moment', async () => {
        const streamId = `${newCategory()}-1`;
        const events = [event(), event()];
        const [a, b] = await Promise.all([
          append(streamId, events, 'no_stream'),
          append(streamId, events, 'no_stream'),
        ]);
        expect(a.position).toBe(b.position);
        expect(a.revision).toBe(1);
        expect(b.revision).toBe(1);
        expect(await store.readStream(streamId)).toHaveLength(2);
      });
    });

    describe('stored events', () => {
      it('keeps data and metadata, stamps recordedAt in ISO UTC, and keeps one the caller gave', async () => {
        const streamId = `${newCategory()}-1`;
        const before = Date.now();
        const stamped = event('A', {
          amount: { value: '1234.56', currency: 'EUR' },
          items: [{ n: 1 }, null],
        });
        const imported = event(
          'B',
          {},
          {
            metadata: {
              actor: 'import',
              commandId: 'cmd-1',
              correlationId: 'corr-1',
              causationId: 'cause-1',
              source: 'letter',
              schemaVersion: 2,
              recordedAt: '2019-05-01T08:00:00.000Z',
            },
          },
        );
        await append(streamId, [stamped, imported], 'no_stream');
        const [a, b] = await store.readStream(streamId);
        expect(a!.data).toEqual(stamped.data);
        expect(a!.metadata).toMatchObject(stamped.metadata);
        expect(a!.metadata.recordedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
        expect(Date.parse(a!.metadata.recordedAt)).toBeGreaterThanOrEqual(before - 1000);
        expect(b!.metadata).toEqual(imported.metadata);
        expect(b!.type).toBe('B');
      });

      it('returns from appendToStream exactly what a read returns', async () => {
        const streamId = `${newCategory()}-1`;
        const result = await append(streamId, [event('A', { k: 'v' }), event('B')], 'no_stream');
        expect(await store.readStream(streamId)).toEqual(result.events);
        expect(result.position).toBe(result.events[1]!.position);
      });
    });

    describe('ordering', () => {
      it('gives strictly increasing positions in commit order and contiguous revisions per stream', async () => {
        const category = newCategory();
        const after = await store.headPosition();
        const results = [];
        for (let i = 0; i < 6; i += 1) {
          const streamId = `${category}-${i % 3}`;
          results.push(await append(streamId, [event(), event()], 'any'));
        }
        const all = await store.readAll({ after, category });
        expect(all).toHaveLength(12);
        expectIncreasing(all.map((e) => e.position));
        expect(all.map((e) => e.position)).toEqual(results.flatMap((r) => r.events.map((e) => e.position)));
        for (let s = 0; s < 3; s += 1) {
          expect(all.filter((e) => e.streamId === `${category}-${s}`).map((e) => e.revision)).toEqual([
            0, 1, 2, 3,
          ]);
        }
      });
    });

    describe('readStream', () => {
      it('reads from a revision, at most maxCount, and an unknown stream as empty', async () => {
        const streamId = `${newCategory()}-1`;
        await append(streamId, [event(), event(), event(), event(), event()], 'no_stream');
        expect((await store.readStream(streamId)).map((e) => e.revision)).toEqual([0, 1, 2, 3, 4]);
        expect((await store.readStream(streamId, { fromRevision: 2 })).map((e) => e.revision)).toEqual([
          2, 3, 4,
        ]);
        expect(
          (await store.readStream(streamId, { fromRevision: 1, maxCount: 2 })).map((e) => e.revision),
        ).toEqual([1, 2]);
        expect(await store.readStream(streamId, { fromRevision: 9 })).toEqual([]);
        expect(await store.readStream(`${newCategory()}-missing`)).toEqual([]);
      });
    });

    describe('readAll', () => {
      it('reads after a position (exclusive), up to a limit, by types and by category', async () => {
        const category = newCategory();
        const neighbour = `${category}x`;
        const start = await store.headPosition();
        await append(`${category}-a`, [event('Opened'), event('Noted')], 'no_stream');
        await append(`${neighbour}-a`, [event('Opened')], 'no_stream');
        await append(`${category}-b`, [event('Opened'), event('Closed')], 'no_stream');
        await append(category, [event('Noted')], 'no_stream');

        const mine = await store.readAll({ after: start, category });
        expect(mine.map((e) => `${e.streamId}:${e.type}`)).toEqual([
          `${category}-a:Opened`,
          `${category}-a:Noted`,
          `${category}-b:Opened`,
          `${category}-b:Closed`,
          `${category}:Noted`,
        ]);

        const paged = await store.readAll({ after: mine[1]!.position, category, limit: 2 });
        expect(paged.map((e) => e.eventId)).toEqual([mine[2]!.eventId, mine[3]!.eventId]);

        const everything = await store.readAll({ after: start });
        expect(everything.map((e) => e.streamId)).toContain(`${neighbour}-a`);
        expectIncreasing(everything.map((e) => e.position));
        expect((await store.readAll({ after: start, limit: 3 })).map((e) => e.eventId)).toEqual(
          everything.slice(0, 3).map((e) => e.eventId),
        );

        const typed = await store.readAll({ after: start, types: ['Opened', 'Closed'] });
        expect(
          typed.filter((e) => e.streamId.startsWith(category)).map((e) => `${e.streamId}:${e.type}`),
        ).toEqual([
          `${category}-a:Opened`,
          `${neighbour}-a:Opened`,
          `${category}-b:Opened`,
          `${category}-b:Closed`,
        ]);
        const both = await store.readAll({ after: start, category, types: ['Noted'] });
        expect(both.map((e) => e.streamId)).toEqual([`${category}-a`, category]);
      });
    });

    describe('positions that are not an event of the log', () => {
      it('reads and subscribes after a number between two events from the next event', async () => {
        const category = newCategory();
        const start = await store.headPosition();
        await append(`${category}-a`, [event('A'), event('B'), event('C')], 'no_stream');
        const mine = await store.readAll({ after: start, category });
        expect(mine.map((e) => e.type)).toEqual(['A', 'B', 'C']);
        // One past the first event: another event's position on SQLite, a byte inside a record on EventStoreDB.
        const between = mine[0]!.position + 1;
        const expected = mine.filter((e) => e.position > between).map((e) => e.eventId);
        expect((await store.readAll({ after: between, category })).map((e) => e.eventId)).toEqual(expected);
        const received = await take(store.subscribeToAll({ after: between, category }), expected.length);
        expect(received.map((e) => e.eventId)).toEqual(expected);
      });
    });

    describe('reads ended early', () => {
      it('keeps answering, appends included, after 500 reads left before their end', async () => {
        const category = newCategory();
        const start = await store.headPosition();
        // Enough bytes after `start` that a page of the log does not fit in one network window.
        const filler = 'x'.repeat(2000);
        for (let i = 0; i < 4; i += 1) {
          await append(
            `${category}-${i}`,
            Array.from({ length: 20 }, () => event('Filled', { filler })),
            'no_stream',
          );
        }
        for (let i = 0; i < 500; i += 1) {
          expect(await store.readAll({ after: start, limit: 1 })).toHaveLength(1);
          await store.headPosition();
          if (i % 5 === 0) await store.ping();
        }
        const last = await append(`${category}-after`, [event('Appended')], 'no_stream');
        expect(await store.headPosition()).toBeGreaterThanOrEqual(last.position);
      }, 120_000);
    });

    describe('subscribeToAll', () => {
      it('catches up, then goes live, with no gap and no duplicate while appends land during the catch-up', async () => {
        const category = newCategory();
        const start = await store.headPosition();
        for (let i = 0; i < 6; i += 1) {
          await append(
            `${category}-${i}`,
            Array.from({ length: 5 }, () => event()),
            'no_stream',
          );
        }
        let writing: Promise<unknown> | undefined;
        const subscription = store.subscribeToAll({ after: start, category, batchSize: 7 });
        const received = await take(subscription, 60, (_event, count) => {
          if (count === 3) {
            // 30 more events in 15 concurrent appends while the subscription is still catching up.
            writing = Promise.all(
              Array.from({ length: 15 }, (_, i) =>
                append(`${category}-live-${i}`, [event(), event()], 'no_stream'),
              ),
            );
          }
        });
        await writing;
        const expected = await store.readAll({ after: start, category });
        expect(expected).toHaveLength(60);
        expect(received.map((e) => e.eventId)).toEqual(expected.map((e) => e.eventId));
        expect(new Set(received.map((e) => e.position)).size).toBe(60);
      });

      it('delivers events appended after it started, filtered by type', async () => {
        const category = newCategory();
        const start = await store.headPosition();
        const subscription = store.subscribeToAll({ after: start, types: [`${category}Wanted`] });
        const pending = take(subscription, 3);
        for (let i = 0; i < 3; i += 1) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          await append(
            `${category}-${i}`,
            [event(`${category}Other`), event(`${category}Wanted`, { i })],
            'no_stream',
          );
        }
        const received = await pending;
        expect(received.map((e) => e.data)).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }]);
      });

      it('ends a waiting iteration promptly when closed', async () => {
        const subscription = store.subscribeToAll({
          after: await store.headPosition(),
          category: newCategory(),
        });
        const iterating = (async () => {
          const seen: StoredEvent[] = [];
          for await (const stored of subscription) seen.push(stored);
          return seen;
        })();
        await new Promise((resolve) => setTimeout(resolve, 50));
        const closedAt = Date.now();
        await subscription.close();
        expect(await iterating).toEqual([]);
        expect(Date.now() - closedAt).toBeLessThan(1000);
      });
    });

    describe('many concurrent writers', () => {
      it('keeps every append from 64 writers, with unique increasing positions', async () => {
        const category = newCategory();
        const start = await store.headPosition();
        const writers = 64;
        const appendsPerWriter = 8;
        const writer = async (w: number): Promise<number[]> => {
          const positions: number[] = [];
          for (let i = 0; i < appendsPerWriter; i += 1) {
            const own = await append(
              `${category}-w${w}`,
              [event('Written', { w, i })],
              i === 0 ? 'no_stream' : i - 1,
            );
            const shared = await append(`${category}-shared`, [event('Shared', { w, i })], 'any');
            positions.push(own.position, shared.position);
          }
          return positions;
        };
        const acknowledged = (await Promise.all(Array.from({ length: writers }, (_, w) => writer(w)))).flat();
        const all = await store.readAll({ after: start, category });
        expect(all).toHaveLength(writers * appendsPerWriter * 2);
        expectIncreasing(all.map((e) => e.position));
        expect(new Set(all.map((e) => e.eventId)).size).toBe(all.length);
        expect(new Set(acknowledged)).toEqual(new Set(all.map((e) => e.position)));
        for (let w = 0; w < writers; w += 1) {
          const own = all.filter((e) => e.streamId === `${category}-w${w}`);
          expect(own.map((e) => e.revision)).toEqual([...Array(appendsPerWriter).keys()]);
          expect(own.map((e) => (e.data as { i: number }).i)).toEqual([...Array(appendsPerWriter).keys()]);
        }
        const shared = await store.readStream(`${category}-shared`);
        expect(shared.map((e) => e.revision)).toEqual([...Array(writers * appendsPerWriter).keys()]);
      });
    });

    describe('tamper evidence', () => {
      it('chains each event hash to the previous one of its stream, from the genesis hash', async () => {
        const category = newCategory();
        const start = await store.headPosition();
        const streamId = `${category}-1`;
        await append(streamId, [event('A', { n: 1 }), event('B', { n: 2 })], 'no_stream');
        await append(`${category}-2`, [event('A')], 'no_stream');
        await append(streamId, [event('C', { nested: { z: 1, a: [3, 2, 1] } })], 1);
        const events = await store.readStream(streamId);
        let prev = GENESIS_HASH;
        for (const stored of events) {
          expect(stored.hash).toMatch(/^[0-9a-f]{64}$/);
          expect(stored.hash).toBe(eventHash(stored, prev));
          prev = stored.hash;
        }
        const verifier = new ChainVerifier();
        for (const stored of await store.readAll({ after: start, category })) {
          expect(verifier.check(stored)).toBeUndefined();
        }
        expect(verifier.result()).toMatchObject({ ok: true, events: 4 });
      });

      it('makes a changed field fail the recomputed hash', async () => {
        const streamId = `${newCategory()}-1`;
        const [stored] = (await append(streamId, [event('A', { amount: '10.00' })], 'no_stream')).events;
        expect(eventHash({ ...stored!, data: { amount: '10.01' } }, GENESIS_HASH)).not.toBe(stored!.hash);
        expect(eventHash({ ...stored!, revision: 1 }, GENESIS_HASH)).not.toBe(stored!.hash);
        expect(
          new ChainVerifier().check({ ...stored!, metadata: { ...stored!.metadata, actor: 'mallory' } }),
        ).toMatchObject({
          eventId: stored!.eventId,
          reason: expect.stringContaining('hash mismatch'),
        });
      });
    });
  });
};
