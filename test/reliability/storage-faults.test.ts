/**
 * Disk full and a read-only event store under a running server. Disk full is real: the data
 * directory is a small tmpfs (root may mount one here) filled up with a file. Read-only comes from the
 * driver (`PRAGMA query_only` on the store's connection: SQLite answers SQLITE_READONLY), because a
 * mounted file system cannot be made read-only under open files: a remount is refused (EBUSY), and
 * `chattr +i` on a loop-mounted ext4 turns SQLite's writes to its shared-memory file into SIGBUS,
 * which kills the process (tried; see docs/decisions.md). Either way writes answer 503 problem+json
 * with Retry-After and store nothing, reads keep answering, and once the fault is gone the very same
 * write goes through, without a restart.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENT_STORE, StoreUnavailableError } from '../../src/event-store/event-store.port.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { storeErrorOf } from '../../src/event-store/sqlite/sqlite-errors.js';
import { startLedger, type LedgerUnderTest } from '../e2e/support/ledger-app.js';
import { headPosition, shipmentBody, startBody, streamOf } from '../e2e/support/fixtures.js';

const run = (command: string, args: string[]): string | undefined => {
  try {
    execFileSync(command, args, { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    return String((error as { stderr?: Buffer }).stderr ?? error).trim();
  }
};

/** Mounts a tmpfs of `size` at a new folder; answers the folder, or why it could not. */
const mountTmpfs = (size: string): { dir: string } | { why: string } => {
  if (process.platform !== 'linux') return { why: `not Linux (${process.platform})` };
  if (process.getuid?.() !== 0) return { why: 'not root: mount needs privileges' };
  const dir = mkdtempSync(join(tmpdir(), 'ledger-tmpfs-'));
  const failure = run('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  if (failure) rmSync(dir, { recursive: true, force: true });
  return failure ? { why: `mount -t tmpfs failed: ${failure}` } : { dir };
};

/** Writes zeros into `file` until the file system is full. */
const fillUp = (file: string): void => {
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
};

const disk = mountTmpfs('24m');
const mounted = 'dir' in disk;
if (!mounted) {
  console.log(`storage-faults: the full tmpfs is skipped (${disk.why}); the driver-level faults run`);
}

const shipment = (i: number) => shipmentBody('outbound', 'air', String(10 + i));

const expectUnavailable = (reply: { status: number; body: any; headers: Headers }, reason: string): void => {
  expect([reply.status, reply.body?.code, reply.body?.reason]).toEqual([503, 'STORE.UNAVAILABLE', reason]);
  expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(Number(reply.headers.get('retry-after'))).toBeGreaterThan(0);
};

/** The store's own connection, reached as a test may (pragmas are per connection). */
const connectionOf = (store: unknown): Database.Database => (store as { db: Database.Database }).db;

describe('a full disk or a read-only store under a running server', () => {
  const dir = mounted ? disk.dir : mkdtempSync(join(tmpdir(), 'ledger-faults-'));
  let ledger: LedgerUnderTest;

  beforeAll(async () => {
    ledger = await startLedger({
      LEDGER_DATA_DIR: dir,
      LEDGER_STORE_URL: `sqlite:${join(dir, 'ledger.sqlite')}`,
    });
    expect((await ledger.call('POST', '/assignments', { body: startBody('full-disk') })).status).toBe(201);
  });

  afterAll(async () => {
    await ledger?.close();
    if (mounted) run('umount', [dir]);
    rmSync(dir, { recursive: true, force: true });
  });

  /** A write that must fail now and succeed, as the same command, once the fault is gone. */
  const faultThenRecover = async (reason: string, fault: () => void, repair: () => void, i: number) => {
    const before = await headPosition(ledger);
    const stream = await streamOf(ledger, 'full-disk');
    const key = randomUUID();
    const write = () =>
      ledger.call('POST', '/assignments/full-disk/shipments', {
        body: shipment(i),
        headers: { 'idempotency-key': key },
      });
    fault();
    try {
      for (let attempt = 0; attempt < 3; attempt++) expectUnavailable(await write(), reason);
      // Nothing partial: the log and the stream are as they were; reads keep answering.
      expect(await headPosition(ledger)).toBe(before);
      expect(await streamOf(ledger, 'full-disk')).toEqual(stream);
      const entitlements = await ledger.call('GET', '/assignments/full-disk/entitlements?asOf=2005-06-30');
      expect(entitlements.status).toBe(200);
      expect((await ledger.call('GET', '/health')).body.details.eventStore.status).toBe('up');
    } finally {
      repair();
    }
    const accepted = await write();
    expect(accepted.status).toBe(201);
    expect(await headPosition(ledger)).toBe(before + 1);
    // The read models catch up by themselves too.
    const caughtUp = await ledger.call(
      'GET',
      `/assignments/full-disk/entitlements?asOf=2005-06-30&minPosition=${accepted.body.position}`,
    );
    expect(caughtUp.status).toBe(200);
  };

  (mounted ? test : test.skip)(
    'disk full: 503 with Retry-After, nothing stored, reads answer, recovers once space returns',
    async () => {
      const filler = join(dir, 'filler');
      await faultThenRecover(
        'full',
        () => fillUp(filler),
        () => unlinkSync(filler),
        1,
      );
    },
    30_000,
  );

  test('read-only store: 503 with Retry-After, nothing stored, reads answer, recovers once writable', async () => {
    const db = connectionOf(ledger.app.get(EVENT_STORE));
    await faultThenRecover(
      'read-only',
      () => db.pragma('query_only = 1'),
      () => db.pragma('query_only = 0'),
      2,
    );
  }, 30_000);
});

describe('the same faults from the driver (SQLITE_FULL, SQLITE_READONLY)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-faults-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const event = (i: number) => ({
    eventId: randomUUID(),
    type: 'FaultTested',
    data: { i, padding: 'x'.repeat(3000) },
    metadata: { actor: 'test', commandId: randomUUID(), correlationId: randomUUID() },
  });

  test('a file at its page limit refuses appends as StoreUnavailableError(full), then takes them again', async () => {
    const store = new SqliteEventStore(join(dir, 'full.sqlite'));
    try {
      await store.appendToStream('fault-1', [event(0)], { expectedRevision: 'no_stream' });
      const db = connectionOf(store);
      const pages = db.pragma('page_count', { simple: true }) as number;
      db.pragma(`max_page_count = ${pages}`);
      const refused = await store
        .appendToStream('fault-1', [event(1), event(2), event(3)], { expectedRevision: 0 })
        .catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(StoreUnavailableError);
      expect(refused).toMatchObject({ reason: 'full' });
      expect((await store.readStream('fault-1')).length).toBe(1);
      db.pragma('max_page_count = 1073741823');
      const taken = await store.appendToStream('fault-1', [event(1)], { expectedRevision: 0 });
      expect(taken.revision).toBe(1);
    } finally {
      await store.close();
    }
  });

  test('SQLITE_READONLY and SQLITE_IOERR from the driver map to the port error; other errors pass', () => {
    const file = join(dir, 'ro.sqlite');
    new Database(file).exec('CREATE TABLE t (x)').close();
    const readonly = new Database(file, { readonly: true });
    let thrown: unknown;
    try {
      readonly.exec('INSERT INTO t VALUES (1)');
    } catch (error) {
      thrown = error;
    } finally {
      readonly.close();
    }
    expect((thrown as { code?: string }).code).toBe('SQLITE_READONLY');
    expect(storeErrorOf(thrown)).toMatchObject({ reason: 'read-only' });
    expect(
      storeErrorOf(Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_WRITE' })),
    ).toMatchObject({
      reason: 'io',
    });
    const constraint = Object.assign(new Error('UNIQUE'), { code: 'SQLITE_CONSTRAINT_UNIQUE' });
    expect(storeErrorOf(constraint)).toBe(constraint);
  });
});
