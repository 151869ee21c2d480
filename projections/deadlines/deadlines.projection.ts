/**
 * Deadlines (domain.md "Deadlines"), one small document per assignment holding what the four kinds
 * need. `deadlinesAt(doc, asOf)` is the definition; evolve files the facts, and `derive` (once per
 * document stored) evaluates it once per date on which its answer can change and files the answers as
 * `intervals` (as-of days each item holds for, and its due day), which the read-model store indexes, so
 * a query over every assignment reads only the items it answers.
 *
 * An item is listed as of a date while it is open (a lapse until it lapses; an end, a repatriation or an
 * exception until it is recorded), overdue or not; the query keeps those due within its window.
 */
import { exceptionInForce, type ApprovedException } from '../../src/domain/assignment/balances/exceptions.js';
import type { AssignmentEventType, EndReason, ExceptionTerm } from '../../src/domain/assignment/events.js';
import {
  addDays,
  maxDate,
  minDate,
  toDayNumber,
  yearOf,
  type BusinessDate,
} from '../../src/domain/shared/calendar.js';
import { assignmentKeyOf, type DataOf, type ProjectedEvent, type Projection } from '../projection.js';
import { factListOf, typesFiledIn, type FactData, type FactList } from '../shared/fact-lists.js';

export const DEADLINE_KINDS = [
  'home-leave-lapses',
  'assignment-ends',
  'repatriation-pending',
  'exception-pending',
] as const;
export type DeadlineKind = (typeof DEADLINE_KINDS)[number];

export interface DeadlineItem {
  assignmentId: string;
  employeeId: string;
  kind: DeadlineKind;
  dueOn: BusinessDate;
  detail: Record<string, string | number>;
}

/** As of every day in [from, to] (day numbers), `item` is open; `at` is its due day. */
export interface DeadlineInterval {
  from: number;
  to: number;
  at: number;
  item: DeadlineItem;
}

interface PendingException {
  term: ExceptionTerm;
  requestedLimit: string;
  year?: number;
  requestedBy: string;
  requestedOn: BusinessDate;
  decidedOn?: BusinessDate;
}

export interface DeadlinesDoc {
  assignmentId: string;
  lastPosition: number;
  employeeId: string | null;
  effectiveDate: BusinessDate | null;
  expectedEndDate: BusinessDate | null;
  tripsPerYear: number;
  extensions: { decidedOn: BusinessDate; newExpectedEndDate: BusinessDate }[];
  end: { endedOn: BusinessDate; reason: EndReason } | null;
  /** Home-leave trips and repatriation flights by eventId (so corrections and voids find them): their dates. */
  trips: Record<string, BusinessDate>;
  repatriations: Record<string, BusinessDate>;
  /** Trips by departure day: what the rule reads, so an event costs the same on a stream of 20,000 trips. */
  tripDays: Record<BusinessDate, number>;
  exceptions: Record<string, PendingException>;
  /** Approved exceptions in the order approved, with their date (balances/exceptions.ts picks the one in force). */
  approvals: (ApprovedException & { approvedOn: BusinessDate })[];
  /** Derived from the facts above by `deriveDeadlines` before the document is stored; stale until then. */
  intervals: DeadlineInterval[];
}

export const initDeadlinesDoc = (assignmentId: string): DeadlinesDoc => ({
  assignmentId,
  lastPosition: 0,
  employeeId: null,
  effectiveDate: null,
  expectedEndDate: null,
  tripsPerYear: 0,
  extensions: [],
  end: null,
  trips: {},
  repatriations: {},
  tripDays: {},
  exceptions: {},
  approvals: [],
  intervals: [],
});

const OPEN_ENDED = '9999-12-31';

/** The expected end as known on `asOf`: extensions only lengthen the assignment. */
const expectedEndOn = (doc: DeadlinesDoc, asOf: BusinessDate): BusinessDate =>
  doc.extensions.reduce(
    (end, e) => (e.decidedOn <= asOf ? maxDate(end, e.newExpectedEndDate) : end),
    doc.expectedEndDate!,
  );

type Add = (kind: DeadlineKind, dueOn: BusinessDate, detail: DeadlineItem['detail']) => void;

const adder = (doc: DeadlinesDoc, items: DeadlineItem[]): Add => {
  const employeeId = doc.employeeId!;
  return (kind, dueOn, detail) =>
    items.push({ assignmentId: doc.assignmentId, employeeId, kind, dueOn, detail });
};

