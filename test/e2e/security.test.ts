/**
 * What a hostile or careless client meets: security headers on every answer, input limits answered
 * before validation, failed authentication throttled per address, a request budget per key, an audit
 * line per admin action, and keys that never reach a log line.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { LoggerService } from '@nestjs/common';
import { existsSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { KEYS, startLedger, type LedgerUnderTest } from './support/ledger-app.js';
import { headPosition, startBody } from './support/fixtures.js';

/** Every line the server logs, at every level. */
class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  private push =
    (level: string) =>
    (message: unknown, ...rest: unknown[]) =>
      this.lines.push(
        `${level} ${[message, ...rest].map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' ')}`,
      );
  log = this.push('log');
  error = this.push('error');
  warn = this.push('warn');
  debug = this.push('debug');
  verbose = this.push('verbose');
  fatal = this.push('fatal');
}

const expectProblem = (
  reply: { status: number; body: any; headers: Headers },
  status: number,
  code: string,
): void => {
  expect([reply.status, reply.body?.code]).toEqual([status, code]);
  expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
};

/** A GET from a given loopback address (the server listens on 127.0.0.1; Linux routes all of 127/8). */
const getFrom = (
  url: string,
  localAddress: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, unknown>; body: any }> =>
  new Promise((resolve, reject) => {
    const req = httpRequest(url, { localAddress, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text) }),
      );
    });
    req.on('error', reject);
    req.end();
  });

