import type Database from 'better-sqlite3';
import { Worker } from 'node:worker_threads';
import { workerFileExists } from '../shared/worker-file.js';

const WORKER = new URL('./wal-checkpointer.worker.js', import.meta.url);

/** What the checkpoint thread is told: start or stop copying one file's WAL back into it. */
export type CheckpointerMessage =
  { watch: string; synchronous: 'FULL' | 'NORMAL'; everyMs: number } | { forget: string };

/** How often the checkpoint thread copies what was committed back into each file it watches. */
const EVERY_MS = 200;
/** With the thread on, the writer checkpoints itself only past this many times its usual WAL. */
const BACKSTOP_FACTOR = 8;

let worker: Worker | undefined;
const watchers = new Map<string, number>();

const post = (message: CheckpointerMessage): void => worker!.postMessage(message);

/**
 * Moves a file's WAL checkpoints off this thread: SQLite otherwise runs one inside the commit that
 * fills the WAL to `pages`, copying it all back and syncing the file on the event loop (measured under
 * the HTTP write load: seconds with a third of the usual answers, p99 +30%). A thread of its own runs
 * PASSIVE checkpoints every 200 ms on its own connection, which never block a reader or the writer;
 * the writer keeps an automatic checkpoint at 8x `pages` in case that thread falls behind. Without
 * the compiled worker (sources under ts-jest) the writer checkpoints at `pages` as before. Returns what
 * undoes it, for when the connection closes.
 */
export const checkpointInBackground = (
  db: Database.Database,
  path: string,
  pages: number,
  synchronous: 'FULL' | 'NORMAL',
): (() => void) => {
  if (!workerFileExists(WORKER)) {
    db.pragma(`wal_autocheckpoint = ${pages}`);
    return () => undefined;
  }
  db.pragma(`wal_autocheckpoint = ${pages * BACKSTOP_FACTOR}`);
  if (!worker) {
    worker = new Worker(WORKER);
    // Never what keeps the process alive: an exit leaves the WAL to the next open, as SQLite intends.
    worker.unref();
    // Files it watched are left to their writers' backstop; a later store starts a thread anew.
    worker.on('exit', () => {
      worker = undefined;
      watchers.clear();
    });
  }
  const count = watchers.get(path) ?? 0;
  watchers.set(path, count + 1);
  if (count === 0) post({ watch: path, synchronous, everyMs: EVERY_MS });
  let undone = false;
  return () => {
    if (undone) return;
    undone = true;
    const left = (watchers.get(path) ?? 1) - 1;
    if (left > 0) return void watchers.set(path, left);
    watchers.delete(path);
    if (worker) post({ forget: path });
  };
};
