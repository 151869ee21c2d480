/**
 * Answers kept at the HTTP edge (src/http/kept-answers.ts): the same entitlements, deadlines, summary
 * or timeline URL is answered again without running the query, byte for byte what the query answered, until anything is
 * recorded, a subject is erased or the day changes; and never to a caller the guard would refuse.
 */
import { afterAll, afterEach, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { QueryBus } from '@nestjs/cqrs';
import { Agent, request as httpRequest } from 'node:http';
import { KEYS, startLedger, type LedgerUnderTest } from './support/ledger-app.js';
import { expenseBody, startBody } from './support/fixtures.js';

const ENTITLEMENTS = '/assignments/kept-1/entitlements?asOf=2005-06-30';

/** A GET from a given loopback address (Linux routes all of 127/8 to the server on 127.0.0.1), or on a given agent's connection. */
const getFrom = (url: string, localAddress: string, key: string, agent?: Agent): Promise<number> =>
  new Promise((resolve, reject) => {
    const headers = { authorization: `Bearer ${key}` };
    const req = httpRequest(url, { localAddress, headers, ...(agent ? { agent } : {}) }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });

describe('answers kept at the edge', () => {
  let ledger: LedgerUnderTest;
  let queries: ReturnType<typeof jest.spyOn>;
  beforeAll(async () => {
    ledger = await startLedger({ LEDGER_AUTH_FAILURE_LIMIT: '3', LEDGER_AUTH_FAILURE_WINDOW_S: '60' });
    expect((await ledger.call('POST', '/assignments', { body: startBody('kept-1') })).status).toBe(201);
    queries = jest.spyOn(ledger.app.get(QueryBus), 'execute');
  });
  afterEach(() => queries.mockClear());
  afterAll(async () => {
    queries.mockRestore();
    await ledger.close();
  });

  test('the same URL is answered again, the same text with the same headers, without running the query', async () => {
    const first = await ledger.call('GET', ENTITLEMENTS);
    const again = await ledger.call('GET', ENTITLEMENTS);
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(queries).toHaveBeenCalledTimes(1);
    for (const name of ['content-type', 'content-security-policy', 'x-content-type-options'])
      expect(again.headers.get(name)).toBe(first.headers.get(name));
    // Another date is another URL: its own query.
    await ledger.call('GET', '/assignments/kept-1/entitlements?asOf=2005-09-30');
    expect(queries).toHaveBeenCalledTimes(2);
  });

  test('the summary, the timeline and the deadlines are kept too, each URL its own', async () => {
    const urls = [
      '/assignments/kept-1',
      '/assignments/kept-1/timeline',
      '/deadlines?asOf=2005-06-30&within=90',
    ];
    const first = await Promise.all(urls.map((url) => ledger.call('GET', url)));
    const again = await Promise.all(urls.map((url) => ledger.call('GET', url)));
    expect(first.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(again.map((r) => r.body)).toEqual(first.map((r) => r.body));
    expect(again[1]!.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(queries).toHaveBeenCalledTimes(3);
  });

  test('/metrics counts the answers served from kept text and what is kept now', async () => {
    const served = async () => {
      const metrics = (await ledger.call('GET', '/metrics', { role: null })).body as string;
      return {
        served: Number(/^ledger_kept_answers_served_total (\d+)$/m.exec(metrics)?.[1]),
        urls: Number(/^ledger_kept_answers_urls (\d+)$/m.exec(metrics)?.[1]),
        characters: Number(/^ledger_kept_answers_characters (\d+)$/m.exec(metrics)?.[1]),
      };
    };
    const before = await served();
    const url = '/assignments/kept-1/entitlements?asOf=2005-07-15';
    const answer = await ledger.call('GET', url);
    await ledger.call('GET', url);
    const after = await served();
    expect(after.served).toBe(before.served + 1);
    expect(after.urls).toBeGreaterThanOrEqual(1);
    expect(after.characters).toBeGreaterThanOrEqual(JSON.stringify(answer.body).length);
  });

  test('an event recorded drops what was kept: the next answer counts it', async () => {
    const before = await ledger.call('GET', ENTITLEMENTS);
    const written = await ledger.call('POST', '/assignments/kept-1/expenses', { body: expenseBody() });
    expect(written.status).toBe(201);
    const after = await ledger.call(
      'GET',
      `/assignments/kept-1/entitlements?asOf=2005-06-30&minPosition=${written.body.position}`,
    );
    expect(after.status).toBe(200);
    expect(JSON.stringify(after.body)).not.toEqual(JSON.stringify(before.body));
    const timeline = await ledger.call('GET', '/assignments/kept-1/timeline');
    expect(timeline.body.entries.map((e: { type: string }) => e.type)).toContain('ExpenseClaimed');
    // The URL asked before the write is asked afresh too, and agrees with the one that waited.
    queries.mockClear();
    expect((await ledger.call('GET', ENTITLEMENTS)).body).toEqual(after.body);
    expect(queries).toHaveBeenCalledTimes(1);
  });

  test('a kept answer still needs a key the guard would let through', async () => {
    expect((await ledger.call('GET', ENTITLEMENTS)).status).toBe(200);
    expect((await ledger.call('GET', ENTITLEMENTS)).status).toBe(200);
    const none = await ledger.call('GET', ENTITLEMENTS, { role: null });
    expect([none.status, none.body.code]).toEqual([401, 'AUTH.UNAUTHENTICATED']);
    const unknown = await ledger.call('GET', ENTITLEMENTS, {
      role: null,
      headers: { authorization: 'Bearer not-a-key' },
    });
    expect(unknown.status).toBe(401);
    const subscriber = await ledger.call('GET', ENTITLEMENTS, { role: 'subscriber' });
    expect([subscriber.status, subscriber.headers.get('content-type')]).toEqual([
      403,
      'application/problem+json; charset=utf-8',
    ]);
    // The auditor may read it: the guard admits the role once, then the kept text serves it too.
    queries.mockClear();
    const auditor = await ledger.call('GET', ENTITLEMENTS, { role: 'auditor' });
    const auditorAgain = await ledger.call('GET', ENTITLEMENTS, { role: 'auditor' });
    expect([auditor.status, auditorAgain.status]).toEqual([200, 200]);
    expect(queries).toHaveBeenCalledTimes(1);
  });

  test('one keep-alive connection changing keys is answered for each key it sends', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const url = `${ledger.url}${ENTITLEMENTS}`;
    const sockets = new Set<unknown>();
    agent.on('free', (socket) => sockets.add(socket));
    try {
      const statuses: number[] = [];
      for (const key of [KEYS.hr, KEYS.hr, KEYS.subscriber, KEYS.hr, 'not-a-key', KEYS.auditor])
        statuses.push(await getFrom(url, '127.0.0.11', key, agent));
      expect(statuses).toEqual([200, 200, 403, 200, 401, 200]);
      expect(sockets.size).toBe(1);
    } finally {
      agent.destroy();
    }
  });

  test('an address throttled for failed attempts is refused the kept answer too', async () => {
    const url = `${ledger.url}${ENTITLEMENTS}`;
    expect(await getFrom(url, '127.0.0.9', KEYS.hr)).toBe(200);
    for (let i = 0; i < 3; i++) expect(await getFrom(url, '127.0.0.9', `guess-${i}`)).toBe(401);
    expect(await getFrom(url, '127.0.0.9', KEYS.hr)).toBe(429);
    expect(await getFrom(url, '127.0.0.10', KEYS.hr)).toBe(200);
  });

  test('an erasure drops what was kept: the name reads [erased] at once', async () => {
    const employee = startBody().employee as { id: string; name: string };
    const before = await ledger.call('GET', ENTITLEMENTS);
    expect((await ledger.call('GET', ENTITLEMENTS)).body.employee).toEqual(before.body.employee);
    expect(before.body.employee.name).toBe(employee.name);
    const erased = await ledger.call('POST', `/data-subjects/${employee.id}/erasure`, {
      role: 'admin',
      body: { reason: 'GDPR art. 17 request' },
    });
    expect(erased.status).toBe(201);
    expect((await ledger.call('GET', ENTITLEMENTS)).body.employee.name).toBe('[erased]');
  });
});

describe('kept answers and the request budget', () => {
  let ledger: LedgerUnderTest;
  beforeAll(async () => {
    ledger = await startLedger({ LEDGER_RATE_LIMIT_PER_MINUTE: '12' });
    expect((await ledger.call('POST', '/assignments', { body: startBody('kept-1') })).status).toBe(201);
  });
  afterAll(() => ledger.close());

  test('a kept answer counts against the key budget like any other', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await ledger.call('GET', ENTITLEMENTS)).status);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(10);
    const refused = await ledger.call('GET', ENTITLEMENTS);
    expect([refused.status, refused.body.code]).toEqual([429, 'RATE_LIMITED']);
  });
});
