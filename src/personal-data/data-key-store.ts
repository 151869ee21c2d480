import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { gcmOpen, gcmSeal } from './aes-gcm.js';

const DATA_KEY_BYTES = 32;
const CACHED_KEYS = 10_000;
const VERSION_CHECK_MS = 50;

/** What an erasure request said and, once its events are appended, what it answered. */
export interface ErasureRecord {
  subjectId: string;
  erasedAt: string;
  reason: string;
  reference?: string;
  actor: string;
  state: 'pending' | 'done';
  /** The answer given to the request (assignments, events), once done. */
  answer?: unknown;
}

export class SubjectErasedError extends Error {
  override name = 'SubjectErasedError';
  constructor(readonly subjectId: string) {
    super(`data subject ${subjectId} was erased`);
  }
}

interface ErasureRow {
  subject_id: string;
  erased_at: string;
  reason: string;
  reference: string | null;
  actor: string;
  state: 'pending' | 'done';
  answer: string | null;
}

const toRecord = (row: ErasureRow): ErasureRecord => ({
  subjectId: row.subject_id,
  erasedAt: row.erased_at,
  reason: row.reason,
  ...(row.reference !== null ? { reference: row.reference } : {}),
  actor: row.actor,
  state: row.state,
  ...(row.answer !== null ? { answer: JSON.parse(row.answer) as unknown } : {}),
});

/**
 * One data key per data subject, kept outside the events and wrapped (AES-256-GCM) by the master key.
 * Erasing a subject deletes its key with `secure_delete` on and a rollback journal, so no page of the
 * file keeps the wrapped key; the erasure is recorded first as pending, in the same transaction, so a
 * crash before its events are appended is completed by the next start.
 */
export class DataKeyStore {
  private readonly db: Database.Database;
  private readonly cache = new Map<string, Buffer>();
  private readonly dataVersion: Database.Statement;
  private seenVersion: unknown;
  private changes = 0;
  private checkedAt = 0;

  constructor(
    path: string,
    private readonly masterKey: Buffer,
  ) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    if (path !== ':memory:') chmodSync(path, 0o600);
    this.db.pragma('journal_mode = DELETE');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('secure_delete = ON');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS data_keys (
        subject_id TEXT PRIMARY KEY,
        wrapped BLOB NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS erasures (
        subject_id TEXT PRIMARY KEY,
        erased_at TEXT NOT NULL,
        reason TEXT NOT NULL,
        reference TEXT,
        actor TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'done')),
        answer TEXT
      );
    `);
    this.dataVersion = this.db.prepare('PRAGMA data_version').pluck();
    this.seenVersion = this.dataVersion.get();
  }

  /**
   * Changes when a key may have gone: an erasure here, or any write by another process sharing the
   * file (another server), after which cached keys are read again. For caches of opened values.
   */
  generation(): number {
    // Another process's write is seen within this many milliseconds; an erasure here at once.
    const now = Date.now();
    if (now - this.checkedAt < VERSION_CHECK_MS) return this.changes;
    this.checkedAt = now;
    const version = this.dataVersion.get();
    if (version !== this.seenVersion) {
      this.seenVersion = version;
      this.cache.clear();
      this.changes++;
    }
    return this.changes;
  }

  /** The subject's data key, created (durably, before any value is sealed with it) on first use. */
  keyFor(subjectId: string, now: Date): Buffer {
    const known = this.existingKey(subjectId);
    if (known) return known;
    if (this.erasureOf(subjectId)) throw new SubjectErasedError(subjectId);
    const key = randomBytes(DATA_KEY_BYTES);
    const inserted = this.db
      .prepare('INSERT OR IGNORE INTO data_keys (subject_id, wrapped, created_at) VALUES (?, ?, ?)')
      .run(subjectId, this.wrap(subjectId, key), now.toISOString());
    // Another process created it between our read and our write: use theirs.
    if (inserted.changes === 0) return this.existingKey(subjectId)!;
    this.remember(subjectId, key);
    return key;
  }

  /** The subject's key, or undefined when it never had one or was erased. */
  existingKey(subjectId: string): Buffer | undefined {
    this.generation();
    const cached = this.cache.get(subjectId);
    if (cached) return cached;
    const row = this.db.prepare('SELECT wrapped FROM data_keys WHERE subject_id = ?').get(subjectId) as
      { wrapped: Buffer } | undefined;
    if (!row) return undefined;
    const key = this.unwrap(subjectId, row.wrapped);
    this.remember(subjectId, key);
    return key;
  }

  erasureOf(subjectId: string): ErasureRecord | undefined {
    const row = this.db.prepare('SELECT * FROM erasures WHERE subject_id = ?').get(subjectId) as
      ErasureRow | undefined;
    return row ? toRecord(row) : undefined;
  }

  /** Destroys the key and records the erasure as pending; a second call returns the first record. */
  beginErasure(request: Omit<ErasureRecord, 'state' | 'answer'>): ErasureRecord {
    const begin = this.db.transaction(() => {
      const earlier = this.erasureOf(request.subjectId);
      if (earlier) return earlier;
      this.db.prepare('DELETE FROM data_keys WHERE subject_id = ?').run(request.subjectId);
      this.db
        .prepare(
          `INSERT INTO erasures (subject_id, erased_at, reason, reference, actor, state)
           VALUES (?, ?, ?, ?, ?, 'pending')`,
        )
        .run(request.subjectId, request.erasedAt, request.reason, request.reference ?? null, request.actor);
      return this.erasureOf(request.subjectId)!;
    });
    const record = begin.immediate();
    this.cache.delete(request.subjectId);
    this.changes++;
    return record;
  }

  completeErasure(subjectId: string, answer: unknown): ErasureRecord {
    this.db
      .prepare(`UPDATE erasures SET state = 'done', answer = ? WHERE subject_id = ?`)
      .run(JSON.stringify(answer), subjectId);
    this.changes++;
    return this.erasureOf(subjectId)!;
  }

  /** Every erasure, done or pending. */
  erasures(): ErasureRecord[] {
    return (this.db.prepare('SELECT * FROM erasures ORDER BY erased_at').all() as ErasureRow[]).map(toRecord);
  }

  pendingErasures(): ErasureRecord[] {
    return (
      this.db
        .prepare(`SELECT * FROM erasures WHERE state = 'pending' ORDER BY erased_at`)
        .all() as ErasureRow[]
    ).map(toRecord);
  }

  close(): void {
    this.cache.clear();
    if (this.db.open) this.db.close();
  }

  private remember(subjectId: string, key: Buffer): void {
    this.cache.delete(subjectId);
    this.cache.set(subjectId, key);
    if (this.cache.size > CACHED_KEYS) this.cache.delete(this.cache.keys().next().value!);
  }

  private wrap(subjectId: string, key: Buffer): Buffer {
    return gcmSeal(this.masterKey, key, Buffer.from(`data-key:${subjectId}`, 'utf8'));
  }

  private unwrap(subjectId: string, stored: Buffer): Buffer {
    const key = gcmOpen(this.masterKey, stored, Buffer.from(`data-key:${subjectId}`, 'utf8'));
    if (!key) throw new Error(`the data key of subject ${subjectId} does not open with this master key`);
    return key;
  }
}
