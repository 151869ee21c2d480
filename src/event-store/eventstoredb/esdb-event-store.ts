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
  StreamNotFoundError,
  streamNameFilter,
  WrongExpectedVersionError,
  type AllStreamSubscription,
  type Filter,
  type Position,
  type ReadPosition,
  type RecordedEvent,
} from '@eventstore/db-client';
import { nameBasedUuid } from '../name-based-uuid.js';
import {
  assertDistinctEventIds,
  assertExpectedRevision,
  categoryOf,
  ConcurrencyError,
  duplicateAppendResult,
  DuplicateEventError,
  type AppendResult,
  type EventMetadata,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type StoredEvent,
  type SubscribeOptions,
  type Subscription,
} from '../event-store.port.js';
import { canonicalJson, eventHash, GENESIS_HASH } from '../integrity.js';

/*
 * What EventStoreDB cannot give the port, and how this adapter gets as close as it can:
 * - Tamper evidence: the per-stream hash and its predecessor travel in the event's metadata
 *   ($hash, $prevHash). Each append reads the stream's last event and writes with that exact
 *   revision, so a concurrent writer makes ESDB reject the write instead of forking the chain.
 *   There is no stored global chain; verifyEventStore recomputes one over $all.
 * - Idempotency: ESDB dedupes a retried append only while its recent-write cache remembers it and
 *   only when the retry carries the same expected revision. The port's promise (same eventIds ->
 *   duplicate: true, original result) is kept by looking for the eventIds among the last
 *   IDEMPOTENCY_WINDOW events of the stream before writing. A retry older than that window is not
 *   recognised: with an exact expected revision it fails as a ConcurrencyError (nothing written); with
 *   'any' it would be written again. Event ids are not unique across streams in ESDB, so an id reused
 *   in another stream is not detected here.
 * - Positions: the port's position is the commit position as a JS number. Since gRPC appends are
 *   implicit transactions, commit and prepare positions are equal and unique per event; they are not
 *   contiguous, so a gap in positions means nothing here. Per-event positions on stream reads need
 *   server 22.6 or later.
 * - Filters: readAll in this client has no server-side filter, so readAll filters on the client;
 *   subscriptions filter on the server by type (or category) and on the client for the rest.
 */

const IDEMPOTENCY_WINDOW = 1000;
const MAX_APPEND_ATTEMPTS = 20;
const READ_PAGE = 1000;
const HASH_KEY = '$hash';
const PREV_HASH_KEY = '$prevHash';
/** ESDB event ids must be UUIDs; any other id is mapped to a name-based UUID and kept here. */
const EVENT_ID_KEY = '$eventId';
const RESERVED_KEYS = [HASH_KEY, PREV_HASH_KEY, EVENT_ID_KEY];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const esdbIdOf = (eventId: string): string =>
  UUID.test(eventId) ? eventId : nameBasedUuid(`assignment-ledger:${eventId}`);

const positionOf = (position: Position | undefined): number => (position ? Number(position.commit) : 0);

const readPositionAfter = (after: number): ReadPosition =>
  after > 0 ? { commit: BigInt(after), prepare: BigInt(after) } : START;

const isSystem = (event: RecordedEvent): boolean =>
  event.type.startsWith('$') || event.streamId.startsWith('$');

const parseJson = (value: unknown): unknown =>
  value instanceof Uint8Array ? JSON.parse(Buffer.from(value).toString('utf8')) : value;

const toStoredEvent = (event: RecordedEvent): StoredEvent => {
  const raw = (parseJson(event.metadata) ?? {}) as Record<string, unknown>;
  const metadata: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) if (!RESERVED_KEYS.includes(key)) metadata[key] = value;
  return {
    streamId: event.streamId,
    eventId: typeof raw[EVENT_ID_KEY] === 'string' ? raw[EVENT_ID_KEY] : event.id,
    type: event.type,
    data: parseJson(event.data) as Record<string, unknown>,
    metadata: metadata as EventMetadata,
    revision: Number(event.revision),
    position: positionOf(event.position),
    hash: typeof raw[HASH_KEY] === 'string' ? raw[HASH_KEY] : '',
  };
};

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

const isTransient = (error: unknown): boolean =>
  !(
    error instanceof Error &&
    isCommandError(error) &&
    [ErrorType.ACCESS_DENIED, ErrorType.INVALID_ARGUMENT, ErrorType.UNSUPPORTED].includes(error.type)
  );

export class EsdbEventStore implements EventStore {
  readonly kind = 'eventstoredb' as const;
  private readonly subscriptions = new Set<EsdbSubscription>();
  private readonly streamQueues = new Map<string, Promise<void>>();

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
    return this.oneAtATime(streamId, () => this.appendNow(streamId, events, options.expectedRevision));
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

    for (let attempt = 1; ; attempt += 1) {
      // Newest first: the stream's head, and the window in which a retried append is recognised.
      const tail = await this.readStreamBackwards(streamId, IDEMPOTENCY_WINDOW);
      const duplicate = findDuplicate(streamId, events, canonicalData, tail);
      if (duplicate) return duplicate;

      const head = tail[0];
      const current = head ? head.revision : -1;
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
        if (error instanceof WrongExpectedVersionError) {
          // Another process wrote in between (maybe this very append, retried there): the next round
          // answers with a duplicate result, a ConcurrencyError, or, for 'any', a fresh attempt.
          if (attempt < MAX_APPEND_ATTEMPTS) {
            await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
            continue;
          }
          const actual = error.actualVersion;
          throw new ConcurrencyError(
            streamId,
            expected,
            typeof actual === 'bigint' ? Number(actual) : 'no_stream',
          );
        }
        throw error;
      }

