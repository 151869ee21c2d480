import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { EventStore } from '../../../src/event-store/event-store.port.js';
import { ALL_PROJECTIONS } from '../../../projections/index.js';
import type { AnyProjection } from '../../../projections/projection.js';
import { ProjectionRunner } from '../../../src/read-models/projection-runner.js';
import { ReadModelStore } from '../../../src/read-models/read-model-store.js';
import { replayAll } from '../../../src/read-models/replay.js';
import {
  appendEvents,
  countingProjection,
  CrashingReadModelStore,
  dump,
  HistoryBuilder,
  memoryStore,
  sleep,
} from './fixtures.js';

/**
 * The auditors' property: a generated history of thousands of events gives the very same read models
 * whether they were applied live (while the events were being appended), replayed from scratch, or
 * rebuilt by a runner that crashed inside a commit half-way and was restarted.
 */

const PROJECTIONS: AnyProjection[] = [...ALL_PROJECTIONS, countingProjection() as AnyProjection];
const NAMES = PROJECTIONS.map((p) => p.name);

interface Scenario {
  assignments: number;
  steps: [number, number][];
  /** How many pieces the live run receives the history in. */
  chunks: number;
  pageSize: number;
  flushEvery: number;
  crashAtCommit: number;
}

const scenario: fc.Arbitrary<Scenario> = fc.record({
  assignments: fc.integer({ min: 3, max: 80 }),
  steps: fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 2000, maxLength: 3500 }),
  chunks: fc.integer({ min: 1, max: 12 }),
  pageSize: fc.constantFrom(37, 250, 700),
  flushEvery: fc.integer({ min: 40, max: 700 }),
  // At least three commits happen while catching up (>= 2000 events, a commit per <= 700).
  crashAtCommit: fc.integer({ min: 1, max: 3 }),
});

const live = async (store: EventStore, s: Scenario): Promise<ReturnType<typeof dump>> => {
  const readModels = new ReadModelStore(':memory:');
  const errors: unknown[] = [];
  const runner = new ProjectionRunner(store, readModels, PROJECTIONS, {
    pageSize: s.pageSize,
    liveFlushEvents: s.flushEvery,
    onError: (error) => errors.push(error),
  });
  try {
    await runner.start();
    const history = new HistoryBuilder(s.assignments);
    const per = Math.ceil(s.steps.length / s.chunks);
    let head = 0;
    for (let from = 0; from < s.steps.length; from += per) {
      const piece = s.steps.slice(from, from + per);
      head = await appendEvents(store, history, piece.length, (i) => s.steps[i]!, 1 + (from % 97));
      await sleep(from % 3);
    }
    expect(await runner.waitFor(head, 10_000)).toBe(true);
    expect(errors).toEqual([]);
    return dump(readModels, NAMES);
  } finally {
    await runner.stop();
    readModels.close();
  }
};

const fromScratch = async (store: EventStore): Promise<ReturnType<typeof dump>> => {
  const readModels = new ReadModelStore(':memory:');
  try {
    await replayAll(store, readModels, PROJECTIONS);
    return dump(readModels, NAMES);
  } finally {
    readModels.close();
  }
};

const afterCrash = async (store: EventStore, s: Scenario): Promise<ReturnType<typeof dump>> => {
  const readModels = new CrashingReadModelStore(':memory:', s.crashAtCommit);
  const head = await store.headPosition();
  const errors: unknown[] = [];
  const first = new ProjectionRunner(store, readModels, PROJECTIONS, {
    pageSize: s.pageSize,
    catchUpFlushEvents: s.flushEvery,
    retryDelayMs: 60_000,
    onError: (error) => errors.push(error),
  });
  const second = new ProjectionRunner(store, readModels, PROJECTIONS, { pageSize: s.pageSize });
  try {
    await first.start();
    while (errors.length === 0 && !(await first.waitFor(head, 5))) {
      // catching up until it reaches the end or dies inside commit `crashAtCommit`
    }
    await first.stop({ flush: false });
    expect(errors.map(String)).toEqual([`Error: simulated crash inside commit ${s.crashAtCommit}`]);
    await second.start();
    expect(await second.waitFor(head, 10_000)).toBe(true);
    return dump(readModels, NAMES);
  } finally {
    await first.stop({ flush: false });
    await second.stop();
    readModels.close();
  }
};

describe('read models are deterministic', () => {
  it('live, replayed from scratch and replayed after a crash mid-way give identical documents', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const store = await memoryStore();
        try {
          const applied = await live(store, s);
          expect(Object.keys(applied['assignment-summary']!).length).toBeGreaterThan(0);
          const replayed = await fromScratch(store);
          expect(replayed).toEqual(applied);
          const recovered = await afterCrash(store, s);
          expect(recovered).toEqual(applied);
        } finally {
          await store.close();
        }
      }),
      { numRuns: 5, endOnFailure: true },
    );
  });
});
