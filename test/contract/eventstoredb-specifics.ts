import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  binaryEvent,
  EventStoreDBClient,
  FORWARDS,
  jsonEvent,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { randomUUID } from 'node:crypto';
import { EsdbEventStore } from '../../src/event-store/eventstoredb/esdb-event-store.js';
import { UnreadableEventError } from '../../src/event-store/eventstoredb/esdb-mapping.js';
import {
  DuplicateEventError,
  StreamRemovedError,
  type NewEvent,
  type StoredEvent,
} from '../../src/event-store/event-store.port.js';
import { verifyEventStore } from '../../src/event-store/integrity.js';
import { ALL_PROJECTIONS } from '../../projections/index.js';
import { LAG_COUNT_LIMIT, ProjectionRunner } from '../../src/read-models/projection-runner.js';
import { ReadModelStore } from '../../src/read-models/read-model-store.js';

/**
 * What only EventStoreDB can do to the adapter: a second process on the same log, deletions, stream
 * metadata, events written by another client, byte-offset positions. `ownsServer`: the suite started
 * the server itself, so $all holds nothing but what these tests wrote.
 */
export const describeEsdbSpecifics = (connectionString: () => string, ownsServer: () => boolean): void => {
  describe('EventStoreDB adapter against the server', () => {
    let store: EsdbEventStore;
    let raw: EventStoreDBClient;

    beforeEach(() => {
      store = EsdbEventStore.connect(connectionString());
      raw = EventStoreDBClient.connectionString(connectionString());
    });

    afterEach(async () => {
      await store.close();
      await raw.dispose();
    });

    const streamOf = (): string => `esdb${randomUUID().replaceAll('-', '').slice(0, 12)}-1`;
    const event = (type = 'Tested', data: Record<string, unknown> = {}): NewEvent => ({
      eventId: randomUUID(),
      type,
      data,
      metadata: { actor: 'contract', commandId: randomUUID(), correlationId: randomUUID() },
    });
    const rawEvents = async (streamId: string): Promise<ResolvedEvent[]> => {
      const out: ResolvedEvent[] = [];
      for await (const resolved of raw.readStream(streamId, { direction: FORWARDS })) out.push(resolved);
      return out;
    };

    it('answers a retry from another process with duplicate: true, and an id reused with other content with DuplicateEventError (point 3)', async () => {
      const other = EsdbEventStore.connect(connectionString());
      try {
        // Whether the second attempt reads the head before or after the first one's write decides whether
        // the server or the adapter recognises it: a few rounds give both a chance.
        let streamId = '';
        let events: NewEvent[] = [];
        for (let round = 0; round < 10; round += 1) {
          streamId = streamOf();
          await store.appendToStream(streamId, [event()], { expectedRevision: 'no_stream' });
          events = [event('A', { n: 1 }), event('B', { n: 2 })];
          const [mine, theirs] = await Promise.all([
            store.appendToStream(streamId, events, { expectedRevision: 0 }),
            other.appendToStream(streamId, events, { expectedRevision: 0 }),
          ]);
          expect([mine.duplicate, theirs.duplicate].sort()).toEqual([false, true]);
          expect(theirs.events.map((e) => e.position)).toEqual(mine.events.map((e) => e.position));
          expect(await store.readStream(streamId)).toHaveLength(3);
        }

        const reused = [{ ...events[0]!, data: { n: 99 } }];
        const attempts = await Promise.allSettled([
          other.appendToStream(streamId, reused, { expectedRevision: 0 }),
          store.appendToStream(streamId, reused, { expectedRevision: 0 }),
        ]);
        for (const attempt of attempts) {
          expect(attempt.status).toBe('rejected');
          expect((attempt as PromiseRejectedResult).reason).toBeInstanceOf(DuplicateEventError);
        }
        expect(await store.readStream(streamId)).toHaveLength(3);
      } finally {
        await other.close();
      }
    });

    it('recognises a retry at its expected revision however many events followed it (point 8)', async () => {
      const streamId = streamOf();
      const first = [event('Opened')];
      const original = await store.appendToStream(streamId, first, { expectedRevision: 'no_stream' });
      const later = Array.from({ length: 1500 }, (_, i) => event('Noted', { i }));
      for (let i = 0; i < later.length; i += 500) {
        await store.appendToStream(streamId, later.slice(i, i + 500), { expectedRevision: i });
      }
      const retry = await store.appendToStream(streamId, first, { expectedRevision: 'no_stream' });
      expect(retry).toMatchObject({ duplicate: true, revision: 0, position: original.position });
    }, 60_000);

    it('refuses soft-deleted, tombstoned and truncated streams instead of forking their history, and verify names them (point 6)', async () => {
      const deleted = streamOf();
      const tombstoned = streamOf();
      const truncated = streamOf();
      for (const streamId of [deleted, tombstoned, truncated]) {
        await store.appendToStream(streamId, [event(), event(), event()], { expectedRevision: 'no_stream' });
      }
      await raw.deleteStream(deleted);
      await raw.tombstoneStream(tombstoned);
      await raw.setStreamMetadata(truncated, { maxCount: 1 });

      const expectRemoved = async (work: Promise<unknown>, reason: string): Promise<void> => {
        const error = await work.catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StreamRemovedError);
        expect(error).toMatchObject({ reason });
      };
      await expectRemoved(store.readStream(deleted), 'deleted');
      await expectRemoved(
        store.appendToStream(deleted, [event()], { expectedRevision: 'no_stream' }),
        'deleted',
      );
      await expectRemoved(store.readStream(tombstoned), 'tombstoned');
      await expectRemoved(store.appendToStream(tombstoned, [event()], { expectedRevision: 2 }), 'tombstoned');
      await expectRemoved(store.readStream(truncated), 'truncated');
      // Nothing was recreated at revision 3 of the deleted stream.
      expect(await rawEvents(deleted).catch(() => [])).toEqual([]);

      const removals = await store.inspectStreams([deleted, tombstoned, truncated, streamOf()]);
      expect(removals.map((r) => [r.streamId, r.reason])).toEqual([
        [deleted, 'deleted'],
        [tombstoned, 'tombstoned'],
        [truncated, 'truncated'],
      ]);
      if (!ownsServer()) {
        process.stdout.write(
          'EventStoreDB: ledger verify over $all not run: the shared server holds data of others\n',
        );
        return;
      }
      const report = await verifyEventStore(store);
      expect(report.ok).toBe(false);
      if (report.ok) return;
      expect(report.removedStreams?.map((r) => r.streamId)).toEqual(
        expect.arrayContaining([deleted, tombstoned, truncated]),
      );
      expect(report.problem.reason).toContain(tombstoned);
    });

    it('counts lag in events, not in the byte offsets positions are (point 7)', async () => {
      const streamId = streamOf();
      const start = await store.headPosition();
      const appended = await store.appendToStream(
        streamId,
        Array.from({ length: 25 }, () => event('Counted', { filler: 'y'.repeat(100) })),
        { expectedRevision: 'no_stream' },
      );
      expect(appended.position - start).toBeGreaterThan(25 * 100);
      expect(await store.countEvents(start, appended.position, 10_000)).toBe(25);
      expect(await store.countEvents(start, appended.position, 10)).toBe(10);
      expect(await store.countEvents(appended.events[9]!.position, appended.position, 10_000)).toBe(15);

      // What /health and /metrics show: a runner that has applied nothing yet lags by the events counted.
      const readModels = new ReadModelStore(':memory:');
      try {
        const status = await new ProjectionRunner(store, readModels, ALL_PROJECTIONS).status();
        const head = await store.headPosition();
        expect(status.lag).toBe(await store.countEvents(0, head, LAG_COUNT_LIMIT));
        expect(status.lag).toBeGreaterThanOrEqual(Math.min(25, LAG_COUNT_LIMIT));
        expect(status.lag).toBeLessThan(head);
      } finally {
        readModels.close();
      }
    });

    it('lets appends in flight and queued finish when closed, and refuses later ones (point 10)', async () => {
      const closing = EsdbEventStore.connect(connectionString());
      const streamId = streamOf();
      const appends = Array.from({ length: 20 }, (_, i) =>
        closing.appendToStream(streamId, [event('Queued', { i })], { expectedRevision: 'any' }),
      );
      await closing.close();
      const outcomes = await Promise.allSettled(appends);
      expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
      await expect(closing.appendToStream(streamId, [event()], { expectedRevision: 'any' })).rejects.toThrow(
        'event store is closed',
      );
      expect(await store.readStream(streamId)).toHaveLength(20);
    });

    // The last two leave events verify would refuse ($hash written by hand, bytes that are not JSON).
    it('writes its metadata outside the names the server reserves, and reads events written with the old names (point 9)', async () => {
      const streamId = streamOf();
      const written = await store.appendToStream(streamId, [event('Named')], {
        expectedRevision: 'no_stream',
      });
      const [stored] = await rawEvents(streamId);
      const metadata = stored!.event!.metadata as Record<string, unknown>;
      expect(metadata['ledger.hash']).toBe(written.events[0]!.hash);
      expect(Object.keys(metadata).filter((key) => key.startsWith('$'))).toEqual([]);

      const legacy = streamOf();
      await raw.appendToStream(
        legacy,
        jsonEvent({
          type: 'Named',
          data: { n: 1 },
          metadata: { actor: 'old', $hash: 'h-old', $prevHash: '0'.repeat(64), $eventId: 'old-id' },
        }),
      );
      expect((await store.readStream(legacy))[0]).toMatchObject({
        eventId: 'old-id',
        hash: 'h-old',
        metadata: { actor: 'old' },
      });
    });

    it('stops reads and subscriptions on an event it cannot read instead of skipping it (point 5)', async () => {
      if (!ownsServer()) {
        process.stdout.write(
          'EventStoreDB: unreadable-event test not run: it leaves such an event in $all of the shared server\n',
        );
        return;
      }
      const streamId = streamOf();
      const start = await store.headPosition();
      const good = await store.appendToStream(streamId, [event('Good')], { expectedRevision: 'no_stream' });
      await raw.appendToStream(streamId, binaryEvent({ type: 'Broken', data: Buffer.from('{"kg": 1') }));
      await store.appendToStream(streamId, [event('After')], { expectedRevision: 1 });
      const category = streamId.slice(0, streamId.indexOf('-'));

      const fromRead = await store.readAll({ after: start, category }).catch((e: unknown) => e);
      expect(fromRead).toBeInstanceOf(UnreadableEventError);
      expect(fromRead).toMatchObject({ streamId, revision: 1 });

      const received: StoredEvent[] = [];
      const subscription = store.subscribeToAll({ after: start, category });
      const fromSubscription = await (async () => {
        try {
          for await (const stored of subscription) received.push(stored);
        } catch (error) {
          return error;
        }
        return undefined;
      })();
      expect(received.map((e) => e.eventId)).toEqual([good.events[0]!.eventId]);
      expect(fromSubscription).toBeInstanceOf(UnreadableEventError);
      expect((fromSubscription as UnreadableEventError).position).toBe(
        (fromRead as UnreadableEventError).position,
      );
    });
  });
};
