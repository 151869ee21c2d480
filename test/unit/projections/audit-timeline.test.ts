import { describe, expect, it } from '@jest/globals';
import { auditTimelineProjection, timelineOf } from '../../../projections/audit-timeline/index.js';
import { toWeight } from '../../../src/domain/shared/weight.js';
import { project, Story, usd } from './given.js';

const letterStory = () => {
  const story = new Story();
  story.at('2005-01-14T09:00:00.000Z').started();
  const air = story.at('2005-01-25T10:00:00.000Z').shipment('outbound', 'air', '2005-01-25', '480');
  const sea = story.shipment('outbound', 'sea', '2005-02-10', '4082.3313', 'kg');
  const trip = story.at('2005-03-02T09:00:00.000Z').trip('employee', 'home', '2005-03-01');
  story.record('MiscellaneousAllowancePaid', { paidOn: '2005-01-20', amount: usd('2500.00') });
  const fix = story
    .at('2005-03-05T09:00:00.000Z')
    .corrected(air, { ...air.data, weight: toWeight('450', 'lb') }, 'scale ticket misread');
  const cancel = story.at('2005-03-06T09:00:00.000Z').voided(trip, 'entered twice');
  story.extended('2005-06-15', '2005-07-18', '2006-07-18', true);
  return { story, air, sea, trip, fix, cancel };
};

describe('audit timeline', () => {
  it('lists every event in order with its business date and a sentence', () => {
    const { story } = letterStory();
    const entries = timelineOf(project(auditTimelineProjection, story.events));
    expect(entries.map((e) => [e.position, e.revision, e.type, e.businessDate, e.summary])).toEqual([
      [
        1,
        0,
        'AssignmentStarted',
        '2005-01-18',
        'Assignment started: Joseph Lamoreux as Chief Operating Officer in Shanghai, CN from 2005-01-18, expected to end 2005-07-18, base salary USD 19166.67 a month',
      ],
      [2, 1, 'ShipmentRecorded', '2005-01-25', 'Outbound air shipment of 480 lb on 2005-01-25'],
      [
        3,
        2,
        'ShipmentRecorded',
        '2005-02-10',
        'Outbound sea shipment of 1 × 40ft container, 8999.999934 lb (4082.3313 kg) on 2005-02-10',
      ],
      [
        4,
        3,
        'HomeLeaveTripTaken',
        '2005-03-01',
        'Home-leave trip by the employee home departing 2005-03-01: fare USD 1400.00, reimbursable USD 1400.00',
      ],
      [
        5,
        4,
        'MiscellaneousAllowancePaid',
        '2005-01-20',
        'Miscellaneous allowance of USD 2500.00 paid on 2005-01-20',
      ],
      [6, 5, 'EventCorrected', null, 'Correction of ShipmentRecorded joe-shanghai-e1: scale ticket misread'],
      [7, 6, 'EventVoided', null, 'Void of HomeLeaveTripTaken joe-shanghai-e3: entered twice'],
      [
        8,
        7,
        'AssignmentExtended',
        '2005-06-15',
        'Extension decided on 2005-06-15: expected end moved from 2005-07-18 to 2006-07-18; tax home indefinite',
      ],
    ]);
    expect(entries[0]).toMatchObject({
      eventId: 'joe-shanghai-e0',
      recordedAt: '2005-01-14T09:00:00.000Z',
      actor: 'hr@valence.example',
    });
  });

  it('marks corrected and voided entries, and the corrections point back', () => {
    const { story, air, trip, fix, cancel } = letterStory();
    const entries = timelineOf(project(auditTimelineProjection, story.events));
    const byId = new Map(entries.map((e) => [e.eventId, e]));
    expect(byId.get(air.eventId)).toMatchObject({ correctedBy: fix.eventId, mendedBy: [fix.eventId] });
    expect(byId.get(air.eventId)!.voided).toBeUndefined();
    expect(byId.get(trip.eventId)).toMatchObject({ voided: true, voidedBy: cancel.eventId });
    expect(byId.get(fix.eventId)!.corrects).toBe(air.eventId);
    expect(byId.get(cancel.eventId)!.corrects).toBe(trip.eventId);
  });

  it('shows the history as known at a past instant, without the later marks', () => {
    const { story, air, trip } = letterStory();
    const doc = project(auditTimelineProjection, story.events);
    const then = timelineOf(doc, { knownAt: '2005-03-05T12:00:00.000Z' });
    expect(then.map((e) => e.position)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(then.find((e) => e.eventId === air.eventId)!.correctedBy).toBe('joe-shanghai-e5');
    const tripThen = then.find((e) => e.eventId === trip.eventId)!;
    expect(tripThen.voided).toBeUndefined();
    expect(tripThen.mendedBy).toBeUndefined();
    // The stored entries stay as their events made them; the query puts the marks on copies.
    expect(doc.entries[3]!.voided).toBeUndefined();
    expect(timelineOf(doc)[3]!.voided).toBe(true);
    expect(timelineOf(doc, { knownAtPosition: 3 }).map((e) => e.position)).toEqual([1, 2, 3]);
  });
});
