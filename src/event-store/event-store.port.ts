/**
 * The event store port: the only way the application touches stored events.
 * Adapters: SQLite (embedded default) and EventStoreDB. Both must pass test/contract/event-store.contract.ts.
 */
import type { IntegrityReport, ProgressCallback, VerifyOptions } from './integrity.js';

/** Where the next append expects the stream to be: absent, anywhere, or at exactly this revision. */
export type ExpectedRevision = 'no_stream' | 'any' | number;

export interface EventMetadata {
  /** System time of the append (ISO 8601 UTC), stamped by the store. */
  recordedAt: string;
  actor: string;
  /** Idempotency key of the command that produced the event. */
  commandId: string;
  correlationId: string;
  causationId?: string;
  /** Document reference, e.g. an invoice number or the letter itself. */
  source?: string;
  /** Fingerprint of the request that produced the event, to tell an idempotent retry from a reused key. */
  requestHash?: string;
  /** Version of the event type's schema (see the published JSON Schemas). */
  schemaVersion?: number;
  [key: string]: unknown;
}

/** An event as the application hands it to the store; `recordedAt` is stamped by the store. */
export interface NewEvent {
  eventId: string;
  type: string;
  data: Record<string, unknown>;
  metadata: Omit<EventMetadata, 'recordedAt'> & { recordedAt?: string };
}

export interface StoredEvent {
  streamId: string;
  eventId: string;
  type: string;
  data: Record<string, unknown>;
  metadata: EventMetadata;
  /** 0-based revision of the event in its stream. */
  revision: number;
  /** Global position, strictly increasing in commit order, starting at 1. */
  position: number;
  /** Tamper evidence: SHA-256 of the canonical content chained to the previous event of the stream. */
  hash: string;
}

export interface AppendResult {
  streamId: string;
  /** Revision of the last event now in the stream. */
  revision: number;
  /** Global position of the last event appended. */
  position: number;
  events: StoredEvent[];
  /** True when every event was already stored (a retried append): nothing new was written. */
  duplicate: boolean;
}

export interface ReadAllOptions {
  /** Exclusive: return events whose position is greater than this (0 = from the start). */
  after?: number;
  limit?: number;
  types?: readonly string[];
  /** Stream category: the part of the stream id before the first dash ("assignment"). */
  category?: string;
}

export interface SubscribeOptions extends Omit<ReadAllOptions, 'limit'> {
  /** Page size used while catching up. */
  batchSize?: number;
}

/** Catch-up then live subscription to the global log; iterate it, close it when done. */
export interface Subscription extends AsyncIterable<StoredEvent> {
  close(): Promise<void>;
}

/** Where a stream-ordered read (`RebuildReads.readStreamOrdered`) starts, ends and stops. */
export interface StreamOrderedRange {
  /** Start after this event of the order (stream id, revision): ('', -1) is before every event. */
  afterStream: string;
  afterRevision: number;
  /** Only streams before this id (binary order of the ids); null: up to the last stream. */
  beforeStream: string | null;
  /** Only events at or before this global position. */
  upTo: number;
}

/** A stored event without its hash: what a rebuild reads. */
export type RebuildEvent = Omit<StoredEvent, 'hash'>;

/** A page of `readReplayPage`: `json` is a JSON array of `count` events, the last at `last`. */
export interface ReplayPage {
  json: string;
  count: number;
  last: number;
}

/**
 * Optional capability of a store: the fast reads a read-model rebuild uses, synchronous, on a
 * connection of its own. A store that has it can be read by rebuild worker threads, each opening the
 * store again from `url`; without it, rebuilds read `readAll` pages in log order.
 */
export interface RebuildReads {
  /** What `createEventStore` opens in another thread to read the same log. */
  readonly url: string;
  /**
   * Up to `limit` events after `after` in position order, as one JSON array text:
   * `{ streamId, eventId, type, position, revision, recordedAt, data, metadata }` with metadata cut down
   * to actor, source and schemaVersion. Data is not upcast.
   */
  readReplayPage(after: number, limit: number): ReplayPage;
  /**
   * Up to `limit` events in stream order (stream id, then revision, which within a stream is position
   * order), of the streams and positions in `range`. Data is not upcast.
   */
  readStreamOrdered(range: StreamOrderedRange, limit: number): RebuildEvent[];
  /**
   * Stream ids that cut the events up to `upTo` into about `parts` runs of streams of about as many
   * events each, in the order readStreamOrdered uses, without repeats; fewer when the log has few
   * streams, none when it is empty.
   */
  streamSplitPoints(parts: number, upTo: number): string[];
}

