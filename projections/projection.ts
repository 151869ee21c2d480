/**
 * A projection is a pure reducer over stored events. The runner (src/read-models) owns checkpoints,
 * storage and exactly-once delivery by global position; a projection only says which events it reads,
 * which document each one belongs to, and how a document evolves. No Nest, no I/O, no clock.
 */
import type { AssignmentEvent, AssignmentEventType } from '../src/domain/assignment/events.js';

/** An event as the store hands it to a projection: plain data, JSON-safe. */
export interface ProjectedEvent {
  streamId: string;
  eventId: string;
  type: string;
  data: Record<string, unknown>;
  /** System time of the append, ISO 8601 instant. */
  recordedAt: string;
  /** Global position, strictly increasing, from 1. */
  position: number;
  /** 0-based revision in the stream. */
  revision: number;
  /** Optional envelope metadata (actor, source...), when the runner passes it on. */
  metadata?: { actor?: string; source?: string; [key: string]: unknown };
}

/**
 * Documents must survive `JSON.parse(JSON.stringify(doc))` unchanged. `evolve` may mutate the document
 * it is given and return it: the document belongs to the runner, which never shares it between keys.
 */
export interface Projection<Doc> {
  readonly name: string;
  /** Bump when the document's shape or meaning changes: the runner then rebuilds from position 0. */
  readonly version: number;
  readonly canHandle: readonly string[];
  /** The document the event belongs to, or null to skip it. */
  keyOf(event: ProjectedEvent): string | null;
  init(key: string): Doc;
  evolve(doc: Doc, event: ProjectedEvent): Doc;
  /**
   * What a document carries beside the facts `evolve` folds, derived from those facts alone: the runner
   * calls it once on each document it is about to store, not after every event (a rebuild stores each
   * document once), so a stored document is the same however many events each write took.
   */
  derive?(doc: Doc): Doc;
  /**
   * Top-level arrays of its documents that `evolve` only ever pushes onto and never reads. They are
   * stored an element per row, so a commit writes what was added since the last one, not the whole
   * list: a document that grows with its stream's history costs the same to write at any length. No
   * `derive` with them (it would read the lists).
   */
  readonly appendOnly?: readonly string[];
  /**
   * Its documents carry `intervals: { from, to, at, item }[]` (day numbers) that the read-model store
   * indexes, so a query finds the items open on a day and due by another without reading every document.
   */
  readonly intervals?: true;
}

/** Any projection, for lists such as ALL_PROJECTIONS (methods are bivariant in their parameters). */
export type AnyProjection = Projection<unknown>;

/** A document as it is stored: with what its projection derives from its facts (`derive`), if anything. */
export const storedFormOf = <Doc>(projection: Projection<Doc>, doc: Doc): Doc =>
  projection.derive ? projection.derive(doc) : doc;

const ASSIGNMENT_STREAM = 'assignment-';

/** Documents keyed by assignment: the id is the stream name after `assignment-` (as assignmentIdOf). */
export const assignmentKeyOf = (event: ProjectedEvent): string | null =>
  event.streamId.startsWith(ASSIGNMENT_STREAM) && event.streamId.length > ASSIGNMENT_STREAM.length
    ? event.streamId.slice(ASSIGNMENT_STREAM.length)
    : null;

/** The data of one event type, as the domain schema declares it. */
export type DataOf<T extends AssignmentEventType> = Extract<AssignmentEvent, { type: T }>['data'];

/** The envelope facts a document keeps beside an event's data. */
export interface Fact<D> {
  eventId: string;
  position: number;
  revision: number;
  recordedAt: string;
  data: D;
}

/** Builds a Fact without copying the data (no projection mutates event data), so evolve stays cheap. */
export const factOf = <D>(event: ProjectedEvent): Fact<D> => ({
  eventId: event.eventId,
  position: event.position,
  revision: event.revision,
  recordedAt: event.recordedAt,
  data: event.data as D,
});

/**
 * A stored event (src/event-store's StoredEvent, which keeps recordedAt in its metadata) as a projection
 * sees it. Structural, so projections import nothing from the infrastructure.
 */
export const projectedEventOf = (stored: {
  streamId: string;
  eventId: string;
  type: string;
  data: Record<string, unknown>;
  revision: number;
  position: number;
  metadata: { recordedAt: string; actor?: string; source?: string };
}): ProjectedEvent => {
  const { actor, source } = stored.metadata;
  return {
    streamId: stored.streamId,
    eventId: stored.eventId,
    type: stored.type,
    data: stored.data,
    recordedAt: stored.metadata.recordedAt,
    position: stored.position,
    revision: stored.revision,
    ...(actor !== undefined || source !== undefined
      ? {
          metadata: {
            ...(actor !== undefined ? { actor } : {}),
            ...(source !== undefined ? { source } : {}),
          },
        }
      : {}),
  };
};
