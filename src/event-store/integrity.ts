import { hash } from 'node:crypto';
import type { EventStore, StoredEvent, StreamRemoval } from './event-store.port.js';

/** The hash that precedes the first event of a stream and the first event of the log. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * JSON with object keys sorted recursively, so the same value always hashes the same whatever the
 * key order it was built with. Mirrors JSON.stringify for what it drops (undefined, functions) and
 * how it maps toJSON and non-finite numbers, so hashing a value and hashing its JSON round trip agree.
 */
export const canonicalJson = (value: unknown): string => {
  const out = canonicalPart(value, false);
  if (out === undefined) throw new TypeError('canonicalJson: value is not representable as JSON');
  return out;
};

const canonicalPart = (value: unknown, inArray: boolean): string | undefined => {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value === null) return 'null';
  if (typeof value === 'object') {
    if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
      return canonicalPart((value as { toJSON: () => unknown }).toJSON(), inArray);
    }
    if (Array.isArray(value)) {
      let out = '[';
      for (let i = 0; i < value.length; i += 1) {
        out += (i === 0 ? '' : ',') + (canonicalPart(value[i], true) ?? 'null');
      }
      return `${out}]`;
    }
    const record = value as Record<string, unknown>;
    let out = '{';
    for (const key of Object.keys(record).sort()) {
      const part = canonicalPart(record[key], false);
      if (part === undefined) continue;
      out += `${out.length === 1 ? '' : ','}${JSON.stringify(key)}:${part}`;
    }
    return `${out}}`;
  }
  if (typeof value === 'bigint') throw new TypeError('canonicalJson: BigInt is not representable as JSON');
  // undefined, functions and symbols: dropped from objects, null in arrays, as JSON.stringify does.
  return inArray ? 'null' : undefined;
};

export const sha256Hex = (text: string): string => hash('sha256', text, 'hex');

/** What the per-stream hash covers: everything that identifies and describes the event. */
export interface HashedContent {
  streamId: string;
  revision: number;
  eventId: string;
  type: string;
  data: unknown;
  metadata: unknown;
}

/** sha256(canonical JSON of the content + the previous event's hash in the same stream). */
export const eventHash = (content: HashedContent, prevHash: string): string =>
  sha256Hex(
    canonicalJson({
      streamId: content.streamId,
      revision: content.revision,
      eventId: content.eventId,
      type: content.type,
      data: content.data,
      metadata: content.metadata,
    }) + prevHash,
  );

/**
 * Same as eventHash for data and metadata already in canonical JSON, without serialising them again:
 * the envelope's keys in sorted order are data, eventId, metadata, revision, streamId, type.
 */
export const eventHashFromCanonical = (
  streamId: string,
  revision: number,
  eventId: string,
  type: string,
  canonicalData: string,
  canonicalMetadata: string,
  prevHash: string,
): string =>
  sha256Hex(
    `{"data":${canonicalData},"eventId":${JSON.stringify(eventId)},"metadata":${canonicalMetadata},` +
      `"revision":${canonicalJson(revision)},"streamId":${JSON.stringify(streamId)},"type":${JSON.stringify(type)}}` +
      prevHash,
  );

/** sha256(previous global hash + this event's hash): chains every event in position order. */
export const globalHash = (prevGlobalHash: string, hash: string): string => sha256Hex(prevGlobalHash + hash);

export interface IntegrityProblem {
  position: number;
  eventId: string;
  streamId: string;
  reason: string;
}

export type IntegrityReport =
  | {
      ok: true;
      /** Number of events checked. */
      events: number;
      /** Global hash of the last event (GENESIS_HASH when empty): note it with headPosition, pass it back later. */
      head: string;
      headPosition: number;
    }
  | {
      ok: false;
      problem: IntegrityProblem;
      /** Streams the store itself deleted or cut short (EventStoreDB), when it can tell. */
      removedStreams?: StreamRemoval[];
    };

/**
 * A head noted from an earlier report. Every hash chain can be recomputed by whoever rewrites the
 * file, and cutting events off the end leaves a valid shorter chain: only a head kept elsewhere
 * (a ticket, an auditor's notes) shows that the log still holds what it held then.
 */
export interface NotedHead {
  position: number;
  head: string;
}

export interface VerifyOptions {
  notedHead?: NotedHead;
}

/**
 * Checks events fed in position order: positions strictly increasing, revisions contiguous per stream,
 * each hash recomputed from content and the stream's previous hash, and (when the store keeps one)
 * the global chain. Kept separate from any adapter so every store and the CLI share one definition.
 */
export class ChainVerifier {
  private readonly streams = new Map<string, { revision: number; hash: string }>();
  private global = GENESIS_HASH;
  private lastPosition = 0;
  private count = 0;

  /** contiguousPositions: the store numbers positions 1, 2, 3 ... with no holes, so a hole is a deletion. */
  constructor(private readonly options: VerifyOptions & { contiguousPositions?: boolean } = {}) {}

