/**
 * The write path on a real SQLite file: the folded state a handler keeps per assignment is brought up
 * to the stored revision before every decision, so a write made through another connection (another
 * process) is never missed; concurrent writes to one assignment in one process all land, in order;
 * idempotent retries are recognised however long the history; a small cache only costs refolds.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordAssignmentEvent } from '../../../src/application/commands/record-assignment-event.command.js';
import { RecordAssignmentEventHandler } from '../../../src/application/commands/record-assignment-event.handler.js';
import { FoldedStreamCache } from '../../../src/application/commands/folded-streams.js';
import { SqliteEventStore } from '../../../src/event-store/sqlite/sqlite-event-store.js';
import type { AssignmentCommand } from '../../../src/domain/assignment/index.js';
import { letterStart } from '../../../src/demo/letter-story.js';
import { DataKeyStore } from '../../../src/personal-data/data-key-store.js';
import { PersonalData } from '../../../src/personal-data/personal-data.js';

const MASTER_KEY = Buffer.alloc(32, 7);

let dir: string;
let stores: SqliteEventStore[];
const keyStores: PersonalData[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ledger-write-path-'));
  stores = [];
});

afterEach(async () => {
  for (const store of stores) await store.close();
  for (const keys of keyStores.splice(0)) keys.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A handler with its own connection to the shared file: what another server process is. */
const writer = (cache?: FoldedStreamCache): RecordAssignmentEventHandler => {
  const store = new SqliteEventStore(join(dir, 'ledger.sqlite'));
  stores.push(store);
  // Like another server on the same data directory: the same key store and master key.
  const personalData = new PersonalData(new DataKeyStore(join(dir, 'data-keys.sqlite'), MASTER_KEY));
  keyStores.push(personalData);
  return new RecordAssignmentEventHandler(store, personalData, cache);
};

const start: AssignmentCommand = { type: 'StartAssignment', data: { assignmentId: 'joe', ...letterStart() } };
const claim = (expenseId: string): AssignmentCommand => ({
  type: 'ClaimExpense',
  data: {
    expenseId,
    category: 'language-training',
    amount: { amount: '120.00', currency: 'USD' },
    incurredOn: '2005-02-01',
    receipts: ['receipt-1'],
    description: 'Mandarin lesson',
  },
});

const record = (
  handler: RecordAssignmentEventHandler,
  command: AssignmentCommand,
  commandId: string,
  options: { requestHash?: string; expectedRevision?: number } = {},
) =>
  handler.execute(
    new RecordAssignmentEvent('joe', command, {
      actor: 'hr',
      commandId,
      requestHash: options.requestHash ?? commandId,
      correlationId: commandId,
      ...(options.expectedRevision === undefined ? {} : { expectedRevision: options.expectedRevision }),
    }),
  );

describe('the folded state follows the store, not only this process', () => {
  test('an expense claimed through another connection is known: claiming it again is refused', async () => {
    const here = writer();
    const elsewhere = writer();
    await record(here, start, 'start');
    await record(here, claim('exp-1'), 'claim-1');
    const theirs = await record(elsewhere, claim('exp-2'), 'claim-2');
    expect(theirs.revision).toBe(2);

    await expect(record(here, claim('exp-2'), 'claim-2-again')).rejects.toMatchObject({
      code: 'EXPENSE.DUPLICATE_ID',
    });
    const next = await record(here, claim('exp-3'), 'claim-3');
    expect(next.revision).toBe(3);
  });

  test('If-Match is checked against the stored revision, including appends made elsewhere', async () => {
    const here = writer();
    const elsewhere = writer();
    await record(here, start, 'start');
    await record(elsewhere, claim('exp-1'), 'claim-1');
    await expect(record(here, claim('exp-2'), 'claim-2', { expectedRevision: 0 })).rejects.toMatchObject({
      code: 'CONCURRENCY.STALE_REVISION',
      extra: { expectedRevision: 0, actualRevision: 1 },
    });
    expect((await record(here, claim('exp-2'), 'claim-2', { expectedRevision: 1 })).revision).toBe(2);
  });
});

