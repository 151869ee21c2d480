/**
 * A live lane keeps its documents in memory between commits, bounded by bytes as well as by count: a
 * long history's document weighs hundreds of times a short one's. What leaves the memory is read back
 * from the store when an event needs it, so the documents come out the same whatever the bound.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { commitLanes, ProjectionLane, toProjectedEvent } from '../../../src/read-models/projection-lane.js';
import { ReadModelStore } from '../../../src/read-models/read-model-store.js';
import type { StoredEvent } from '../../../src/event-store/event-store.port.js';
import { countingProjection, dump } from './fixtures.js';

const counting = countingProjection();

/** A claim stored at `position` in stream `assignment-<n>`. */
const claimAt = (position: number, stream: number): StoredEvent =>
  ({
    streamId: `assignment-${stream}`,
    eventId: `e-${position}`,
    type: 'ExpenseClaimed',
    data: {},
    revision: position,
    position,
    metadata: { recordedAt: '2005-02-01T00:00:00.000Z' },
    hash: '',
  }) as unknown as StoredEvent;

describe('a live lane bounds the documents it keeps by the bytes of their JSON', () => {
  const stores: ReadModelStore[] = [];
  afterEach(() => {
    for (const store of stores.splice(0)) store.close();
  });

  const laneOf = (maxBytes: number) => {
    const store = new ReadModelStore(':memory:');
    stores.push(store);
    const generation = store.createGeneration(counting.name, counting.version, { activate: true });
    return { store, lane: new ProjectionLane(store, counting, generation, 10_000, maxBytes) };
  };

  /** 40 commits of 50 events: four in five to one stream (a long history), the rest to four others. */
  const feed = (lane: ProjectionLane, store: ReadModelStore, afterCommit: () => void) => {
    let position = 0;
    for (let commit = 0; commit < 40; commit++) {
      for (let i = 0; i < 50; i++) {
        position += 1;
        lane.apply(toProjectedEvent(claimAt(position, i % 5 === 0 ? (position % 4) + 1 : 0)));
      }
      commitLanes(store, [lane]);
      afterCommit();
    }
    return position;
  };

  it('drops the least recently used documents once their JSON passes the bound, to three quarters of it', () => {
    const { store, lane } = laneOf(4_000);
    const held: number[] = [];
    feed(lane, store, () => held.push(lane.cached().bytes));
    expect(Math.max(...held)).toBeLessThanOrEqual(4_000);
    // The long document alone outgrows the bound: it leaves after each commit and is read back.
    expect(held.at(-1)!).toBeLessThanOrEqual(3_000);
  });

  it('gives the same documents as a lane that keeps everything', () => {
    const bounded = laneOf(500);
    const unbounded = laneOf(Number.POSITIVE_INFINITY);
    feed(bounded.lane, bounded.store, () => undefined);
    const last = feed(unbounded.lane, unbounded.store, () => undefined);
    expect(unbounded.lane.cached().docs).toBe(5);
    expect(dump(bounded.store, [counting.name])).toEqual(dump(unbounded.store, [counting.name]));
    const docs = dump(bounded.store, [counting.name])[counting.name]!;
    const counts = Object.values(docs).map((doc) => (doc as { count: number }).count);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(last);
  });
});

describe("a projection's append-only lists are stored an element per row", () => {
  const stores: ReadModelStore[] = [];
  afterEach(() => {
    for (const store of stores.splice(0)) store.close();
  });
  // Its evolve pushes onto `positions` and never reads it.
  const appending = { ...countingProjection(), appendOnly: ['positions'] } as const;

  const laneOf = (
    projection: typeof counting,
    maxBytes = Number.POSITIVE_INFINITY,
    store?: ReadModelStore,
  ) => {
    const readModels = store ?? new ReadModelStore(':memory:');
    if (!store) stores.push(readModels);
    const generation =
      readModels.active(projection.name) ??
      readModels.createGeneration(projection.name, projection.version, { activate: true });
    return {
      store: readModels,
      lane: new ProjectionLane(readModels, projection, generation, 10_000, maxBytes),
    };
  };

  /** `commits` commits of 10 claims to stream 0 from `position` on; returns the last position. */
  const feed = (
    lane: ProjectionLane,
    store: ReadModelStore,
    commits: number,
    position = 0,
    each?: () => void,
  ) => {
    for (let commit = 0; commit < commits; commit++) {
      for (let i = 0; i < 10; i++) lane.apply(toProjectedEvent(claimAt(++position, 0)));
      commitLanes(store, [lane]);
      each?.();
    }
    return position;
  };

  it('a commit writes a head that does not grow with the list, and the document reads back whole', () => {
    const split = laneOf(appending);
    const whole = laneOf(counting);
    const heads: number[] = [];
    const generation = split.store.active(appending.name)!;
    const last = feed(split.lane, split.store, 30, 0, () =>
      heads.push(split.store.getHeadJsonFrom(generation, 'assignment-0')!.length),
    );
    feed(whole.lane, whole.store, 30);
    expect(JSON.parse(split.store.getHeadJsonFrom(generation, 'assignment-0')!).positions).toEqual([]);
    // Only the count's digits change the head's length: 10 -> 300 claims.
    expect(heads.at(-1)! - heads[0]!).toBe(1);
    expect(split.store.getFrom(generation, 'assignment-0')).toMatchObject({
      count: last,
      positions: Array.from({ length: last }, (_, i) => i + 1),
    });
    expect(dump(split.store, [appending.name])).toEqual(dump(whole.store, [counting.name]));
  });

  it('goes on from a document stored whole (as a rebuild stores it), and from one read back after leaving the memory', () => {
    const { store, lane } = laneOf(counting);
    const first = feed(lane, store, 5);
    // The same generation, now fed by a lane of the projection that stores its list apart, keeping little.
    const split = laneOf(appending, 100, store);
    const last = feed(split.lane, store, 5, first);
    const generation = store.active(appending.name)!;
    expect(store.getFrom(generation, 'assignment-0')).toMatchObject({
      count: last,
      positions: Array.from({ length: last }, (_, i) => i + 1),
    });
    expect(JSON.parse(store.getHeadJsonFrom(generation, 'assignment-0')!).positions).toEqual([]);
  });

  it('a document written whole again, or removed, takes its elements stored apart with it', () => {
    const { store, lane } = laneOf(appending);
    const last = feed(lane, store, 3);
    const generation = store.active(appending.name)!;
    store.applyBatch(appending.name, 1, new Map([['assignment-0', { count: 1, positions: [7] }]]), last + 1);
    expect(store.getFrom(generation, 'assignment-0')).toEqual({ count: 1, positions: [7] });
    const again = laneOf(appending, Number.POSITIVE_INFINITY, store);
    feed(again.lane, store, 1, last + 1);
    store.applyBatch(appending.name, 1, new Map([['assignment-0', null]]), last + 20);
    expect(store.getFrom(generation, 'assignment-0')).toBeUndefined();
    const fresh = laneOf(appending, Number.POSITIVE_INFINITY, store);
    feed(fresh.lane, store, 1, last + 20);
    expect(store.getFrom(generation, 'assignment-0')).toMatchObject({ count: 10 });
    expect((store.getFrom(generation, 'assignment-0') as { positions: number[] }).positions).toHaveLength(10);
  });
});
