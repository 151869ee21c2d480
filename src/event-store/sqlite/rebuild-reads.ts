import type Database from 'better-sqlite3';
import type { RebuildEvent, RebuildReads, ReplayPage, StreamOrderedRange } from '../event-store.port.js';
import { toRebuildEvent, type RebuildRow } from './rows.js';

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

/** The rebuild-only reads of a SQLite file store (see RebuildReads); statements prepared on first use. */
export class SqliteRebuildReads implements RebuildReads {
  private selectReplayPage: Database.Statement<[number, number], [number, string]> | undefined;
  private readonly streamOrdered = new Map<boolean, Database.Statement<unknown[], RebuildRow>>();

  constructor(
    private readonly db: Database.Database,
    readonly url: string,
  ) {}

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

  /** By the (stream_id, revision) index, in SQLite's BINARY order of the ids. */
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

  /** Read off evenly spaced positions, in SQLite's BINARY order. */
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
}
