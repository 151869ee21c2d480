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
