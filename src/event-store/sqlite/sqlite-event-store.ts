import Database from 'better-sqlite3';
import { resolve as resolvePath } from 'node:path';
import type {
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  RebuildEvent,
  ReplayPage,
  StoredEvent,
  StreamOrderedRange,
  SubscribeOptions,
  Subscription,
} from '../event-store.port.js';
import type { IntegrityReport, ProgressCallback, VerifyOptions } from '../integrity.js';
import { GroupCommit } from './group-commit.js';
import { KnownHeads } from './known-heads.js';
import { SqliteReads } from './reads.js';
import { SqliteRebuildReads } from './rebuild-reads.js';
import { checkpointInBackground } from '../../sqlite/wal-checkpointer.js';
import { migrate } from './schema.js';
import { commitSignals, SqliteSubscription } from './subscriptions.js';
import { verifyDatabase } from './verification.js';

export { verifySqliteStore } from './verification.js';
export type { RebuildEvent, ReplayPage, StreamOrderedRange } from '../event-store.port.js';

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

let memoryStoreCount = 0;

/** Opens the file in WAL mode with synchronous=FULL and brings its schema up to date. */
const open = (path: string, inMemory: boolean, options: SqliteEventStoreOptions): Database.Database => {
  const db = new Database(path);
  try {
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    if (!inMemory) {
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal')
        throw new Error(`could not switch ${path} to WAL (journal_mode is ${String(mode)})`);
    }
    // FULL: in WAL mode NORMAL may lose the last commits on power loss; an acknowledged append must not.
    db.pragma('synchronous = FULL');
    db.pragma('cache_size = -32768');
    if (options.mmapBytes) db.pragma(`mmap_size = ${Math.max(0, Math.floor(options.mmapBytes))}`);
    migrate(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
};

/**
 * The SQLite adapter: group commit (group-commit.ts), reads (reads.ts), the rebuild capability
 * (rebuild-reads.ts, file stores only), subscriptions (subscriptions.ts) and verification
 * (verification.ts) over one connection.
 */
export class SqliteEventStore implements EventStore {
  readonly kind = 'sqlite' as const;
  readonly path: string;
  readonly rebuild: SqliteRebuildReads | undefined;
  private readonly db: Database.Database;
  private readonly signalKey: string;
  private readonly pollIntervalMs: number;
  private closed = false;
  private readonly subscriptions = new Set<SqliteSubscription>();
  private readonly commits: GroupCommit;
  private readonly reads: SqliteReads;
  private readonly heads: KnownHeads;
  private readonly stopCheckpoints: () => void = () => undefined;
  /** The rebuild reads, also on a store in memory (which other threads cannot open). */
  private readonly rebuildReads: SqliteRebuildReads;

  /** path: a file (created if missing; its directory must exist) or ':memory:'. */
  constructor(path: string, options: SqliteEventStoreOptions = {}) {
    const inMemory = path === ':memory:';
    this.path = inMemory ? path : resolvePath(path);
    this.signalKey = inMemory ? `:memory:${++memoryStoreCount}` : this.path;
    this.pollIntervalMs = options.pollIntervalMs ?? 300;
    this.db = open(this.path, inMemory, options);
    // Index leaves touched by one commit are mostly touched by the next ones too: checkpointing
    // less often copies each of them to the main file fewer times.
    if (!inMemory) this.stopCheckpoints = checkpointInBackground(this.db, this.path, 4000, 'FULL');
    this.heads = new KnownHeads(this.db);
    this.commits = new GroupCommit(this.db, this.heads, () => commitSignals.emit(this.signalKey));
    this.reads = new SqliteReads(this.db);
    this.rebuildReads = new SqliteRebuildReads(this.db, `sqlite:${this.path}`);
    this.rebuild = inMemory ? undefined : this.rebuildReads;
  }

  appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    options: { expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new Error('event store is closed'));
    return this.commits.append(streamId, events, options.expectedRevision);
  }

  async readStream(
    streamId: string,
    options: { fromRevision?: number; maxCount?: number } = {},
  ): Promise<StoredEvent[]> {
    const from = options.fromRevision ?? 0;
    // What the write path asks before each write: usually nothing, known without a query.
    if (from > 0 && this.heads.endsAt(streamId, from - 1)) return [];
    return this.reads.stream(streamId, from, options.maxCount ?? -1);
  }

  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    return this.reads.all(options);
  }

  /** See RebuildReads.readReplayPage. */
  readReplayPage(after: number, limit: number): ReplayPage {
    return this.rebuildReads.readReplayPage(after, limit);
  }

  /** See RebuildReads.readStreamOrdered. */
  readStreamOrdered(range: StreamOrderedRange, limit: number): RebuildEvent[] {
    return this.rebuildReads.readStreamOrdered(range, limit);
  }

  /** See RebuildReads.streamSplitPoints. */
  streamSplitPoints(parts: number, upTo: number): string[] {
    return this.rebuildReads.streamSplitPoints(parts, upTo);
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    if (this.closed) throw new Error('event store is closed');
    const subscription = new SqliteSubscription(
      {
        read: (after, limit) => this.reads.all({ ...options, after, limit }),
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
    return this.reads.head();
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
    if (this.commits.hasPending) this.commits.flush();
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    this.stopCheckpoints();
    this.db.close();
  }
}
