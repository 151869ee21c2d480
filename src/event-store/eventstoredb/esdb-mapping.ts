import {
  ErrorType,
  isCommandError,
  START,
  type Position,
  type ReadPosition,
  type RecordedEvent,
  type StreamMetadata,
} from '@eventstore/db-client';
import {
  duplicateAppendResult,
  DuplicateEventError,
  type AppendResult,
  type EventMetadata,
  type NewEvent,
  type StoredEvent,
  type StreamRemoval,
} from '../event-store.port.js';
import { canonicalJson } from '../integrity.js';

/*
 * Pure translations between what @eventstore/db-client hands over and the port's types, kept apart from
 * the adapter's I/O so each can be checked without a server.
 */

/** Metadata keys the adapter adds; names starting with `$` are the server's own. */
export const HASH_KEY = 'ledger.hash';
export const PREV_HASH_KEY = 'ledger.prevHash';
/** ESDB event ids must be UUIDs; any other id is mapped to a name-based UUID and kept here. */
export const EVENT_ID_KEY = 'ledger.eventId';
/** On an append's first event: which call wrote it, to tell it from the server taking it as a retry. */
export const APPEND_ID_KEY = 'ledger.appendId';
/** What releases before the rename wrote; still read, never written. */
const LEGACY_KEYS = { hash: '$hash', prevHash: '$prevHash', eventId: '$eventId' } as const;
const ADAPTER_KEYS = new Set<string>([
  APPEND_ID_KEY,
  HASH_KEY,
  PREV_HASH_KEY,
  EVENT_ID_KEY,
  LEGACY_KEYS.hash,
  LEGACY_KEYS.prevHash,
  LEGACY_KEYS.eventId,
]);

export const positionOf = (position: Position | undefined): number =>
  position ? Number(position.commit) : 0;

/** gRPC appends are implicit transactions: commit and prepare positions of an event are equal. */
export const readPositionAt = (position: number): ReadPosition =>
  position > 0 ? { commit: BigInt(position), prepare: BigInt(position) } : START;

export const isSystem = (event: RecordedEvent): boolean =>
  event.type.startsWith('$') || event.streamId.startsWith('$');

/** An event this adapter cannot turn into a StoredEvent: reads and subscriptions both stop on it. */
export class UnreadableEventError extends Error {
  readonly code = 'STORE.UNREADABLE_EVENT';
  constructor(
    readonly position: number,
    readonly streamId: string,
    readonly revision: number,
    readonly eventId: string,
    reason: string,
  ) {
    super(
      `event ${eventId} at position ${position} (${streamId} revision ${revision}) cannot be read: ${reason}`,
    );
    this.name = 'UnreadableEventError';
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);

const stringAt = (raw: Record<string, unknown>, key: string, legacy: string): string | undefined => {
  const value = raw[key] ?? raw[legacy];
  return typeof value === 'string' ? value : undefined;
};

/**
 * The client parses JSON itself and, when it cannot, hands over the raw text (data) or bytes
 * (metadata) instead of failing: both are refused here, so no reader sees a half-read event.
 */
export const toStoredEvent = (event: RecordedEvent): StoredEvent => {
  const position = positionOf(event.position);
  const revision = Number(event.revision);
  const unreadable = (reason: string): UnreadableEventError =>
    new UnreadableEventError(position, event.streamId, revision, event.id, reason);
  if (!event.isJson) throw unreadable('its content type is not application/json');
  if (!isRecord(event.data)) throw unreadable('its data is not a JSON object');
  const raw = event.metadata ?? {};
  if (!isRecord(raw)) throw unreadable('its metadata is not a JSON object');
  const metadata: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) if (!ADAPTER_KEYS.has(key)) metadata[key] = value;
  return {
    streamId: event.streamId,
    eventId: stringAt(raw, EVENT_ID_KEY, LEGACY_KEYS.eventId) ?? event.id,
    type: event.type,
    data: event.data,
    metadata: metadata as EventMetadata,
    revision,
    position,
    hash: stringAt(raw, HASH_KEY, LEGACY_KEYS.hash) ?? '',
  };
};

export const appendIdOf = (event: RecordedEvent | undefined): unknown =>
  isRecord(event?.metadata) ? event.metadata[APPEND_ID_KEY] : undefined;

