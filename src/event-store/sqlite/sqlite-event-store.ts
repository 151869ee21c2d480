import Database from 'better-sqlite3';
import { EventEmitter } from 'node:events';
import { resolve as resolvePath } from 'node:path';
import {
  assertDistinctEventIds,
  assertExpectedRevision,
  categoryOf,
  DuplicateEventError,
  duplicateAppendResult,
  type AppendResult,
  type EventMetadata,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type StoredEvent,
  type SubscribeOptions,
  type Subscription,
} from '../event-store.port.js';
import {
  canonicalJson,
  ChainVerifier,
  eventHashFromCanonical,
  GENESIS_HASH,
  globalHash,
  type IntegrityReport,
  type ProgressCallback,
  type VerifyOptions,
} from '../integrity.js';
import { migrate } from './schema.js';
import { storeErrorOf } from './sqlite-errors.js';

type Db = Database.Database;

export interface SqliteEventStoreOptions {
  /** How often an idle subscription looks for appends made by another process on the same file. */
  pollIntervalMs?: number;
  /** How long a write waits for another process holding the file's write lock. */
  busyTimeoutMs?: number;
  /**
   * Read the file through a memory map of up to this many bytes (SQLite's mmap_size; default 0, none).
   * For a connection that reads much of the log out of order (a stream-ordered rebuild): page lookups
   * then cost no system call. Writes still go through the journal as always.
   */
  mmapBytes?: number;
}

interface EventRow {
  position: number;
  stream_id: string;
  revision: number;
  event_id: string;
  type: string;
  data: string;
  metadata: string;
  hash: string;
  global_hash: string;
}

interface PendingAppend {
  streamId: string;
  events: readonly NewEvent[];
  expected: ExpectedRevision;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; result: AppendResult } | { ok: false; error: unknown };

interface StreamHead {
  revision: number;
  position: number;
  hash: string;
}

/** A checked append: canonical JSON ready to hash and store, and the stream head it extends. */
interface AppendPlan {
  streamId: string;
  events: readonly NewEvent[];
  data: string[];
  metadata: string[];
  head: StreamHead | undefined;
}

const COLUMNS = 'position, stream_id, revision, event_id, type, data, metadata, hash, global_hash';

/**
 * One event of the log for rebuilds, as JSON text built by SQLite from the stored JSON columns: the
 * envelope with the metadata's recordedAt, `data` verbatim, and of the rest of the metadata only what
 * projections and upcasters read (actor, source, schemaVersion; absent ones stay absent). Parsing this is far cheaper than parsing
 * whole rows, and a page of it crosses threads as one string.
 */
const REPLAY_EVENT_JSON = `'{"streamId":' || json_quote(stream_id) || ',"eventId":' || json_quote(event_id)
  || ',"type":' || json_quote(type) || ',"position":' || position || ',"revision":' || revision
  || coalesce(',"recordedAt":' || (metadata -> '$.recordedAt'), '')
  || ',"data":' || data || ',"metadata":{' || concat_ws(',',
       '"actor":' || (metadata -> '$.actor'),
       '"source":' || (metadata -> '$.source'),
       '"schemaVersion":' || (metadata -> '$.schemaVersion')) || '}}'`;

/** Where a stream-ordered read (`readStreamOrdered`) starts, ends and stops. */
export interface StreamOrderedRange {
  /** Start after this event of the order (stream id, revision): ('', -1) is before every event. */
  afterStream: string;
  afterRevision: number;
  /** Only streams before this id (SQLite's BINARY order); null: up to the last stream. */
  beforeStream: string | null;
  /** Only events at or before this global position. */
  upTo: number;
}

/** A stored event without its hash: what a rebuild reads. */
export type RebuildEvent = Omit<StoredEvent, 'hash'>;

/** A page of `readReplayPage`: `json` is a JSON array of `count` events, the last at `last`. */
export interface ReplayPage {
  json: string;
  count: number;
  last: number;
}

/**
 * What the hot reads (readAll, readStream, subscriptions) select, as arrays: a page of thousands reads
 * ~20% faster without an object per row (and without global_hash, which only `verify` needs).
 */
