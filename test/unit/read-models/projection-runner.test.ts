import { afterEach, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import type { EventStore } from '../../../src/event-store/event-store.port.js';
import { ALL_PROJECTIONS } from '../../../projections/index.js';
import type { AnyProjection } from '../../../projections/projection.js';
import {
  ProjectionRunner,
  type ProjectionRunnerOptions,
} from '../../../src/read-models/projection-runner.js';
import { ReadModelStore } from '../../../src/read-models/read-model-store.js';
import { replayAll } from '../../../src/read-models/replay.js';
import {
  appendEvents,
  countingProjection,
  CrashingReadModelStore,
  dump,
  expectedCounts,
  HistoryBuilder,
  memoryStore,
  sleep,
  tempDir,
  type CountDoc,
} from './fixtures.js';

const NAMES = [...ALL_PROJECTIONS.map((p) => p.name), 'event-count'];
const counting = countingProjection();
const PROJECTIONS: AnyProjection[] = [...ALL_PROJECTIONS, counting as AnyProjection];

/** Every counting document holds exactly the positions of its stream's handled events, once each. */
const expectExactlyOnce = (store: EventStore, readModels: ReadModelStore): Promise<void> =>
  expectExactlyOnceOf(store, readModels, counting);

const expectExactlyOnceOf = async (
  store: EventStore,
  readModels: ReadModelStore,
  projection: AnyProjection,
): Promise<void> => {
  const expected = await expectedCounts(store, projection.canHandle);
  const docs = dump(readModels, [projection.name])[projection.name]!;
  expect(Object.keys(docs).sort()).toEqual([...expected.keys()].sort());
  for (const [stream, positions] of expected) {
    const doc = docs[stream] as CountDoc;
    expect(doc.positions).toEqual(positions);
    expect(doc.count).toBe(positions.length);
  }
};

/** The log as it was when `last` was its head (for replays, which only read). */
const logUpTo = (store: EventStore, last: number): EventStore =>
  ({
    kind: store.kind,
    readAll: async (options) => (await store.readAll(options)).filter((e) => e.position <= last),
    headPosition: async () => last,
  }) as EventStore;

/** The read models a replay from the first event gives, to compare with. */
const replayed = async (store: EventStore, projections = PROJECTIONS) => {
  const scratch = new ReadModelStore(':memory:');
  try {
    await replayAll(store, scratch, projections);
    return dump(scratch, NAMES);
  } finally {
    scratch.close();
  }
};

describe('ProjectionRunner', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const open = async () => {
    const store = await memoryStore();
    cleanups.push(() => store.close());
    return store;
  };
  const readModelsAt = (path = ':memory:') => {
    const readModels = new ReadModelStore(path);
    cleanups.push(() => readModels.close());
    return readModels;
  };
  const runnerOf = (
    store: EventStore,
    readModels: ReadModelStore,
    projections: readonly AnyProjection[] = PROJECTIONS,
    options: ProjectionRunnerOptions = {},
  ) => {
    const runner = new ProjectionRunner(store, readModels, projections, {
      onError: () => undefined,
      retryDelayMs: 20,
      ...options,
    });
    cleanups.push(() => runner.stop());
    return runner;
  };

  it('catches up from the first event, then applies live appends within milliseconds', async () => {
    const store = await open();
    const history = new HistoryBuilder(30);
    const head = await appendEvents(store, history, 1200);
    const readModels = readModelsAt();
    const runner = runnerOf(store, readModels, PROJECTIONS, { pageSize: 100 });
    await runner.start();
    expect(await runner.waitFor(head, 5000)).toBe(true);
    expect(runner.position()).toBe(head);
    expect(await runner.lag()).toBe(0);

    const [appended] = await Promise.all([appendEvents(store, history, 5), runner.waitFor(head + 5, 5000)]);
    expect(appended).toBe(head + 5);
    expect(await runner.waitFor(appended, 2000)).toBe(true);
    const status = await runner.status();
    expect(status).toMatchObject({ running: true, head: head + 5, position: head + 5, lag: 0 });
    expect(status.projections.map((p) => [p.name, p.state, p.checkpoint])).toEqual(
      NAMES.map((name) => [name, 'live', head + 5]),
    );
    expect(dump(readModels, NAMES)).toEqual(await replayed(store));
    await expectExactlyOnce(store, readModels);
    expect(await runner.metrics()).toContain(
      `ledger_read_model_lag_events{projection="assignment-summary"} 0`,
    );
  });

  it('resumes after its stored checkpoint: nothing before it is applied again', async () => {
    const store = await open();
    const history = new HistoryBuilder(10);
    const first = await appendEvents(store, history, 300);
    const readModels = readModelsAt();
    const runner = runnerOf(store, readModels);
    await runner.start();
    expect(await runner.waitFor(first, 5000)).toBe(true);
    await runner.stop();
    expect(readModels.checkpoint('event-count')).toBe(first);

    const head = await appendEvents(store, history, 200);
    const again = runnerOf(store, readModels);
    await again.start();
    expect(await again.waitFor(head, 5000)).toBe(true);
    await expectExactlyOnce(store, readModels);
    expect(dump(readModels, NAMES)).toEqual(await replayed(store));
  });

  it('a crash before flushing loses only uncommitted work: the restart re-applies it exactly once', async () => {
    const store = await open();
    const history = new HistoryBuilder(25);
    const head = await appendEvents(store, history, 3000);
    const readModels = readModelsAt();
    // Commits every 500 events while catching up: stop without flushing somewhere in the middle.
    const runner = runnerOf(store, readModels, PROJECTIONS, { pageSize: 100, catchUpFlushEvents: 500 });
    await runner.start();
    await runner.waitFor(1000, 5000);
    await runner.stop({ flush: false });
    const checkpoint = readModels.checkpoint('event-count');
    expect(checkpoint).toBeGreaterThanOrEqual(1000);
    expect(checkpoint).toBeLessThan(head);
    expect(checkpoint % 500).toBe(0);

    const restarted = runnerOf(store, readModels);
    await restarted.start();
    expect(await restarted.waitFor(head, 5000)).toBe(true);
    await expectExactlyOnce(store, readModels);
    expect(dump(readModels, NAMES)).toEqual(await replayed(store));
  });

  it('a crash inside a commit, after every write and before COMMIT, leaves the previous checkpoint and documents', async () => {
    const store = await open();
    const history = new HistoryBuilder(25);
    const head = await appendEvents(store, history, 2000);
    const { dir, remove } = tempDir();
    cleanups.push(remove);
    const path = join(dir, 'read-models.sqlite');
    const crashing = new CrashingReadModelStore(path, 3);
    const errors: unknown[] = [];
    const runner = new ProjectionRunner(store, crashing, PROJECTIONS, {
      pageSize: 100,
      catchUpFlushEvents: 400,
      retryDelayMs: 10_000,
      onError: (error) => errors.push(error),
    });
    await runner.start();
    for (let i = 0; i < 200 && errors.length === 0; i++) await sleep(10);
    await runner.stop({ flush: false });
    crashing.close();
    expect(String(errors[0])).toContain('simulated crash inside commit 3');

    // What the file holds is exactly commit 2: checkpoint 800 and the documents as of 800.
    const reopened = readModelsAt(path);
    expect(reopened.checkpoint('event-count')).toBe(800);
    const scratch = readModelsAt();
    await replayAll(logUpTo(store, 800), scratch, PROJECTIONS);
    expect(dump(reopened, NAMES)).toEqual(dump(scratch, NAMES));

    const restarted = runnerOf(store, reopened);
    await restarted.start();
    expect(await restarted.waitFor(head, 5000)).toBe(true);
    await expectExactlyOnce(store, reopened);
    expect(dump(reopened, NAMES)).toEqual(await replayed(store));
  });

  it('recovers by itself from a failed commit, re-reading from the last checkpoint', async () => {
    const store = await open();
    const history = new HistoryBuilder(20);
    const head = await appendEvents(store, history, 1500);
    const readModels = new CrashingReadModelStore(':memory:', 2);
    cleanups.push(() => readModels.close());
    const errors: unknown[] = [];
    const runner = runnerOf(store, readModels, PROJECTIONS, {
      pageSize: 100,
      catchUpFlushEvents: 300,
      onError: (error) => errors.push(error),
    });
    await runner.start();
    expect(await runner.waitFor(head, 5000)).toBe(true);
    expect(errors).toHaveLength(1);
    await expectExactlyOnce(store, readModels);
    expect(dump(readModels, NAMES)).toEqual(await replayed(store));
  });

  it('a live commit of many slow documents hands the thread back between them, and applies what came meanwhile after it', async () => {
    const store = await open();
    const readModels = readModelsAt();
    const log: string[] = [];
    const busyFor = (ms: number): void => {
      for (const start = performance.now(); performance.now() - start < ms;);
    };
    // Each document takes longer to write than a slice of a live commit may hold the thread.
    const slow = countingProjection(1, 'slow');
    const evolve = slow.evolve;
    slow.evolve = (doc, event) => {
      const next = evolve(doc, event);
      Object.defineProperty(next, 'toJSON', {
        configurable: true,
        value: () => {
          busyFor(6);
          log.push('document');
          return { stream: next.stream, count: next.count, positions: next.positions, tag: next.tag };
        },
      });
      return next;
    };
    const runner = runnerOf(store, readModels, [slow as AnyProjection]);
    await runner.start();
    expect(await runner.waitFor(0, 1000)).toBe(true);

    const history = new HistoryBuilder(8);
    const first = await appendEvents(store, history, 8, (i) => [i, 0]);
    let ticking = true;
    const tick = (): void => {
      log.push('tick');
      if (ticking) setImmediate(tick);
    };
    tick();
    // Appended while the commit may be under way: applied once it is written, committed by the next one.
    const during = await appendEvents(store, history, 8, (i) => [i, 0]);
    expect(await runner.waitFor(during, 5000)).toBe(true);
    ticking = false;

    const documents = log.flatMap((entry, i) => (entry === 'document' ? [i] : []));
    expect(documents.length).toBeGreaterThanOrEqual(8);
    const between = log.slice(documents[0], documents.at(-1)).filter((entry) => entry === 'tick');
    expect(between.length).toBeGreaterThan(0);
    expect(first).toBeLessThan(during);
    await expectExactlyOnceOf(store, readModels, slow as AnyProjection);
  });

  it('waitFor answers true as soon as the position is applied, false at the timeout (minPosition)', async () => {
    const store = await open();
    const history = new HistoryBuilder(5);
    const readModels = readModelsAt();
    const runner = runnerOf(store, readModels);
    await runner.start();
    expect(await runner.waitFor(0, 10)).toBe(true);
    const started = Date.now();
    expect(await runner.waitFor(1, 50)).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);

    const waiting = runner.waitFor(3, 5000);
    const position = await appendEvents(store, history, 3);
    expect(position).toBe(3);
    expect(await waiting).toBe(true);
    expect(readModels.get('assignment-summary', history.assignmentIds[0]!)).toMatchObject({
      lastPosition: expect.any(Number),
    });

    // Per projection, too: a read of one read model need not wait for the others.
    expect(await runner.waitFor(3, 10, 'assignment-summary')).toBe(true);
    const pending = runner.waitFor(10, 5000);
    await runner.stop();
    expect(await pending).toBe(false);
  });

  it('blue-green: a new version builds from position 0 while the old one keeps answering, then takes over', async () => {
    const store = await open();
    const history = new HistoryBuilder(15);
    const first = await appendEvents(store, history, 600);
    const readModels = readModelsAt();
    const v1 = countingProjection(1, 'old');
    const runner = runnerOf(store, readModels, [v1 as AnyProjection]);
    await runner.start();
    expect(await runner.waitFor(first, 5000)).toBe(true);
    await runner.stop();
    const stream = Object.keys(dump(readModels, ['event-count'])['event-count']!)[0]!;
    expect(readModels.get<{ tag: string }>('event-count', stream)?.tag).toBe('old');

    // The new code ships v2 and keeps v1 for one release, so the old model follows the log meanwhile.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let reachedSwitch!: () => void;
    const atSwitch = new Promise<void>((resolve) => (reachedSwitch = resolve));
    const v2 = countingProjection(2, 'new');
    const upgraded = runnerOf(store, readModels, [v1 as AnyProjection, v2 as AnyProjection], {
      pageSize: 50,
      catchUpFlushEvents: 100,
      hooks: {
        beforeActivate: async () => {
          reachedSwitch();
          await held;
        },
      },
    });
    await upgraded.start();
    const building = await upgraded.status();
    expect(building.projections[0]).toMatchObject({ name: 'event-count', version: 1, state: 'building' });
    await atSwitch;
    // Built, not yet switched: the old generation answers, and keeps following the log.
    const head = await appendEvents(store, history, 50);
    expect(await upgraded.waitFor(head, 5000)).toBe(true);
    expect(readModels.active('event-count')?.version).toBe(1);
    expect(readModels.get<{ tag: string }>('event-count', stream)?.tag).toBe('old');
    const during = await upgraded.status();
    expect(during.projections[0]).toMatchObject({ version: 1, state: 'building', rebuild: { version: 2 } });
    expect(readModels.generations('event-count').map((g) => [g.version, g.status])).toEqual([
      [1, 'live'],
      [2, 'building'],
    ]);

    release();
    for (let i = 0; i < 200 && readModels.active('event-count')?.version !== 2; i++) await sleep(5);
    expect(readModels.active('event-count')?.version).toBe(2);
    expect(readModels.get<{ tag: string }>('event-count', stream)?.tag).toBe('new');
    // The old table is gone; the new one holds every event exactly once, and follows the log.
    expect(readModels.generations('event-count').map((g) => [g.version, g.status])).toEqual([[2, 'live']]);
    const later = await appendEvents(store, history, 20);
    expect(await upgraded.waitFor(later, 5000)).toBe(true);
    expect((await upgraded.status()).projections[0]).toMatchObject({
      version: 2,
      state: 'live',
      checkpoint: later,
    });
    await expectExactlyOnce(store, readModels);
  });

  it('blue-green without the old code: the old model answers frozen until the new one takes over', async () => {
    const store = await open();
    const history = new HistoryBuilder(10);
    const first = await appendEvents(store, history, 300);
    const readModels = readModelsAt();
    const runner = runnerOf(store, readModels, [countingProjection(1, 'old') as AnyProjection]);
    await runner.start();
    expect(await runner.waitFor(first, 5000)).toBe(true);
    await runner.stop();
    const head = await appendEvents(store, history, 100);

    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const upgraded = runnerOf(store, readModels, [countingProjection(2, 'new') as AnyProjection], {
      hooks: { beforeActivate: () => held },
    });
    await upgraded.start();
    expect(await upgraded.waitFor(head, 50)).toBe(false);
    expect(upgraded.position()).toBe(first);
    expect(await upgraded.lag()).toBe(head - first);
    expect(readModels.active('event-count')?.version).toBe(1);
    release();
    expect(await upgraded.waitFor(head, 5000)).toBe(true);
    expect(readModels.active('event-count')?.version).toBe(2);
    await expectExactlyOnce(store, readModels);
  });

  it('a version bump interrupted half-way resumes its build from where it stopped', async () => {
    const store = await open();
    const history = new HistoryBuilder(10);
    const head = await appendEvents(store, history, 1000);
    const readModels = readModelsAt();
    const v1 = runnerOf(store, readModels, [countingProjection(1) as AnyProjection]);
    await v1.start();
    expect(await v1.waitFor(head, 5000)).toBe(true);
    await v1.stop();

    const never = new Promise<void>(() => undefined);
    const v2 = runnerOf(store, readModels, [countingProjection(2) as AnyProjection], {
      pageSize: 100,
      catchUpFlushEvents: 200,
      hooks: { beforeActivate: () => never },
    });
    await v2.start();
    for (let i = 0; i < 200 && (await v2.status()).projections[0]!.rebuild?.checkpoint !== head; i++)
      await sleep(5);
    await v2.stop();
    const building = readModels.generations('event-count').find((g) => g.status === 'building')!;
    expect(building.position).toBe(head);

    const resumed = runnerOf(store, readModels, [countingProjection(2) as AnyProjection]);
    await resumed.start();
    for (let i = 0; i < 200 && readModels.active('event-count')?.version !== 2; i++) await sleep(5);
    expect(readModels.active('event-count')?.id).toBe(building.id);
    expect(await resumed.waitFor(head, 5000)).toBe(true);
    await expectExactlyOnce(store, readModels);
  });
});
