/**
 * A worker of stream-rebuild.ts: takes runs of streams in turn, reads each in stream order, builds every
 * document whole and writes it once (holding the shared write lock), until no run is left.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createEventStore } from '../event-store/create-event-store.js';
import type { StreamOrderedRange } from '../event-store/event-store.port.js';
import { ALL_PROJECTIONS } from '../../projections/index.js';
import { storedFormOf, type AnyProjection, type ProjectedEvent } from '../../projections/projection.js';
import { toProjectedEvent } from './projection-lane.js';
import { ReadModelStore, type Generation } from './read-model-store.js';
import type { StreamRebuildJob, StreamRebuildMessage, StreamRebuildWorkerStats } from './stream-rebuild.js';

const job = workerData as StreamRebuildJob;
const port = parentPort!;
const shared = new Int32Array(job.shared);
const LOCK = 0;
const NEXT_RUN = 1;
const STOP = 2;
const send = (message: StreamRebuildMessage): void => port.postMessage(message);

interface Lane {
  projection: AnyProjection;
  generation: Generation;
  until: number;
  handles: ReadonlySet<string>;
  /** The document being built, and its key (null: none). */
  key: string | null;
  doc: unknown;
  /** Finished documents not yet written. */
  rows: [string, string][];
}

const lanes: Lane[] = job.lanes.map((l) => {
  const projection = ALL_PROJECTIONS.find((p) => p.name === l.name && p.version === l.version);
  if (!projection) throw new Error(`no projection ${l.name} v${l.version} in ALL_PROJECTIONS`);
  return {
    projection,
    generation: l.generation,
    until: l.until,
    handles: new Set(projection.canHandle),
    key: null,
    doc: undefined,
    rows: [],
  };
});

const stats: StreamRebuildWorkerStats = { events: 0, documents: 0, waitMs: 0, writeMs: 0 };
let pendingChars = 0;

/** The document in hand is complete: its JSON joins the next write. */
const finish = (lane: Lane): void => {
  if (lane.key === null) return;
  const doc = lane.doc;
  // A document evolved into nothing is not stored, as a commit would remove it.
  if (doc !== null && doc !== undefined) {
    const json = JSON.stringify(storedFormOf(lane.projection, doc));
    lane.rows.push([lane.key, json]);
    pendingChars += json.length;
    stats.documents += 1;
  }
  lane.key = null;
  lane.doc = undefined;
};

const apply = (event: ProjectedEvent): void => {
  let keyOf: AnyProjection['keyOf'] | undefined;
  let key: string | null = null;
  for (const lane of lanes) {
    if (event.position > lane.until || !lane.handles.has(event.type)) continue;
    // Projections usually share one keyOf: compute it once per event.
    if (lane.projection.keyOf !== keyOf) {
      keyOf = lane.projection.keyOf;
      key = keyOf(event);
    }
    if (key === null) continue;
    if (key !== lane.key) {
      finish(lane);
      lane.key = key;
      lane.doc = lane.projection.init(key);
    }
    lane.doc = lane.projection.evolve(lane.doc, event);
  }
};

const events = await createEventStore(job.storeUrl, { mmapBytes: job.mmapBytes });
if (!events.rebuild) throw new Error(`${job.storeUrl} offers no rebuild reads`);
const reads = events.rebuild;
const target = new ReadModelStore(job.target.path, { scratch: job.target.scratch });

/** About what a 16 KiB table page holds of rows, less its header and each row's overhead. */
const PAGE_BUDGET = 16_200;

/**
 * The order to insert one write's documents in. SQLite appends each new row to the table's last page
 * while it fits and starts a new page otherwise, so documents of ~9 KB in 16 KiB pages, inserted in key
 * order, leave about a third of most pages empty. Largest first, each page topped up with the largest
 * that still fit (first-fit decreasing), the file of the 1M-event bench is 18% smaller (996 -> 819 MB):
 * as much less to write now and to sync and cache later. Only where rows sit changes (reads go by key).
 */
const fillOrder = (rows: [string, string][]): [string, string][] => {
  if (rows.length < 3) return rows;
  const size = (row: [string, string]): number => row[0].length + row[1].length + 16;
  const pages: { free: number; rows: [string, string][] }[] = [];
  for (const row of [...rows].sort((a, b) => size(b) - size(a))) {
    const need = size(row);
    const page = pages.find((p) => p.free >= need);
    if (page) {
      page.free -= need;
      page.rows.push(row);
    } else pages.push({ free: PAGE_BUDGET - need, rows: [row] });
  }
  return pages.flatMap((p) => p.rows);
};

/** One writer at a time on the target file: the other workers keep building meanwhile. */
const write = (): void => {
  const waited = performance.now();
  while (Atomics.compareExchange(shared, LOCK, 0, 1) !== 0) {
    // A worker that failed holding the lock has released it; one that died cannot: give up then.
    if (Atomics.load(shared, STOP) !== 0) throw new Error('stopped: another rebuild worker failed');
    Atomics.wait(shared, LOCK, 1, 100);
  }
  const started = performance.now();
  try {
    target.insertJson(lanes.map((lane) => ({ generation: lane.generation, rows: fillOrder(lane.rows) })));
  } finally {
    Atomics.store(shared, LOCK, 0);
    Atomics.notify(shared, LOCK, 1);
  }
  stats.waitMs += started - waited;
  stats.writeMs += performance.now() - started;
  for (const lane of lanes) lane.rows = [];
  pendingChars = 0;
};

/** Applies run `run` (every event of its streams up to `upTo`), then writes out what it finished. */
const rebuildRun = (run: number): void => {
  const range: StreamOrderedRange = {
    afterStream: run === 0 ? '' : job.boundaries[run - 1]!,
    afterRevision: -1,
    beforeStream: job.boundaries[run] ?? null,
    upTo: job.upTo,
  };
  let stream: string | undefined;
  let position = 0;
  for (;;) {
    if (Atomics.load(shared, STOP) !== 0) return;
    const page = reads.readStreamOrdered(range, job.pageSize);
    for (const stored of page) {
      // Within a stream, revision order is position order: the order a log-order rebuild applies.
      if (stored.streamId === stream && stored.position <= position) {
        throw new Error(`stream ${stream}: position ${stored.position} after ${position} in revision order`);
      }
      stream = stored.streamId;
      position = stored.position;
      apply(toProjectedEvent(stored));
    }
    stats.events += page.length;
    if (page.length > 0) send({ progress: page.length });
    if (pendingChars >= job.batchChars) write();
    if (page.length < job.pageSize) break;
    const last = page[page.length - 1]!;
    range.afterStream = last.streamId;
    range.afterRevision = last.revision;
  }
  // Runs end between streams, so every document in hand is complete.
  for (const lane of lanes) finish(lane);
};

try {
  for (;;) {
    if (Atomics.load(shared, STOP) !== 0) break;
    const run = Atomics.add(shared, NEXT_RUN, 1);
    if (run > job.boundaries.length) break;
    rebuildRun(run);
  }
  if (Atomics.load(shared, STOP) === 0) write();
  send({ done: stats });
} catch (error) {
  Atomics.store(shared, STOP, 1);
  send({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
} finally {
  target.close();
  await events.close();
  port.close();
}
