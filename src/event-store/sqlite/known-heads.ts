import type Database from 'better-sqlite3';

/** At most this many streams' heads are remembered; past it all are forgotten at once. */
const MAX_STREAMS = 20_000;

/**
 * The revisions this connection itself committed last, per stream, trusted only while no other
 * connection (another process, the CLI) has committed since: SQLite's `data_version` changes exactly
 * then. A read from just past a known head is then answered empty without a query, which is what
 * the write path asks before each write to bring its folded state up to date.
 */
export class KnownHeads {
  private readonly heads = new Map<string, number>();
  private readonly dataVersion: Database.Statement<[], number>;
  private seenVersion: number;

  constructor(db: Database.Database) {
    this.dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
    this.seenVersion = this.dataVersion.get()!;
  }

  /** After a commit of this connection: `revision` is the stream's last. */
  committed(streamId: string, revision: number): void {
    if (this.heads.size >= MAX_STREAMS && !this.heads.has(streamId)) this.heads.clear();
    this.heads.set(streamId, revision);
  }

  /** True when the stream is known to end at `revision` (nothing after it), false when not known. */
  endsAt(streamId: string, revision: number): boolean {
    if (this.heads.get(streamId) !== revision) return false;
    const version = this.dataVersion.get()!;
    if (version === this.seenVersion) return true;
    // Another connection committed: every head may have moved.
    this.seenVersion = version;
    this.heads.clear();
    return false;
  }
}
