/** The checkpoint thread of wal-checkpointer.ts: PASSIVE checkpoints of the files it is told to watch. */
import Database from 'better-sqlite3';
import { parentPort } from 'node:worker_threads';
import type { CheckpointerMessage } from './wal-checkpointer.js';

const files = new Map<string, { db: Database.Database; timer: NodeJS.Timeout }>();

const checkpoint = (db: Database.Database): void => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy with another checkpoint, or the file is going away: the next turn tries again.
  }
};

parentPort!.on('message', (message: CheckpointerMessage) => {
  if ('watch' in message) {
    if (files.has(message.watch)) return;
    let db: Database.Database;
    try {
      db = new Database(message.watch, { fileMustExist: true });
      db.pragma(`synchronous = ${message.synchronous}`);
    } catch {
      return;
    }
    const timer = setInterval(() => checkpoint(db), message.everyMs);
    files.set(message.watch, { db, timer });
  } else {
    const file = files.get(message.forget);
    if (!file) return;
    files.delete(message.forget);
    clearInterval(file.timer);
    checkpoint(file.db);
    file.db.close();
  }
});
