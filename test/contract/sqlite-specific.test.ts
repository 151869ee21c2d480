import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEventStore } from '../../src/event-store/create-event-store.js';
import type { EventStore, NewEvent, StoredEvent } from '../../src/event-store/event-store.port.js';
import { eventHash } from '../../src/event-store/integrity.js';
import { SqliteEventStore, verifySqliteStore } from '../../src/event-store/sqlite/sqlite-event-store.js';

const dir = mkdtempSync(join(tmpdir(), 'ledger-sqlite-'));
let files = 0;
const freshPath = (): string => join(dir, `ledger-${++files}.sqlite`);
const opened: EventStore[] = [];
const open = (
  path: string,
  options?: ConstructorParameters<typeof SqliteEventStore>[1],
): SqliteEventStore => {
  const store = new SqliteEventStore(path, options);
  opened.push(store);
  return store;
};

afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const event = (type = 'Tested', data: Record<string, unknown> = {}): NewEvent => ({
  eventId: randomUUID(),
  type,
  data,
  metadata: { actor: 'test', commandId: randomUUID(), correlationId: randomUUID() },
});

/** Three streams, nine events, positions 1..9, then closed. */
const ledgerFile = async (): Promise<string> => {
  const path = freshPath();
  const store = open(path);
  for (let round = 0; round < 3; round += 1) {
    for (const name of ['a', 'b', 'c']) {
      const data = { round, amount: `${round}0.00` };
      await store.appendToStream(`assignment-${name}`, [event('Noted', data)], { expectedRevision: 'any' });
    }
  }
  await store.close();
  return path;
};

const tamper = (path: string, sql: string): void => {
  const db = new Database(path);
  db.exec(sql);
  db.close();
};

