import type Database from 'better-sqlite3';
import {
  assertDistinctEventIds,
  assertExpectedRevision,
  categoryOf,
  DuplicateEventError,
  duplicateAppendResult,
  type AppendResult,
  type EventMetadata,
  type ExpectedRevision,
  type NewEvent,
  type StoredEvent,
} from '../event-store.port.js';
import { canonicalJson, eventHashFromCanonical, GENESIS_HASH, globalHash } from '../integrity.js';
import { COLUMNS, toStoredEvent, type EventRow } from './rows.js';
import type { KnownHeads } from './known-heads.js';
import { storeErrorOf } from './sqlite-errors.js';

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

/**
 * Appends from one setImmediate turn are group-committed: one transaction, one fsync, each append
 * validated on its own so one conflict cannot fail its neighbours. An error of the transaction itself
 * (I/O, a full disk) rejects every append of the batch with that error, as SQLite raised it.
 */
export class GroupCommit {
  private pending: PendingAppend[] = [];
  private flushScheduled = false;
  private readonly insertEvent: Database.Statement<
    [string, number, string, string, string, string, string, string, string]
  >;
  private readonly selectStreamHead: Database.Statement<[string], StreamHead>;
  private readonly selectByEventId: Database.Statement<[string], EventRow>;
  private readonly selectLastGlobalHash: Database.Statement<[], string>;
  private readonly appendBatch: Database.Transaction<(batch: PendingAppend[], outcomes: Outcome[]) => void>;

  /** `onCommit` runs after a commit that stored at least one event. */
  constructor(
    db: Database.Database,
    private readonly heads: KnownHeads,
    private readonly onCommit: () => void,
  ) {
    this.insertEvent = db.prepare(
      `INSERT INTO events (stream_id, revision, event_id, type, data, metadata, category, hash, global_hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.selectStreamHead = db.prepare(
      'SELECT revision, position, hash FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1',
    );
    this.selectByEventId = db.prepare(`SELECT ${COLUMNS} FROM events WHERE event_id = ?`);
    this.selectLastGlobalHash = db
      .prepare<[], string>('SELECT global_hash FROM events ORDER BY position DESC LIMIT 1')
      .pluck();
    this.appendBatch = db.transaction((batch, outcomes) => {
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

  get hasPending(): boolean {
    return this.pending.length > 0;
  }

  append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      this.pending.push({ streamId, events, expected, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        // setImmediate rather than a microtask: requests that arrived in the same I/O turn join the batch.
        setImmediate(() => this.flush());
      }
    });
  }

  flush(): void {
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
        const { result } = outcome;
        if (!result.duplicate && result.events.length > 0) {
          committed = true;
          this.heads.committed(result.streamId, result.revision);
        }
        append.resolve(result);
      } else {
        append.reject(outcome.error);
      }
    });
    if (committed) this.onCommit();
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
}