const READ_COLUMNS = 'position, stream_id, revision, event_id, type, data, metadata, hash';
type ReadRow = [number, string, number, string, string, string, string, string];

const toStoredEvent = (row: EventRow): StoredEvent => ({
  streamId: row.stream_id,
  eventId: row.event_id,
  type: row.type,
  data: JSON.parse(row.data) as Record<string, unknown>,
  metadata: JSON.parse(row.metadata) as EventMetadata,
  revision: row.revision,
  position: row.position,
  hash: row.hash,
});

/** position, stream_id, revision, event_id, type, data, metadata (a ReadRow starts the same). */
type RebuildRow = [number, string, number, string, string, string, string];

const toRebuildEvent = (row: RebuildRow | ReadRow): RebuildEvent => ({
  streamId: row[1],
  eventId: row[3],
  type: row[4],
  data: JSON.parse(row[5]) as Record<string, unknown>,
  metadata: JSON.parse(row[6]) as EventMetadata,
  revision: row[2],
  position: row[0],
});

const storedOf = (row: ReadRow): StoredEvent => {
  const event = toRebuildEvent(row) as StoredEvent;
  event.hash = row[7];
  return event;
};

/** Commits on one file wake subscriptions of every store instance in this process that has it open. */
const commitSignals = new EventEmitter();
commitSignals.setMaxListeners(0);
let memoryStoreCount = 0;

/**
 * Appends from one setImmediate turn are group-committed: one transaction, one fsync, each append
 * validated on its own so one conflict cannot fail its neighbours.
 */
export class SqliteEventStore implements EventStore {
  readonly kind = 'sqlite' as const;
  readonly path: string;
  private readonly db: Db;
  private readonly signalKey: string;
  private readonly pollIntervalMs: number;
  private pending: PendingAppend[] = [];
  private flushScheduled = false;
  private closed = false;
  private readonly subscriptions = new Set<SqliteSubscription>();
  private readonly readAllStatements = new Map<string, Database.Statement<unknown[], ReadRow>>();

  private readonly insertEvent: Database.Statement<
    [string, number, string, string, string, string, string, string, string]
  >;
  private readonly selectStreamHead: Database.Statement<[string], StreamHead>;
  private readonly selectByEventId: Database.Statement<[string], EventRow>;
  private readonly selectLastGlobalHash: Database.Statement<[], string>;
  private readonly selectStream: Database.Statement<[string, number, number], ReadRow>;
  private readonly selectHead: Database.Statement<[], number>;
  private selectReplayPage: Database.Statement<[number, number], [number, string]> | undefined;
  private readonly streamOrdered = new Map<boolean, Database.Statement<unknown[], RebuildRow>>();
  private readonly appendBatch: Database.Transaction<(batch: PendingAppend[], outcomes: Outcome[]) => void>;

