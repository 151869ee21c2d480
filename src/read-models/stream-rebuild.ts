/**
 * Rebuilding read models from the first event, stream by stream, in worker threads.
 *
 * A projection whose documents are keyed by stream (`assignmentKeyOf`: the key is the stream id after
 * `assignment-`) gets every event of a document from one stream, in that stream's order. Read in stream
 * order instead of log order, each document is then built whole from `init`, written once as JSON and
 * forgotten: no cache, no upserts, no document written twice, and almost nothing lives long enough to
 * cost the garbage collector. The streams are cut into runs of about equal size that the workers take in
 * turn, each reading the log through its own connection and writing the documents itself (one writer at
 * a time) into the tables it is given (staging tables, which the caller then makes the generations'
 * tables together with their checkpoints: ReadModelStore.adoptStaging). The documents are those a
 * rebuild in log order gives: each sees the same events in the same order, through the same
 * `toProjectedEvent`, `init`, `evolve`, `derive` and `JSON.stringify`.
 *
 * Only for a store with the rebuild capability (`EventStore.rebuild`: a SQLite file), projections of ALL_PROJECTIONS (the worker imports them by name and
 * version) keyed by stream, generations at position 0 and a read-model file (not :memory:); everything
 * else is rebuilt in log order.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { EventStore } from '../event-store/event-store.port.js';
import { ALL_PROJECTIONS } from '../../projections/index.js';
import { assignmentKeyOf, type AnyProjection } from '../../projections/projection.js';
import { workerFileExists } from '../shared/worker-file.js';
import { rebuildUrlOf } from './log-reader.js';
import { ProjectionLane } from './projection-lane.js';
import type { Generation, ReadModelStore } from './read-model-store.js';

/** One generation's documents to build, into a table of a file the workers can open. */
export interface StreamRebuildLane {
  projection: AnyProjection;
  /** Where its documents go: `table` is written with plain INSERTs, one per document. */
  generation: Generation;
  /** Apply no event past this position (verification compares at the live checkpoint). */
  until: number;
}

/** The read-model file the workers write: a scratch file (no journal) or an ordinary (WAL) one. */
export interface StreamRebuildTarget {
  path: string;
  scratch: boolean;
}

/** What each worker receives. */
export interface StreamRebuildJob {
  /** What the worker opens its own connection to the log with (RebuildReads.url). */
  storeUrl: string;
  target: StreamRebuildTarget;
  lanes: { name: string; version: number; generation: Generation; until: number }[];
  upTo: number;
  /** Run i is the streams from boundaries[i - 1] (or the first) up to, not including, boundaries[i]. */
  boundaries: string[];
  pageSize: number;
  /** Write out the finished documents once they hold this many characters of JSON. */
  batchChars: number;
  mmapBytes: number;
  /** Int32 slots: [0] write lock (1 = held), [1] next run to take, [2] 1 = stop. */
  shared: SharedArrayBuffer;
}

export interface StreamRebuildWorkerStats {
  events: number;
  documents: number;
  /** Milliseconds spent waiting for the write lock, and holding it. */
  waitMs: number;
  writeMs: number;
}

export type StreamRebuildMessage =
  { progress: number } | { done: StreamRebuildWorkerStats } | { error: string };

export interface StreamRebuildOptions {
  /** Rebuild the events up to this position (all of them exist: the log has no holes). */
  upTo: number;
  workers: number;
  /** Events per page read (at most MAX_PAGE). */
  pageSize: number;
  /** Events applied so far, after every page a worker applied. */
  onEvents?: (events: number) => void;
  /** Stops every worker; the call then rejects (the tables hold part of the documents). */
  signal?: AbortSignal | undefined;
}

export interface StreamRebuildResult {
  events: number;
  workers: StreamRebuildWorkerStats[];
}

const WORKER = new URL('./stream-rebuild.worker.js', import.meta.url);

/** How many rebuild workers this process has started (for tests and diagnostics). */
export const streamRebuildStats = { workers: 0 };

/** Runs per worker: runs are taken in turn, so a worker slowed down (by load) takes fewer. */
const RUNS_PER_WORKER = 32;

