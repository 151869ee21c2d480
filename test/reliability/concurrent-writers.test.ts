/**
 * 50 clients write to one assignment at once: home-leave trips of 2005 (3 a year, clause 10) and
 * outbound air shipments of 90 lb (500 lb in all, clause 4), some with If-Match at the revision they
 * read, some without. Each gets 201, 409 or 422; the stream holds no fourth trip and no pound over
 * the cap; and sending the successful commands one by one, in the order the stream holds them, to a
 * fresh ledger gives the very same events: the concurrent run is a serial one.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startLedger, type LedgerUnderTest } from '../e2e/support/ledger-app.js';
import { shipmentBody, startBody, tripBody } from '../e2e/support/fixtures.js';

const ID = 'crowded';
const CLIENTS = 50;

interface Command {
  path: string;
  body: Record<string, unknown>;
  key: string;
}

const commandOf = (i: number): Command =>
  i % 2 === 0
    ? {
        path: `/assignments/${ID}/home-leave-trips`,
        body: tripBody(
          i % 4 === 0 ? 'employee' : 'spouse',
          i % 4 === 0 ? 'home' : 'host',
          `2005-0${2 + (i % 7)}-1${i % 10}`,
          { tripId: `trip-${i}` },
        ),
        key: `trip-${i}`,
      }
    : {
        path: `/assignments/${ID}/shipments`,
        body: shipmentBody('outbound', 'air', '90', { shipmentId: `air-${i}` }),
        key: `air-${i}`,
      };

interface Stored {
  eventId: string;
  type: string;
  revision: number;
  data: Record<string, any>;
}

const eventsOf = async (ledger: LedgerUnderTest): Promise<Stored[]> =>
  (await ledger.call('GET', `/assignments/${ID}/events`, { role: 'auditor' })).body.events;

describe('50 concurrent writers on one assignment', () => {
  let crowd: LedgerUnderTest;
  let serial: LedgerUnderTest;

  beforeAll(async () => {
    [crowd, serial] = await Promise.all([
      startLedger({ LEDGER_RATE_LIMIT_PER_MINUTE: '0' }),
      startLedger({ LEDGER_RATE_LIMIT_PER_MINUTE: '0' }),
    ]);
    for (const ledger of [crowd, serial]) {
      const started = await ledger.call('POST', '/assignments', {
        body: startBody(ID),
        headers: { 'idempotency-key': 'start-crowded' },
      });
      expect(started.status).toBe(201);
    }
  });
  afterAll(async () => {
    await crowd.close();
    await serial.close();
  });

  test('201, 409 or 422 each; no fourth trip, no pound over the cap; the same as one after the other', async () => {
    const start = (await eventsOf(crowd)).length - 1;
    const replies = await Promise.all(
      Array.from({ length: CLIENTS }, async (_, i) => {
        const command = commandOf(i);
        const headers: Record<string, string> = { 'idempotency-key': command.key };
        // A third of the clients say which revision they decided on: they may lose the race (409).
        if (i % 3 === 0) headers['if-match'] = String(start);
        const reply = await crowd.call('POST', command.path, { body: command.body, headers });
        return { i, command, reply };
      }),
    );
    const statuses = replies.map((r) => r.reply.status);
    const tally = statuses.reduce<Record<number, number>>((t, s) => ({ ...t, [s]: (t[s] ?? 0) + 1 }), {});
    console.log(`concurrent-writers: ${CLIENTS} clients answered ${JSON.stringify(tally)}`);
    expect(statuses.filter((s) => ![201, 409, 422].includes(s))).toEqual([]);
    for (const { reply } of replies.filter((r) => r.reply.status !== 201)) {
      expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    const accepted = replies.filter((r) => r.reply.status === 201);
    // The caps were reached: the race was real.
    expect(statuses).toContain(422);
    expect(accepted.length).toBeGreaterThan(0);

    const events = await eventsOf(crowd);
    expect(events.map((e) => e.revision)).toEqual(events.map((_, i) => i));
    const trips = events.filter((e) => e.type === 'HomeLeaveTripTaken');
    const air = events.filter((e) => e.type === 'ShipmentRecorded');
    expect(trips.length).toBeLessThanOrEqual(3);
    expect(air.reduce((lb, e) => lb + Number(e.data.weight.lb), 0)).toBeLessThanOrEqual(500);
    // Every 201 is in the stream once, every refusal not at all.
    const byEventId = new Map(events.map((e) => [e.eventId, e]));
    for (const { reply } of accepted) expect(byEventId.has(reply.body.events[0].eventId)).toBe(true);
    expect(events.length - 1).toBe(accepted.length);

    // The successful commands, one by one in stream order, on a fresh ledger: the same events.
    const inStreamOrder = [...accepted].sort((a, b) => a.reply.body.revision - b.reply.body.revision);
    for (const { command } of inStreamOrder) {
      const reply = await serial.call('POST', command.path, {
        body: command.body,
        headers: { 'idempotency-key': command.key },
      });
      expect([command.key, reply.status]).toEqual([command.key, 201]);
    }
    const strip = (list: Stored[]) =>
      list.map(({ eventId, type, revision, data }) => ({ eventId, type, revision, data }));
    expect(strip(await eventsOf(serial))).toEqual(strip(events));
    // And what the crowd was refused for a cap is refused serially too.
    for (const { command } of replies.filter((r) => r.reply.status === 422)) {
      const reply = await serial.call('POST', command.path, {
        body: command.body,
        headers: { 'idempotency-key': `${command.key}-again` },
      });
      expect([command.key, reply.status]).toEqual([command.key, 422]);
    }
  }, 60_000);
});