describe('headers and input limits', () => {
  let ledger: LedgerUnderTest;
  beforeAll(async () => {
    ledger = await startLedger();
    expect((await ledger.call('POST', '/assignments', { body: startBody('secure-1') })).status).toBe(201);
  });
  afterAll(() => ledger.close());

  test('security headers on answers, refusals, unknown routes, the docs and the event stream', async () => {
    const answers = [
      await ledger.call('GET', '/assignments/secure-1'),
      await ledger.call('GET', '/assignments/secure-1', { role: null }),
      await ledger.call('GET', '/no-such-route'),
      await ledger.call('GET', '/health'),
      await ledger.call('GET', '/docs/openapi.json'),
      await ledger.call('POST', '/assignments', { rawBody: '{"a":' }),
    ];
    for (const { headers } of answers) {
      expect(headers.get('x-content-type-options')).toBe('nosniff');
      expect(headers.get('referrer-policy')).toBe('no-referrer');
      expect(headers.get('x-frame-options')).toBe('SAMEORIGIN');
      const csp = headers.get('content-security-policy')!;
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      // No third-party origin: every source is a keyword, 'self' or data: (images only).
      for (const source of csp.split(/[;\s]+/).filter((s) => s && !s.endsWith('-src') && !s.includes('-'))) {
        expect(["'self'", "'none'", 'data:']).toContain(source);
      }
      expect(csp).not.toMatch(/https?:|\*/);
      expect(csp).not.toContain('unsafe-eval');
    }
    // The API's own answers allow no inline style; only Swagger UI's page needs it.
    expect(answers[0]!.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    const docs = await fetch(`${ledger.url}/docs`);
    expect(docs.status).toBe(200);
    const page = await docs.text();
    expect(docs.headers.get('x-content-type-options')).toBe('nosniff');
    const docsCsp = docs.headers.get('content-security-policy')!;
    expect(docsCsp).toMatch(/style-src 'self' 'unsafe-inline'/);
    expect(docsCsp).toContain("script-src 'self'");
    // Swagger UI's scripts are same-origin files, which script-src 'self' allows.
    expect(page).not.toMatch(/<script>(?!\s*<\/script>)/);
    for (const src of page.matchAll(/<script src="([^"]+)"/g)) {
      expect(src[1]).not.toMatch(/^(https?:)?\/\//);
      const script = await fetch(new URL(src[1]!, `${ledger.url}/docs`));
      await script.arrayBuffer();
      expect(script.status).toBe(200);
    }
    const stream = new AbortController();
    const sse = await fetch(`${ledger.url}/events/stream`, {
      headers: { authorization: `Bearer ${KEYS.subscriber}` },
      signal: stream.signal,
    });
    expect(sse.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(sse.headers.get('x-content-type-options')).toBe('nosniff');
    stream.abort();
  });

  test.each([
    ['5,000 nested objects', `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`, 400, 'jsonDepth'],
    ['5,000 nested arrays', `${'['.repeat(5000)}${']'.repeat(5000)}`, 400, 'jsonDepth'],
    ['an array of 1,001 elements', JSON.stringify({ receipts: Array(1001).fill('r') }), 400, 'arrayLength'],
    ['a string of 10,001 characters', JSON.stringify({ reason: 'x'.repeat(10_001) }), 400, 'stringLength'],
    [
      'an object of 201 members',
      JSON.stringify(Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`f${i}`, i]))),
      400,
      'objectMembers',
    ],
    ['a body of 300 kB', JSON.stringify({ reason: 'x'.repeat(300_000) }), 413, undefined],
  ])('%s: refused naming the limit, nothing appended', async (_what, rawBody, status, limit) => {
    const before = await headPosition(ledger);
    for (const path of ['/assignments', '/assignments/secure-1/expenses', '/admin/keys', '/webhooks']) {
      const reply = await ledger.call('POST', path, { rawBody, role: 'admin' });
      expect([path, reply.status]).toEqual([path, status]);
      expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      if (limit) {
        expect(reply.body).toMatchObject({ code: 'REQUEST.LIMIT_EXCEEDED', limit });
        expect(reply.body.detail).toMatch(/deeper than 32|more than 1000|longer than 10000|more than 200/);
      }
    }
    expect(await headPosition(ledger)).toBe(before);
  });

  test('requests Node refuses before routing: problem+json with nosniff too', async () => {
    const { port } = new URL(ledger.url);
    const raw = (request: string) =>
      new Promise<string>((resolve) => {
        let answer = '';
        const socket = connect(Number(port), '127.0.0.1', () => socket.end(request));
        socket.on('data', (chunk) => (answer += chunk.toString()));
        socket.on('close', () => resolve(answer));
      });
    const malformed = await raw('GET /health HTTP/1.1\r\nHost: x\r\nNot a header\r\n\r\n');
    const huge = await raw(`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    for (const [answer, status, code] of [
      [malformed, 400, 'REQUEST.MALFORMED'],
      [huge, 431, 'REQUEST.HEADERS_TOO_LARGE'],
    ] as const) {
      expect(answer).toMatch(new RegExp(`^HTTP/1.1 ${status} `));
      expect(answer).toMatch(/content-type: application\/problem\+json/i);
      expect(answer).toMatch(/x-content-type-options: nosniff/i);
      expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ status, code });
    }
  });

  test('paths and query strings beyond their limits: 400 naming the limit', async () => {
    const longPath = await ledger.call('GET', `/assignments/${'a'.repeat(2100)}/entitlements`);
    expectProblem(longPath, 400, 'REQUEST.LIMIT_EXCEEDED');
    expect(longPath.body).toMatchObject({ limit: 'pathLength', max: 2048 });
    const longQuery = await ledger.call('GET', `/assignments/secure-1/entitlements?asOf=${'9'.repeat(4100)}`);
    expectProblem(longQuery, 400, 'REQUEST.LIMIT_EXCEEDED');
    expect(longQuery.body).toMatchObject({ limit: 'queryLength', max: 4096 });
    // Under the limits, validation names the field as before.
    const badDate = await ledger.call('GET', `/assignments/secure-1/entitlements?asOf=${'9'.repeat(40)}`);
    expectProblem(badDate, 400, 'REQUEST.INVALID');
  });
});

describe('failed authentication and request budgets', () => {
  let ledger: LedgerUnderTest;
  beforeAll(async () => {
    ledger = await startLedger({
      LEDGER_AUTH_FAILURE_LIMIT: '5',
      LEDGER_AUTH_FAILURE_WINDOW_S: '60',
      LEDGER_RATE_LIMIT_PER_MINUTE: '40',
    });
  });
  afterAll(() => ledger.close());

  test('guessed keys from one address: 401 five times, then 429 with Retry-After even for a right key', async () => {
    const from = '127.0.0.2';
    for (let i = 0; i < 5; i++) {
      const reply = await getFrom(`${ledger.url}/assignments`, from, { authorization: `Bearer guess-${i}` });
      expect(reply.status).toBe(401);
    }
    const blocked = await getFrom(`${ledger.url}/assignments`, from, { authorization: 'Bearer guess-5' });
    expect(blocked.status).toBe(429);
    expect(blocked.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(blocked.body).toMatchObject({ status: 429, code: 'AUTH.TOO_MANY_FAILURES' });
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(60);
    const rightKey = await getFrom(`${ledger.url}/assignments`, from, { authorization: `Bearer ${KEYS.hr}` });
    expect(rightKey.status).toBe(429);
    // Another address is not held responsible; public routes stay open to the blocked one.
    const other = await getFrom(`${ledger.url}/assignments`, '127.0.0.3', {
      authorization: `Bearer ${KEYS.hr}`,
    });
    expect(other.status).toBe(200);
    expect((await getFrom(`${ledger.url}/health`, from, {})).status).toBe(200);
  });

  test('a key past its budget gets 429 with Retry-After; other keys keep theirs', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 41; i++)
      statuses.push((await ledger.call('GET', '/assignments', { role: 'auditor' })).status);
    expect(statuses.slice(0, 40).every((s) => s === 200)).toBe(true);
    const refused = await ledger.call('GET', '/assignments', { role: 'auditor' });
    expectProblem(refused, 429, 'RATE_LIMITED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await ledger.call('GET', '/assignments', { role: 'hr' })).status).toBe(200);
  });
});

describe('audit and keys', () => {
  let ledger: LedgerUnderTest;
  const logger = new CapturingLogger();
  beforeAll(async () => {
    ledger = await startLedger({}, { logger });
  });
  afterAll(() => ledger.close());

  test('one audit line per admin action: key fingerprint, method, route, outcome, time; no body, no key', async () => {
    const issued = await ledger.call('POST', '/admin/keys', {
      role: 'admin',
      body: { role: 'auditor', label: 'payroll-secret-label' },
      headers: { 'x-actor': 'Joseph Lamoreux' },
    });
    expect(issued.status).toBe(201);
    await ledger.call('DELETE', `/admin/keys/${issued.body.fingerprint}`, { role: 'admin' });
    await ledger.call('GET', '/assignments', { role: 'hr' });
    const audit = logger.lines.filter((line) => line.includes('admin key'));
    expect(audit).toHaveLength(2);
    expect(audit[0]).toMatch(
      /^log admin key [0-9a-f]{16} POST \/admin\/keys -> 201 at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z Audit$/,
    );
    expect(audit[1]).toMatch(/DELETE \/admin\/keys\/:fingerprint -> 204 at /);
    for (const line of audit) {
      expect(line).not.toContain('payroll-secret-label');
      expect(line).not.toContain('Joseph');
      expect(line).not.toContain(issued.body.fingerprint);
    }
    // The issued key was shown once and is stored only as its hash.
    const added = join(ledger.config.dataDir, 'api-keys.added.json');
    expect(existsSync(added)).toBe(true);
    expect(readFileSync(added, 'utf8')).not.toContain(issued.body.key);
  });

  test('no key, right or wrong, reaches a log line', async () => {
    await ledger.call('GET', '/assignments', {
      headers: { authorization: 'Bearer wrong-key-0123456789' },
      role: null,
    });
    await ledger.call('POST', '/assignments', { role: 'hr', rawBody: '{"broken":' });
    await ledger.call('GET', '/admin/keys', { role: 'admin' });
    const text = logger.lines.join('\n');
    for (const key of [...Object.values(KEYS), 'wrong-key-0123456789']) expect(text).not.toContain(key);
  });
});
