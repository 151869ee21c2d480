/**
 * Pages of the global log for rebuilds. Reading and parsing the log costs as much as everything else a
 * rebuild does, so for a store with the rebuild capability (`EventStore.rebuild`: a SQLite file) the
 * pages are read ahead in a worker thread (its own connection, the same `readAll`), while this thread
 * applies the previous ones. Other stores, or sources run without their compiled worker (ts-jest), read
 * in this thread.
 */
import { Worker } from 'node:worker_threads';
import type { EventStore, ReplayPage, StoredEvent } from '../event-store/event-store.port.js';
import { workerFileExists } from '../shared/worker-file.js';
import type { ProjectedEvent } from '../../projections/projection.js';
import { toProjectedEvent, upcastProjected } from './projection-lane.js';

export interface LogPagesOptions {
  after: number;
  pageSize: number;
  /** Read nothing past this position. */
  stopAt?: number;
  /** Use a read-ahead worker when the store allows it (default true). */
  readAhead?: boolean;
}

/** What the worker receives. */
export interface LogReaderJob {
  url: string;
  after: number;
  pageSize: number;
  stopAt: number;
  /** Pages the worker may have sent and not yet seen consumed. */
  window: number;
  /** Send `readReplayPage` texts (projectedPages) instead of stored events. */
  replay?: boolean;
}

export type LogReaderMessage =
  { page: StoredEvent[] } | { replay: ReplayPage } | { done: true } | { error: string };

const WORKER = new URL('./log-reader.worker.js', import.meta.url);

/** How many read-ahead workers this process has started (for tests and diagnostics). */
export const readAheadStats = { workers: 0 };

/** Where a worker opens its own connection to the store's log, if the store offers rebuild reads. */
export const rebuildUrlOf = (store: EventStore): string | undefined => store.rebuild?.url;

const workerAvailable = (): boolean => workerFileExists(WORKER);

async function* inThread(store: EventStore, after: number, pageSize: number, stopAt: number) {
  let position = after;
  while (position < stopAt) {
    const limit = Math.min(pageSize, stopAt - position);
    const page = await store.readAll({ after: position, limit });
    yield page;
    if (page.length > 0) position = page[page.length - 1]!.position;
    if (page.length < limit) return;
    // Let a progress bar draw and signals arrive between pages.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

async function* readAhead(job: LogReaderJob): AsyncGenerator<StoredEvent[] | ReplayPage> {
  const worker = new Worker(WORKER, { workerData: job });
  readAheadStats.workers += 1;
  const inbox: LogReaderMessage[] = [];
  let wake: (() => void) | undefined;
  const deliver = (message: LogReaderMessage): void => {
    inbox.push(message);
    wake?.();
  };
  worker.on('message', deliver);
  worker.on('error', (error) => deliver({ error: error.stack ?? String(error) }));
  // A normal end says `done` itself; only a failed exit needs reporting.
  worker.on('exit', (code) => {
    if (code !== 0) deliver({ error: `log reader exited with code ${code}` });
  });
  try {
    for (;;) {
      while (inbox.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      const message = inbox.shift()!;
      if ('error' in message) throw new Error(`reading the log ahead failed: ${message.error}`);
      if ('done' in message) return;
      worker.postMessage('more');
      yield 'page' in message ? message.page : message.replay;
    }
  } finally {
    await worker.terminate();
  }
}

/** The log after `after` in pages of `pageSize`, until a short page (the end) or `stopAt`. */
export const logPages = (store: EventStore, options: LogPagesOptions): AsyncGenerator<StoredEvent[]> => {
  const stopAt = options.stopAt ?? Number.POSITIVE_INFINITY;
  const url = rebuildUrlOf(store);
  if (url && (options.readAhead ?? true) && workerAvailable()) {
    return readAhead({
      url,
      after: options.after,
      pageSize: options.pageSize,
      stopAt,
      window: 4,
    }) as AsyncGenerator<StoredEvent[]>;
  }
  return inThread(store, options.after, options.pageSize, stopAt);
};

/** A `readReplayPage` text as projections see it: parsed, data upcast. */
const projectedOf = (page: ReplayPage): ProjectedEvent[] => {
  const events = JSON.parse(page.json) as ProjectedEvent[];
  for (const event of events) upcastProjected(event);
  return events;
};

/**
 * Like logPages, as the events projections see (toProjectedEvent). With the read-ahead worker the
 * worker sends each page as one JSON text of only the fields projections read (readReplayPage), which
 * costs this thread one JSON.parse instead of deserializing whole stored events.
 */
export async function* projectedPages(
  store: EventStore,
  options: LogPagesOptions,
): AsyncGenerator<ProjectedEvent[]> {
  const stopAt = options.stopAt ?? Number.POSITIVE_INFINITY;
  const url = rebuildUrlOf(store);
  if (url && (options.readAhead ?? true) && workerAvailable()) {
    const job = { url, after: options.after, pageSize: options.pageSize, stopAt, window: 4, replay: true };
    for await (const page of readAhead(job)) {
      yield Array.isArray(page) ? page.map(toProjectedEvent) : projectedOf(page);
    }
    return;
  }
  for await (const page of inThread(store, options.after, options.pageSize, stopAt)) {
    yield page.map(toProjectedEvent);
  }
}