  /** Returns a problem, or undefined when this event is consistent with everything before it. */
  check(event: StoredEvent, storedGlobalHash?: string): IntegrityProblem | undefined {
    const problem = (reason: string): IntegrityProblem => ({
      position: event.position,
      eventId: event.eventId,
      streamId: event.streamId,
      reason,
    });
    if (event.position <= this.lastPosition) {
      return problem(`position ${event.position} does not follow position ${this.lastPosition}`);
    }
    if (this.options.contiguousPositions && event.position !== this.lastPosition + 1) {
      return problem(
        `position ${event.position} follows ${this.lastPosition}: the events between were deleted`,
      );
    }
    const previous = this.streams.get(event.streamId);
    const expectedRevision = previous ? previous.revision + 1 : 0;
    if (event.revision !== expectedRevision) {
      return problem(
        `revision ${event.revision} where ${expectedRevision} was expected: an event of the stream is missing or moved`,
      );
    }
    const computed = eventHash(event, previous?.hash ?? GENESIS_HASH);
    if (computed !== event.hash) {
      return problem('hash mismatch: the event content or its predecessor in the stream was changed');
    }
    const nextGlobal = globalHash(this.global, event.hash);
    if (storedGlobalHash !== undefined && storedGlobalHash !== nextGlobal) {
      return problem('global chain broken: an event before this one was removed, inserted or reordered');
    }
    const noted = this.options.notedHead;
    if (noted && this.lastPosition < noted.position && event.position >= noted.position) {
      if (event.position !== noted.position) {
        return problem(`no event at the noted head position ${noted.position}: the log was rewritten`);
      }
      if (nextGlobal !== noted.head) {
        return problem('global hash differs from the noted head: the log up to it was rewritten');
      }
    }
    this.streams.set(event.streamId, { revision: event.revision, hash: event.hash });
    this.global = nextGlobal;
    this.lastPosition = event.position;
    this.count += 1;
    return undefined;
  }

  result(): IntegrityReport {
    const noted = this.options.notedHead;
    if (noted && this.lastPosition < noted.position) {
      return {
        ok: false,
        problem: {
          position: noted.position,
          eventId: '',
          streamId: '',
          reason: `the log ends at position ${this.lastPosition}, before the noted head at ${noted.position}: events were removed from the end`,
        },
      };
    }
    return { ok: true, events: this.count, head: this.global, headPosition: this.lastPosition };
  }
}

/** checked: events verified so far; position / headPosition: how far through the log (for a progress bar). */
export type ProgressCallback = (progress: {
  checked: number;
  position: number;
  headPosition: number;
}) => void;

/**
 * Walks any store's global log with readAll pages. The global chain is recomputed, not compared:
 * a store without stored global hashes (EventStoreDB) can still be checked against a noted head.
 */
export const verifyEventStore = async (
  store: EventStore,
  onProgress?: ProgressCallback,
  options: VerifyOptions & { pageSize?: number } = {},
): Promise<IntegrityReport> => {
  const pageSize = options.pageSize ?? 1000;
  const verifier = new ChainVerifier(options);
  const headPosition = await store.headPosition();
  const lastPositionOf = new Map<string, number>();
  let after = 0;
  let checked = 0;
  for (;;) {
    const page = await store.readAll({ after, limit: pageSize });
    if (page.length === 0) break;
    for (const event of page) {
      const problem = verifier.check(event);
      if (problem) return withRemovals(store, [problem.streamId], problem);
      lastPositionOf.set(event.streamId, event.position);
      checked += 1;
    }
    after = page[page.length - 1]!.position;
    onProgress?.({ checked, position: after, headPosition: Math.max(headPosition, after) });
  }
  const result = verifier.result();
  if (!result.ok) return result;
  const removed = (await store.inspectStreams?.([...lastPositionOf.keys()])) ?? [];
  if (removed.length === 0) return result;
  const first = removed[0]!;
  return {
    ok: false,
    problem: {
      position: lastPositionOf.get(first.streamId) ?? 0,
      eventId: '',
      streamId: first.streamId,
      reason: `${removed.length} stream(s) deleted or cut short in the store: ${describeRemovals(removed)}`,
    },
    removedStreams: removed,
  };
};

const describeRemovals = (removed: readonly StreamRemoval[]): string =>
  removed.map((r) => `${r.streamId} ${r.reason} (${r.detail})`).join('; ');

/** A broken chain in a stream the store itself removed events from says so. */
const withRemovals = async (
  store: EventStore,
  streamIds: string[],
  problem: IntegrityProblem,
): Promise<IntegrityReport> => {
  const removed = (await store.inspectStreams?.(streamIds)) ?? [];
  if (removed.length === 0) return { ok: false, problem };
  return {
    ok: false,
    problem: { ...problem, reason: `${problem.reason}; the store says: ${describeRemovals(removed)}` },
    removedStreams: removed,
  };
};

/** The store's own walk when it has one (its stored global chain too), else the port's pages. */
export const verifyStore = (
  store: EventStore,
  onProgress?: ProgressCallback,
  options: VerifyOptions = {},
): Promise<IntegrityReport> =>
  store.verify ? store.verify(onProgress, options) : verifyEventStore(store, onProgress, options);
