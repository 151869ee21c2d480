import { afterEach, describe, expect, it, jest } from '@jest/globals';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { ReadModelStore, StaleGenerationError } from '../../../src/read-models/read-model-store.js';
import { tempDir } from './fixtures.js';

interface Summary {
  assignmentId: string;
  status: 'active' | 'ended';
  employee: { id: string } | null;
  vip?: boolean;
}

const summary = (
  id: string,
  status: Summary['status'],
  employeeId: string | null,
  vip?: boolean,
): Summary => ({
  assignmentId: id,
  status,
  employee: employeeId === null ? null : { id: employeeId },
  ...(vip === undefined ? {} : { vip }),
});

describe('ReadModelStore', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0).reverse()) cleanup();
  });
  /** The file as SQLite shows it, beside the store: its staging tables, by name. */
  const rawFile = (path: string) => {
    const raw = new Database(path);
    cleanups.push(() => raw.close());
    const stagingTables = () =>
      raw
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'staging%' ORDER BY name")
        .pluck()
        .all();
    return { raw, stagingTables };
  };

  const open = (path = ':memory:') => {
    const store = new ReadModelStore(path);
    cleanups.push(() => store.close());
    return store;
  };

  it('writes documents and the checkpoint in one transaction, and lists them filtered on JSON fields', () => {
    const store = open();
    store.createGeneration('assignment-summary', 1, { activate: true });
    store.applyBatch(
      'assignment-summary',
      1,
      new Map<string, Summary>([
        ['a', summary('a', 'active', 'e1', true)],
        ['b', summary('b', 'ended', 'e1')],
        ['c', summary('c', 'active', 'e2', false)],
        ['d', summary('d', 'active', null)],
      ]),
      7,
    );
    expect(store.checkpoint('assignment-summary')).toBe(7);
    expect(store.get<Summary>('assignment-summary', 'b')).toEqual(summary('b', 'ended', 'e1'));
    expect(store.get('assignment-summary', 'zz')).toBeUndefined();
    const ids = (docs: Summary[]) => docs.map((d) => d.assignmentId);
    expect(ids(store.list<Summary>('assignment-summary', { filter: { status: 'active' } }))).toEqual([
      'a',
      'c',
      'd',
    ]);
    expect(
      ids(store.list<Summary>('assignment-summary', { filter: { 'employee.id': 'e1', status: 'active' } })),
    ).toEqual(['a']);
    expect(ids(store.list<Summary>('assignment-summary', { filter: { employee: null } }))).toEqual(['d']);
    expect(ids(store.list<Summary>('assignment-summary', { filter: { vip: true } }))).toEqual(['a']);
    expect(ids(store.list<Summary>('assignment-summary', { limit: 2, offset: 1 }))).toEqual(['b', 'c']);
    expect(store.count('assignment-summary', { status: 'active' })).toBe(3);
    expect(() => store.list('assignment-summary', { filter: { "status') OR 1=1 --": 'x' } })).toThrow(
      RangeError,
    );
    // A null document removes the key.
    store.applyBatch('assignment-summary', 1, new Map([['d', null]]), 8);
    expect(store.count('assignment-summary')).toBe(3);
    expect(store.list('unknown')).toEqual([]);
    expect(store.checkpoint('unknown')).toBe(0);
  });

  it('refuses a commit from a stale checkpoint: nothing of it is written', () => {
    const store = open();
    const gen = store.createGeneration('p', 1, { activate: true });
    store.commit([{ generation: gen.id, docs: new Map([['k', { n: 1 }]]), from: 0, position: 5 }]);
    expect(() =>
      store.commit([{ generation: gen.id, docs: new Map([['k', { n: 99 }]]), from: 0, position: 9 }]),
    ).toThrow(StaleGenerationError);
    expect(store.get('p', 'k')).toEqual({ n: 1 });
    expect(store.checkpoint('p')).toBe(5);
  });

  it('switches the active generation atomically and drops the old table', () => {
    const { dir, remove } = tempDir();
    cleanups.push(remove);
    const path = join(dir, 'rm.sqlite');
    const store = open(path);
    const v1 = store.createGeneration('p', 1, { activate: true });
    store.applyBatch('p', 1, new Map([['k', { v: 1 }]]), 10);
    const v2 = store.createGeneration('p', 2);
    expect(store.generations('p').map((g) => [g.version, g.status])).toEqual([
      [1, 'live'],
      [2, 'building'],
    ]);
    store.applyBatch('p', 2, new Map([['k', { v: 2 }]]), 10);
    expect(store.get('p', 'k')).toEqual({ v: 1 });
    expect(() => store.activate(v2.id, 3)).toThrow(StaleGenerationError);
    store.activate(v2.id, 10);
    expect(store.get('p', 'k')).toEqual({ v: 2 });
    expect(store.generations('p').map((g) => [g.version, g.status])).toEqual([[2, 'live']]);
    expect(() => store.getFrom(v1, 'k')).toThrow(/no such table/);

    // Another connection (another process) sees the same, and the file is WAL.
    const other = new ReadModelStore(path, { readonly: true });
    cleanups.push(() => other.close());
    expect(other.get('p', 'k')).toEqual({ v: 2 });
    expect(other.activeAll().get('p')?.version).toBe(2);
  });

  it('bulk inserts JSON text without touching the checkpoint, and refuses a key twice', () => {
    const store = open();
    const gen = store.createGeneration('p', 1);
    store.insertJson([
      {
        generation: gen,
        rows: [
          ['a', '{"n":1}'],
          ['b', '{"n":2}'],
        ],
      },
    ]);
    expect(store.getFrom(gen, 'b')).toEqual({ n: 2 });
    expect(store.generation(gen.id)!.position).toBe(0);
    expect(() =>
      store.insertJson([
        {
          generation: gen,
          rows: [
            ['c', '{}'],
            ['a', '{}'],
          ],
        },
      ]),
    ).toThrow(/UNIQUE/);
    // Nothing of the failed call was written.
    expect([...store.entries(gen)].map(([key]) => key)).toEqual(['a', 'b']);
  });

  it('adopts staging tables as generations together with their checkpoints, or nothing', () => {
    const { dir, remove } = tempDir();
    cleanups.push(remove);
    const store = open(join(dir, 'rm.sqlite'));
    const { stagingTables } = rawFile(join(dir, 'rm.sqlite'));
    const target = store.createGeneration('p', 1);
    const moved = store.createGeneration('q', 1);
    const staging = store.createStaging(target);
    expect(staging.table).not.toBe(target.table);
    store.insertJson([
      {
        generation: staging,
        rows: [
          ['b', '{"v":"b"}'],
          ['a', '{"v":"a"}'],
        ],
      },
    ]);
    // The generation itself stays empty at 0 meanwhile.
    expect([...store.entries(target)]).toEqual([]);
    const movedStaging = store.createStaging(moved);
    store.commit([{ generation: moved.id, docs: new Map(), from: 0, position: 4 }]);
    // q is no longer at 0: the whole adoption fails, p included.
    expect(() =>
      store.adoptStaging([
        { staging, position: 9 },
        { staging: movedStaging, position: 9 },
      ]),
    ).toThrow(StaleGenerationError);
    expect(store.generation(target.id)!.position).toBe(0);
    expect([...store.entries(target)]).toEqual([]);

    store.adoptStaging([{ staging, position: 9 }]);
    const adopted = store.generation(target.id)!;
    expect(adopted).toMatchObject({ position: 9, table: target.table });
    expect([...store.entries(adopted)]).toEqual([
      ['a', '{"v":"a"}'],
      ['b', '{"v":"b"}'],
    ]);
    // A key is still unique after the rename; what staging remains goes with its generation.
    expect(() => store.insertJson([{ generation: adopted, rows: [['a', '{}']] }])).toThrow(/UNIQUE/);
    expect(stagingTables()).toEqual([movedStaging.table]);
    store.dropGeneration(moved.id);
    expect(stagingTables()).toEqual([]);
  });

  it('gives each build of a generation its own staging table: only one is adopted, leftovers go', () => {
    const { dir, remove } = tempDir();
    cleanups.push(remove);
    const path = join(dir, 'rm.sqlite');
    const store = open(path);
    const other = open(path);
    const { raw, stagingTables } = rawFile(path);
    const gen = store.createGeneration('p', 1);
    // Two servers started together on one file build the same generation, each into its own table.
    const mine = store.createStaging(gen);
    const theirs = other.createStaging(other.generation(gen.id)!);
    expect(theirs.table).not.toBe(mine.table);
    store.insertJson([{ generation: mine, rows: [['a', '{"by":"mine"}']] }]);
    other.insertJson([{ generation: theirs, rows: [['a', '{"by":"theirs"}']] }]);
    other.adoptStaging([{ staging: theirs, position: 5 }]);
    // The adoption takes the slower build's table with it: nothing can adopt it any more.
    expect(stagingTables()).toEqual([]);
    // The slower build finds the generation moved on, and nothing of it is written.
    expect(() => store.adoptStaging([{ staging: mine, position: 7 }])).toThrow(StaleGenerationError);
    expect(store.generation(gen.id)!.position).toBe(5);
    expect([...store.entries(store.generation(gen.id)!)]).toEqual([['a', '{"by":"theirs"}']]);
    store.abandonStaging(mine);
    expect(stagingTables()).toEqual([]);

    // Leftovers: a build of an earlier version, one whose process is gone, one of an earlier run with
    // this process id (a restart in a container).
    const next = store.createGeneration('p', 2);
    raw.exec(`CREATE TABLE "staging_g${next.id}" (key TEXT PRIMARY KEY, doc TEXT NOT NULL)`);
    raw.exec(`CREATE TABLE "staging_g${next.id}_p999999999_1" (key TEXT PRIMARY KEY, doc TEXT NOT NULL)`);
    raw.exec(
      `CREATE TABLE "staging_g${next.id}_p${process.pid}_0123456789ab_1" (key TEXT PRIMARY KEY, doc TEXT NOT NULL)`,
    );
    const given = store.createStaging(next);
    // A live build of this process is kept; the others go when staging starts again.
    expect(stagingTables()).toEqual([given.table]);
    const again = store.createStaging(next);
    expect(stagingTables()).toEqual([given.table, again.table].sort());
    store.abandonStaging(given);
    store.activate(next.id);
    expect(stagingTables()).toEqual([]);
  });

  it('gives two processes with one pid (containers, both pid 1) staging tables of their own', async () => {
    // Each module instance is a process of its own here: its own builds, counter and token.
    const processes: (typeof ReadModelStore)[] = [];
    for (let i = 0; i < 2; i++) {
      await jest.isolateModulesAsync(async () => {
        processes.push((await import('../../../src/read-models/read-model-store.js')).ReadModelStore);
      });
    }
    const { dir, remove } = tempDir();
    cleanups.push(remove);
    const path = join(dir, 'rm.sqlite');
    const [first, second] = processes.map((Store) => {
      const store = new Store!(path);
      cleanups.push(() => store.close());
      return store;
    });
    const gen = first!.createGeneration('p', 1);
    const firsts = first!.createStaging(gen);
    first!.insertJson([{ generation: firsts, rows: [['a', '{"by":"first"}']] }]);
    const seconds = second!.createStaging(second!.generation(gen.id)!);
    expect(seconds.table).not.toBe(firsts.table);
    second!.insertJson([{ generation: seconds, rows: [['b', '{"by":"second"}']] }]);
    // The second took the first's table for a leftover of an earlier run: the first's build fails,
    // and can never adopt the second's documents.
    expect(() => first!.adoptStaging([{ staging: firsts, position: 5 }])).toThrow(/no such table/);
    expect(first!.generation(gen.id)!.position).toBe(0);
    second!.adoptStaging([{ staging: seconds, position: 5 }]);
    expect([...first!.entries(first!.generation(gen.id)!)]).toEqual([['b', '{"by":"second"}']]);
  });
});
