import type Database from 'better-sqlite3';
import type { ReadAllOptions, StoredEvent } from '../event-store.port.js';
import { READ_COLUMNS, storedOf, type ReadRow } from './rows.js';

/** readStream, readAll and the head: the reads of every day, rows as arrays. */
export class SqliteReads {
  private readonly readAllStatements = new Map<string, Database.Statement<unknown[], ReadRow>>();
  private readonly selectStream: Database.Statement<[string, number, number], ReadRow>;
  private readonly selectHead: Database.Statement<[], number>;

  constructor(private readonly db: Database.Database) {
    this.selectStream = db
      .prepare<[string, number, number], ReadRow>(
        `SELECT ${READ_COLUMNS} FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?`,
      )
      .raw(true);
    this.selectHead = db.prepare<[], number>('SELECT COALESCE(MAX(position), 0) FROM events').pluck();
  }

  stream(streamId: string, fromRevision: number, maxCount: number): StoredEvent[] {
    return this.selectStream.all(streamId, fromRevision, maxCount).map(storedOf);
  }

  /** An empty `types` list means no type filter, like an absent one. */
  all(options: ReadAllOptions): StoredEvent[] {
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

  head(): number {
    return this.selectHead.get() ?? 0;
  }
}
