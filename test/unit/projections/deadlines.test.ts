import { afterEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  byDue,
  deadlinesAt,
  deadlinesProjection,
  type DeadlineItem,
  type DeadlinesDoc,
} from '../../../projections/deadlines/index.js';
import { addDays, toDayNumber } from '../../../src/domain/shared/calendar.js';
import { ReadModelStore } from '../../../src/read-models/read-model-store.js';
import { JOE, project, Story, usd } from './given.js';

/** A request for 650 lb of outbound airfreight, pending until decided. */
const airfreightRequested = (requestedOn: string) => ({
  exceptionId: 'x-air',
  term: 'outbound-air-weight' as const,
  requestedLimit: '650',
  reason: 'school books',
  requestedBy: 'Carl Berg',
  requestedOn,
});

/** Joe's letter: 2005-01-18 to 2005-07-18, extended on 2005-06-01 to 2006-06-30, ended then. */
const joe = () => {
  const story = new Story();
  story.started();
  story.trip('employee', 'home', '2005-03-01');
  story.extended('2005-06-01', '2005-07-18', '2006-06-30');
  story.trip('employee', 'home', '2005-08-01');
  story.record('ExceptionRequested', airfreightRequested('2005-01-12'));
  return story;
};
const at = (doc: DeadlinesDoc, asOf: string) =>
  deadlinesAt(doc, asOf).map(({ kind, dueOn, detail }) => ({ kind, dueOn, detail }));

