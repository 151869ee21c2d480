import { afterEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { EventStore } from '../../../src/event-store/event-store.port.js';
import { streamIdOf } from '../../../src/domain/assignment/events.js';
import { ALL_PROJECTIONS } from '../../../projections/index.js';
import type { AnyProjection } from '../../../projections/projection.js';
import { ProjectionRunner } from '../../../src/read-models/projection-runner.js';
import { ReadModelStore } from '../../../src/read-models/read-model-store.js';
import { replayAll, verifyReplay, type ReplayProgress } from '../../../src/read-models/replay.js';
import {
  appendEvents,
  countingProjection,
  dump,
  HistoryBuilder,
  memoryStore,
  sleep,
  tempDir,
} from './fixtures.js';

const NAMES = ALL_PROJECTIONS.map((p) => p.name);

describe('replayAll and verifyReplay', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const setUp = async (events = 800, assignments = 20) => {
    const store = await memoryStore();
    cleanups.push(() => store.close());
    const history = new HistoryBuilder(assignments);
    const head = await appendEvents(store, history, events);
    const { dir, remove } = tempDir();
    cleanups.push(remove);
    return { store, history, head, dir, path: join(dir, 'read-models.sqlite') };
  };
  /** Runs a runner over `path` until it has applied `head`, then stops it. */
  const liveReadModels = async (store: EventStore, path: string, head: number) => {
    const readModels = new ReadModelStore(path);
    const runner = new ProjectionRunner(store, readModels, ALL_PROJECTIONS);
    await runner.start();
    expect(await runner.waitFor(head, 5000)).toBe(true);
    await runner.stop();
    readModels.close();
  };
  const raw = (path: string) => {
    const db = new Database(path);
    cleanups.push(() => void db.close());
    return db;
  };

  it('rebuilds every read model into a new file, with progress up to the head', async () => {
    const { store, head, dir, path } = await setUp(1200);
    const progress: ReplayProgress[] = [];
    const result = await replayAll(store, path, ALL_PROJECTIONS, (p) => progress.push(p), { pageSize: 100 });
    expect(result).toMatchObject({ events: head, position: head });
    expect(result.generations.map((g) => [g.projection, g.status, g.position])).toEqual(
      NAMES.map((name) => [name, 'live', head]),
    );
    expect(progress.at(-1)).toMatchObject({ position: head, head, events: head });
    const positions = progress.map((p) => p.position);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    // Built aside, then linked into place as an ordinary WAL file.
    expect(readdirSync(dir).filter((f) => f.includes('.building'))).toEqual([]);
    expect(raw(path).pragma('journal_mode', { simple: true })).toBe('wal');

    const readModels = new ReadModelStore(path);
    cleanups.push(() => readModels.close());
    const scratch = new ReadModelStore(':memory:');
    cleanups.push(() => scratch.close());
    await replayAll(store, scratch, ALL_PROJECTIONS);
    expect(dump(readModels, NAMES)).toEqual(dump(scratch, NAMES));
    expect(await verifyReplay(store, path, ALL_PROJECTIONS)).toEqual([]);
  });

  it('rebuilding a live file switches each read model only once rebuilt, while a runner keeps serving it', async () => {
    const { store, history, path } = await setUp(600);
    const readModels = new ReadModelStore(path);
    cleanups.push(() => readModels.close());
    const runner = new ProjectionRunner(store, readModels, ALL_PROJECTIONS, {
      retryDelayMs: 10,
      onError: () => undefined,
    });
    cleanups.push(() => runner.stop());
    await runner.start();
    expect(await runner.waitFor(600, 5000)).toBe(true);
    const before = readModels.active('assignment-summary')!;

    // `ledger replay` in another process: its own connection to the same file.
    const seen: number[] = [];
    const replay = replayAll(
      store,
      path,
      ALL_PROJECTIONS,
      () => {
        seen.push(readModels.active('assignment-summary')!.id);
      },
      { pageSize: 50 },
    );
    await replay;
    expect(new Set(seen.slice(0, -1))).toEqual(new Set([before.id]));
    expect(readModels.active('assignment-summary')!.id).not.toBe(before.id);
    expect(readModels.generations().filter((g) => g.status === 'building')).toEqual([]);

    // The runner finds its generation replaced, reloads, and carries on from the new checkpoint.
    const head = await appendEvents(store, history, 40);
    for (let i = 0; i < 400 && readModels.checkpoint('audit-timeline') < head; i++) await sleep(5);
    expect(await runner.waitFor(head, 5000)).toBe(true);
    expect(await verifyReplay(store, path, ALL_PROJECTIONS)).toEqual([]);
  });

  it('verify finds altered, missing and extra documents, and names the fields', async () => {
    const { store, head, path, history } = await setUp(500, 8);
    await liveReadModels(store, path, head);
    const ids = history.assignmentIds;
    const db = raw(path);
    const table = (name: string) =>
      db
        .prepare(
          'SELECT c.table_name FROM active a JOIN checkpoints c ON c.id = a.generation WHERE a.projection = ?',
        )
        .pluck()
        .get(name) as string;
    db.prepare(
      `UPDATE "${table('assignment-summary')}" SET doc = json_set(doc, '$.status', 'tampered') WHERE key = ?`,
    ).run(ids[1]);
    db.prepare(`DELETE FROM "${table('audit-timeline')}" WHERE key = ?`).run(ids[2]);
    db.prepare(
      `INSERT INTO "${table('assignment-entitlements')}" (key, doc) VALUES ('zz-forged', '{}')`,
    ).run();

    const differences = await verifyReplay(store, path, ALL_PROJECTIONS);
    expect(differences).toEqual([
      expect.objectContaining({
        projection: 'assignment-entitlements',
        key: 'zz-forged',
        kind: 'missing-in-replay',
      }),
      expect.objectContaining({
        projection: 'assignment-summary',
        key: ids[1],
        kind: 'different',
        fields: ['status'],
      }),
      expect.objectContaining({ projection: 'audit-timeline', key: ids[2], kind: 'missing-in-live' }),
    ]);
    expect(await verifyReplay(store, path, ALL_PROJECTIONS, { maxDifferences: 1 })).toEqual([
      expect.objectContaining({ kind: 'missing-in-replay' }),
      expect.objectContaining({ kind: 'truncated' }),
    ]);
  });

  it('verify compares at the live checkpoint: a read model that is merely behind is no difference', async () => {
    const { store, head, path, history } = await setUp(300, 5);
    await liveReadModels(store, path, head);
    await appendEvents(store, history, 100);
    expect(await verifyReplay(store, path, ALL_PROJECTIONS)).toEqual([]);
  });

  it('verify reports a missing file, a missing read model and a version the code does not have', async () => {
    const { store, head, path, dir } = await setUp(100, 3);
    expect(await verifyReplay(store, join(dir, 'nothing.sqlite'), ALL_PROJECTIONS)).toEqual(
      NAMES.map((name) => expect.objectContaining({ projection: name, kind: 'missing-read-model' })),
    );
    await liveReadModels(store, path, head);
    const bumped = { ...countingProjection(3) } as AnyProjection;
    const summaryV2 = { ...ALL_PROJECTIONS[1]!, version: 2 } as AnyProjection;
    const differences = await verifyReplay(store, path, [ALL_PROJECTIONS[0]!, summaryV2, bumped]);
    expect(differences).toEqual([
      expect.objectContaining({ projection: 'assignment-summary', kind: 'version' }),
      expect.objectContaining({ projection: 'event-count', kind: 'missing-read-model' }),
    ]);
    expect(existsSync(join(dir, 'nothing.sqlite'))).toBe(false);
  });

  it('feeds projections the current shape of old events (ShipmentRecorded v1 is upcast)', async () => {
    const store = await memoryStore();
    cleanups.push(() => store.close());
    const history = new HistoryBuilder(1);
    await appendEvents(store, history, 1);
    const id = history.assignmentIds[0]!;
    await store.appendToStream(
      streamIdOf(id),
      [
        {
          eventId: '0000a11e-ffff-4000-9000-000000000001',
          type: 'ShipmentRecorded',
          data: {
            shipmentId: 's-1',
            direction: 'outbound',
            mode: 'air',
            shippedOn: '2005-02-01',
            weightLb: '480',
          },
          metadata: { actor: 'hr', commandId: 'c-1', correlationId: 'k-1', schemaVersion: 1 },
        },
      ],
      { expectedRevision: 'any' },
    );
    const readModels = new ReadModelStore(':memory:');
    cleanups.push(() => readModels.close());
    await replayAll(store, readModels, ALL_PROJECTIONS);
    const doc = readModels.get<{ shipments: { data: { weight: unknown } }[] }>(
      'assignment-entitlements',
      id,
    )!;
    expect(doc.shipments.at(-1)!.data.weight).toEqual({ lb: '480', original: { value: '480', unit: 'lb' } });
  });
});