/** Exceptions requested on or before `asOf` and not decided by then (due on the request date). */
const pendingExceptionsAt = (doc: DeadlinesDoc, asOf: BusinessDate, add: Add): void => {
  for (const [exceptionId, e] of Object.entries(doc.exceptions)) {
    if (e.requestedOn > asOf || (e.decidedOn !== undefined && e.decidedOn <= asOf)) continue;
    add('exception-pending', e.requestedOn, {
      exceptionId,
      term: e.term,
      requestedLimit: e.requestedLimit,
      ...(e.year !== undefined ? { year: e.year } : {}),
      requestedBy: e.requestedBy,
    });
  }
};

/** The end of an active assignment, or the flight home of an ended one; the end as known on `asOf`. */
const lifecycleAt = (doc: DeadlinesDoc, asOf: BusinessDate, add: Add): BusinessDate | null => {
  const endedOn = doc.end?.endedOn;
  if (asOf < doc.effectiveDate!) return null;
  if (endedOn !== undefined && endedOn <= asOf) {
    if (!Object.values(doc.repatriations).some((d) => d <= asOf)) {
      add('repatriation-pending', endedOn, { endedOn, endReason: doc.end!.reason });
    }
    return null;
  }
  const expectedEndDate = expectedEndOn(doc, asOf);
  // An end already recorded for a later date is the end; an expected end gone by is overdue, not moved.
  const end = endedOn ?? expectedEndDate;
  add('assignment-ends', end, { expectedEndDate, ...(endedOn !== undefined ? { endedOn } : {}) });
  return end;
};

/** The trips left in the as-of year, lapsing on 31 December or on the end if that comes first. */
const lapseAt = (
  doc: DeadlinesDoc,
  asOf: BusinessDate,
  end: BusinessDate,
  tripDays: [string, number][],
  add: Add,
) => {
  const year = yearOf(asOf);
  const granted = exceptionInForce(
    doc.approvals.filter((a) => a.approvedOn <= asOf),
    'home-leave-trips',
    year,
  );
  const allowed = granted ? Number(granted.grantedLimit) : doc.tripsPerYear;
  let taken = 0;
  for (const [d, n] of tripDays) if (d <= asOf && yearOf(d) === year) taken += n;
  const remaining = allowed - taken;
  if (remaining > 0) {
    const dueOn = end >= asOf ? minDate(`${year}-12-31`, end) : `${year}-12-31`;
    add('home-leave-lapses', dueOn, { year, remaining, allowed });
  }
};

/** What is open on `asOf` for this assignment, whatever its due date, in dueOn order. */
export const deadlinesAt = (doc: DeadlinesDoc, asOf: BusinessDate): DeadlineItem[] => {
  const items: DeadlineItem[] = [];
  if (doc.employeeId === null || doc.effectiveDate === null) return items;
  const add = adder(doc, items);
  pendingExceptionsAt(doc, asOf, add);
  const end = lifecycleAt(doc, asOf, add);
  if (end !== null) lapseAt(doc, asOf, end, Object.entries(doc.tripDays), add);
  return items.sort(byDue);
};

/** The order of an answer: by due date, then assignment, then kind. */
export const byDue = (a: DeadlineItem, b: DeadlineItem): number =>
  compare(a.dueOn, b.dueOn) || compare(a.assignmentId, b.assignmentId) || compare(a.kind, b.kind);
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Files each item open from `day` to `until` (day numbers), extending the interval it continues. */
class Intervals {
  readonly out: DeadlineInterval[] = [];
  private readonly last = new Map<string, DeadlineInterval>();

  add(items: readonly DeadlineItem[], from: number, until: number): void {
    for (const item of items) {
      const to = item.kind === 'home-leave-lapses' ? Math.min(until, toDayNumber(item.dueOn)) : until;
      if (to < from) continue;
      // Same kind, due day and detail values (in the order each kind writes them): the same item.
      const key = `${item.kind}|${item.dueOn}|${Object.values(item.detail).join('|')}`;
      const previous = this.last.get(key);
      if (previous && previous.to + 1 === from) {
        previous.to = to;
        continue;
      }
      const interval = { from, to, at: toDayNumber(item.dueOn), item };
      this.last.set(key, interval);
      this.out.push(interval);
    }
  }
}

const OPEN = toDayNumber(OPEN_ENDED);

/** Evaluates `at` on each change day (sorted, unique) and files what it answers up to the next one (or `last`). */
const sweep = (
  intervals: Intervals,
  days: readonly BusinessDate[],
  last: number,
  at: (day: BusinessDate, add: Add, items: DeadlineItem[]) => void,
  doc: DeadlinesDoc,
): void => {
  days.forEach((day, i) => {
    const items: DeadlineItem[] = [];
    at(day, adder(doc, items), items);
    const until = i + 1 < days.length ? toDayNumber(days[i + 1]!) - 1 : last;
    intervals.add(items, toDayNumber(day), until);
  });
};