export interface EventStore {
  readonly kind: 'sqlite' | 'eventstoredb';
  /** Present when the store offers rebuilds their fast reads (a SQLite file store does). */
  readonly rebuild?: RebuildReads | undefined;
  appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    options: { expectedRevision: ExpectedRevision },
  ): Promise<AppendResult>;
  /** Events of one stream from a revision (inclusive), in order. An unknown stream reads as empty. */
  readStream(
    streamId: string,
    options?: { fromRevision?: number; maxCount?: number },
  ): Promise<StoredEvent[]>;
  /** A page of the global log in position order. */
  readAll(options?: ReadAllOptions): Promise<StoredEvent[]>;
  subscribeToAll(options?: SubscribeOptions): Subscription;
  /** Position of the last committed event (0 when the log is empty). */
  headPosition(): Promise<number>;
  /** Reachability, for the health endpoint. */
  ping(): Promise<void>;
  /** A faster walk of the whole log with the store's own stored chain (SQLite); see integrity.ts verifyStore. */
  verify?(onProgress?: ProgressCallback, options?: VerifyOptions): Promise<IntegrityReport>;
  close(): Promise<void>;
  /**
   * Events in (after, upTo], counting at most `atMost`: for a store whose positions are not event counts
   * (EventStoreDB's are byte offsets). Absent: positions count events, so the count is upTo - after.
   */
  countEvents?(after: number, upTo: number, atMost: number): Promise<number>;
  /** Which of these streams the store itself deleted or cut short (EventStoreDB), for `ledger verify`. */
  inspectStreams?(streamIds: readonly string[]): Promise<StreamRemoval[]>;
}

/** deleted: soft-deleted; tombstoned: hard-deleted for good; truncated: events hidden ($tb, $maxAge, $maxCount). */
export type StreamRemovalReason = 'deleted' | 'tombstoned' | 'truncated';

export interface StreamRemoval {
  streamId: string;
  reason: StreamRemovalReason;
  /** What the store says, e.g. the truncating setting. */
  detail: string;
}

export const EVENT_STORE = Symbol('EVENT_STORE');

export class ConcurrencyError extends Error {
  readonly code = 'CONCURRENCY.WRONG_EXPECTED_REVISION';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | 'no_stream',
  ) {
    super(`stream ${streamId}: expected revision ${String(expected)}, actual ${String(actual)}`);
    this.name = 'ConcurrencyError';
  }
}

/** Some but not all of an append's event ids are already stored, or an id is reused with other content. */
export class DuplicateEventError extends Error {
  readonly code = 'CONCURRENCY.DUPLICATE_EVENT_ID';
  constructor(
    readonly streamId: string,
    readonly eventId: string,
  ) {
    super(`stream ${streamId}: event ${eventId} is already stored with other content or in another append`);
    this.name = 'DuplicateEventError';
  }
}

/** The store no longer serves the whole stream: reading or appending to it would hide or fork history. */
export class StreamRemovedError extends Error {
  readonly code = 'STORE.STREAM_REMOVED';
  constructor(
    readonly streamId: string,
    readonly reason: StreamRemovalReason,
    readonly detail: string,
  ) {
    super(
      `stream ${streamId} was ${reason} in the event store (${detail}); the ledger cannot read or extend it`,
    );
    this.name = 'StreamRemovedError';
  }
}

/** A read or subscription starting after a position the store cannot start from. */
export class InvalidPositionError extends Error {
  readonly code = 'POSITION.INVALID';
  constructor(
    readonly position: number,
    detail: string,
  ) {
    super(`position ${position} cannot be read after: ${detail}`);
    this.name = 'InvalidPositionError';
  }
}

export const categoryOf = (streamId: string): string => {
  const dash = streamId.indexOf('-');
  return dash < 0 ? streamId : streamId.slice(0, dash);
};

/* Checks every adapter makes on an append, so they answer alike. */

/** An append that lists one event id twice is refused whole. */
export const assertDistinctEventIds = (streamId: string, events: readonly NewEvent[]): void => {
  const seen = new Set<string>();
  for (const event of events) {
    if (seen.has(event.eventId)) throw new DuplicateEventError(streamId, event.eventId);
    seen.add(event.eventId);
  }
};

/** Throws unless a stream whose last revision is `current` (-1: no stream) is where `expected` says. */
export const assertExpectedRevision = (
  streamId: string,
  expected: ExpectedRevision,
  current: number,
): void => {
  const ok = expected === 'any' || (expected === 'no_stream' ? current === -1 : expected === current);
  if (!ok) throw new ConcurrencyError(streamId, expected, current === -1 ? 'no_stream' : current);
};

/** The answer to a retried append: the events it stored the first time (sorted in place by revision). */
export const duplicateAppendResult = (streamId: string, stored: StoredEvent[]): AppendResult => {
  stored.sort((a, b) => a.revision - b.revision);
  const last = stored[stored.length - 1]!;
  return { streamId, revision: last.revision, position: last.position, events: stored, duplicate: true };
};

/**
 * The store cannot take writes right now (disk full, file system read-only, I/O error): nothing of
 * the append was stored, and the same append may be retried once the store is back.
 */
export class StoreUnavailableError extends Error {
  readonly code = 'STORE.UNAVAILABLE';
  readonly retryAfterSeconds = 5;
  constructor(
    readonly reason: 'full' | 'read-only' | 'io' | 'busy',
    options?: { cause?: unknown },
  ) {
    super(`the event store cannot take writes right now (${reason}); nothing was stored`, options);
    this.name = 'StoreUnavailableError';
  }
}