describe('deadlines (domain.md "Deadlines")', () => {
  it('lists the four kinds as of a date, each with its due date and detail', () => {
    const story = joe();
    const doc = () => project(deadlinesProjection, story.events);
    expect(at(doc(), '2005-12-01')).toEqual([
      {
        kind: 'exception-pending',
        dueOn: '2005-01-12',
        detail: {
          exceptionId: 'x-air',
          term: 'outbound-air-weight',
          requestedLimit: '650',
          requestedBy: 'Carl Berg',
        },
      },
      { kind: 'home-leave-lapses', dueOn: '2005-12-31', detail: { year: 2005, remaining: 1, allowed: 3 } },
      { kind: 'assignment-ends', dueOn: '2006-06-30', detail: { expectedEndDate: '2006-06-30' } },
    ]);
    story.ended('2006-06-30');
    story.record('ExceptionDeclined', {
      exceptionId: 'x-air',
      declinedBy: 'Bob Borron',
      declinedOn: '2005-01-20',
      reason: 'within the letter',
    });
    // In 2006 the trips lapse on the end, which comes before 31 December.
    expect(at(doc(), '2006-03-01').map((i) => [i.kind, i.dueOn])).toEqual([
      ['assignment-ends', '2006-06-30'],
      ['home-leave-lapses', '2006-06-30'],
    ]);
    expect(at(doc(), '2006-07-15')).toEqual([
      {
        kind: 'repatriation-pending',
        dueOn: '2006-06-30',
        detail: { endedOn: '2006-06-30', endReason: 'completed' },
      },
    ]);
    story.record('RepatriationTravelled', {
      travelledOn: '2006-07-20',
      travellers: ['Joseph Lamoreux'],
      fare: usd('1200.00'),
    });
    expect(at(doc(), '2006-07-19').map((i) => i.kind)).toEqual(['repatriation-pending']);
    expect(at(doc(), '2006-07-20')).toEqual([]);
  });

  it('handles as-of dates before and after the assignment', () => {
    const story = joe();
    story.ended('2006-06-30');
    story.record('RepatriationTravelled', {
      travelledOn: '2006-07-02',
      travellers: ['Joseph Lamoreux'],
      fare: usd('1200.00'),
    });
    const doc = project(deadlinesProjection, story.events);
    expect(at(doc, '2005-01-01')).toEqual([]);
    // Only the exception requested before the start is open before it.
    expect(at(doc, '2005-01-15').map((i) => i.kind)).toEqual(['exception-pending']);
    expect(at(doc, '2007-01-01').map((i) => i.kind)).toEqual(['exception-pending']);
  });

  it('counts an approved trip exception in its own year only, from its approval', () => {
    const story = joe();
    story.record('ExceptionRequested', {
      exceptionId: 'x-trips',
      term: 'home-leave-trips',
      requestedLimit: '4',
      year: 2005,
      reason: 'family illness',
      requestedBy: 'Carl Berg',
      requestedOn: '2005-09-01',
    });
    story.record('ExceptionApproved', {
      exceptionId: 'x-trips',
      approvedBy: 'Bob Borron',
      approvedOn: '2005-09-02',
      grantedLimit: '4',
      term: 'home-leave-trips',
      year: 2005,
    });
    const doc = project(deadlinesProjection, story.events);
    const lapse = (asOf: string) =>
      deadlinesAt(doc, asOf).find((i) => i.kind === 'home-leave-lapses')?.detail;
    expect(lapse('2005-09-01')).toEqual({ year: 2005, remaining: 1, allowed: 3 });
    expect(lapse('2005-09-02')).toEqual({ year: 2005, remaining: 2, allowed: 4 });
    expect(lapse('2006-01-02')).toEqual({ year: 2006, remaining: 3, allowed: 3 });
  });

  it('follows corrections and voids of trips', () => {
    const story = new Story();
    story.started();
    const trip = story.trip('employee', 'home', '2005-03-01');
    const doc = () => project(deadlinesProjection, story.events);
    const remaining = (asOf: string) =>
      deadlinesAt(doc(), asOf).find((i) => i.kind === 'home-leave-lapses')?.detail['remaining'];
    expect(remaining('2005-04-01')).toBe(2);
    story.corrected(trip, { ...trip.data, departedOn: '2005-05-01' });
    expect(remaining('2005-04-01')).toBe(3);
    story.voided(trip);
    expect(remaining('2005-06-01')).toBe(3);
  });

  it('stores the same intervals whether a write took one event or the whole history (live and rebuild)', () => {
    const story = joe();
    const late = story.trip('employee', 'home', '2006-02-01');
    story.trip('employee', 'home', '2005-04-01'); // filed after a later year's trip
    story.corrected(late, { ...late.data, departedOn: '2005-11-01' });
    story.record('ExceptionApproved', {
      exceptionId: 'x-air',
      approvedBy: 'Bob Borron',
      approvedOn: '2005-01-20',
      grantedLimit: '650',
      term: 'outbound-air-weight',
    });
    story.ended('2006-06-30');
    const derivedEachTime = story.events.reduce(
      (doc, event) => deadlinesProjection.derive!(deadlinesProjection.evolve(doc, event)),
      deadlinesProjection.init(JOE),
    );
    const once = project(deadlinesProjection, story.events);
    expect(once.intervals.length).toBeGreaterThan(4);
    expect(JSON.stringify(derivedEachTime)).toBe(JSON.stringify(once));
  });

  describe('the intervals the store indexes', () => {
    const stores: ReadModelStore[] = [];
    afterEach(() => stores.splice(0).forEach((s) => s.close()));

    const indexed = (docs: DeadlinesDoc[]) => {
      const store = new ReadModelStore(':memory:');
      stores.push(store);
      store.createGeneration(deadlinesProjection.name, deadlinesProjection.version, {
        activate: true,
        intervals: true,
      });
      store.applyBatch(
        deadlinesProjection.name,
        deadlinesProjection.version,
        new Map(docs.map((d) => [d.assignmentId, d])),
        10,
      );
      return (asOf: string, within: number) =>
        store
          .intervalItems<DeadlineItem>(
            deadlinesProjection.name,
            toDayNumber(asOf),
            toDayNumber(addDays(asOf, within)),
          )
          .items.sort(byDue);
    };

    it('answer exactly what deadlinesAt says, for every day from before the start to after the end', () => {
      const story = joe();
      story.ended('2006-06-30');
      const doc = project(deadlinesProjection, story.events);
      const query = indexed([doc]);
      for (let day = '2004-12-01'; day <= '2007-02-01'; day = addDays(day, 7)) {
        const expected = deadlinesAt(doc, day).filter((i) => i.dueOn <= addDays(day, 30));
        expect({ day, items: query(day, 30) }).toEqual({ day, items: expected });
      }
    });

    it('stay exact when trips beyond a full pool are filed without moving them, then a limit is raised', () => {
      const story = new Story();
      story.started();
      story.extended('2005-03-01', '2005-07-18', '2006-12-31');
      for (const day of ['2005-05-01', '2005-02-01', '2005-04-01', '2005-06-01', '2005-03-01', '2005-06-01'])
        story.trip('employee', 'home', day);
      story.record('ExceptionRequested', {
        exceptionId: 'x',
        term: 'home-leave-trips',
        requestedLimit: '6',
        year: 2005,
        reason: 'family',
        requestedBy: 'Carl Berg',
        requestedOn: '2005-07-01',
      });
      story.record('ExceptionApproved', {
        exceptionId: 'x',
        approvedBy: 'Bob Borron',
        approvedOn: '2005-07-02',
        grantedLimit: '6',
        term: 'home-leave-trips',
        year: 2005,
      });
      const doc = project(deadlinesProjection, story.events);
      const query = indexed([doc]);
      for (let day = '2005-01-01'; day <= '2006-01-10'; day = addDays(day, 3)) {
        const expected = deadlinesAt(doc, day).filter((i) => i.dueOn <= addDays(day, 366));
        expect({ day, items: query(day, 366) }).toEqual({ day, items: expected });
      }
    });

    /** Twelve assignments, each with an exception pending (on one of two days) and the end due on one day. */
    const twelve = () =>
      Array.from({ length: 12 }, (_, n) => {
        const story = new Story(`A-${String(n).padStart(2, '0')}`);
        story.started();
        story.record('ExceptionRequested', airfreightRequested(n % 2 === 0 ? '2005-06-01' : '2005-06-03'));
        return project(deadlinesProjection, story.events, story.assignmentId);
      });
    const day = toDayNumber('2005-07-01');
    const atMost = toDayNumber('2005-08-01');

    /** Every page of `limit` items, checked to end on a group's boundary, concatenated. */
    const paged = (store: ReadModelStore, limit: number): DeadlineItem[] => {
      const seen: DeadlineItem[] = [];
      let after: { at: number; key: string } | undefined;
      for (let pages = 0; pages < 100; pages++) {
        const page = store.intervalItems<DeadlineItem>('deadlines', day, atMost, { limit, after });
        const items = page.items.sort(byDue);
        expect(items.length).toBeGreaterThan(0);
        // A page ends on a boundary: what follows starts with another assignment or day.
        const last = items.at(-1)!;
        const beyond = items.slice(Math.max(0, limit - 1));
        expect(beyond.every((i) => i.dueOn === last.dueOn && i.assignmentId === last.assignmentId)).toBe(
          true,
        );
        seen.push(...items);
        if (page.next === null) return seen;
        expect(page.next).toEqual({ at: toDayNumber(last.dueOn), key: last.assignmentId });
        after = page.next;
      }
      throw new Error('more than 100 pages');
    };

    it("page in due order without splitting one assignment's items of a day, whatever the page size", () => {
      const store = new ReadModelStore(':memory:');
      stores.push(store);
      store.createGeneration('deadlines', 1, { activate: true, intervals: true });
      store.applyBatch('deadlines', 1, new Map(twelve().map((d) => [d.assignmentId, d])), 10);
      const whole = store.intervalItems<DeadlineItem>('deadlines', day, atMost).items.sort(byDue);
      // The end and the year's lapse fall on one day: a page must not split them.
      expect(whole.filter((i) => i.assignmentId === 'A-00' && i.dueOn === '2005-07-18')).toHaveLength(2);
      expect(whole.length).toBe(36);
      for (const limit of [1, 2, 3, 5, 24, 100])
        expect({ limit, items: paged(store, limit) }).toEqual({ limit, items: whole });
    });

    it('page the same from a generation indexed before the due-order table, read-only or writable', () => {
      const dir = mkdtempSync(join(tmpdir(), 'ledger-deadlines-'));
      try {
        const path = join(dir, 'read-models.sqlite');
        const first = new ReadModelStore(path);
        const gen = first.createGeneration('deadlines', 1, { activate: true, intervals: true });
        first.applyBatch('deadlines', 1, new Map(twelve().map((d) => [d.assignmentId, d])), 10);
        const whole = first.intervalItems<DeadlineItem>('deadlines', day, atMost).items.sort(byDue);
        first.close();
        // What such a generation holds: an R-tree with keys and items, no due-order table.
        const raw = new Database(path);
        for (const trigger of ['insert', 'delete', 'update'])
          raw.exec(`DROP TRIGGER "intervals_g${gen.id}_${trigger}"`);
        raw.exec(`DROP TABLE "intervals_due_g${gen.id}"; DROP TABLE "intervals_g${gen.id}";
          CREATE VIRTUAL TABLE "intervals_g${gen.id}" USING rtree_i32(id, fromDay, toDay, atMin, atMax, +key, +item);
          INSERT INTO "intervals_g${gen.id}" SELECT t.rowid * 4096 + j.key, json_extract(j.value, '$.from'),
            json_extract(j.value, '$.to'), json_extract(j.value, '$.at'), json_extract(j.value, '$.at'), t.key,
            json_extract(j.value, '$.item') FROM "${gen.table}" AS t, json_each(t.doc, '$.intervals') AS j;`);
        raw.close();
        for (const readonly of [true, false]) {
          const store = new ReadModelStore(path, { readonly });
          stores.push(store);
          expect(store.intervalItems<DeadlineItem>('deadlines', day, atMost).items.sort(byDue)).toEqual(
            whole,
          );
          for (const limit of [1, 5, 100])
            expect({ readonly, limit, items: paged(store, limit) }).toEqual({
              readonly,
              limit,
              items: whole,
            });
        }
      } finally {
        stores.splice(0).forEach((s) => s.close());
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('follow a document rewritten, removed, and adopted from a bulk rebuild', () => {
      const story = joe();
      const before = project(deadlinesProjection, story.events);
      const store = new ReadModelStore(':memory:');
      stores.push(store);
      const gen = store.createGeneration('deadlines', 1, { activate: true, intervals: true });
      store.applyBatch('deadlines', 1, new Map([[before.assignmentId, before]]), 5);
      const kinds = () =>
        store
          .intervalItems<DeadlineItem>('deadlines', toDayNumber('2006-07-10'), toDayNumber('2006-08-10'))
          .items.map((i) => i.kind);
      // Not ended yet: the expected end of 2006-06-30 is overdue.
      expect(kinds()).toEqual(['exception-pending', 'assignment-ends']);
      story.ended('2006-06-30');
      const after = project(deadlinesProjection, story.events);
      store.applyBatch('deadlines', 1, new Map([[after.assignmentId, after]]), 6);
      expect(kinds()).toEqual(['exception-pending', 'repatriation-pending']);
      store.applyBatch('deadlines', 1, new Map([[after.assignmentId, null]]), 7);
      expect(kinds()).toEqual([]);

      const rebuilt = store.createGeneration('deadlines', 1, { intervals: true });
      const staging = store.createStaging(rebuilt);
      // A build given up leaves nothing behind, its intervals' tables included.
      const tables = () =>
        store['db']
          .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'staging%'")
          .pluck()
          .all();
      store.abandonStaging(store.createStaging(rebuilt));
      expect(tables().every((name) => String(name).startsWith(staging.table))).toBe(true);
      store.insertJson([{ generation: staging, rows: [[after.assignmentId, JSON.stringify(after)]] }]);
      store.adoptStaging([{ staging, position: 7 }]);
      expect(tables()).toEqual([]);
      store.activate(rebuilt.id);
      expect(store.active('deadlines')?.id).not.toBe(gen.id);
      expect(kinds()).toEqual(['exception-pending', 'repatriation-pending']);
      // The adopted intervals are kept up to date like those filed by writes.
      store.applyBatch('deadlines', 1, new Map([[after.assignmentId, before]]), 8);
      expect(kinds()).toEqual(['exception-pending', 'assignment-ends']);
      store.applyBatch('deadlines', 1, new Map([[after.assignmentId, null]]), 9);
      expect(kinds()).toEqual([]);
    });
  });
});