const sortedUnique = (days: Iterable<BusinessDate>): BusinessDate[] => [...new Set(days)].sort();

/** Lapses are listed up to the year after the last expected or recorded end. */
const lastYearOf = (doc: DeadlinesDoc): number =>
  yearOf(
    [doc.expectedEndDate!, ...doc.extensions.map((e) => e.newExpectedEndDate), doc.end?.endedOn ?? ''].reduce(
      (a, b) => maxDate(a, b),
    ),
  ) + 1;

/** The lapse intervals of one year, swept over the days of that year on which its answer can change. */
const lapseIntervalsOf = (doc: DeadlinesDoc, year: number, intervals: Intervals): void => {
  const first = maxDate(`${year}-01-01`, doc.effectiveDate!);
  const lastDay = `${year}-12-31`;
  const inYear = (d: BusinessDate) => (d >= first && d <= lastDay ? [d] : []);
  const yearTrips = Object.entries(doc.tripDays).filter(([d]) => yearOf(d) === year);
  const days = sortedUnique([
    first,
    ...yearTrips.flatMap(([d]) => inYear(d)),
    ...doc.approvals.flatMap((a) =>
      a.term === 'home-leave-trips' && a.year === year ? inYear(maxDate(a.approvedOn, first)) : [],
    ),
    ...doc.extensions.flatMap((e) => [...inYear(e.decidedOn), ...inYear(addDays(e.newExpectedEndDate, 1))]),
    ...inYear(addDays(doc.expectedEndDate!, 1)),
    ...(doc.end ? inYear(doc.end.endedOn) : []),
  ]);
  sweep(
    intervals,
    days,
    toDayNumber(lastDay),
    (day, add) => {
      const end = lifecycleAt(doc, day, () => undefined);
      if (end !== null) lapseAt(doc, day, end, yearTrips, add);
    },
    doc,
  );
};

/**
 * The intervals of as-of days over which each item is open, kind by kind, each evaluated only on the
 * days its answer can change: an exception's request and decision; the start, extensions, end and
 * flights for the end and the repatriation; within each year, its trips, approvals, extensions and ends
 * for the lapse. Years run to the one after the last expected or recorded end (an assignment still open
 * after that shows its overdue end, not lapses).
 */
export const deadlineIntervalsOf = (doc: DeadlinesDoc): DeadlineInterval[] => {
  if (doc.employeeId === null || doc.effectiveDate === null) return [];
  const intervals = new Intervals();
  for (const exceptionId of Object.keys(doc.exceptions)) exceptionIntervalsOf(doc, exceptionId, intervals);
  lifecycleIntervalsOf(doc, intervals);
  for (let year = yearOf(doc.effectiveDate); year <= lastYearOf(doc); year++)
    lapseIntervalsOf(doc, year, intervals);
  return intervals.out;
};

const exceptionIntervalsOf = (doc: DeadlinesDoc, exceptionId: string, intervals: Intervals): void => {
  const e = doc.exceptions[exceptionId]!;
  const one = { ...doc, exceptions: { [exceptionId]: e } };
  const days = sortedUnique([e.requestedOn, ...(e.decidedOn !== undefined ? [e.decidedOn] : [])]);
  sweep(intervals, days, OPEN, (day, add) => pendingExceptionsAt(one, day, add), doc);
};

const lifecycleIntervalsOf = (doc: DeadlinesDoc, intervals: Intervals): void => {
  const effective = doc.effectiveDate!;
  const lifeDays = sortedUnique([
    effective,
    ...doc.extensions.map((e) => maxDate(e.decidedOn, effective)),
    ...(doc.end ? [maxDate(doc.end.endedOn, effective)] : []),
    ...Object.values(doc.repatriations).filter((d) => d >= effective),
  ]);
  sweep(intervals, lifeDays, OPEN, (day, add) => void lifecycleAt(doc, day, add), doc);
};

/** The lists of facts (shared/fact-lists.ts) whose events move a deadline. */
const MOVING = [
  'extensions',
  'ends',
  'trips',
  'repatriations',
  'exceptionRequests',
  'exceptionApprovals',
  'exceptionDeclines',
  'corrections',
  'voids',
] as const satisfies readonly FactList[];
type Moving = (typeof MOVING)[number];

const HANDLED: readonly AssignmentEventType[] = ['AssignmentStarted', ...typesFiledIn(MOVING)];

