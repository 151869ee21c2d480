import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { startLedger, type LedgerUnderTest } from './support/ledger-app.js';
import { startBody, tripBody } from './support/fixtures.js';
import { CSV_COLUMNS } from '../../src/cli/export.command.js';

/** The routes the web console needs besides the contract's first round: who am I, integrity, the list. */
describe('the console routes', () => {
  let ledger: LedgerUnderTest;

  const start = (id: string, name: string, hostCity: string) =>
    ledger.call('POST', '/assignments', {
      body: startBody(id, { employee: { id: `E-${id}`, name }, hostCity }),
      headers: { 'Idempotency-Key': `start-${id}` },
    });

  beforeAll(async () => {
    ledger = await startLedger();
    for (const [id, name, city] of [
      ['a-01', 'Joseph Lamoreux', 'Shanghai'],
      ['a-02', 'Ada Byron', 'Suzhou'],
      ['a-03', 'Grace Hopper', 'Shanghai'],
      ['a-04', 'Joan Clarke', 'Taipei'],
      ['a-05', 'Ada Percent', 'Seoul_Percent%'],
      ['a-06', 'Zoë Quotes', 'Zoë "Quotes" O\\Brien, Montréal'],
    ] as const) {
      expect((await start(id, name, city)).status).toBe(201);
    }
    const end = await ledger.call('POST', '/assignments/a-02/end', {
      body: { reason: 'completed', endedOn: '2005-07-18' },
      headers: { 'Idempotency-Key': 'end-a-02' },
    });
    expect(end.status).toBe(201);
    await ledger.call('GET', `/assignments?minPosition=${end.body.position}`);
  });

  afterAll(async () => {
    await ledger?.close();
  });

  it('GET /session tells each key its role and fingerprint, never the key', async () => {
    for (const role of ['hr', 'auditor', 'subscriber', 'admin'] as const) {
      const answer = await ledger.call('GET', '/session', { role });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        role,
        actor: expect.stringMatching(new RegExp(`^${role}:`)),
        fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/),
      });
      expect(JSON.stringify(answer.body)).not.toContain('test-');
    }
    expect((await ledger.call('GET', '/session', { role: null })).status).toBe(401);
  });

  it('searches the list by name, city or id, case-insensitively, with the total of all matches', async () => {
    const ada = await ledger.call('GET', '/assignments?q=ada', { role: 'auditor' });
    expect(ada.status).toBe(200);
    // Names are sealed in the read models: matched on their opened values, never on the ciphertext.
    expect(
      ada.body.items.map((a: { assignmentId: string; employee: { name: string } }) => [
        a.assignmentId,
        a.employee.name,
      ]),
    ).toEqual([
      ['a-02', 'Ada Byron'],
      ['a-05', 'Ada Percent'],
    ]);
    expect(ada.body.total).toBe(2);
    const byNameOrCity = await ledger.call('GET', '/assignments?q=o&limit=1');
    expect(byNameOrCity.body.total).toBe(6);
    const ids = await ledger.call('GET', '/assignments?q=A-0', { role: 'auditor' });
    expect(ids.body.total).toBe(6);
    const shanghai = await ledger.call('GET', '/assignments?q=SHANGHAI&status=active');
    expect(shanghai.body.items.map((a: { assignmentId: string }) => a.assignmentId)).toEqual([
      'a-01',
      'a-03',
    ]);
    // LIKE's wildcards are searched for as themselves.
    const percent = await ledger.call('GET', `/assignments?q=${encodeURIComponent('%')}`);
    expect(percent.body.items.map((a: { assignmentId: string }) => a.assignmentId)).toEqual(['a-05']);
    const underscore = await ledger.call('GET', '/assignments?q=_');
    expect(underscore.body.total).toBe(1);
    for (const text of ['"quotes"', 'o\\brien', 'Zoë', 'montréal']) {
      const found = await ledger.call('GET', `/assignments?q=${encodeURIComponent(text)}`);
      expect({ text, ids: found.body.items.map((a: { assignmentId: string }) => a.assignmentId) }).toEqual({
        text,
        ids: ['a-06'],
      });
    }
    // A search matches inside one field, never across two.
    expect((await ledger.call('GET', `/assignments?q=${encodeURIComponent('Hopper","')}`)).body.total).toBe(
      0,
    );
    const ended = await ledger.call('GET', '/assignments?status=ended');
    expect(ended.body.items.map((a: { assignmentId: string }) => a.assignmentId)).toEqual(['a-02']);
  });

  it('pages with a cursor: nextAfter leads to the next page, null on the last; offset still works', async () => {
    const first = await ledger.call('GET', '/assignments?limit=2');
    expect(first.body).toEqual(expect.objectContaining({ total: 6, limit: 2, offset: 0, nextAfter: 'a-02' }));
    const second = await ledger.call('GET', `/assignments?limit=2&after=${first.body.nextAfter}`);
    expect(second.body.items.map((a: { assignmentId: string }) => a.assignmentId)).toEqual(['a-03', 'a-04']);
    const last = await ledger.call('GET', `/assignments?limit=2&after=${second.body.nextAfter}`);
    expect(last.body.items.map((a: { assignmentId: string }) => a.assignmentId)).toEqual(['a-05', 'a-06']);
    expect(last.body.nextAfter).toBeNull();
    const byOffset = await ledger.call('GET', '/assignments?limit=2&offset=2');
    expect(byOffset.body.items.map((a: { assignmentId: string }) => a.assignmentId)).toEqual([
      'a-03',
      'a-04',
    ]);
  });

  it('refuses a search or a cursor it cannot use, naming the field', async () => {
    const long = await ledger.call('GET', `/assignments?q=${'x'.repeat(201)}`);
    expect(long.status).toBe(400);
    expect(long.body.errors).toEqual([expect.objectContaining({ field: 'q' })]);
    const cursor = await ledger.call('GET', `/assignments?after=${encodeURIComponent('no spaces')}`);
    expect(cursor.status).toBe(400);
    expect(cursor.body.errors).toEqual([expect.objectContaining({ field: 'after' })]);
  });

  it("exports one assignment's history as ledger export writes it, as a download", async () => {
    const csv = await ledger.call('GET', '/assignments/a-02/export?format=csv', { role: 'auditor' });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="a-02.csv"');
    const [header, ...rows] = (csv.body as string).trimEnd().split('\r\n');
    expect(header).toBe(CSV_COLUMNS.join(','));
    expect(rows.map((row) => row.split(',')[5])).toEqual(['AssignmentStarted', 'AssignmentEnded']);
    const json = await ledger.call('GET', '/assignments/a-02/export?asOf=2005-12-31', { role: 'hr' });
    expect(json.body.eventCount).toBe(2);
    expect(json.body.assignments[0].entitlements.status).toBe('ended');
    expect((await ledger.call('GET', '/assignments/nobody/export', { role: 'auditor' })).status).toBe(404);
    const bad = await ledger.call('GET', '/assignments/a-02/export?format=xml', { role: 'auditor' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'format' })]);
    expect((await ledger.call('GET', '/assignments/a-02/export', { role: 'subscriber' })).status).toBe(403);
  });

  it('gives auditors and admins the head and a passing verification; hr and subscribers get 403', async () => {
    const head = await ledger.call('GET', '/integrity/head', { role: 'auditor' });
    expect(head.status).toBe(200);
    expect(head.body).toEqual({
      position: expect.any(Number),
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const verified = await ledger.call('POST', '/integrity/verification', { role: 'admin' });
    expect(verified.status).toBe(200);
    expect(verified.body).toEqual({ ok: true, checked: head.body.position, head: head.body });
    const noted = await ledger.call('POST', '/integrity/verification', {
      role: 'auditor',
      body: { expectHead: head.body },
    });
    expect(noted.body.ok).toBe(true);
    for (const role of ['hr', 'subscriber'] as const) {
      expect((await ledger.call('GET', '/integrity/head', { role })).status).toBe(403);
      expect((await ledger.call('POST', '/integrity/verification', { role })).status).toBe(403);
    }
  });

  it('refuses a noted head that is not one, naming the field', async () => {
    const bad = await ledger.call('POST', '/integrity/verification', {
      role: 'auditor',
      body: { expectHead: { position: 1, hash: 'abc' } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'expectHead.hash' })]);
  });

  it('names the altered event after the store is tampered with, and refuses to give a head', async () => {
    const trip = await ledger.call('POST', '/assignments/a-01/home-leave-trips', {
      body: tripBody('employee', 'home', '2005-03-01'),
      headers: { 'Idempotency-Key': 'trip-a-01' },
    });
    expect(trip.status).toBe(201);
    const head = (await ledger.call('GET', '/integrity/head', { role: 'auditor' })).body;
    const victim = trip.body.events[0].eventId as string;
    const db = new Database(ledger.config.storeUrl.slice('sqlite:'.length));
    db.prepare("UPDATE events SET data = replace(data, '1380.00', '138.00') WHERE event_id = ?").run(victim);
    db.close();

    const verified = await ledger.call('POST', '/integrity/verification', { role: 'auditor' });
    expect(verified.status).toBe(200);
    expect(verified.body).toEqual({
      ok: false,
      checked: trip.body.position - 1,
      head: { position: head.position, hash: null },
      problem: {
        position: trip.body.position,
        eventId: victim,
        streamId: 'assignment-a-01',
        reason: expect.stringContaining('hash mismatch'),
      },
    });
    const headNow = await ledger.call('GET', '/integrity/head', { role: 'auditor' });
    expect(headNow.status).toBe(409);
    expect(headNow.body.code).toBe('INTEGRITY.CHAIN_BROKEN');
    expect(headNow.body.detail).toContain(victim);
  });
});