describe('a write folds its own copy of the state', () => {
  test('a refused command gives the state back as it was: the next writes see every earlier event', async () => {
    const here = writer();
    await record(here, start, 'start');
    await record(here, claim('exp-1'), 'claim-1');
    await expect(record(here, claim('exp-1'), 'claim-1-twice')).rejects.toMatchObject({
      code: 'EXPENSE.DUPLICATE_ID',
    });
    expect((await record(here, claim('exp-2'), 'claim-2')).revision).toBe(2);
    await expect(record(here, claim('exp-2'), 'claim-2-twice')).rejects.toMatchObject({
      code: 'EXPENSE.DUPLICATE_ID',
    });
    expect((await record(here, claim('exp-3'), 'claim-3')).revision).toBe(3);
  });

  test('two handlers sharing one cache never fold into the same state: each write lands once', async () => {
    const cache = new FoldedStreamCache();
    const one = writer(cache);
    const two = writer(cache);
    await record(one, start, 'start');
    const results = [];
    // Two at a time, one through each: they race as two processes would, and retry.
    for (let i = 0; i < 20; i += 2) {
      results.push(
        ...(await Promise.all([
          record(one, claim(`exp-${i}`), `claim-${i}`),
          record(two, claim(`exp-${i + 1}`), `claim-${i + 1}`),
        ])),
      );
    }
    expect(results.map((r) => r.revision).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    // The state each kept knows all twenty claims: a second claim of any is refused.
    for (const handler of [one, two]) {
      await expect(record(handler, claim('exp-7'), 'claim-7-again')).rejects.toMatchObject({
        code: 'EXPENSE.DUPLICATE_ID',
      });
    }
  });
});

describe('idempotency keys are recognised on a long history', () => {
  test('a retry after many later writes answers the first result; another body with the key is refused', async () => {
    const here = writer();
    await record(here, start, 'start');
    const first = await record(here, claim('exp-0'), 'claim-0');
    for (let i = 1; i <= 200; i++) await record(here, claim(`exp-${i}`), `claim-${i}`);

    const again = await record(here, claim('exp-0'), 'claim-0');
    expect(again).toEqual({ ...first, replayed: true });
    await expect(
      record(here, claim('exp-0'), 'claim-0', { requestHash: 'other body' }),
    ).rejects.toMatchObject({ code: 'IDEMPOTENCY.KEY_REUSED' });
    // A process that never saw the first write recognises the key from the store.
    expect(await record(writer(), claim('exp-0'), 'claim-0')).toEqual({ ...first, replayed: true });
  });
});

describe('concurrent writes to one assignment in one process', () => {
  test('fifty claims sent at once all land, each at its own revision', async () => {
    const here = writer();
    await record(here, start, 'start');
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => record(here, claim(`exp-${i}`), `claim-${i}`)),
    );
    expect(results.map((r) => r.revision).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    expect(results.every((r) => !r.replayed)).toBe(true);
  });

  test('a refused command does not hold up the writes queued behind it', async () => {
    const here = writer();
    await record(here, start, 'start');
    const [refused, landed] = await Promise.allSettled([
      record(here, start, 'start-twice'),
      record(here, claim('exp-1'), 'claim-1'),
    ]);
    expect(refused).toMatchObject({ status: 'rejected', reason: { code: 'ASSIGNMENT.ALREADY_STARTED' } });
    expect(landed).toMatchObject({ status: 'fulfilled', value: { revision: 1 } });
  });
});

describe('the cache is bounded', () => {
  test('the least recently used streams leave it first once it holds more events than allowed', () => {
    const cache = new FoldedStreamCache({ maxEvents: 10 });
    const entry = (revision: number) => ({ revision, state: {} as never, commandIds: new Set<string>() });
    cache.set('a', entry(3));
    cache.set('b', entry(3));
    cache.get('a');
    cache.set('c', entry(4));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')?.revision).toBe(3);
    expect(cache.get('c')?.revision).toBe(4);
  });

  test('a handler whose cache holds almost nothing still decides on the whole history', async () => {
    const here = writer(new FoldedStreamCache({ maxEvents: 1 }));
    await record(here, start, 'start');
    for (let i = 0; i < 5; i++) await record(here, claim(`exp-${i}`), `claim-${i}`);
    await expect(record(here, claim('exp-2'), 'claim-2-again')).rejects.toMatchObject({
      code: 'EXPENSE.DUPLICATE_ID',
    });
  });
});
