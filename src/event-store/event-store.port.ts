/**
 * The event store port: the only way the application touches stored events.
 * Adapters: SQLite (embedded default) and EventStoreDB. Both must pass test/contract/event-store.contract.ts.
 */

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

export interface EventStore {
  readonly kind: 'sqlite' | 'eventstoredb';
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
  close(): Promise<void>;
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

export const categoryOf = (streamId: string): string => {
  const dash = streamId.indexOf('-');
  return dash < 0 ? streamId : streamId.slice(0, dash);
};
