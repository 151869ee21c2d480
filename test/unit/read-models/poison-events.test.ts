/**
 * A poison event, one a projection throws on: the runner stops that projection just before it,
 * reports where, keeps every other projection following the log, does not retry in a loop, and once
 * the projection is fixed an operator's retry applies the event and catches up, exactly once.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { ALL_PROJECTIONS } from '../../../projections/index.js';
import type { AnyProjection, ProjectedEvent, Projection } from '../../../projections/projection.js';
import { ProjectionRunner } from '../../../src/read-models/projection-runner.js';
import { ReadModelStore } from '../../../src/read-models/read-model-store.js';
import { replayAll } from '../../../src/read-models/replay.js';
import {
  appendEvents,
  appendOldShipment,
  countingProjection,
  dump,
  expectedCounts,
  HistoryBuilder,
  memoryStore,
  sleep,
  type CountDoc,
} from './fixtures.js';

/** Counts shipments per stream, and throws on the one at `poisonAt` until it is fixed. */
const fragileProjection = (
  poisonAt: () => number,
  fixed: { value: boolean },
): Projection<{ shipments: number[] }> => ({
  name: 'fragile-shipments',
  version: 1,
  canHandle: ['ShipmentRecorded'],
  keyOf: (event: ProjectedEvent) => event.streamId,
  init: () => ({ shipments: [] }),
  evolve: (doc, event) => {
    // Half-changed before it throws, as a real bug would leave it: the runner must not keep that.
    doc.shipments.push(event.position);
    if (event.position === poisonAt() && !fixed.value) throw new Error('cannot read this shipment');
    return doc;
  },
});

const until = async (check: () => Promise<boolean>, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await sleep(10);
  }
};

describe('poison events in the projection runner', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const setUp = async (projections: AnyProjection[]) => {
    const store = await memoryStore();
    const readModels = new ReadModelStore(':memory:');
    const errors: unknown[] = [];
    const runner = new ProjectionRunner(store, readModels, projections, {
      onError: (error) => errors.push(error),
      retryDelayMs: 20,
      pageSize: 100,
      rebuildWorkers: 0,
    });
    cleanups.push(
      () => store.close(),
      () => readModels.close(),
      () => runner.stop(),
    );
    return { store, readModels, runner, errors };
  };

  it('stops only the projection that throws, reports its position, and a retry after the fix catches up', async () => {
    let poisonAt = 0;
    const fixed = { value: false };
    const counting = countingProjection();
    const fragile = fragileProjection(() => poisonAt, fixed);
    const { store, readModels, runner, errors } = await setUp([
      ...ALL_PROJECTIONS,
      counting as AnyProjection,
      fragile as AnyProjection,
    ]);
    const history = new HistoryBuilder(12);
    await appendEvents(store, history, 400);
    const shipments = await store.readAll({ types: ['ShipmentRecorded'] });
    expect(shipments.length).toBeGreaterThan(4);
    const poison = shipments[Math.floor(shipments.length / 2)]!;
    poisonAt = poison.position;

    await runner.start();
    await until(async () => (await runner.status()).poisoned.length > 0);
    const head = await appendEvents(store, history, 100);
    expect(await runner.waitFor(head, 5000, 'event-count')).toBe(true);
    expect(await runner.waitFor(head, 5000, 'assignment-entitlements')).toBe(true);

    const status = await runner.status();
    expect(status.poisoned).toEqual([
      expect.objectContaining({
        projection: 'fragile-shipments',
        position: poison.position,
        eventId: poison.eventId,
        streamId: poison.streamId,
        type: 'ShipmentRecorded',
        error: 'cannot read this shipment',
      }),
    ]);
    const fragileStatus = status.projections.find((p) => p.name === 'fragile-shipments')!;
    expect(fragileStatus).toMatchObject({ state: 'poisoned', checkpoint: poison.position - 1 });
    for (const p of status.projections.filter((p) => p.name !== 'fragile-shipments')) {
      expect([p.name, p.state, p.checkpoint]).toEqual([p.name, 'live', head]);
    }
    expect(await runner.metrics()).toContain('ledger_read_model_poisoned{projection="fragile-shipments"} 1');
    // Not retried in a loop: one report, and no more while time passes.
    const reports = errors.length;
    expect(reports).toBe(1);
    await sleep(200);
    expect(errors.length).toBe(reports);
    expect(String(errors[0])).toContain(`at position ${poison.position}`);

    // A retry before the fix stops again at the same event, reported once more.
    expect(runner.retry('fragile-shipments')).toHaveLength(1);
    await until(async () => errors.length > reports);
    expect((await runner.status()).poisoned[0]).toMatchObject({ position: poison.position });

    fixed.value = true;
    const cleared = runner.retry('fragile-shipments');
    expect(cleared.map((r) => r.position)).toEqual([poison.position]);
    expect(await runner.waitFor(head, 5000, 'fragile-shipments')).toBe(true);
    expect((await runner.status()).poisoned).toEqual([]);
    expect(runner.retry('fragile-shipments')).toEqual([]);

    // Exactly once, as a replay from the first event gives: no half-changed document survived.
    const scratch = new ReadModelStore(':memory:');
    try {
      await replayAll(store, scratch, [
        ...ALL_PROJECTIONS,
        counting as AnyProjection,
        fragile as AnyProjection,
      ]);
      const names = [...ALL_PROJECTIONS.map((p) => p.name), 'event-count', 'fragile-shipments'];
      expect(dump(readModels, names)).toEqual(dump(scratch, names));
    } finally {
      scratch.close();
    }
    const expected = await expectedCounts(store, counting.canHandle);
    const docs = dump(readModels, ['event-count'])['event-count']!;
    for (const [stream, positions] of expected)
      expect((docs[stream] as CountDoc).positions).toEqual(positions);
  });

  it('an event whose data cannot be upcast stops the projections reading its type; the others go on', async () => {
    const salaries: Projection<{ paid: number }> = {
      name: 'salaries-paid',
      version: 1,
      canHandle: ['SalaryPaid'],
      keyOf: (event) => event.streamId,
      init: () => ({ paid: 0 }),
      evolve: (doc) => ({ paid: doc.paid + 1 }),
    };
    const { store, runner, errors } = await setUp([...ALL_PROJECTIONS, salaries as AnyProjection]);
    const history = new HistoryBuilder(4);
    await appendEvents(store, history, 50);
    // As an old build stored it: version 1 of ShipmentRecorded, with a weight no upcaster can read.
    const bad = await appendOldShipment(store, 'assignment-poisoned');
    const head = await appendEvents(store, history, 20);
    await runner.start();
    await until(async () => (await runner.status()).poisoned.length > 0);
    expect(await runner.waitFor(head, 5000, 'salaries-paid')).toBe(true);
    const status = await runner.status();
    const readers = ALL_PROJECTIONS.filter((p) => p.canHandle.includes('ShipmentRecorded'));
    expect(readers.length).toBeGreaterThan(0);
    expect(status.poisoned.map((p) => [p.projection, p.position]).sort()).toEqual(
      readers.map((p) => [p.name, bad]).sort(),
    );
    // Those that do not read shipments go on too.
    for (const p of ALL_PROJECTIONS.filter((p) => !readers.includes(p))) {
      expect(await runner.waitFor(head, 5000, p.name)).toBe(true);
    }
    expect(status.poisoned[0]!.error).toMatch(/DecimalError|Invalid argument/);
    expect(errors).toHaveLength(1);
    expect(status.head).toBe(head);
  });
});
