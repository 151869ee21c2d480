import {
  BACKWARDS,
  END,
  ErrorType,
  EventStoreDBClient,
  excludeSystemEvents,
  eventTypeFilter,
  FORWARDS,
  isCommandError,
  jsonEvent,
  NO_STREAM,
  START,
  StreamDeletedError,
  StreamNotFoundError,
  streamNameFilter,
  WrongExpectedVersionError,
  type AllStreamSubscription,
  type Filter,
  type Position,
  type ReadPosition,
  type RecordedEvent,
  type StreamMetadata,
} from '@eventstore/db-client';
import { randomUUID } from 'node:crypto';
import { nameBasedUuid } from '../name-based-uuid.js';
import {
  assertDistinctEventIds,
  assertExpectedRevision,
  categoryOf,
  ConcurrencyError,
  InvalidPositionError,
  StreamRemovedError,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type StoredEvent,
  type StreamRemoval,
  type SubscribeOptions,
  type Subscription,
} from '../event-store.port.js';
import { canonicalJson, eventHash, GENESIS_HASH } from '../integrity.js';
import {
  APPEND_ID_KEY,
  appendIdOf,
  EVENT_ID_KEY,
  findDuplicate,
  HASH_KEY,
  isInvalidPositionError,
  isSystem,
  isUnknownError,
  matchEarlierAttempt,
  positionOf,
  PREV_HASH_KEY,
  readPositionAt,
  removalFromMetadata,
  resultOfWrite,
  toStoredEvent,
} from './esdb-mapping.js';
import { consume, within } from './esdb-reads.js';

/*
 * What EventStoreDB cannot give the port, and how this adapter gets as close as it can:
 * - Tamper evidence: the per-stream hash and its predecessor travel in the event's metadata
 *   (ledger.hash, ledger.prevHash). Each append reads the stream's last event and writes with that
 *   exact revision, so a concurrent writer makes ESDB reject the write instead of forking the chain.
 *   There is no stored global chain; verifyEventStore recomputes one over $all.
 * - Idempotency: with an exact expected revision the server itself recognises a retry (the same event
 *   ids right after that revision, from any process, for as long as the stream holds them): this
 *   adapter reads those few events and compares their content. With 'any' it looks for the ids among
 *   the last IDEMPOTENCY_WINDOW events. Event ids are not unique across streams in ESDB, so an id
 *   reused in another stream is not detected here.
 * - Positions: the port's position is the commit position (a byte offset in the log) as a JS number;
 *   they are unique and increasing but not contiguous. A number that is not an event's position is
 *   mapped to the event before it when it lies within POSITION_SEARCH_PAGES pages of the end.
 *   Per-event positions on stream reads need server 22.6 or later.
 * - Deleted, tombstoned and truncated streams answer StreamRemovedError instead of a partial history.
 * - Filters: readAll in this client has no server-side filter, so readAll filters on the client;
 *   subscriptions filter on the server by type (or category) and on the client for the rest.
 */

const IDEMPOTENCY_WINDOW = 1000;
const MAX_APPEND_ATTEMPTS = 20;
const READ_PAGE = 1000;
const POSITION_SEARCH_PAGES = 10;
const PING_DEADLINE_MS = 5000;
const INSPECT_CONCURRENCY = 8;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const esdbIdOf = (eventId: string): string =>
  UUID.test(eventId) ? eventId : nameBasedUuid(`assignment-ledger:${eventId}`);

interface EventFilter {
  types?: readonly string[] | undefined;
  category?: string | undefined;
}

const matches = (event: RecordedEvent, filter: EventFilter): boolean =>
  !isSystem(event) &&
  (!filter.types || filter.types.length === 0 || filter.types.includes(event.type)) &&
  (filter.category === undefined || categoryOf(event.streamId) === filter.category);

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** ESDB takes one server-side filter; the other condition (if any) is applied by `matches`. */
const serverFilter = (filter: EventFilter): Filter => {
  if (filter.types && filter.types.length > 0) {
    return eventTypeFilter({ regex: `^(?:${filter.types.map(escapeRegex).join('|')})$` });
  }
  if (filter.category !== undefined) {
    return streamNameFilter({ regex: `^${escapeRegex(filter.category)}(?:-|$)` });
  }
  return excludeSystemEvents();
};

