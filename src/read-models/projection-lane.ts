/**
 * One projection generation being fed events: the in-memory side of exactly-once. Documents touched since
 * the last commit sit in `dirty`; `applied` is the last global position fed, `committed` the checkpoint
 * stored with the documents. A failed commit leaves mutated documents behind, so `reset` forgets them
 * all and the caller re-reads from `committed`.
 */
import type { StoredEvent } from '../event-store/event-store.port.js';
import { storedSchemaVersion } from '../schemas/schema-versions.js';
import { upcast } from '../schemas/upcasters.js';
import { storedFormOf, type AnyProjection, type ProjectedEvent } from '../../projections/projection.js';
import type { Generation, GenerationBatch, ReadModelStore } from './read-model-store.js';

/** What a projection sees of a stored event: upcast to the current schema of its type, like every reader. */
export const toProjectedEvent = (event: Omit<StoredEvent, 'hash'>): ProjectedEvent =>
  projectedWith(event, upcast(event.type, storedSchemaVersion(event.metadata), event.data).data);

const projectedWith = (event: Omit<StoredEvent, 'hash'>, data: Record<string, unknown>): ProjectedEvent => ({
  streamId: event.streamId,
  eventId: event.eventId,
  type: event.type,
  data,
  recordedAt: event.metadata.recordedAt,
  position: event.position,
  revision: event.revision,
  metadata: event.metadata,
});

/**
 * An event parsed from a `readReplayPage` text, whose metadata holds only what projections and
 * upcasters read: its data upcast in place, as toProjectedEvent would give it.
 */
export const upcastProjected = (event: ProjectedEvent): ProjectedEvent => {
  const version = storedSchemaVersion(event.metadata as { schemaVersion?: unknown } | undefined);
  event.data = upcast(event.type, version, event.data).data;
  return event;
};

/** Where a poison event sits in the log: what the health report and the log line name. */
export interface PoisonEvent {
  position: number;
  eventId: string;
  streamId: string;
  type: string;
}

/**
 * A projection threw on an event (its keyOf or evolve, or the upcast of its data): the runner stops
 * that projection just before it and lets the others go on (see ProjectionRunner's `poisoned`).
 */