const countTrip = (doc: DeadlinesDoc, day: BusinessDate, sign: 1 | -1): void => {
  const n = (doc.tripDays[day] ?? 0) + sign;
  if (n > 0) doc.tripDays[day] = n;
  else delete doc.tripDays[day];
};

/** Files the event's facts (what `deadlineIntervalsOf` reads); mutates `doc`. */
const file = (doc: DeadlinesDoc, event: ProjectedEvent): void => {
  const data = event.data;
  if (event.type === 'AssignmentStarted') {
    if (doc.employeeId !== null) return;
    const d = data as DataOf<'AssignmentStarted'>;
    doc.employeeId = d.employee.id;
    doc.effectiveDate = d.effectiveDate;
    doc.expectedEndDate = d.expectedEndDate;
    doc.tripsPerYear = d.policy.homeLeaveTripsPerYear;
    return;
  }
  switch (factListOf(event.type) as Moving | undefined) {
    case 'extensions': {
      const d = data as FactData<'extensions'>;
      doc.extensions.push({ decidedOn: d.decidedOn, newExpectedEndDate: d.newExpectedEndDate });
      return;
    }
    case 'ends': {
      const d = data as FactData<'ends'>;
      doc.end ??= { endedOn: d.endedOn, reason: d.reason };
      return;
    }
    case 'trips': {
      const departedOn = (data as FactData<'trips'>).departedOn;
      doc.trips[event.eventId] = departedOn;
      countTrip(doc, departedOn, 1);
      return;
    }
    case 'repatriations':
      doc.repatriations[event.eventId] = (data as FactData<'repatriations'>).travelledOn;
      return;
    case 'exceptionRequests': {
      const d = data as FactData<'exceptionRequests'>;
      doc.exceptions[d.exceptionId] = {
        term: d.term,
        requestedLimit: d.requestedLimit,
        ...(d.year !== undefined ? { year: d.year } : {}),
        requestedBy: d.requestedBy,
        requestedOn: d.requestedOn,
      };
      return;
    }
    case 'exceptionApprovals':
    case 'exceptionDeclines': {
      const d = data as FactData<'exceptionApprovals'> | FactData<'exceptionDeclines'>;
      const exception = doc.exceptions[d.exceptionId];
      if (!exception || exception.decidedOn !== undefined) return;
      if ('approvedOn' in d) {
        exception.decidedOn = d.approvedOn;
        doc.approvals.push({
          exceptionId: d.exceptionId,
          term: d.term,
          grantedLimit: d.grantedLimit,
          ...(d.year !== undefined ? { year: d.year } : {}),
          approvedOn: d.approvedOn,
        });
      } else exception.decidedOn = d.declinedOn;
      return;
    }
    case 'corrections':
    case 'voids': {
      const d = data as FactData<'corrections'> | FactData<'voids'>;
      const corrected = factListOf(d.correctedType);
      const list =
        corrected === 'trips' ? doc.trips : corrected === 'repatriations' ? doc.repatriations : undefined;
      const was = list?.[d.correctsEventId];
      if (!list || was === undefined) return;
      const replacement =
        'replacement' in d ? (d.replacement as { departedOn?: string; travelledOn?: string }) : null;
      const date = replacement ? (replacement.departedOn ?? replacement.travelledOn ?? was) : undefined;
      if (date === undefined) delete list[d.correctsEventId];
      else list[d.correctsEventId] = date;
      if (list === doc.trips) {
        countTrip(doc, was, -1);
        if (date !== undefined) countTrip(doc, date, 1);
      }
      return;
    }
    default:
      return;
  }
};

/**
 * Mutates and returns `doc` (the runner owns it); an event at or before the last position is a no-op.
 * Files facts only: the intervals follow from them in `deriveDeadlines`, once per document stored.
 */
export const evolveDeadlines = (doc: DeadlinesDoc, event: ProjectedEvent): DeadlinesDoc => {
  if (event.position <= doc.lastPosition) return doc;
  doc.lastPosition = event.position;
  file(doc, event);
  return doc;
};

/** Files the document's intervals from its facts (mutates and returns it). */
export const deriveDeadlines = (doc: DeadlinesDoc): DeadlinesDoc => {
  doc.intervals = deadlineIntervalsOf(doc);
  return doc;
};

export const deadlinesProjection: Projection<DeadlinesDoc> = {
  name: 'deadlines',
  version: 3,
  canHandle: HANDLED,
  keyOf: assignmentKeyOf,
  init: initDeadlinesDoc,
  evolve: evolveDeadlines,
  derive: deriveDeadlines,
  intervals: true,
};
