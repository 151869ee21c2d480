/**
 * Rebuilding read models from the first event (`ledger replay`) and checking that a rebuild gives the
 * very same documents as the live read models (`ledger replay --verify`, the auditors' question).
 *
 * From a SQLite file, the projections keyed by assignment stream are rebuilt stream by stream in worker
 * threads (stream-rebuild.ts); the others, and whatever the log gained meanwhile, in log order in this
 * thread (ProjectionLane). Both give the same documents, byte for byte.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { EventStore } from '../event-store/event-store.port.js';
import type { AnyProjection } from '../../projections/projection.js';
import { projectedPages } from './log-reader.js';
import { applyEvents, commitLanes, ProjectionLane } from './projection-lane.js';
import { ReadModelStore, type Generation } from './read-model-store.js';
import { buildLanesByStream, defaultRebuildWorkers } from './stream-rebuild.js';

export interface ReplayProgress {
  /**
   * Last global position applied. While worker threads rebuild stream by stream, which has no such
   * position, it is the events applied so far (the log has no holes: the same share of it), or 0 when
   * some projections are rebuilt from the first event in log order afterwards.
   */
  position: number;
  /** Head of the log when the replay started (or the position, once past it). */
  head: number;
  events: number;
  elapsedMs: number;
}

export type ReplayProgressCallback = (progress: ReplayProgress) => void;

export interface ReplayOptions {
  /** Events per `readAll` page. */
  pageSize?: number;
  /**
   * Rebuilding inside an existing file: commit every this many events. A new file or scratch storage is
   * committed once at the end (a crash there leaves nothing to resume), writing out on the way only the
   * documents the cache has no room for.
   */
  flushEvents?: number;
  /** Documents kept in memory per projection. */
  maxCachedDocs?: number;
  /** Read the log ahead in a worker thread when the store is a SQLite file (default true). */
  readAhead?: boolean;
  /**
   * Threads that rebuild from the first event stream by stream (stream-rebuild.ts), for the projections
   * that allows, from a SQLite file: default one per core, at most 4; 0 rebuilds everything in log order
   * in this thread.
   */
  workers?: number;
}

export interface ReplayResult {
  events: number;
  /** Position of the last event applied. */
  position: number;
  elapsedMs: number;
  eventsPerSecond: number;
  /** The generations now active, one per projection. */
  generations: Generation[];
}

const DEFAULTS = { pageSize: 5000, flushEvents: 100_000, maxCachedDocs: 4000 };

/** The highest version of each projection name. */
export const latestVersions = (projections: readonly AnyProjection[]): AnyProjection[] => {
  const byName = new Map<string, AnyProjection>();
  for (const p of projections) {
    const seen = byName.get(p.name);
    if (!seen || seen.version < p.version) byName.set(p.name, p);
  }
  return [...byName.values()];
};

type PumpOptions = Required<Pick<ReplayOptions, 'pageSize' | 'flushEvents' | 'maxCachedDocs'>> & {
  bulk: boolean;
  readAhead?: boolean | undefined;
  workers?: number | undefined;
  stopAt?: number;
  onProgress?: ReplayProgressCallback | undefined;
};

interface PumpResult {
  /** Events read from the log (each counted once, whichever lanes it fed). */
  events: number;
  position: number;
  elapsedMs: number;
}

/** Reads the log from the lanes' lowest position up to its end (or `stopAt`), committing as it goes. */
const pump = async (
  events: EventStore,
  readModels: ReadModelStore,
  lanes: readonly ProjectionLane[],
  options: PumpOptions,
): Promise<PumpResult> => {
  const started = performance.now();
  let after = lanes.length ? Math.min(...lanes.map((l) => l.applied)) : 0;
  const stopAt = options.stopAt ?? Number.POSITIVE_INFINITY;
  let head = Math.min(await events.headPosition(), stopAt);
  let count = 0;
  let sinceFlush = 0;
  const progress = (): void =>
    options.onProgress?.({
      position: after,
      head: Math.max(head, after),
      events: count,
      elapsedMs: performance.now() - started,
    });
  progress();
  for await (const page of projectedPages(events, {
    after,
    pageSize: options.pageSize,
    stopAt,
    readAhead: options.readAhead,
  })) {
    after = applyEvents(lanes, page, after);
    count += page.length;
    sinceFlush += page.length;
    if (options.bulk) {
      for (const lane of lanes) lane.spill(options.maxCachedDocs);
    } else if (sinceFlush >= options.flushEvents) {
      commitLanes(readModels, lanes);
      sinceFlush = 0;
    }
    head = Math.max(head, after);
    progress();
  }
  commitLanes(readModels, lanes);
  return { events: count, position: after, elapsedMs: performance.now() - started };
};