describe('SQLite ledger file', () => {
  it('keeps events and continues every chain after a reopen', async () => {
    const path = freshPath();
    const first = open(path);
    await first.appendToStream('assignment-1', [event(), event()], { expectedRevision: 'no_stream' });
    await first.close();
    const second = open(path);
    const next = await second.appendToStream('assignment-1', [event()], { expectedRevision: 1 });
    expect(next).toMatchObject({ revision: 2, position: 3 });
    expect(await second.verify()).toMatchObject({ ok: true, events: 3, headPosition: 3 });
  });

  it('refuses a file whose schema is newer than this build', () => {
    const path = freshPath();
    tamper(path, 'PRAGMA user_version = 99');
    expect(() => open(path)).toThrow(
      'ledger file schema v99 is newer than this build supports (v1); upgrade the ledger',
    );
  });

  it('rejects every append of a batch whose transaction fails, and recovers after', async () => {
    const path = freshPath();
    const store = open(path, { busyTimeoutMs: 20 });
    await store.appendToStream('assignment-1', [event()], { expectedRevision: 'no_stream' });
    const blocker = new Database(path);
    blocker.exec('BEGIN IMMEDIATE');
    const outcomes = await Promise.allSettled([
      store.appendToStream('assignment-1', [event()], { expectedRevision: 0 }),
      store.appendToStream('assignment-2', [event()], { expectedRevision: 'no_stream' }),
      store.appendToStream('assignment-3', [event()], { expectedRevision: 'any' }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    blocker.exec('ROLLBACK');
    blocker.close();
    expect(await store.headPosition()).toBe(1);
    const retried = await store.appendToStream('assignment-1', [event()], { expectedRevision: 0 });
    expect(retried).toMatchObject({ revision: 1, position: 2 });
  });

  it('commits appends already accepted when closed', async () => {
    const path = freshPath();
    const store = new SqliteEventStore(path);
    const pending = store.appendToStream('assignment-1', [event()], { expectedRevision: 'no_stream' });
    await store.close();
    expect((await pending).position).toBe(1);
    await expect(store.appendToStream('assignment-1', [event()], { expectedRevision: 0 })).rejects.toThrow(
      'event store is closed',
    );
    const reopened = open(path);
    expect(await reopened.readStream('assignment-1')).toHaveLength(1);
  });

  it('wakes a subscription for appends made through another connection to the same file (poll fallback)', async () => {
    const path = freshPath();
    const link = join(dir, `link-${files}.sqlite`);
    const reader = open(path, { pollIntervalMs: 50 });
    // The same file under another name: no in-process signal reaches the reader, only its poll.
    symlinkSync(path, link);
    const otherWriter = open(link);
    const subscription = reader.subscribeToAll();
    const received: StoredEvent[] = [];
    const done = (async () => {
      for await (const stored of subscription) {
        received.push(stored);
        if (received.length === 2) break;
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 30));
    await otherWriter.appendToStream('assignment-1', [event(), event()], { expectedRevision: 'no_stream' });
    await done;
    expect(received.map((e) => e.revision)).toEqual([0, 1]);
  });
});

it('reads what another connection appended after a stream head this connection wrote itself', async () => {
  const path = freshPath();
  const writer = open(path);
  const other = open(path);
  await writer.appendToStream('assignment-1', [event(), event()], { expectedRevision: 'no_stream' });
  // The write path's question before each write: anything after the revision it folded?
  expect(await writer.readStream('assignment-1', { fromRevision: 2 })).toEqual([]);
  await other.appendToStream('assignment-1', [event('FromElsewhere')], { expectedRevision: 1 });
  expect((await writer.readStream('assignment-1', { fromRevision: 2 })).map((e) => e.type)).toEqual([
    'FromElsewhere',
  ]);
  await writer.appendToStream('assignment-1', [event()], { expectedRevision: 2 });
  expect(await writer.readStream('assignment-1', { fromRevision: 4 })).toEqual([]);
  await other.appendToStream('assignment-1', [event('AgainElsewhere')], { expectedRevision: 3 });
  expect((await writer.readStream('assignment-1', { fromRevision: 4 })).map((e) => e.type)).toEqual([
    'AgainElsewhere',
  ]);
  expect(await writer.readStream('assignment-1')).toHaveLength(5);
});

describe('createEventStore', () => {
  it('opens sqlite:<path>, creating the parent directory', async () => {
    const path = join(dir, 'nested', 'deeper', 'ledger.sqlite');
    const store = await createEventStore(`sqlite:${path}`);
    opened.push(store);
    expect(store.kind).toBe('sqlite');
    await store.ping();
    expect(existsSync(path)).toBe(true);
  });

  it('opens sqlite::memory:', async () => {
    const store = await createEventStore('sqlite::memory:');
    opened.push(store);
    await store.appendToStream('assignment-1', [event()], { expectedRevision: 'no_stream' });
    expect(await store.headPosition()).toBe(1);
  });

  it('rejects a URL it does not understand', async () => {
    await expect(createEventStore('postgres://localhost/ledger')).rejects.toThrow('is not understood');
  });
});

describe('verifySqliteStore', () => {
  it('passes an untouched file and reports its head and progress', async () => {
    const path = await ledgerFile();
    const progress: number[] = [];
    const report = await verifySqliteStore(path, ({ position }) => progress.push(position));
    expect(report).toMatchObject({ ok: true, events: 9, headPosition: 9 });
    expect(report.ok && report.head).toMatch(/^[0-9a-f]{64}$/);
    expect(progress[progress.length - 1]).toBe(9);
  });

  it('finds an edited field', async () => {
    const path = await ledgerFile();
    tamper(path, `UPDATE events SET data = '{"amount":"99.00","round":1}' WHERE position = 5`);
    expect(await verifySqliteStore(path)).toMatchObject({
      ok: false,
      problem: { position: 5, streamId: 'assignment-b', reason: expect.stringContaining('hash mismatch') },
    });
  });

  it('finds an edited field even when its own hash was recomputed', async () => {
    const path = await ledgerFile();
    const reader = open(path);
    const [previous, victim] = await reader.readStream('assignment-b', { maxCount: 2 });
    await reader.close();
    expect(victim!.position).toBe(5);
    const forgedHash = eventHash({ ...victim!, data: { amount: '99.00', round: 1 } }, previous!.hash);
    tamper(
      path,
      `UPDATE events SET data = '{"amount":"99.00","round":1}', hash = '${forgedHash}' WHERE position = 5`,
    );
    const report = await verifySqliteStore(path);
    expect(report).toMatchObject({ ok: false, problem: { position: 5 } });
    expect(!report.ok && report.problem.reason).toContain('global chain');
  });

  it('finds a deleted event in the middle', async () => {
    const path = await ledgerFile();
    tamper(path, 'DELETE FROM events WHERE position = 4');
    expect(await verifySqliteStore(path)).toMatchObject({ ok: false, problem: { position: 5 } });
  });

  it('finds a deleted event even when later positions were renumbered to close the hole', async () => {
    const path = await ledgerFile();
    tamper(
      path,
      'DELETE FROM events WHERE position = 4; UPDATE events SET position = position - 1 WHERE position > 4',
    );
    expect(await verifySqliteStore(path)).toMatchObject({ ok: false, problem: { position: 4 } });
  });

  it('finds two swapped events', async () => {
    const path = await ledgerFile();
    tamper(
      path,
      `UPDATE events SET position = -2 WHERE position = 2;
       UPDATE events SET position = 2 WHERE position = 6;
       UPDATE events SET position = 6 WHERE position = -2;`,
    );
    expect(await verifySqliteStore(path)).toMatchObject({ ok: false, problem: { position: 2 } });
  });

  it('gives a head that changes when the end of the log is cut off', async () => {
    const path = await ledgerFile();
    const noted = await verifySqliteStore(path);
    tamper(path, 'DELETE FROM events WHERE position = 9');
    const after = await verifySqliteStore(path);
    expect(after.ok).toBe(true);
    expect(noted.ok && after.ok && after.head !== noted.head && after.headPosition < noted.headPosition).toBe(
      true,
    );
  });

  describe('against a noted head', () => {
    const note = async (path: string) => {
      const report = await verifySqliteStore(path);
      if (!report.ok) throw new Error('expected an intact ledger');
      return { position: report.headPosition, head: report.head };
    };

    it('catches events cut off the end', async () => {
      const path = await ledgerFile();
      const notedHead = await note(path);
      tamper(path, 'DELETE FROM events WHERE position >= 8');
      expect(await verifySqliteStore(path, undefined, { notedHead })).toMatchObject({
        ok: false,
        problem: { position: 9, reason: expect.stringContaining('removed from the end') },
      });
    });

    it('accepts a log that only grew since', async () => {
      const path = await ledgerFile();
      const notedHead = await note(path);
      const store = open(path);
      await store.appendToStream('assignment-d', [event()], { expectedRevision: 'no_stream' });
      expect(await store.verify(undefined, { notedHead })).toMatchObject({ ok: true, events: 10 });
    });

    it('catches a log rewritten up to the noted head with every hash recomputed', async () => {
      const path = await ledgerFile();
      const notedHead = await note(path);
      // Replay the same appends with one amount changed: a self-consistent but different history.
      const forged = freshPath();
      const reader = open(path);
      const writer = open(forged);
      for (const stored of await reader.readAll()) {
        const data = stored.position === 5 ? { ...stored.data, amount: '99.00' } : stored.data;
        await writer.appendToStream(stored.streamId, [{ ...stored, data }], { expectedRevision: 'any' });
      }
      await writer.close();
      expect(await verifySqliteStore(forged)).toMatchObject({ ok: true, events: 9 });
      expect(await verifySqliteStore(forged, undefined, { notedHead })).toMatchObject({
        ok: false,
        problem: { position: 9, reason: expect.stringContaining('noted head') },
      });
    });
  });
});
