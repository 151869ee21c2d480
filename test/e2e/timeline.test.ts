import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startLedger, type LedgerUnderTest } from './support/ledger-app.js';
import { expectProblem, fieldsNamed, recordVoidedTripStory, shipmentBody } from './support/fixtures.js';

interface Entry {
  position: number;
  revision: number;
  eventId: string;
  type: string;
  businessDate: string | null;
  summary: string;
  actor?: string;
  corrects?: string;
  voided?: boolean;
  voidedBy?: string;
  mendedBy?: string[];
}

/** What an auditor reads as a story: one sentence per event, what was voided, what was known when. */
describe('the audit timeline of an assignment', () => {
  let ledger: LedgerUnderTest;
  let firstTripId: string;
  let voidId: string;
  let knownAfterFirstTrip: string;

  const timeline = (query = '', role: 'hr' | 'auditor' | 'subscriber' = 'auditor') =>
    ledger.call('GET', `/assignments/timeline-1/timeline${query}`, { role });

  beforeAll(async () => {
    ledger = await startLedger();
    const story = await recordVoidedTripStory(ledger, 'timeline-1');
    firstTripId = story.firstTripId;
    knownAfterFirstTrip = story.knownAfterFirstTrip;
    voidId = story.voided.events[0].eventId;
    // The timeline is a read model: wait once until it has the void, later reads see at least that.
    expect((await timeline(`?minPosition=${story.voided.position}`)).status).toBe(200);
  });

  afterAll(async () => {
    await ledger?.close();
  });

  it('tells every event in stream order, with its business date and one sentence', async () => {
    const reply = await timeline();
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual(
      expect.objectContaining({ assignmentId: 'timeline-1', knownAt: null, count: 4 }),
    );
    const entries = reply.body.entries as Entry[];
    expect(entries.map((e) => e.type)).toEqual([
      'AssignmentStarted',
      'HomeLeaveTripTaken',
      'HomeLeaveTripTaken',
      'EventVoided',
    ]);
    expect(entries.map((e) => e.revision)).toEqual([0, 1, 2, 3]);
    const positions = entries.map((e) => e.position);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(entries.map((e) => e.businessDate)).toEqual(['2005-01-18', '2005-03-10', '2005-05-01', null]);
    expect(entries[0]!.summary).toMatch(/^Assignment started: .+ in Shanghai, CN from 2005-01-18/);
    expect(entries[1]!.summary).toBe(
      'Home-leave trip by the employee home departing 2005-03-10: fare USD 1380.00, reimbursable USD 1380.00',
    );
    expect(entries[2]!.summary).toMatch(
      /^Home-leave trip by the spouse to the host country departing 2005-05-01/,
    );
    expect(entries[3]!.summary).toBe(
      `Void of HomeLeaveTripTaken ${firstTripId}: Trip was booked but never taken`,
    );
    for (const entry of entries) expect(entry.actor).toMatch(/^hr:/);
  });

  it('marks the voided trip as voided, by the void that names it', async () => {
    const entries = (await timeline()).body.entries as Entry[];
    const [, firstTrip, secondTrip, theVoid] = entries;
    expect(firstTrip).toEqual(
      expect.objectContaining({ eventId: firstTripId, voided: true, voidedBy: voidId, mendedBy: [voidId] }),
    );
    expect(theVoid).toEqual(expect.objectContaining({ eventId: voidId, corrects: firstTripId }));
    expect(secondTrip!.voided).toBeUndefined();
  });

  it('as known before the void: the trip is not marked and later events are left out', async () => {
    const reply = await timeline(`?knownAt=${encodeURIComponent(knownAfterFirstTrip)}`);
    expect(reply.status).toBe(200);
    expect(reply.body.knownAt).toBe(knownAfterFirstTrip);
    expect(reply.body.count).toBe(2);
    const entries = reply.body.entries as Entry[];
    expect(entries.map((e) => e.type)).toEqual(['AssignmentStarted', 'HomeLeaveTripTaken']);
    expect(entries[1]!.eventId).toBe(firstTripId);
    expect(entries[1]).not.toHaveProperty('voided');
    expect(entries[1]).not.toHaveProperty('voidedBy');
    expect(entries[1]).not.toHaveProperty('mendedBy');
  });

  it('as known before the assignment started: an empty timeline, not a 404', async () => {
    const reply = await timeline('?knownAt=2000-01-01T00:00:00Z');
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      assignmentId: 'timeline-1',
      knownAt: '2000-01-01T00:00:00.000Z',
      count: 0,
      entries: [],
    });
  });

  it('may be read by an auditor and by HR, not by a subscriber', async () => {
    expect((await timeline('', 'auditor')).status).toBe(200);
    expect((await timeline('', 'hr')).status).toBe(200);
    expectProblem(await timeline('', 'subscriber'), 403);
  });

  it('answers 404 problem+json for an assignment never recorded', async () => {
    const reply = await ledger.call('GET', '/assignments/never-recorded/timeline', { role: 'auditor' });
    expectProblem(reply, 404, 'ASSIGNMENT.NOT_FOUND');
  });

  it.each([
    ['knownAt=yesterday'],
    ['knownAt=2005-13-01T00:00:00Z'],
    ['knownAt=2005-W03-2'],
    ['knownAt=9999-12-31T23:59:59.999-14:00'],
    ['minPosition=-1'],
  ])('?%s is 400 problem+json naming the field', async (query) => {
    const problem = expectProblem(await timeline(`?${query}`), 400, 'REQUEST.INVALID');
    expect(fieldsNamed(problem)).toContain(query.split('=')[0]);
  });

  it('reads its own write: after a write, ?minPosition= of its answer shows the new entry', async () => {
    const written = await ledger.call('POST', '/assignments/timeline-1/shipments', {
      body: shipmentBody('outbound', 'air', '480', { shipmentId: 'ship-air' }),
    });
    expect(written.status).toBe(201);
    const reply = await timeline(`?minPosition=${written.body.position}`);
    expect(reply.status).toBe(200);
    expect(reply.body.count).toBe(5);
    const last = reply.body.entries[4] as Entry;
    expect(last).toEqual(
      expect.objectContaining({
        eventId: written.body.events[0].eventId,
        position: written.body.position,
        type: 'ShipmentRecorded',
        businessDate: '2005-01-20',
        summary: 'Outbound air shipment of 480 lb on 2005-01-20',
      }),
    );
  });
});