/**
 * Events per page of the stream-ordered read, at most. A page stays alive until applied, and so does
 * every finished document until written: kept small, nearly all a worker allocates dies in the young
 * generation. (1,000,000 events, 2 cores: pages of 5,000 and 4 MiB writes cost a fifth more CPU than
 * 1,000 and 1 MiB; larger young generations than V8's default made no measurable difference.)
 */
const MAX_PAGE = 1000;
const BATCH_CHARS = 1 << 20;
/** The log file is read out of order: memory-mapped, up to SQLite's compile-time cap (~2 GiB). */
const MMAP_BYTES = 2 ** 31;

const workerAvailable = (): boolean => workerFileExists(WORKER);

/**
 * Default worker count: one per core, at most 4. A worker spends about a fifth of its time writing,
 * one writer at a time: with more, they would mostly wait for each other.
 */
export const defaultRebuildWorkers = (): number => Math.max(1, Math.min(availableParallelism(), 4));

/**
 * Whether `rebuildByStream` can build this projection from `store`: a SQLite file, the compiled worker
 * present (not under ts-jest), the projection one of ALL_PROJECTIONS and keyed by stream.
 */
export const canRebuildByStream = (store: EventStore, projection: AnyProjection): boolean =>
  rebuildUrlOf(store) !== undefined &&
  ALL_PROJECTIONS.includes(projection) &&
  projection.keyOf === assignmentKeyOf &&
  workerAvailable();

/**
 * Fills `lanes`' tables (in `target`, empty) with the documents of every event up to `upTo`, in
 * `workers` threads. Sets no checkpoint: the caller does once this resolved. On failure every worker is
 * stopped before this rejects; the tables then hold part of the documents.
 */
export const rebuildByStream = async (
  store: EventStore,
  target: StreamRebuildTarget,
  lanes: readonly StreamRebuildLane[],
  options: StreamRebuildOptions,
): Promise<StreamRebuildResult> => {
  const reads = store.rebuild;
  if (!reads) throw new Error('a stream-ordered rebuild needs a store with rebuild reads (a SQLite file)');
  if (lanes.length === 0 || options.upTo < 1) return { events: 0, workers: [] };
  const count = Math.max(1, Math.floor(options.workers));
  const boundaries = reads.streamSplitPoints(count * RUNS_PER_WORKER, options.upTo);
  const shared = new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT);
  const job: StreamRebuildJob = {
    storeUrl: reads.url,
    target,
    lanes: lanes.map((l) => ({
      name: l.projection.name,
      version: l.projection.version,
      generation: l.generation,
      until: l.until,
    })),
    upTo: options.upTo,
    boundaries,
    pageSize: Math.max(1, Math.min(options.pageSize, MAX_PAGE)),
    batchChars: BATCH_CHARS,
    mmapBytes: MMAP_BYTES,
    shared,
  };
  let events = 0;
  const stats: StreamRebuildWorkerStats[] = [];
  const workers: Worker[] = [];
  const stopAll = (): void => {
    Atomics.store(new Int32Array(shared), 2, 1);
  };
  options.signal?.throwIfAborted();
  const onAbort = (): void => stopAll();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const start = (): Promise<void> => {
    const worker = new Worker(WORKER, { workerData: job });
    streamRebuildStats.workers += 1;
    workers.push(worker);
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      worker.on('message', (message: StreamRebuildMessage) => {
        if ('progress' in message) {
          events += message.progress;
          options.onEvents?.(events);
        } else if ('done' in message) {
          stats.push(message.done);
          settled = true;
          resolve();
        } else {
          settled = true;
          reject(new Error(`stream-ordered rebuild failed: ${message.error}`));
        }
      });
      worker.on('error', (error) => {
        settled = true;
        reject(error);
      });
      worker.on('exit', (code) => {
        if (!settled) reject(new Error(`stream-ordered rebuild worker exited with code ${code}`));
      });
    });
  };
  const runs: Promise<void>[] = [];
  try {
    // A worker that cannot start stops those already started, like one that fails.
    for (let i = Math.min(count, boundaries.length + 1); i > 0; i--) runs.push(start());
    await Promise.all(
      runs.map((run) =>
        run.catch((error: unknown) => {
          stopAll();
          throw error;
        }),
      ),
    );
  } catch (error) {
    // Let every worker leave on its own (closing its connections), then make sure.
    stopAll();
    await Promise.allSettled(runs);
    throw error;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await Promise.all(workers.map((w) => w.terminate()));
  }
  // Stopped workers report done with what they applied: not a rebuild to adopt.
  options.signal?.throwIfAborted();
  const applied = stats.reduce((sum, s) => sum + s.events, 0);
  return { events: applied, workers: stats };
};