/**
 * Rebuilds `lanes` from their checkpoints: stream by stream in worker threads where it can
 * (buildLanesByStream), then in log order in this thread for the other lanes and whatever the log gained
 * meanwhile. Returns the lanes as they ended (some replaced by buildLanesByStream).
 */
const rebuild = async (
  events: EventStore,
  readModels: ReadModelStore,
  lanes: readonly ProjectionLane[],
  options: PumpOptions,
): Promise<PumpResult & { lanes: ProjectionLane[] }> => {
  const started = performance.now();
  const byStream = await buildLanesByStream(events, readModels, lanes, {
    workers: options.workers ?? defaultRebuildWorkers(),
    pageSize: options.pageSize,
    maxCachedDocs: options.maxCachedDocs,
    stopAt: options.stopAt,
    onProgress: options.onProgress,
  });
  const rest = byStream.lanes;
  const inLogOrderFrom = rest.length ? Math.min(...rest.map((l) => l.applied)) : 0;
  const run = await pump(events, readModels, rest, {
    ...options,
    // After the workers, only the tail is left to read unless a lane starts from the beginning.
    readAhead: byStream.upTo === 0 || inLogOrderFrom < byStream.upTo ? options.readAhead : false,
  });
  return {
    lanes: rest,
    // The log-order pass read everything again if a lane started at 0; else only what followed.
    events: run.events + (inLogOrderFrom >= byStream.upTo ? byStream.events : 0),
    position: run.position,
    elapsedMs: performance.now() - started,
  };
};

/**
 * Rebuilds every projection (its highest version) from the first event into `target`: a file, ':memory:'
 * or an open store. Each projection gets a new generation; the old one keeps answering until the new
 * one has caught up with the log, then the switch is one transaction per projection. A replay that
 * dies half-way leaves the old read models untouched.
 */
export const replayAll = async (
  store: EventStore,
  target: string | ReadModelStore,
  projections: readonly AnyProjection[],
  onProgress?: ReplayProgressCallback,
  options: ReplayOptions = {},
): Promise<ReplayResult> => {
  if (typeof target === 'string' && target !== ':memory:' && !existsSync(target)) {
    return replayIntoNewFile(store, target, projections, onProgress, options);
  }
  const readModels = typeof target === 'string' ? new ReadModelStore(target) : target;
  try {
    return await rebuildInto(store, readModels, projections, onProgress, options, false);
  } finally {
    if (typeof target === 'string') readModels.close();
  }
};

/**
 * `bulk`: storage nobody reads or resumes before this returns (a new file, scratch). Then there is no
 * checkpoint to keep consistent on the way, so instead of committing every `flushEvents` (which writes
 * the documents still growing again and again) only the least recently used documents are written out
 * when the cache is full, and everything else once at the end.
 */
const rebuildInto = async (
  store: EventStore,
  readModels: ReadModelStore,
  projections: readonly AnyProjection[],
  onProgress: ReplayProgressCallback | undefined,
  options: ReplayOptions,
  bulk: boolean,
): Promise<ReplayResult> => {
  const opts = { ...DEFAULTS, ...options };
  const created: Generation[] = [];
  try {
    const lanes = latestVersions(projections).map((p) => {
      for (const g of readModels.generations(p.name)) {
        if (g.status === 'building') readModels.dropGeneration(g.id);
      }
      const generation = readModels.createGeneration(p.name, p.version);
      created.push(generation);
      return new ProjectionLane(readModels, p, generation, opts.maxCachedDocs);
    });
    const run = await rebuild(store, readModels, lanes, { ...opts, onProgress, bulk });
    for (const lane of run.lanes) readModels.activate(lane.generation.id, lane.committed);
    return {
      events: run.events,
      position: run.position,
      elapsedMs: run.elapsedMs,
      eventsPerSecond: run.elapsedMs > 0 ? Math.round((run.events * 1000) / run.elapsedMs) : run.events,
      generations: run.lanes.map((l) => readModels.generation(l.generation.id)!),
    };
  } catch (error) {
    for (const g of created) {
      try {
        if (readModels.generation(g.id)?.status === 'building') readModels.dropGeneration(g.id);
      } catch {
        // the original error matters more
      }
    }
    throw error;
  }
};