      const written = await this.readStream(streamId, { fromRevision: current + 1, maxCount: events.length });
      const last = written[written.length - 1]!;
      return {
        streamId,
        revision: last.revision,
        position: last.position,
        events: written,
        duplicate: false,
      };
    }
  }

  private async readStreamBackwards(streamId: string, maxCount: number): Promise<StoredEvent[]> {
    const out: StoredEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(streamId, {
        direction: BACKWARDS,
        fromRevision: END,
        maxCount,
      })) {
        if (resolved.event) out.push(toStoredEvent(resolved.event));
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return out;
  }

  async readStream(
    streamId: string,
    options: { fromRevision?: number; maxCount?: number } = {},
  ): Promise<StoredEvent[]> {
    if (options.maxCount === 0) return [];
    const out: StoredEvent[] = [];
    try {
      const reading = this.client.readStream(streamId, {
        direction: FORWARDS,
        fromRevision: BigInt(options.fromRevision ?? 0),
        ...(options.maxCount === undefined ? {} : { maxCount: options.maxCount }),
      });
      for await (const resolved of reading) {
        if (resolved.event) out.push(toStoredEvent(resolved.event));
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return out;
  }

  /** `after` must be 0 or a position this store returned: ESDB rejects positions between records. */
  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    const out: StoredEvent[] = [];
    if (limit <= 0) return out;
    let after = options.after ?? 0;
    for (;;) {
      let count = 0;
      let lastSeen = after;
      for await (const resolved of this.client.readAll({
        direction: FORWARDS,
        fromPosition: readPositionAfter(after),
        maxCount: READ_PAGE,
      })) {
        count += 1;
        const event = resolved.event;
        if (!event) continue;
        const position = positionOf(event.position);
        // The start position is inclusive on reads; the port's `after` is not.
        if (position <= after) continue;
        lastSeen = position;
        if (!matches(event, options)) continue;
        out.push(toStoredEvent(event));
        if (out.length >= limit) return out;
      }
      if (count < READ_PAGE || lastSeen === after) return out;
      after = lastSeen;
    }
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    const subscription = new EsdbSubscription(this.client, options, () =>
      this.subscriptions.delete(subscription),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  /** The position of the last event that is not a system event (which the port never shows). */
  async headPosition(): Promise<number> {
    let from: ReadPosition = END;
    for (;;) {
      let count = 0;
      let last: Position | undefined;
      for await (const resolved of this.client.readAll({
        direction: BACKWARDS,
        fromPosition: from,
        maxCount: READ_PAGE,
      })) {
        count += 1;
        const event = resolved.event;
        if (!event) continue;
        if (!isSystem(event)) return positionOf(event.position);
        last = event.position;
      }
      if (count < READ_PAGE || !last) return 0;
      // Whether the start is inclusive or not, the system event found there is skipped again.
      from = last;
    }
  }

  async ping(): Promise<void> {
    for await (const resolved of this.client.readAll({
      direction: BACKWARDS,
      fromPosition: END,
      maxCount: 1,
      deadline: 5000,
    })) {
      void resolved;
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    await this.client.dispose();
  }
}

const findDuplicate = (
  streamId: string,
  events: readonly NewEvent[],
  canonicalData: readonly string[],
  tail: readonly StoredEvent[],
): AppendResult | undefined => {
  const byId = new Map(tail.map((stored) => [stored.eventId, stored]));
  const found = events.map((event) => byId.get(event.eventId));
  if (found.every((stored) => stored === undefined)) return undefined;
  const stored: StoredEvent[] = [];
  found.forEach((match, i) => {
    const event = events[i]!;
    if (!match || match.type !== event.type || canonicalJson(match.data) !== canonicalData[i]) {
      throw new DuplicateEventError(streamId, event.eventId);
    }
    stored.push(match);
  });
  return duplicateAppendResult(streamId, stored);
};

/** Resubscribes after a dropped connection from the last position seen, skipping anything at or before it. */
class EsdbSubscription implements Subscription {
  private closed = false;
  private current: AllStreamSubscription | undefined;
  private wakeUp: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly options: SubscribeOptions,
    private readonly onClosed: () => void,
  ) {}

  [Symbol.asyncIterator](): AsyncIterator<StoredEvent> {
    return this.run();
  }

  private async *run(): AsyncGenerator<StoredEvent> {
    let last = this.options.after ?? 0;
    let delayMs = 100;
    try {
      while (!this.closed) {
        const subscription = this.client.subscribeToAll({
          fromPosition: readPositionAfter(last),
          filter: serverFilter(this.options),
        });
        this.current = subscription;
        try {
          for await (const resolved of subscription) {
            const event = resolved.event;
            if (!event) continue;
            const position = positionOf(event.position);
            if (position <= last) continue;
            last = position;
            delayMs = 100;
            if (!matches(event, this.options)) continue;
            yield toStoredEvent(event);
            if (this.closed) return;
          }
        } catch (error) {
          if (this.closed) return;
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