/** What `buildLanesByStream` reports as it goes (replay.ts's ReplayProgress). */
export interface LanesByStreamProgress {
  /** Events applied so far, or 0 when some lanes are rebuilt from the first event in log order later. */
  position: number;
  head: number;
  /** The projections being built in the workers. */
  projections: string[];
  events: number;
  elapsedMs: number;
}

export interface LanesByStreamOptions {
  /** Threads to use; below 1, nothing is built here. */
  workers: number;
  pageSize: number;
  /** For the lanes that replace those built. */
  maxCachedDocs: number;
  /** The lanes returned keep at most this many bytes of documents' JSON in memory (ProjectionLane). */
  maxCachedBytes?: number;
  /** Build no further than this position (default: the head of the log when called). */
  stopAt?: number | undefined;
  onProgress?: ((progress: LanesByStreamProgress) => void) | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * The lanes at position 0 that `rebuildByStream` can build, built in worker threads up to the head of
 * the log (or `stopAt`): into staging tables of `readModels` (a file), which then become the
 * generations' tables together with their checkpoints, in one transaction, so no generation is ever
 * ahead of its checkpoint. Returns the lanes to go on with (those built replaced by lanes at their new
 * checkpoints) and how many events were applied, up to which position (0: none was built here).
 * Used by `ledger replay`, and by the runner for read models created on a first start and for the
 * blue-green rebuild of a new projection version.
 */
export const buildLanesByStream = async (
  events: EventStore,
  readModels: ReadModelStore,
  lanes: readonly ProjectionLane[],
  options: LanesByStreamOptions,
): Promise<{ lanes: ProjectionLane[]; events: number; upTo: number }> => {
  const eligible = lanes.filter((l) => l.applied === 0 && canRebuildByStream(events, l.projection));
  const unchanged = { lanes: [...lanes], events: 0, upTo: 0 };
  // The workers open the read-model file themselves: not possible in memory.
  if (options.workers < 1 || eligible.length === 0 || readModels.path === ':memory:') return unchanged;
  const upTo = Math.min(await events.headPosition(), options.stopAt ?? Number.POSITIVE_INFINITY);
  if (upTo < 1) return unchanged;
  const started = performance.now();
  // When some lanes are rebuilt in log order afterwards, from 0, progress positions are theirs.
  const last = eligible.length === lanes.length;
  const projections = eligible.map((l) => l.name);
  const onEvents = (done: number): void =>
    options.onProgress?.({
      position: last ? Math.min(done, upTo) : 0,
      head: upTo,
      projections,
      events: done,
      elapsedMs: performance.now() - started,
    });
  const staging: Generation[] = [];
  let result: StreamRebuildResult;
  try {
    for (const lane of eligible) staging.push(readModels.createStaging(lane.generation));
    result = await rebuildByStream(
      events,
      { path: readModels.path, scratch: readModels.scratch },
      eligible.map((l, i) => ({ projection: l.projection, generation: staging[i]!, until: l.until })),
      { upTo, workers: options.workers, pageSize: options.pageSize, onEvents, signal: options.signal },
    );
    readModels.adoptStaging(
      eligible.map((l, i) => ({ staging: staging[i]!, position: Math.min(l.until, upTo) })),
    );
  } catch (error) {
    // Part of the documents, or a build another process adopted first: of no use to anyone. One that
    // cannot be dropped now goes when staging starts again or with its generation; the error is this one.
    for (const table of staging) {
      try {
        readModels.abandonStaging(table);
      } catch {
        // see above
      }
    }
    throw error;
  }
  const next = lanes.map((lane) => {
    if (!eligible.includes(lane)) return lane;
    const generation = readModels.generation(lane.generation.id)!;
    const fresh = new ProjectionLane(
      readModels,
      lane.projection,
      generation,
      options.maxCachedDocs,
      options.maxCachedBytes,
    );
    fresh.until = lane.until;
    return fresh;
  });
  return { lanes: next, events: result.events, upTo };
};