  /** path: a file (created if missing; its directory must exist) or ':memory:'. */
  constructor(path: string, options: SqliteEventStoreOptions = {}) {
    const inMemory = path === ':memory:';
    this.path = inMemory ? path : resolvePath(path);
    this.signalKey = inMemory ? `:memory:${++memoryStoreCount}` : this.path;
    this.pollIntervalMs = options.pollIntervalMs ?? 300;
    this.db = new Database(this.path);
    try {
      this.db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
      if (!inMemory) {
        const mode = this.db.pragma('journal_mode = WAL', { simple: true });
        if (mode !== 'wal')
          throw new Error(`could not switch ${this.path} to WAL (journal_mode is ${String(mode)})`);
      }
      // FULL: in WAL mode NORMAL may lose the last commits on power loss; an acknowledged append must not.
      this.db.pragma('synchronous = FULL');
      // Index leaves touched by one commit are mostly touched by the next ones too: checkpointing
      // less often copies each of them to the main file fewer times.
      this.db.pragma('wal_autocheckpoint = 4000');
      this.db.pragma('cache_size = -32768');
      if (options.mmapBytes) this.db.pragma(`mmap_size = ${Math.max(0, Math.floor(options.mmapBytes))}`);
      migrate(this.db);
    } catch (error) {
      this.db.close();
      throw error;
    }

    this.insertEvent = this.db.prepare(
      `INSERT INTO events (stream_id, revision, event_id, type, data, metadata, category, hash, global_hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.selectStreamHead = this.db.prepare(
      'SELECT revision, position, hash FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1',
    );
    this.selectByEventId = this.db.prepare(`SELECT ${COLUMNS} FROM events WHERE event_id = ?`);
    this.selectLastGlobalHash = this.db
      .prepare<[], string>('SELECT global_hash FROM events ORDER BY position DESC LIMIT 1')
      .pluck();
    this.selectStream = this.db
      .prepare<[string, number, number], ReadRow>(
        `SELECT ${READ_COLUMNS} FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?`,
      )
      .raw(true);
    this.selectHead = this.db.prepare<[], number>('SELECT COALESCE(MAX(position), 0) FROM events').pluck();

    this.appendBatch = this.db.transaction((batch, outcomes) => {
      const recordedAt = new Date().toISOString();
      let prevGlobal = this.selectLastGlobalHash.get() ?? GENESIS_HASH;
      for (const append of batch) {
        // Each append is checked against the file as the earlier appends of this batch left it,
        // and writes nothing unless every check passed, so one failure cannot touch its neighbours.
        // An error while writing is not the append's fault (I/O, disk full): it fails the batch.
        let plan: AppendPlan | AppendResult;
        try {
          plan = this.check(append, recordedAt);
        } catch (error) {
          outcomes.push({ ok: false, error });
          continue;
        }
        if ('duplicate' in plan) {
          outcomes.push({ ok: true, result: plan });
          continue;
        }
        const written = this.write(plan, prevGlobal);
        prevGlobal = written.lastGlobal;
        outcomes.push({ ok: true, result: written.result });
      }
    });
  }

  appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    options: { expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new Error('event store is closed'));
    return new Promise<AppendResult>((resolve, reject) => {
      this.pending.push({ streamId, events, expected: options.expectedRevision, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        // setImmediate rather than a microtask: requests that arrived in the same I/O turn join the batch.
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const outcomes: Outcome[] = [];
    try {
      this.appendBatch.immediate(batch, outcomes);
    } catch (error) {
      const refusal = storeErrorOf(error);
      for (const append of batch) append.reject(refusal);
      return;
    }
    let committed = false;
    batch.forEach((append, index) => {
      const outcome = outcomes[index]!;
      if (outcome.ok) {
        committed ||= !outcome.result.duplicate && outcome.result.events.length > 0;
        append.resolve(outcome.result);
      } else {
        append.reject(outcome.error);
      }
    });
    if (committed) commitSignals.emit(this.signalKey);
  }

  /** Validates one append against the current state; answers a duplicate's original result, or what to write. */
  private check(append: PendingAppend, recordedAt: string): AppendPlan | AppendResult {
    const { streamId, events, expected } = append;
    assertDistinctEventIds(streamId, events);
    const data = events.map((event) => canonicalJson(event.data));

    const existing = events.map((event) => this.selectByEventId.get(event.eventId));
    if (existing.some((row) => row !== undefined)) {
      const rows = existing.map((row, i) => {
        const event = events[i]!;
        if (!row || row.stream_id !== streamId || row.type !== event.type || row.data !== data[i]) {
          throw new DuplicateEventError(streamId, event.eventId);
        }
        return row;
      });
      return duplicateAppendResult(streamId, rows.map(toStoredEvent));
    }

    const head = this.selectStreamHead.get(streamId);
    assertExpectedRevision(streamId, expected, head ? head.revision : -1);

    const metadata = events.map((event) =>
      canonicalJson({ ...event.metadata, recordedAt: event.metadata.recordedAt ?? recordedAt }),
    );
    return { streamId, events, data, metadata, head };
  }

  private write(plan: AppendPlan, prevGlobal: string): { result: AppendResult; lastGlobal: string } {
    const { streamId, events, head } = plan;
    const current = head ? head.revision : -1;
    if (events.length === 0) {
      return {
        result: { streamId, revision: current, position: head?.position ?? 0, events: [], duplicate: false },
        lastGlobal: prevGlobal,
      };
    }
    let prevHash = head?.hash ?? GENESIS_HASH;
    let lastGlobal = prevGlobal;
    const category = categoryOf(streamId);
    const stored = events.map((event, i): StoredEvent => {
      const revision = current + 1 + i;
      const data = plan.data[i]!;
      const metadata = plan.metadata[i]!;
      const hash = eventHashFromCanonical(
        streamId,
        revision,
        event.eventId,
        event.type,
        data,
        metadata,
        prevHash,
      );
      lastGlobal = globalHash(lastGlobal, hash);
      const info = this.insertEvent.run(
        streamId,
        revision,
        event.eventId,
        event.type,
        data,
        metadata,
        category,
        hash,
        lastGlobal,
      );
      prevHash = hash;
      return {
        streamId,
        eventId: event.eventId,
        type: event.type,
        data: JSON.parse(data) as Record<string, unknown>,
        metadata: JSON.parse(metadata) as EventMetadata,
        revision,
        position: Number(info.lastInsertRowid),
        hash,
      };
    });
    const last = stored[stored.length - 1]!;
    return {
      result: {
        streamId,
        revision: last.revision,
        position: last.position,
        events: stored,
        duplicate: false,
      },
      lastGlobal,
    };
  }

  async readStream(
    streamId: string,
    options: { fromRevision?: number; maxCount?: number } = {},
  ): Promise<StoredEvent[]> {
    return this.selectStream.all(streamId, options.fromRevision ?? 0, options.maxCount ?? -1).map(storedOf);
  }

  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    return this.readAllSync(options);
  }

  /** An empty `types` list means no type filter, like an absent one. */
  private readAllSync(options: ReadAllOptions): StoredEvent[] {
    const where = ['position > ?'];
    const params: unknown[] = [options.after ?? 0];
    if (options.types && options.types.length > 0) {
      where.push(`type IN (${options.types.map(() => '?').join(', ')})`);
      params.push(...options.types);
    }
    if (options.category !== undefined) {
      where.push('category = ?');
      params.push(options.category);
    }
    params.push(options.limit ?? -1);
    const sql = `SELECT ${READ_COLUMNS} FROM events WHERE ${where.join(' AND ')} ORDER BY position LIMIT ?`;
    let statement = this.readAllStatements.get(sql);
    if (!statement) {
      statement = this.db.prepare<unknown[], ReadRow>(sql).raw(true);
      this.readAllStatements.set(sql, statement);
    }
    return statement.all(...params).map(storedOf);
  }

  /**
   * Rebuilds only: up to `limit` events after `after` in position order, as one JSON array text (see
   * REPLAY_EVENT_JSON): `{ streamId, eventId, type, position, revision, recordedAt, data, metadata }`
   * with metadata cut down to actor, source and schemaVersion. Data is not upcast.
   */
  readReplayPage(after: number, limit: number): ReplayPage {
    this.selectReplayPage ??= this.db
      .prepare<[number, number], [number, string]>(
        `SELECT position, ${REPLAY_EVENT_JSON} FROM events WHERE position > ? ORDER BY position LIMIT ?`,
      )
      .raw(true);
    const rows = this.selectReplayPage.all(after, limit);
    let json = '[';
    for (let i = 0; i < rows.length; i++) json += i === 0 ? rows[i]![1] : `,${rows[i]![1]}`;
    return {
      json: `${json}]`,
      count: rows.length,
      last: rows.length > 0 ? rows[rows.length - 1]![0] : after,
    };
  }

  /**
   * Rebuilds only: up to `limit` events in stream order (stream id, then revision, which within a stream
   * is position order), of the streams and positions in `range`, by the (stream_id, revision) index. A
   * projection whose documents are keyed by stream sees each document's events one after the other,
   * so it can build the document whole and forget it. Data is not upcast.
   */
  readStreamOrdered(range: StreamOrderedRange, limit: number): RebuildEvent[] {
    const bounded = range.beforeStream !== null;
    let statement = this.streamOrdered.get(bounded);
    if (!statement) {
      // Rows as arrays: cheaper than one object per row, which a page of thousands notices.
      statement = this.db
        .prepare<unknown[], RebuildRow>(
          `SELECT position, stream_id, revision, event_id, type, data, metadata FROM events
           WHERE (stream_id, revision) > (?, ?)${bounded ? ' AND stream_id < ?' : ''} AND position <= ?
           ORDER BY stream_id, revision LIMIT ?`,
        )
        .raw(true);
      this.streamOrdered.set(bounded, statement);
    }
    const params: unknown[] = [range.afterStream, range.afterRevision];
    if (bounded) params.push(range.beforeStream);
    params.push(range.upTo, limit);
    return statement.all(...params).map(toRebuildEvent);
  }

  /**
   * Stream ids that cut the events up to `upTo` into about `parts` runs of streams of about as many
   * events each (read off evenly spaced positions), in SQLite's BINARY order, without repeats. Fewer
   * when the log has few streams; none when it is empty.
   */
  streamSplitPoints(parts: number, upTo: number): string[] {
    if (parts < 2 || upTo < 1) return [];
    const samples = Math.min(upTo, Math.max(64, parts * 64));
    const step = upTo / samples;
    const ids = this.db
      .prepare<[number, number, number], string>(
        `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ?)
         SELECT e.stream_id FROM s JOIN events e ON e.position = CAST(s.i * ? AS INTEGER)
         WHERE e.position <= ? ORDER BY e.stream_id`,
      )
      .pluck()
      .all(samples, step, upTo);
    const points: string[] = [];
    for (let k = 1; k < parts; k++) {
      const id = ids[Math.floor((k * ids.length) / parts)];
      // Sorted by SQLite: a repeat can only follow its equal.
      if (id !== undefined && id !== points.at(-1) && id !== ids[0]) points.push(id);
    }
    return points;
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    if (this.closed) throw new Error('event store is closed');
    const subscription = new SqliteSubscription(
      {
        read: (after, limit) => this.readAllSync({ ...options, after, limit }),
        signalKey: this.signalKey,
        pollIntervalMs: this.pollIntervalMs,
      },
      options,
      () => this.subscriptions.delete(subscription),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  async headPosition(): Promise<number> {
    return this.selectHead.get() ?? 0;
  }

  async ping(): Promise<void> {
    if (this.closed) throw new Error('event store is closed');
    this.db.prepare('SELECT 1').get();
  }

  /** Walks this store's log (works for ':memory:' too); see verifySqliteStore. */
  verify(onProgress?: ProgressCallback, options: VerifyOptions = {}): Promise<IntegrityReport> {
    return verifyDatabase(this.db, onProgress, options);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Appends already accepted are committed (or rejected) before the file closes.
    if (this.pending.length > 0) this.flush();
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    this.db.close();
  }
}

interface SubscriptionSource {
  read(after: number, limit: number): StoredEvent[];
  signalKey: string;
  pollIntervalMs: number;
}

/**
 * Always reads by position from the file, whether catching up or live, so the switch between the
 * two can neither skip nor repeat an event.
 */
class SqliteSubscription implements Subscription {
  private closed = false;
  private dirty = true;
  private wakeUp: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly onCommit = (): void => {
    this.dirty = true;
    this.wakeUp?.();
  };

  constructor(
    private readonly source: SubscriptionSource,
    private readonly options: SubscribeOptions,
    private readonly onClosed: () => void,
  ) {
    commitSignals.on(source.signalKey, this.onCommit);
  }

  [Symbol.asyncIterator](): AsyncIterator<StoredEvent> {
    return this.run();
  }

  private async *run(): AsyncGenerator<StoredEvent> {
    let after = this.options.after ?? 0;
    const batchSize = this.options.batchSize ?? 500;
    try {
      while (!this.closed) {
        this.dirty = false;
        const page = this.source.read(after, batchSize);
        for (const event of page) {
          yield event;
          after = event.position;
          if (this.closed) return;
        }
        if (page.length < batchSize && !this.dirty) await this.waitForCommit();
      }
    } finally {
      await this.close();
    }
  }

  private waitForCommit(): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(this.timer);
        this.timer = undefined;
        this.wakeUp = undefined;
        resolve();
      };
      this.wakeUp = done;
      // The fallback for appends by another process, which cannot signal this one.
      this.timer = setTimeout(done, this.source.pollIntervalMs);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    commitSignals.off(this.source.signalKey, this.onCommit);
    this.wakeUp?.();
    this.onClosed();
  }
}

const VERIFY_PAGE = 2000;

const verifyDatabase = async (
  db: Db,
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