/** A dropped connection or a busy server is worth resubscribing for; a refusal or a bad event is not. */
const isTransient = (error: unknown): boolean =>
  error instanceof Error &&
  isCommandError(error) &&
  ![ErrorType.ACCESS_DENIED, ErrorType.INVALID_ARGUMENT, ErrorType.UNSUPPORTED].includes(error.type) &&
  !isInvalidPositionError(error);

const tombstoned = (streamId: string): StreamRemovedError =>
  new StreamRemovedError(streamId, 'tombstoned', 'hard-deleted: the stream can never be written again');

const closedError = (): Error => new Error('event store is closed');

export class EsdbEventStore implements EventStore {
  readonly kind = 'eventstoredb' as const;
  private readonly subscriptions = new Set<EsdbSubscription>();
  private readonly streamQueues = new Map<string, Promise<void>>();
  /** Appends accepted and not yet settled, queued ones included: close() waits for them. */
  private readonly appending = new Set<Promise<unknown>>();
  private closed = false;

  constructor(private readonly client: EventStoreDBClient) {}

  /** e.g. `esdb://localhost:2113?tls=false`; the client connects lazily on first use. */
  static connect(connectionString: string): EsdbEventStore {
    return new EsdbEventStore(EventStoreDBClient.connectionString(connectionString));
  }

  appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    options: { expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> {
    if (this.closed) return Promise.reject(closedError());
    const run = this.oneAtATime(streamId, () => this.appendNow(streamId, events, options.expectedRevision));
    this.appending.add(run);
    const settled = (): void => void this.appending.delete(run);
    run.then(settled, settled);
    return run;
  }

  /**
   * Appends to one stream from this process run one after another: each must read the head it chains
   * its hash to, so racing them would only turn into wrong-expected-version retries.
   */
  private oneAtATime<T>(streamId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.streamQueues.get(streamId) ?? Promise.resolve();
    const run = previous.then(work, work);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.streamQueues.set(streamId, tail);
    void tail.then(() => {
      if (this.streamQueues.get(streamId) === tail) this.streamQueues.delete(streamId);
    });
    return run;
  }

  private async appendNow(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    assertDistinctEventIds(streamId, events);
    const canonicalData = events.map((event) => canonicalJson(event.data));
    const appendId = randomUUID();

    for (let attempt = 1; ; attempt += 1) {
      const head = await this.streamHead(streamId);
      const current = head ? head.revision : -1;
      const earlier = await this.earlierAttempt(streamId, events, canonicalData, expected, current);
      if (earlier) return earlier;
      assertExpectedRevision(streamId, expected, current);
      if (events.length === 0) {
        return { streamId, revision: current, position: head?.position ?? 0, events: [], duplicate: false };
      }

      const recordedAt = new Date().toISOString();
      let prevHash = head?.hash || GENESIS_HASH;
      const toWrite = events.map((event, i) => {
        const metadata = { ...event.metadata, recordedAt: event.metadata.recordedAt ?? recordedAt };
        const data = JSON.parse(canonicalData[i]!) as Record<string, unknown>;
        const revision = current + 1 + i;
        const hash = eventHash(
          { streamId, revision, eventId: event.eventId, type: event.type, data, metadata },
          prevHash,
        );
        const id = esdbIdOf(event.eventId);
        const stored = {
          ...metadata,
          [HASH_KEY]: hash,
          [PREV_HASH_KEY]: prevHash,
          ...(id === event.eventId ? {} : { [EVENT_ID_KEY]: event.eventId }),
          ...(i === 0 ? { [APPEND_ID_KEY]: appendId } : {}),
        };
        prevHash = hash;
        return jsonEvent({ id, type: event.type, data, metadata: stored });
      });

      try {
        // Always the exact revision read above, whatever the caller expected: the hash chain was
        // computed on that head, so any write in between must make this one fail and start over.
        await this.client.appendToStream(streamId, toWrite, {
          expectedRevision: current === -1 ? NO_STREAM : BigInt(current),
        });
      } catch (error) {
        if (error instanceof StreamDeletedError) throw tombstoned(streamId);
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        const actual = error.actualVersion;
        if (current === -1 && typeof actual === 'bigint' && !(await this.streamHead(streamId))) {
          throw new StreamRemovedError(
            streamId,
            'truncated',
            `the server holds revisions up to ${actual} and none of them can be read ($maxAge, $maxCount or $tb)`,
          );
        }
        // Another process wrote in between (maybe this very append, retried there): the next round
        // answers with a duplicate result, a ConcurrencyError, or, for 'any', a fresh attempt.
        if (attempt < MAX_APPEND_ATTEMPTS) {
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
          continue;
        }
        throw new ConcurrencyError(
          streamId,
          expected,
          typeof actual === 'bigint' ? Number(actual) : 'no_stream',
        );
      }

      const written = await this.readStreamRecords(streamId, {
        direction: FORWARDS,
        fromRevision: BigInt(current + 1),
        maxCount: events.length,
      });
      const ours = appendIdOf(written[0]) === appendId;
      return resultOfWrite(streamId, events, canonicalData, ours, written.map(toStoredEvent));
    }
  }

  /** Only what is needed to recognise a retried append: see the note at the top. */
  private async earlierAttempt(
    streamId: string,
    events: readonly NewEvent[],
    canonicalData: readonly string[],
    expected: ExpectedRevision,
    current: number,
  ): Promise<AppendResult | undefined> {
    if (events.length === 0 || current < 0) return undefined;
    if (expected === 'any') {
      const tail = await this.readStreamBackwards(streamId, IDEMPOTENCY_WINDOW);
      return findDuplicate(streamId, events, canonicalData, tail);
    }
    const at = expected === 'no_stream' ? -1 : expected;
    if (current <= at) return undefined;
    const stored = await this.readStreamForwards(streamId, at + 1, events.length);
    return matchEarlierAttempt(streamId, events, canonicalData, stored);
  }

  /** The stream's last event; undefined for a stream that never existed. */
  private async streamHead(streamId: string): Promise<StoredEvent | undefined> {
    const [head] = await this.readStreamBackwards(streamId, 1);
    if (head) return head;
    await this.refuseIfRemoved(streamId);
    return undefined;
  }

  /** A stream that reads as empty but held events: writing to it would restart its revisions or chain. */
  private async refuseIfRemoved(streamId: string): Promise<void> {
    const metadata = await this.metadataOf(streamId);
    const removal = removalFromMetadata(streamId, metadata);
    const truncateBefore = metadata?.truncateBefore;
    if (
      removal &&
      (removal.reason === 'deleted' || (typeof truncateBefore === 'number' && truncateBefore > 0))
    ) {
      throw new StreamRemovedError(streamId, removal.reason, removal.detail);
    }
  }

  private async metadataOf(streamId: string): Promise<StreamMetadata | undefined> {
    return (await this.client.getStreamMetadata(streamId)).metadata;
  }

  private async readStreamBackwards(streamId: string, maxCount: number): Promise<StoredEvent[]> {
    return this.readStreamRaw(streamId, { direction: BACKWARDS, fromRevision: END, maxCount });
  }

  private async readStreamForwards(
    streamId: string,
    from: number,
    maxCount?: number,
  ): Promise<StoredEvent[]> {
    return this.readStreamRaw(streamId, {
      direction: FORWARDS,
      fromRevision: BigInt(from),
      ...(maxCount === undefined ? {} : { maxCount }),
    });
  }

  private async readStreamRaw(
    streamId: string,
    options: Parameters<EventStoreDBClient['readStream']>[1],
  ): Promise<StoredEvent[]> {
    return (await this.readStreamRecords(streamId, options)).map(toStoredEvent);
  }

  private async readStreamRecords(
    streamId: string,
    options: Parameters<EventStoreDBClient['readStream']>[1],
  ): Promise<RecordedEvent[]> {
    const out: RecordedEvent[] = [];
    try {
      await consume(this.client.readStream(streamId, options), (resolved) => {
        if (resolved.event) out.push(resolved.event);
      });
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      if (error instanceof StreamDeletedError) throw tombstoned(streamId);
      throw error;
    }
    return out;
  }

  async readStream(
    streamId: string,
    options: { fromRevision?: number; maxCount?: number } = {},
  ): Promise<StoredEvent[]> {
    if (options.maxCount === 0) return [];
    const from = options.fromRevision ?? 0;
    const events = await this.readStreamForwards(streamId, from, options.maxCount);
    const first = events[0];
    if (first && first.revision > from) {
      const removal = removalFromMetadata(streamId, await this.metadataOf(streamId));
      throw new StreamRemovedError(
        streamId,
        'truncated',
        `revisions ${from} to ${first.revision - 1} can no longer be read${removal ? `: ${removal.detail}` : ''}`,
      );
    }
    if (!first && from === 0) await this.refuseIfRemoved(streamId);
    return events;
  }

  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    const out: StoredEvent[] = [];
    if (limit <= 0) return out;
    await this.walkForwards(options.after ?? 0, (event) => {
      if (!matches(event, options)) return true;
      out.push(toStoredEvent(event));
      return out.length < limit;
    });
    return out;
  }

