import Database from 'better-sqlite3';
import type { StoredEvent } from '../event-store.port.js';
import {
  ChainVerifier,
  type IntegrityReport,
  type ProgressCallback,
  type VerifyOptions,
} from '../integrity.js';
import { COLUMNS, toStoredEvent, type EventRow } from './rows.js';
import { migrate } from './schema.js';

const VERIFY_PAGE = 2000;

/** Walks the log of `db` in position order; see verifySqliteStore. */
export const verifyDatabase = async (
  db: Database.Database,
  onProgress: ProgressCallback | undefined,
  options: VerifyOptions,
): Promise<IntegrityReport> => {
  const page = db.prepare<[number, number], EventRow>(
    `SELECT ${COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`,
  );
  const headPosition =
    db.prepare<[], number>('SELECT COALESCE(MAX(position), 0) FROM events').pluck().get() ?? 0;
  const verifier = new ChainVerifier({ ...options, contiguousPositions: true });
  let after = 0;
  let checked = 0;
  for (;;) {
    const rows = page.all(after, VERIFY_PAGE);
    if (rows.length === 0) break;
    for (const row of rows) {
      let event: StoredEvent;
      try {
        event = toStoredEvent(row);
      } catch {
        return {
          ok: false,
          problem: {
            position: row.position,
            eventId: row.event_id,
            streamId: row.stream_id,
            reason: 'stored data or metadata is not valid JSON',
          },
        };
      }
      const problem = verifier.check(event, row.global_hash);
      if (problem) return { ok: false, problem };
      checked += 1;
    }
    after = rows[rows.length - 1]!.position;
    onProgress?.({ checked, position: after, headPosition: Math.max(headPosition, after) });
    // Let a progress bar draw, and other work run, between pages of a long walk.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return verifier.result();
};

/**
 * Walks a ledger file in position order and checks every hash, the per-stream revision sequence,
 * the global chain and that positions have no holes. Note `head` and `headPosition` of an ok report
 * and pass them back as `notedHead`: a log cut short or rewritten up to that point then fails too.
 */
export const verifySqliteStore = async (
  path: string,
  onProgress?: ProgressCallback,
  options: VerifyOptions = {},
): Promise<IntegrityReport> => {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    migrate(db, { readonly: true });
    return await verifyDatabase(db, onProgress, options);
  } finally {
    db.close();
  }
};