const removeDatabase = (path: string): void => {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${path}${suffix}`, { force: true });
};

const fsyncPath = (path: string): void => {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
};

/** How often the file being built is synced while it grows (see flushBehind). */
const FLUSH_BEHIND_MS = 500;

/**
 * Syncs `path` to disk every FLUSH_BEHIND_MS while it is written, from libuv's thread pool: the
 * operating system otherwise holds the whole new file (~800 MB at 1,000,000 events) in memory until
 * the final fsync, which then writes it all while the caller waits. Best effort: the final fsync is
 * what makes the file durable. `stop` waits for the sync in flight.
 */
const flushBehind = (path: string): { stop: () => Promise<void> } => {
  let inFlight: Promise<void> | undefined;
  const timer = setInterval(() => {
    inFlight ??= (async () => {
      const file = await open(path, 'r');
      try {
        await file.datasync();
      } finally {
        await file.close();
      }
    })()
      .catch(() => undefined)
      .finally(() => (inFlight = undefined));
  }, FLUSH_BEHIND_MS);
  return {
    stop: async () => {
      clearInterval(timer);
      await inFlight;
    },
  };
};

/**
 * No read models yet: build them in a side file without journal or fsync (nothing reads it, and a crash
 * only leaves a file to delete), then make it an ordinary WAL file, sync it and link it into place.
 * `link` never replaces a file that appeared meanwhile (a server that started): that fails the replay.
 */
const replayIntoNewFile = async (
  store: EventStore,
  target: string,
  projections: readonly AnyProjection[],
  onProgress: ReplayProgressCallback | undefined,
  options: ReplayOptions,
): Promise<ReplayResult> => {
  const path = resolve(target);
  mkdirSync(dirname(path), { recursive: true });
  const building = `${path}.building-${process.pid}`;
  removeDatabase(building);
  const readModels = new ReadModelStore(building, { scratch: true });
  const flushing = flushBehind(building);
  try {
    const result = await rebuildInto(store, readModels, projections, onProgress, options, true).finally(() =>
      flushing.stop(),
    );
    readModels.makeDurable();
    readModels.close();
    fsyncPath(building);
    linkSync(building, path);
    fsyncPath(dirname(path));
    return result;
  } finally {
    readModels.close();
    removeDatabase(building);
  }
};

export type DifferenceKind =
  | 'missing-read-model'
  | 'version'
  | 'checkpoint'
  | 'missing-in-live'
  | 'missing-in-replay'
  | 'different'
  | 'truncated';

export interface ReplayDifference {
  projection: string;
  /** The document's key; null for a difference about the whole read model. */
  key: string | null;
  kind: DifferenceKind;
  /** Paths of the fields that differ (`status`, `entries[3].summary`), at most a few. */
  fields: string[];
  detail: string;
}

export interface VerifyOptions extends ReplayOptions {
  /** Stop listing after this many differences (a `truncated` entry says so). */
  maxDifferences?: number;
  onProgress?: ReplayProgressCallback;
  /** Where to rebuild: ':memory:' or a file; default a temporary file, removed afterwards. */
  scratchPath?: string;
}

const MAX_FIELDS = 8;

/** Key order as SQLite's BINARY collation sorts them (UTF-8 bytes), for the merge of two sorted lists. */
const compareKeys = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** Paths at which two JSON values differ, depth-first, at most `MAX_FIELDS`. */
export const differingFields = (a: unknown, b: unknown, path = '', out: string[] = []): string[] => {
  if (out.length >= MAX_FIELDS || isDeepStrictEqual(a, b)) return out;
  const label = path || '(document)';
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) out.push(`${label}.length`);
    for (let i = 0; i < Math.min(a.length, b.length) && out.length < MAX_FIELDS; i++) {
      differingFields(a[i], b[i], `${path}[${i}]`, out);
    }
    return out;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    for (const key of new Set([...Object.keys(ra), ...Object.keys(rb)])) {
      if (out.length >= MAX_FIELDS) break;
      differingFields(ra[key], rb[key], path ? `${path}.${key}` : key, out);
    }
    return out;
  }
  out.push(label);
  return out;
};

/**
 * Rebuilds every projection into scratch storage and compares each document with the live read models,
 * each at the live checkpoint (so a live model that is merely behind is not a difference). A file path is
 * read inside one read transaction, a consistent snapshot even while a server keeps writing it.
 * Returns the differences; an empty list means the replay yields the very same read models.
 */
export const verifyReplay = async (
  store: EventStore,
  live: string | ReadModelStore,
  projections: readonly AnyProjection[],
  options: VerifyOptions = {},
): Promise<ReplayDifference[]> => {
  const opts = { ...DEFAULTS, ...options };
  const maxDifferences = options.maxDifferences ?? 100;
  const targets = latestVersions(projections);
  const differences: ReplayDifference[] = [];
  const add = (difference: ReplayDifference): boolean => {
    if (differences.length >= maxDifferences) {
      if (differences.at(-1)?.kind !== 'truncated') {
        differences.push({
          projection: difference.projection,
          key: null,
          kind: 'truncated',
          fields: [],
          detail: `more than ${maxDifferences} differences; the rest are not listed`,
        });
      }
      return false;
    }
    differences.push(difference);
    return true;
  };

  if (typeof live === 'string' && !existsSync(live)) {
    for (const p of targets) {
      add({
        projection: p.name,
        key: null,
        kind: 'missing-read-model',
        fields: [],
        detail: `${live} does not exist`,
      });
    }
    return differences;
  }
  const liveStore = typeof live === 'string' ? new ReadModelStore(live, { readonly: true }) : live;
  const endSnapshot = typeof live === 'string' ? liveStore.beginSnapshot() : () => undefined;
  const scratchDir =
    options.scratchPath === undefined ? mkdtempSync(join(tmpdir(), 'ledger-verify-')) : undefined;
  const scratch = new ReadModelStore(options.scratchPath ?? join(scratchDir!, 'scratch.sqlite'), {
    scratch: true,
  });
  try {
    const compared: [ProjectionLane, Generation][] = [];
    for (const p of targets) {
      const active = liveStore.active(p.name);
      if (!active) {
        add({
          projection: p.name,
          key: null,
          kind: 'missing-read-model',
          fields: [],
          detail: 'no live read model',
        });
        continue;
      }
      if (active.version !== p.version) {
        add({
          projection: p.name,
          key: null,
          kind: 'version',
          fields: [],
          detail: `live read model is version ${active.version}, the code is version ${p.version}`,
        });
        continue;
      }
      const lane = new ProjectionLane(
        scratch,
        p,
        scratch.createGeneration(p.name, p.version),
        opts.maxCachedDocs,
      );
      lane.until = active.position;
      compared.push([lane, active]);
    }
    const stopAt = Math.max(0, ...compared.map(([, g]) => g.position));
    const run = await rebuild(
      store,
      scratch,
      compared.map(([lane]) => lane),
      { ...opts, stopAt, onProgress: options.onProgress, bulk: true },
    );

    for (const [index, [, active]] of compared.entries()) {
      const lane = run.lanes[index]!;
      const name = lane.name;
      if (lane.committed < active.position) {
        add({
          projection: name,
          key: null,
          kind: 'checkpoint',
          fields: [],
          detail: `live read model is at position ${active.position} but the log ends at ${lane.committed}`,
        });
      }
      const liveRows = liveStore.entries(active);
      const replayRows = scratch.entries(scratch.generation(lane.generation.id)!);
      let l = liveRows.next();
      let r = replayRows.next();
      while (!l.done || !r.done) {
        if (!l.done && (r.done || compareKeys(l.value[0], r.value[0]) < 0)) {
          if (
            !add({
              projection: name,
              key: l.value[0],
              kind: 'missing-in-replay',
              fields: [],
              detail: 'only in the live read model',
            })
          )
            break;
          l = liveRows.next();
        } else if (!r.done && (l.done || compareKeys(r.value[0], l.value[0]) < 0)) {
          if (
            !add({
              projection: name,
              key: r.value[0],
              kind: 'missing-in-live',
              fields: [],
              detail: 'only in the replay',
            })
          )
            break;
          r = replayRows.next();
        } else {
          const [key, liveJson] = l.value as [string, string];
          const replayJson = (r.value as [string, string])[1];
          if (liveJson !== replayJson) {
            const fields = differingFields(JSON.parse(liveJson), JSON.parse(replayJson));
            if (fields.length > 0) {
              const detail = `live and replay differ at ${fields.join(', ')}`;
              if (!add({ projection: name, key, kind: 'different', fields, detail })) break;
            }
          }
          l = liveRows.next();
          r = replayRows.next();
        }
      }
      liveRows.return?.();
      replayRows.return?.();
      if (differences.at(-1)?.kind === 'truncated') break;
    }
    return differences;
  } finally {
    endSnapshot();
    scratch.close();
    if (scratchDir) rmSync(scratchDir, { recursive: true, force: true });
    if (typeof live === 'string') liveStore.close();
  }
};