  /**
   * Hands every event of $all with a position above `after` (system events included) to `onEvent`, in
   * pages read to their end or cancelled, until `onEvent` returns false or the log ends.
   */
  private async walkForwards(after: number, onEvent: (event: RecordedEvent) => boolean): Promise<void> {
    let start = readPositionAt(after);
    let mapped = false;
    let lastSeen = after;
    for (;;) {
      let count = 0;
      let stopped = false;
      const pageStart = lastSeen;
      try {
        await consume(
          this.client.readAll({ direction: FORWARDS, fromPosition: start, maxCount: READ_PAGE }),
          (resolved) => {
            count += 1;
            const event = resolved.event;
            if (!event) return true;
            const position = positionOf(event.position);
            // The start position is inclusive on reads; the port's `after` is not.
            if (position <= lastSeen) return true;
            lastSeen = position;
            stopped = !onEvent(event);
            return !stopped;
          },
        );
      } catch (error) {
        if (mapped || !isInvalidPositionError(error)) throw error;
        mapped = true;
        start = await this.boundaryAtOrBefore(after);
        continue;
      }
      if (stopped || count < READ_PAGE || lastSeen === pageStart) return;
      start = readPositionAt(lastSeen);
    }
  }

  /**
   * The server reads only from a record's own position. For any other number, the position of the last
   * event at or before it (or the start), looked for backwards from the end over a bounded number of pages.
   */
  private async boundaryAtOrBefore(after: number): Promise<ReadPosition> {
    const found = await this.findBackwards(
      (event) => positionOf(event.position) <= after,
      POSITION_SEARCH_PAGES,
    );
    if (found === 'start') return START;
    if (found !== 'gave up' && found.position) return found.position;
    throw new InvalidPositionError(
      after,
      `it is not the position of an event in EventStoreDB (positions there are byte offsets), and more than ` +
        `${POSITION_SEARCH_PAGES * READ_PAGE} records lie after it; use 0 or a position the ledger returned`,
    );
  }

  /** The newest event of $all (system events included) that `wanted` accepts, within `pages` pages from the end. */
  private async findBackwards(
    wanted: (event: RecordedEvent) => boolean,
    pages = Number.POSITIVE_INFINITY,
  ): Promise<RecordedEvent | 'start' | 'gave up'> {
    let from: ReadPosition = END;
    for (let page = 0; page < pages; page += 1) {
      let count = 0;
      let last: Position | undefined;
      let found: RecordedEvent | undefined;
      await consume(
        this.client.readAll({ direction: BACKWARDS, fromPosition: from, maxCount: READ_PAGE }),
        (resolved) => {
          count += 1;
          const event = resolved.event;
          if (!event) return true;
          if (wanted(event)) {
            found = event;
            return false;
          }
          last = event.position;
          return true;
        },
      );
      if (found) return found;
      if (count < READ_PAGE || !last) return 'start';
      // Whether the start is inclusive or not, the event found there is looked at again and passed over.
      from = last;
    }
    return 'gave up';
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    if (this.closed) throw closedError();
    const subscription = new EsdbSubscription(
      this.client,
      options,
      (after) => this.boundaryAtOrBefore(after),
      () => this.subscriptions.delete(subscription),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  /** The position of the last event that is not a system event (which the port never shows). */
  async headPosition(): Promise<number> {
    const found = await this.findBackwards((event) => !isSystem(event));
    return typeof found === 'object' ? positionOf(found.position) : 0;
  }

  /** Positions are byte offsets here, so lag in events is counted: non-system events in (after, upTo]. */
  async countEvents(after: number, upTo: number, atMost: number): Promise<number> {
    let count = 0;
    if (upTo <= after || atMost <= 0) return 0;
    await this.walkForwards(after, (event) => {
      if (positionOf(event.position) > upTo) return false;
      if (!isSystem(event)) count += 1;
      return count < atMost;
    });
    return count;
  }

  async inspectStreams(streamIds: readonly string[]): Promise<StreamRemoval[]> {
    const found = new Map<string, StreamRemoval>();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < streamIds.length) {
        const streamId = streamIds[next++]!;
        const removal = await this.inspectStream(streamId);
        if (removal) found.set(streamId, removal);
      }
    };
    await Promise.all(Array.from({ length: Math.min(INSPECT_CONCURRENCY, streamIds.length) }, worker));
    return streamIds.flatMap((streamId) => found.get(streamId) ?? []);
  }

