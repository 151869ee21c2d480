import { describe, expect, it } from '@jest/globals';
import {
  ALL_PROJECTIONS,
  assignmentEntitlementsProjection,
  businessDateOf,
  entitlementsOf,
  projectedEventOf,
  storedFormOf,
  type AnyProjection,
  type ProjectedEvent,
} from '../../../projections/index.js';
import { ASSIGNMENT_EVENT_TYPES } from '../../../src/domain/assignment/events.js';
import { toWeight } from '../../../src/domain/shared/weight.js';
import { project, Story, usd } from './given.js';

/** Everything the letter's story touches, corrections included. */
const fullStory = (): Story => {
  const story = new Story();
  story.at('2005-01-14T09:00:00.000Z').started();
  const air = story.shipment('outbound', 'air', '2005-01-25', '480');
  story.shipment('outbound', 'sea', '2005-02-10', '9000');
  const trip = story.trip('employee', 'home', '2005-03-01');
  story.trip('spouse', 'host', '2005-04-01');
  story.claim('lang-1', 'language-training', '2005-02-01', '300.00');
  story.record('ExpenseApproved', {
    expenseId: 'lang-1',
    approvedBy: 'hr',
    approvedOn: '2005-02-05',
    reimbursableUsd: usd('300.00'),
  });
  story.record('MiscellaneousAllowancePaid', { paidOn: '2005-01-20', amount: usd('2500.00') });
  story.corrected(air, { ...air.data, weight: toWeight('450', 'lb') });
  story.voided(trip);
  story.extended('2005-06-15', '2005-07-18', '2006-07-18', true);
  story.ended('2006-07-18');
  story.record('RepatriationTravelled', {
    travelledOn: '2006-07-20',
    travellers: ['Joseph Lamoreux'],
    fare: usd('1400.00'),
  });
  return story;
};

const json = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('every projection', () => {
  it('is listed once, handles only assignment event types and keys by assignment', () => {
    expect(ALL_PROJECTIONS.map((p) => p.name)).toEqual([
      'assignment-entitlements',
      'assignment-summary',
      'audit-timeline',
      'deadlines',
    ]);
    const event = fullStory().events[0]!;
    for (const p of ALL_PROJECTIONS) {
      expect(p.version).toBeGreaterThanOrEqual(1);
      for (const type of p.canHandle) expect(ASSIGNMENT_EVENT_TYPES).toContain(type);
      expect(p.keyOf(event)).toBe('joe-shanghai');
      expect(p.keyOf({ ...event, streamId: 'webhook-1' })).toBeNull();
      expect(p.keyOf({ ...event, streamId: 'assignment-' })).toBeNull();
    }
  });

  it.each(ALL_PROJECTIONS.map((p) => [p.name, p] as const))(
    '%s ignores an event at or before the last position applied',
    (_name, projection: AnyProjection) => {
      const events = fullStory().events;
      const once = json(project(projection, events));
      const twice: ProjectedEvent[] = events.flatMap((e, i) => (i > 0 ? [e, events[i - 1]!, e] : [e]));
      expect(json(project(projection, twice))).toEqual(once);
    },
  );

  it.each(ALL_PROJECTIONS.map((p) => [p.name, p] as const))(
    '%s resumes from its stored JSON exactly as an uninterrupted build',
    (_name, projection: AnyProjection) => {
      const events = fullStory().events;
      let doc = projection.init('joe-shanghai');
      for (const [i, e] of events.entries()) {
        doc = projection.evolve(doc, e);
        if (i % 3 === 0) doc = json(storedFormOf(projection, doc)); // the runner stores and reloads between batches
      }
      expect(JSON.stringify(storedFormOf(projection, doc))).toBe(JSON.stringify(project(projection, events)));
    },
  );

  it.each(ALL_PROJECTIONS.map((p) => [p.name, p] as const))(
    '%s never alters the events it is given',
    (_name, projection: AnyProjection) => {
      const events = fullStory().events;
      const before = json(events);
      project(projection, events);
      expect(json(events)).toEqual(before);
    },
  );
});

