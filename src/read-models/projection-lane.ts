/**
 * One projection generation being fed events: the in-memory side of exactly-once. Documents touched since
 * the last commit sit in `dirty`; `applied` is the last global position fed, `committed` the checkpoint
 * stored with the documents. A failed commit leaves mutated documents behind, so `reset` forgets them
 * all and the caller re-reads from `committed`.
 */
import type { StoredEvent } from '../event-store/event-store.port.js';
import { storedSchemaVersion } from '../schemas/schema-versions.js';
import { upcast } from '../schemas/upcasters.js';
import type { AnyProjection, ProjectedEvent } from '../../projections/projection.js';
import type { Generation, GenerationBatch, ReadModelStore } from './read-model-store.js';

/** What a projection sees of a stored event: upcast to the current schema of its type, like every reader. */
export const toProjectedEvent = (event: StoredEvent): ProjectedEvent => ({
  streamId: event.streamId,
  eventId: event.eventId,
  type: event.type,
  data: upcast(event.type, storedSchemaVersion(event.metadata), event.data).data,
  recordedAt: event.metadata.recordedAt,
  position: event.position,
  revision: event.revision,
  metadata: event.metadata,
});

const keyMemo: {
  event: ProjectedEvent | undefined;
  keyOf: AnyProjection['keyOf'] | undefined;
  key: string | null;
} = { event: undefined, keyOf: undefined, key: null };

export class ProjectionLane {
  committed: number;
  applied: number;
  /** Stop applying after this position (verification compares at the live checkpoint). */
  until = Number.POSITIVE_INFINITY;
  private readonly handles: ReadonlySet<string>;
  /** Recently used documents, oldest first; holds every dirty one. */
  private readonly cache = new Map<string, unknown>();
  private dirty = new Map<string, unknown>();
  /** Every stored document is also in the cache (a fresh generation, nothing evicted): skip the lookups. */
  private knownEmpty: boolean;

  constructor(
    private readonly store: ReadModelStore,
    readonly projection: AnyProjection,
    public generation: Generation,
    private readonly maxCachedDocs: number,
  ) {
    this.committed = generation.position;
    this.applied = generation.position;
    // Documents are only ever stored with a checkpoint past 0.
    this.knownEmpty = generation.position === 0;
    this.handles = new Set(projection.canHandle);
  }

  get name(): string {
    return this.projection.name;
  }

  get version(): number {
    return this.generation.version;
  }

  /** Documents changed since the last commit. */
  get pendingDocs(): number {
    return this.dirty.size;
  }

  apply(event: ProjectedEvent): void {
    if (event.position <= this.applied || event.position > this.until) return;
    this.applied = event.position;
    if (!this.handles.has(event.type)) return;
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
    let doc = this.cache.get(key);
    if (doc === undefined) {
      const stored = this.knownEmpty ? undefined : this.store.getFrom(this.generation, key);
      doc = stored ?? this.projection.init(key);
      this.cache.set(key, doc);
    } else if (this.cache.size > this.maxCachedDocs >> 1) {
      // Recency matters only once eviction is near: until then skip the reordering.
      this.cache.delete(key);
      this.cache.set(key, doc);
    }
    const evolved = this.projection.evolve(doc, event);
    if (evolved !== doc) this.cache.set(key, evolved);
    this.dirty.set(key, evolved);
  }

  /** Marks everything up to `position` as seen (events this lane has no use for, or none at all). */
  advanceTo(position: number): void {
    if (position > this.applied && position <= this.until) this.applied = position;
  }

  /** The writes since the last commit, or undefined when there is nothing to store. */
  batch(): GenerationBatch | undefined {
    if (this.applied === this.committed && this.dirty.size === 0) return undefined;
    return { generation: this.generation.id, docs: this.dirty, from: this.committed, position: this.applied };
  }

  /** After the batch was committed: it is the new baseline; cold documents leave the cache. */
  committedBatch(batch: GenerationBatch): void {
    this.committed = batch.position;
    this.generation = { ...this.generation, position: batch.position };
    if (batch.docs === this.dirty) this.dirty = new Map();
    let excess = this.cache.size - this.maxCachedDocs;
    if (excess <= 0) return;
    this.knownEmpty = false;
    for (const key of this.cache.keys()) {
      if (excess-- <= 0) break;
      if (!this.dirty.has(key)) this.cache.delete(key);
    }
  }

  /** Forgets every uncommitted change: documents may have been mutated past the checkpoint. */
  reset(): void {
    this.knownEmpty = this.committed === 0;
    this.cache.clear();
    this.dirty = new Map();
    this.applied = this.committed;
  }
}

/** Commits every lane's pending writes in one transaction; true when something was written. */
export const commitLanes = (store: ReadModelStore, lanes: Iterable<ProjectionLane>): boolean => {
  const pending: [ProjectionLane, GenerationBatch][] = [];
  for (const lane of lanes) {
    const batch = lane.batch();
    if (batch) pending.push([lane, batch]);
  }
  if (pending.length === 0) return false;
  store.commit(pending.map(([, batch]) => batch));
  for (const [lane, batch] of pending) lane.committedBatch(batch);
  return true;
};