  private async inspectStream(streamId: string): Promise<StreamRemoval | undefined> {
    try {
      await this.readStreamBackwards(streamId, 1);
    } catch (error) {
      if (error instanceof StreamRemovedError)
        return { streamId, reason: error.reason, detail: error.detail };
      throw error;
    }
    return removalFromMetadata(streamId, await this.metadataOf(streamId));
  }

  async ping(): Promise<void> {
    if (this.closed) throw closedError();
    const read = this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 });
    await within(
      consume(read, () => true),
      read,
      PING_DEADLINE_MS,
      'EventStoreDB ping',
    );
  }

  /** Like the SQLite store: appends already accepted (queued ones too) settle first; later ones are refused. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled(this.appending);
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    await this.client.dispose();
  }
}

/** Resubscribes after a dropped connection from the last position seen, skipping anything at or before it. */
class EsdbSubscription implements Subscription {
  private closed = false;
  private current: AllStreamSubscription | undefined;
  private wakeUp: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly options: SubscribeOptions,
    private readonly boundaryAtOrBefore: (after: number) => Promise<ReadPosition>,
    private readonly onClosed: () => void,
  ) {}

  [Symbol.asyncIterator](): AsyncIterator<StoredEvent> {
    return this.run();
  }

  private async *run(): AsyncGenerator<StoredEvent> {
    let last = this.options.after ?? 0;
    let start = readPositionAt(last);
    let mapped = false;
    let seenAny = false;
    let delayMs = 100;
    try {
      while (!this.closed) {
        const subscription = this.client.subscribeToAll({
          fromPosition: start,
          filter: serverFilter(this.options),
        });
        this.current = subscription;
        try {
          for await (const resolved of subscription) {
            const event = resolved.event;
            if (!event) continue;
            const position = positionOf(event.position);
            if (position <= last) continue;
            // Read before moving on: an event that cannot be read stops the subscription on it.
            const stored = matches(event, this.options) ? toStoredEvent(event) : undefined;
            seenAny = true;
            last = position;
            start = readPositionAt(last);
            delayMs = 100;
            if (!stored) continue;
            yield stored;
            if (this.closed) return;
          }
        } catch (error) {
          if (this.closed) return;
          // Servers before 24.2 fail a subscription from such a position with a bare UNKNOWN.
          if (!mapped && (isInvalidPositionError(error) || (isUnknownError(error) && !seenAny))) {
            mapped = true;
            start = await this.boundaryAtOrBefore(last);
            continue;
          }
          if (!isTransient(error)) throw error;
        } finally {
          this.current = undefined;
          await subscription.unsubscribe().catch(() => undefined);
        }
        if (this.closed) return;
        await this.sleep(delayMs);
        delayMs = Math.min(delayMs * 2, 5000);
      }
    } finally {
      await this.close();
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(this.timer);
        this.timer = undefined;
        this.wakeUp = undefined;
        resolve();
      };
      this.wakeUp = done;
      this.timer = setTimeout(done, ms);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wakeUp?.();
    const current = this.current;
    this.current = undefined;
    await current?.unsubscribe().catch(() => undefined);
    this.onClosed();
  }
}