/**
 * The server answers a read from a position that is not a record boundary with gRPC INVALID_ARGUMENT
 * "Trying to read from an invalid position." (24.2 and later) or UNKNOWN "Unexpected ReadAllResult:
 * InvalidPosition" (before), which the client both turns into an UnknownError.
 */
export const isInvalidPositionError = (error: unknown): boolean =>
  isUnknownError(error) && /invalid ?position/i.test(error.message);

export const isUnknownError = (error: unknown): error is Error =>
  error instanceof Error &&
  isCommandError(error) &&
  (error.type === ErrorType.UNKNOWN || error.type === ErrorType.INVALID_ARGUMENT);

/** The server soft-deletes a stream by setting $tb to long.MaxValue (EventNumber.DeletedStream). */
const SOFT_DELETED_FROM = 2 ** 62;

/** What a stream's metadata says the server hides of it; undefined when it hides nothing. */
export const removalFromMetadata = (
  streamId: string,
  metadata: StreamMetadata | undefined,
): StreamRemoval | undefined => {
  if (!metadata) return undefined;
  const { truncateBefore, maxAge, maxCount } = metadata;
  if (typeof truncateBefore === 'number' && truncateBefore >= SOFT_DELETED_FROM) {
    return { streamId, reason: 'deleted', detail: 'soft-deleted ($tb set to the end of the stream)' };
  }
  const settings = [
    typeof truncateBefore === 'number' && truncateBefore > 0 ? `$tb=${truncateBefore}` : '',
    typeof maxAge === 'number' ? `$maxAge=${maxAge}` : '',
    typeof maxCount === 'number' ? `$maxCount=${maxCount}` : '',
  ].filter(Boolean);
  if (settings.length === 0) return undefined;
  return { streamId, reason: 'truncated', detail: `stream metadata ${settings.join(', ')}` };
};

const sameContent = (stored: StoredEvent, event: NewEvent, canonicalData: string): boolean =>
  stored.eventId === event.eventId &&
  stored.type === event.type &&
  canonicalJson(stored.data) === canonicalData;

/** Each event must have its stored counterpart with the same content, else the ids were reused. */
const sameEvents = (
  streamId: string,
  events: readonly NewEvent[],
  canonicalData: readonly string[],
  counterparts: readonly (StoredEvent | undefined)[],
): StoredEvent[] =>
  events.map((event, i) => {
    const match = counterparts[i];
    if (!match || !sameContent(match, event, canonicalData[i]!)) {
      throw new DuplicateEventError(streamId, event.eventId);
    }
    return match;
  });

/**
 * A retry of an append made at exact revision `expected`: its events, if stored, sit at expected+1...
 * `stored` is what the stream holds from there (at most events.length). Undefined: not a retry.
 */
export const matchEarlierAttempt = (
  streamId: string,
  events: readonly NewEvent[],
  canonicalData: readonly string[],
  stored: readonly StoredEvent[],
): AppendResult | undefined => {
  if (stored[0]?.eventId !== events[0]!.eventId) return undefined;
  return duplicateAppendResult(streamId, sameEvents(streamId, events, canonicalData, stored));
};

/** The same, for 'any': the events may be anywhere in the part of the stream that was read. */
export const findDuplicate = (
  streamId: string,
  events: readonly NewEvent[],
  canonicalData: readonly string[],
  tail: readonly StoredEvent[],
): AppendResult | undefined => {
  const byId = new Map(tail.map((stored) => [stored.eventId, stored]));
  const found = events.map((event) => byId.get(event.eventId));
  if (found.every((stored) => stored === undefined)) return undefined;
  return duplicateAppendResult(streamId, sameEvents(streamId, events, canonicalData, found));
};

/**
 * After a successful write: the server also answers success, without writing, when the stream already
 * holds these event ids right after the expected revision (another process's attempt of the same
 * append). `ours`: the first event read back carries this call's append id.
 */
export const resultOfWrite = (
  streamId: string,
  events: readonly NewEvent[],
  canonicalData: readonly string[],
  ours: boolean,
  written: readonly StoredEvent[],
): AppendResult => {
  if (ours && written.length === events.length) {
    const last = written[written.length - 1]!;
    return {
      streamId,
      revision: last.revision,
      position: last.position,
      events: [...written],
      duplicate: false,
    };
  }
  const earlier = matchEarlierAttempt(streamId, events, canonicalData, written);
  if (!earlier) throw new DuplicateEventError(streamId, events[0]!.eventId);
  return earlier;
};