describe('the entitlements query', () => {
  it('answers the same from a document stored as JSON', () => {
    const doc = project(assignmentEntitlementsProjection, fullStory().events);
    for (const asOf of ['2005-01-01', '2005-06-30', '2006-01-01', '2006-12-31'])
      expect(entitlementsOf(json(doc), { asOf })).toEqual(entitlementsOf(doc, { asOf }));
  });

  it('answers in the shape of the HTTP contract', () => {
    const doc = project(assignmentEntitlementsProjection, fullStory().events);
    const answer = entitlementsOf(doc, { asOf: '2005-12-31' })!;
    expect(answer).toMatchObject({
      assignmentId: 'joe-shanghai',
      asOf: '2005-12-31',
      status: 'active',
      taxHomeStatus: 'indefinite',
      homeLeave: {
        years: [
          {
            year: 2005,
            allowed: 3,
            taken: 1,
            takenByEmployee: 0,
            takenBySpouse: 1,
            otherDestinationUsed: 0,
            remaining: 2,
            forfeited: 0,
          },
        ],
      },
      shipments: {
        outboundAir: { limitLb: '500', usedLb: '450', remainingLb: '50' },
        outboundSea: { containerLimit: 1, containersUsed: 1, weightLb: '9000' },
        outboundTotalLb: '9450',
        return: { capLb: '10450', usedLb: '0', remainingLb: '10450' },
      },
      allowances: { miscellaneous: { amount: usd('2500.00'), paid: true } },
      expenses: {
        byCategory: [
          {
            category: 'language-training',
            claimed: usd('300.00'),
            approved: usd('300.00'),
            rejected: usd('0.00'),
          },
        ],
      },
      repatriation: { owed: false, travelled: false },
    });
    expect(entitlementsOf(doc, { asOf: '2006-07-31' })!.repatriation).toMatchObject({
      owed: true,
      travelled: true,
    });
  });
});

describe('helpers for the runner and the exports', () => {
  it('turns a stored event (recordedAt in its metadata) into a projected one', () => {
    expect(
      projectedEventOf({
        streamId: 'assignment-joe-shanghai',
        eventId: 'e1',
        type: 'AssignmentEnded',
        data: { endedOn: '2005-07-18', reason: 'completed' },
        revision: 3,
        position: 9,
        metadata: { recordedAt: '2005-07-18T10:00:00.000Z', actor: 'hr' },
      }),
    ).toEqual({
      streamId: 'assignment-joe-shanghai',
      eventId: 'e1',
      type: 'AssignmentEnded',
      data: { endedOn: '2005-07-18', reason: 'completed' },
      recordedAt: '2005-07-18T10:00:00.000Z',
      position: 9,
      revision: 3,
      metadata: { actor: 'hr' },
    });
  });

  it('names each event business date, and none for a correction', () => {
    const events = fullStory().events;
    const of = (type: string) => businessDateOf(events.find((e) => e.type === type)!);
    expect(of('AssignmentStarted')).toBe('2005-01-18');
    expect(of('ShipmentRecorded')).toBe('2005-01-25');
    expect(of('AssignmentExtended')).toBe('2005-06-15');
    expect(of('EventCorrected')).toBeNull();
    expect(of('EventVoided')).toBeNull();
    expect(businessDateOf({ type: 'ExpenseRejected', data: { expenseId: 'x' } })).toBeNull();
  });
});

describe('rebuild cost', () => {
  it('stays linear: one long stream and many short ones fold without a slowdown', () => {
    const story = new Story('long');
    story.started();
    for (let i = 0; i < 20_000; i++) story.trip('employee', 'home', '2005-03-01');
    const many: ProjectedEvent[] = [];
    for (let a = 0; a < 400; a++) {
      const s = new Story(`a${a}`, 100_000 + a * 50);
      s.started();
      for (let i = 0; i < 49; i++) s.shipment('outbound', 'air', '2005-01-25', '1');
      many.push(...s.events);
    }
    const microsPerEvent = (events: readonly ProjectedEvent[]): number => {
      const started = performance.now();
      for (const p of ALL_PROJECTIONS) {
        const docs = new Map<string, unknown>();
        for (const e of events) {
          const key = p.keyOf(e)!;
          docs.set(key, p.evolve(docs.get(key) ?? p.init(key), e));
        }
      }
      return ((performance.now() - started) * 1000) / events.length;
    };
    microsPerEvent(many); // warm-up
    const short = microsPerEvent(many);
    const long = microsPerEvent(story.events);
    // Relative, so a slow or busy machine does not matter: an evolve that copies or scans its document
    // per event would make each of the 20,000-event stream's events hundreds of times dearer.
    expect(long).toBeLessThan(short * 10);
  });
});