export class PoisonEventError extends Error {
  constructor(
    readonly projections: readonly string[],
    readonly event: PoisonEvent,
    cause: unknown,
  ) {
    super(
      `${projections.join(', ')}: event ${event.eventId} (${event.type}) at position ${event.position} cannot be applied: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
    this.name = 'PoisonEventError';
  }
}

const whereIs = (event: Omit<StoredEvent, 'hash'> | ProjectedEvent): PoisonEvent => ({
  position: event.position,
  eventId: event.eventId,
  streamId: event.streamId,
  type: event.type,
});

/**
 * toProjectedEvent for these lanes: an event whose data cannot be upcast poisons those that would
 * apply it; to the others (stopped before it, or not reading its type) it passes as stored.
 */
export const projectedFor = (
  lanes: Iterable<ProjectionLane>,
  event: Omit<StoredEvent, 'hash'>,
): ProjectedEvent => {
  try {
    return toProjectedEvent(event);
  } catch (error) {
    const names = [...lanes].filter((lane) => lane.wants(event)).map((lane) => lane.name);
    if (names.length > 0) throw new PoisonEventError(names, whereIs(event), error);
    return projectedWith(event, event.data);
  }
};

const keyMemo: {
  event: ProjectedEvent | undefined;
  keyOf: AnyProjection['keyOf'] | undefined;
  key: string | null;
} = { event: undefined, keyOf: undefined, key: null };

interface Cached {
  doc: unknown;
  /** When it was last used: the least recently used leave the cache first. */
  tick: number;
  /** Changed since the last commit (then it is in `dirty`). */
  dirty: boolean;
  /** Length of its JSON when last read or written (0 for one not stored yet). */
  bytes: number;
}

export class ProjectionLane {
  committed: number;
  applied: number;
  /** Stop applying after this position (verification compares at the live checkpoint). */
  until = Number.POSITIVE_INFINITY;
  private readonly handles: ReadonlySet<string>;
  /** Documents in memory; holds every dirty one. */
  private readonly cache = new Map<string, Cached>();
  /** Documents changed since the last commit (a subset of the cache). */
  private dirty = new Map<string, Cached>();
  private clock = 0;
  /** Sum of the cached documents' `bytes`. */
  private cachedBytes = 0;
  /** Keys that may be stored, when known (a generation this lane started): others need no lookup. */
  private readonly storedKeys: Set<string> | undefined;
  /**
   * The projection's append-only lists: in memory they hold only what is not stored yet (the
   * elements stored apart are never read back by `evolve`), and a commit appends them and empties them.
   */
  private readonly appendOnly: readonly string[] | undefined;

  /**
   * After each commit the least recently used clean documents leave the cache while it holds more than
   * `maxCachedDocs` documents or more than `maxCachedBytes` of their JSON (a long history's documents
   * weigh hundreds of kilobytes, a short one's a few).
   */
  constructor(
    private readonly store: ReadModelStore,
    readonly projection: AnyProjection,
    public generation: Generation,
    private readonly maxCachedDocs: number,
    private readonly maxCachedBytes = Number.POSITIVE_INFINITY,
  ) {
    this.committed = generation.position;
    this.applied = generation.position;
    // Documents are only ever stored with a checkpoint past 0.
    this.storedKeys = generation.position === 0 ? new Set() : undefined;
    this.handles = new Set(projection.canHandle);
    this.appendOnly = projection.appendOnly?.length ? projection.appendOnly : undefined;
    if (this.appendOnly && projection.derive) {
      throw new Error(`${projection.name}: a projection with append-only lists derives nothing`);
    }
  }

  get name(): string {
    return this.projection.name;
  }

  get version(): number {
    return this.generation.version;
  }

  /** What the lane holds in memory: documents, and the bytes of their JSON as last read or written. */
  cached(): { docs: number; bytes: number } {
    return { docs: this.cache.size, bytes: this.cachedBytes };
  }

  /** Would apply this event: not yet applied, not past `until`, of a type it reads. */
  wants(event: { position: number; type: string }): boolean {
    return event.position > this.applied && event.position <= this.until && this.handles.has(event.type);
  }

  apply(event: ProjectedEvent): void {
    if (event.position <= this.applied || event.position > this.until) return;
    this.applied = event.position;
    if (!this.handles.has(event.type)) return;
    try {
      this.evolve(event);
    } catch (error) {
      throw new PoisonEventError([this.name], whereIs(event), error);
    }
  }

  private evolve(event: ProjectedEvent): void {
    let key: string | null;
    // Projections usually share one keyOf: compute it once per event, not once per projection.
    if (keyMemo.event === event && keyMemo.keyOf === this.projection.keyOf) key = keyMemo.key;
    else {
      key = this.projection.keyOf(event);
      keyMemo.event = event;
      keyMemo.keyOf = this.projection.keyOf;
      keyMemo.key = key;
    }
    if (key === null) return;
    let cached = this.cache.get(key);
    if (cached === undefined) {
      const json =
        this.storedKeys && !this.storedKeys.has(key)
          ? undefined
          : this.appendOnly
            ? this.store.getHeadJsonFrom(this.generation, key)
            : this.store.getJsonFrom(this.generation, key);
      cached = {
        doc: json === undefined ? this.projection.init(key) : JSON.parse(json),
        tick: 0,
        dirty: false,
        bytes: json?.length ?? 0,
      };
      this.cache.set(key, cached);
      this.cachedBytes += cached.bytes;
    }
    cached.tick = ++this.clock;
    cached.doc = this.projection.evolve(cached.doc, event);
    if (!cached.dirty) {
      cached.dirty = true;
      this.dirty.set(key, cached);
    }
  }

  /** Marks everything up to `position` as seen (events this lane has no use for, or none at all). */
  advanceTo(position: number): void {
    if (position > this.applied && position <= this.until) this.applied = position;
  }

  /** A document about to be stored, with what its projection derives from its facts. */
  private derived(cached: Cached): unknown {
    if (cached.doc !== null && cached.doc !== undefined)
      cached.doc = storedFormOf(this.projection, cached.doc);
    return cached.doc;
  }

  /** The writes since the last commit, or undefined when there is nothing to store. */
  batch(): GenerationBatch | undefined {
    const steps = this.serializedBatch();
    let step = steps.next();
    while (!step.done) step = steps.next();
    return step.value;
  }

  /**
   * batch(), made one document per step: the caller may hand the thread back between steps, as long
   * as no event is applied to the lane until the batch is committed.
   */
  *serializedBatch(): Generator<void, GenerationBatch | undefined> {
    if (this.applied === this.committed && this.dirty.size === 0) return undefined;
    const docs = new Map<string, string | null>();
    const items = this.appendOnly && new Map<string, [string, string][]>();
    for (const [key, cached] of this.dirty) {
      const [json, added] = this.toWrite(cached);
      docs.set(key, json);
      if (items && added) items.set(key, added);
      yield;
    }
    const { committed: from, applied: position } = this;
    return {
      generation: this.generation.id,
      docs,
      serialized: true,
      ...(items ? { items } : {}),
      from,
      position,
      sizes: new Map(),
    };
  }

  /**
   * A document as it is written: its JSON (null: removed) and, with append-only lists, the head's JSON
   * and the elements to store apart.
   */
  private toWrite(cached: Cached): [string | null, [string, string][] | undefined] {
    const doc = this.derived(cached);
    if (doc === null || doc === undefined) return [null, undefined];
    if (!this.appendOnly) return [JSON.stringify(doc), undefined];
    return this.split(doc as Record<string, unknown>);
  }

  /** A document's head (its append-only lists empty) as JSON, and their elements as [list, JSON]. */
  private split(doc: Record<string, unknown>): [string, [string, string][]] {
    const added: [string, string][] = [];
    const lists: [string, unknown[]][] = [];
    for (const list of this.appendOnly!) {
      const elements = doc[list];
      if (!Array.isArray(elements) || elements.length === 0) continue;
      for (const element of elements) added.push([list, JSON.stringify(element)]);
      lists.push([list, elements]);
      doc[list] = [];
    }
    const head = JSON.stringify(doc);
    for (const [list, elements] of lists) doc[list] = elements;
    return [head, added];
  }

  /** After their elements were stored apart, a document's append-only lists hold nothing in memory. */
  private stored(doc: unknown): void {
    if (!this.appendOnly || doc === null || typeof doc !== 'object') return;
    for (const list of this.appendOnly) {
      const elements = (doc as Record<string, unknown>)[list];
      if (Array.isArray(elements)) elements.length = 0;
    }
  }

  /** After the batch was committed: it is the new baseline; cold documents leave the cache. */
  committedBatch(batch: GenerationBatch): void {
    this.committed = batch.position;
    this.generation = { ...this.generation, position: batch.position };
    if (this.storedKeys) for (const key of batch.docs.keys()) this.storedKeys.add(key);
    for (const [key, cached] of this.dirty) {
      cached.dirty = false;
      this.stored(cached.doc);
      const bytes = batch.sizes?.get(key);
      if (bytes !== undefined) {
        this.cachedBytes += bytes - cached.bytes;
        cached.bytes = bytes;
      }
    }
    this.dirty = new Map();
    if (this.cache.size > this.maxCachedDocs || this.cachedBytes > this.maxCachedBytes) this.evict();
  }

  /**
   * Forgets the least recently used clean documents, down to half the documents or three quarters of
   * the bytes allowed (a long history's hot documents may fill most of the bytes: each one dropped is
   * read back by its next event).
   */
  private evict(): void {
    const byAge = [...this.cache].sort(([, a], [, b]) => a.tick - b.tick);
    const docsOver = this.cache.size > this.maxCachedDocs;
    const bytesOver = this.cachedBytes > this.maxCachedBytes;
    for (const [key, cached] of byAge) {
      const enough =
        (!docsOver || this.cache.size <= this.maxCachedDocs >> 1) &&
        (!bytesOver || this.cachedBytes <= this.maxCachedBytes * 0.75);
      if (enough) return;
      if (cached.dirty) continue;
      this.cache.delete(key);
      this.cachedBytes -= cached.bytes;
    }
  }

  /**
   * When more than `maxDocs` are cached, writes the least recently used half out without a checkpoint and
   * forgets them. Only for a generation nothing reads or resumes until the final commit (bulk rebuilds):
   * on the way its stored documents are ahead of its checkpoint.
   */
  spill(maxDocs: number): void {
    if (this.cache.size <= maxDocs) return;
    const ticks = [...this.cache.values()].map((c) => c.tick).sort((a, b) => a - b);
    const threshold = ticks[this.cache.size - (maxDocs >> 1) - 1] ?? 0;
    const out = new Map<string, string | null>();
    const items = this.appendOnly && new Map<string, [string, string][]>();
    for (const [key, cached] of this.cache) {
      if (cached.tick > threshold) continue;
      if (cached.dirty) {
        const [json, added] = this.toWrite(cached);
        out.set(key, json);
        if (items && added) items.set(key, added);
        this.dirty.delete(key);
      }
      this.cache.delete(key);
      this.cachedBytes -= cached.bytes;
    }
    this.store.writeDocs(this.generation.id, { docs: out, serialized: true, ...(items ? { items } : {}) });
    if (this.storedKeys) for (const key of out.keys()) this.storedKeys.add(key);
  }

  /** Forgets every uncommitted change: documents may have been mutated past the checkpoint. */
  reset(): void {
    this.cache.clear();
    this.cachedBytes = 0;
    this.dirty = new Map();
    this.applied = this.committed;
  }
}

/**
 * Applies a page of the log to every lane, then marks the page as seen by all of them (even those it
 * had nothing for). Returns the position the lanes have now read to: the page's last, or `after`.
 */
export const applyPage = (
  lanes: readonly ProjectionLane[],
  page: readonly StoredEvent[],
  after: number,
): number =>
  applyEvents(
    lanes,
    page.map((event) => projectedFor(lanes, event)),
    after,
  );

/** applyPage for events already as projections see them (projectedPages). */
export const applyEvents = (
  lanes: readonly ProjectionLane[],
  events: readonly ProjectedEvent[],
  after: number,
): number => {
  for (const event of events) {
    for (const lane of lanes) lane.apply(event);
  }
  const position = events.length > 0 ? events[events.length - 1]!.position : after;
  for (const lane of lanes) lane.advanceTo(position);
  return position;
};

/** Commits every lane's pending writes in one transaction; true when something was written. */
export const commitLanes = (store: ReadModelStore, lanes: Iterable<ProjectionLane>): boolean => {
  const pending: [ProjectionLane, GenerationBatch][] = [];
  for (const lane of lanes) {
    const batch = lane.batch();
    if (batch) pending.push([lane, batch]);
  }
  return writeBatches(store, pending);
};

/** Writes the lanes' batches in one transaction, then makes them their baselines; true when there were any. */
export const writeBatches = (
  store: ReadModelStore,
  pending: readonly (readonly [ProjectionLane, GenerationBatch])[],
): boolean => {
  if (pending.length === 0) return false;
  store.commit(pending.map(([, batch]) => batch));
  for (const [lane, batch] of pending) lane.committedBatch(batch);
  return true;
};
