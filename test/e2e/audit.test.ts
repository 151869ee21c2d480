import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startLedger, type LedgerUnderTest } from './support/ledger-app.js';
import { recordVoidedTripStory, tripBody } from './support/fixtures.js';

/** What auditors ask: history in order, what the ledger knew at a moment, read-only access. */
describe('auditor reads', () => {
  let ledger: LedgerUnderTest;
  let firstTripId: string;
  let knownAfterFirstTrip: string;
  let lastPosition: number;

  beforeAll(async () => {
    ledger = await startLedger();
    const story = await recordVoidedTripStory(ledger, 'audit-1');
    firstTripId = story.firstTripId;
    knownAfterFirstTrip = story.knownAfterFirstTrip;
    lastPosition = story.voided.position;
  });

  afterAll(async () => {
    await ledger?.close();
  });

  it('sees the whole history in order, with metadata', async () => {
    const history = await ledger.call('GET', '/assignments/audit-1/events', { role: 'auditor' });
    expect(history.status).toBe(200);
    expect(history.body.events.map((e: { type: string }) => e.type)).toEqual([
      'AssignmentStarted',
      'HomeLeaveTripTaken',
      'HomeLeaveTripTaken',
      'EventVoided',
    ]);
    expect(history.body.events.map((e: { revision: number }) => e.revision)).toEqual([0, 1, 2, 3]);
    for (const event of history.body.events) {
      expect(event.metadata).toEqual(
        expect.objectContaining({
          actor: expect.stringMatching(/^hr:/),
          commandId: expect.any(String),
          correlationId: expect.any(String),
          recordedAt: expect.any(String),
        }),
      );
      expect(event.hash).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(history.body.events[3].data.correctsEventId).toBe(firstTripId);
  });

  it('sees the history as the ledger knew it at a past instant', async () => {
    const then = await ledger.call('GET', `/assignments/audit-1/events?knownAt=${knownAfterFirstTrip}`, {
      role: 'auditor',
    });
    expect(then.body.events.map((e: { type: string }) => e.type)).toEqual([
      'AssignmentStarted',
      'HomeLeaveTripTaken',
    ]);
  });

  it('answers "what did HR see then about 31 December": the voided trip still counted', async () => {
    const then = await ledger.call(
      'GET',
      `/assignments/audit-1/entitlements?asOf=2005-12-31&knownAt=${knownAfterFirstTrip}&minPosition=${lastPosition}`,
      { role: 'auditor' },
    );
    expect(then.status).toBe(200);
    const y2005 = then.body.homeLeave.years.find((y: { year: number }) => y.year === 2005);
    expect(y2005).toEqual(expect.objectContaining({ taken: 1, takenByEmployee: 1, takenBySpouse: 0 }));

    const now = await ledger.call('GET', '/assignments/audit-1/entitlements?asOf=2005-12-31', {
      role: 'auditor',
    });
    const y2005now = now.body.homeLeave.years.find((y: { year: number }) => y.year === 2005);
    expect(y2005now).toEqual(
      expect.objectContaining({ taken: 1, takenByEmployee: 0, takenBySpouse: 1, remaining: 2, forfeited: 0 }),
    );

    const nextDay = await ledger.call('GET', '/assignments/audit-1/entitlements?asOf=2006-01-01', {
      role: 'auditor',
    });
    const y2005closed = nextDay.body.homeLeave.years.find((y: { year: number }) => y.year === 2005);
    expect(y2005closed).toEqual(expect.objectContaining({ taken: 1, remaining: 0, forfeited: 2 }));
  });

  it('may read but never write', async () => {
    const write = await ledger.call('POST', '/assignments/audit-1/home-leave-trips', {
      role: 'auditor',
      body: tripBody('employee', 'home', '2005-09-10'),
    });
    expect(write.status).toBe(403);
    expect(write.headers.get('content-type')).toContain('application/problem+json');
    const history = await ledger.call('GET', '/assignments/audit-1/events', { role: 'auditor' });
    expect(history.body.count).toBe(4);
  });

  it('lets a subscriber read the global log but not an assignment', async () => {
    expect((await ledger.call('GET', '/events?after=0', { role: 'subscriber' })).status).toBe(200);
    expect(
      (await ledger.call('GET', '/assignments/audit-1/entitlements', { role: 'subscriber' })).status,
    ).toBe(403);
  });
});
