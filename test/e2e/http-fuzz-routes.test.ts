/**
 * Property-based, over every route the controllers declare (support/routes.ts), reads included:
 * hostile path parameters, query strings, headers and bodies (injection-shaped text, path traversal,
 * NUL bytes, huge and odd numbers, invalid dates, deep nesting, invalid UTF-8, prototype keys), sent
 * with any key. Never a 5xx, never an appended event; every refusal is problem+json.
 *
 * One 5xx is the contract's own answer and allowed: 503 READ_MODEL.NOT_CAUGHT_UP, for a minPosition
 * the read models have not reached (a future position), after LEDGER_MIN_POSITION_WAIT_MS.
 *
 * Bounded: FUZZ_RUNS (default 25) per route; FUZZ_SEED replays a failing run.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { EVENT_STORE, type EventStore } from '../../src/event-store/event-store.port.js';
import { KEYS, startLedger, type LedgerUnderTest } from './support/ledger-app.js';
import { prepareTarget } from './support/fixtures.js';
import { declaredRoutes, pathWith, type DeclaredRoute } from './support/routes.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 25);
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;

let ledger: LedgerUnderTest;
let store: EventStore;
let routes: DeclaredRoute[];

beforeAll(async () => {
  ledger = await startLedger({
    LEDGER_AUTH_FAILURE_LIMIT: '100000',
    LEDGER_RATE_LIMIT_PER_MINUTE: '0',
    LEDGER_MIN_POSITION_WAIT_MS: '20',
  });
  store = ledger.app.get<EventStore>(EVENT_STORE);
  routes = declaredRoutes(ledger.app);
  // Real ids too, so hostile input also reaches an assignment and an expense that exist.
  await prepareTarget(ledger, 'fuzz-all');
});
afterAll(() => ledger.close());

const hostileText = fc.oneof(
  fc.constantFrom(
    "' OR '1'='1",
    '1; DROP TABLE events; --',
    '../../../../etc/passwd',
    '..%2f..%2fetc%2fpasswd',
    '%00',
    'a\u0000b',
    '\u0000',
    '<script>alert(1)</script>',
    '${jndi:ldap://x}',
    '{{7*7}}',
    '__proto__',
    'constructor',
    'prototype',
    '\uD800',
    '\uFFFF',
    '2005-02-30',
    '2005-13-01',
    '0000-00-00',
    '9999-12-31T23:59:60Z',
    '-0',
    'NaN',
    'Infinity',
    '1e309',
    '-1',
    '99999999999999999999999',
    '0x10',
    ' 7',
    'fuzz-all',
    'exp-pending',
    'assignment-summary',
    'ShipmentRecorded',
    '1',
    'true',
    'null',
    '',
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string({ minLength: 300, maxLength: 1500 }),
);

const QUERY_NAMES = [
  'asOf',
  'knownAt',
  'minPosition',
  'after',
  'limit',
  'types',
  'status',
  'employeeId',
  'within',
  'offset',
  'format',
];
const query = fc.dictionary(
  fc.oneof(fc.constantFrom(...QUERY_NAMES), fc.string({ maxLength: 10 })),
  hostileText,
  {
    maxKeys: 4,
  },
);

/** Nested `depth` times as objects or arrays. */
const nested = (depth: number, asArray: boolean): string =>
  asArray ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileText,
  fc.constantFrom(1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, -0, 0.1 + 0.2, 2 ** 64),
  fc.jsonValue({ maxDepth: 3 }),
  fc.array(hostileText, { maxLength: 5 }),
);

interface Body {
  what: string;
  raw: string | Buffer;
  contentType?: string;
}

const body: fc.Arbitrary<Body | undefined> = fc.oneof(
  fc.constant(undefined),
  fc
    .dictionary(
      fc.oneof(hostileText, fc.constantFrom('__proto__', 'constructor', 'role', 'url')),
      hostileValue,
      {
        maxKeys: 6,
      },
    )
    .map((o) => ({ what: 'object', raw: JSON.stringify(o) })),
  fc
    .integer({ min: 20, max: 5000 })
    .chain((depth) =>
      fc.boolean().map((asArray) => ({ what: `nested ${depth}`, raw: nested(depth, asArray) })),
    ),
  fc.constant({
    what: 'prototype pollution',
    raw: '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}',
  }),
  fc
    .uint8Array({ maxLength: 64 })
    .map((bytes) => ({ what: 'invalid UTF-8', raw: Buffer.from([0x7b, 0x22, 0xc3, 0x28, ...bytes]) })),
  fc.constant({ what: 'NUL in JSON', raw: '{"reason":"a\\u0000b","assignmentId":"x\\u0000"}' }),
  fc.string({ maxLength: 100 }).map((raw) => ({ what: 'text', raw })),
  fc
    .constantFrom('text/plain', 'application/json; charset=latin1', 'multipart/form-data; boundary=x')
    .map((contentType) => ({ what: contentType, raw: '{}', contentType })),
);

const headers = fc.record(
  {
    'idempotency-key': hostileText,
    'if-match': fc.oneof(hostileText, fc.constantFrom('"0"', '0', '-1', '1e9', 'W/"1"')),
    'x-actor': hostileText,
    'last-event-id': hostileText,
    accept: fc.constantFrom('text/html', '*/*', 'application/xml', 'text/event-stream'),
  },
  { requiredKeys: [] },
);

const caller = fc.constantFrom<'admin' | 'hr' | 'auditor' | 'subscriber' | 'none' | 'wrong'>(
  'admin',
  'admin',
  'hr',
  'auditor',
  'subscriber',
  'none',
  'wrong',
);

const toHeaderValue = (value: string): string =>
  // fetch refuses header values with control characters or non-Latin-1 text: send those encoded.
  /^[\x20-\x7e]*$/.test(value) ? value : encodeURIComponent(value.replace(/[\uD800-\uDFFF]/g, '?'));

const queryString = (q: Record<string, string>): string => {
  const parts = Object.entries(q).map(
    ([k, v]) =>
      `${encodeURIComponent(k.replace(/[\uD800-\uDFFF]/g, '?'))}=${encodeURIComponent(v.replace(/[\uD800-\uDFFF]/g, '?'))}`,
  );
  return parts.length > 0 ? `?${parts.join('&')}` : '';
};

describe('hostile input at every declared route: never a 5xx, never an appended event', () => {
  test('the routes are the declared ones', () => {
    expect(routes.length).toBeGreaterThanOrEqual(40);
  });

  test.each(['GET', 'POST', 'DELETE'])(
    '%s routes',
    async (method) => {
      const mine = routes.filter((r) => r.method === method);
      const head = await store.headPosition();
      for (const route of mine) {
        await fc.assert(
          fc.asyncProperty(
            fc.array(hostileText, { minLength: route.params.length, maxLength: route.params.length }),
            query,
            headers,
            body,
            caller,
            async (params, q, h, b, who) => {
              const sent: Record<string, string> = {};
              for (const [name, value] of Object.entries(h))
                if (value !== undefined) sent[name] = toHeaderValue(value);
              if (who === 'wrong') sent.authorization = 'Bearer not-a-key';
              else if (who !== 'none') sent.authorization = `Bearer ${KEYS[who]}`;
              if (b) sent['content-type'] = b.contentType ?? 'application/json';
              const path = pathWith(route, (name) => params[route.params.indexOf(name)] ?? '');
              const abort = new AbortController();
              const response = await fetch(`${ledger.url}${path}${queryString(q)}`, {
                method,
                headers: sent,
                signal: abort.signal,
                ...(b && method !== 'GET' ? { body: b.raw } : {}),
              });
              const streaming = response.headers.get('content-type')?.startsWith('text/event-stream');
              const text = streaming ? '' : await response.text();
              if (streaming) abort.abort();
              const context = `${route.route} as ${who}: ${path}${queryString(q)} ${b?.what ?? ''} -> ${response.status} ${text.slice(0, 300)}`;
              if (response.status >= 500) {
                const contractual =
                  response.status === 503 && JSON.parse(text).code === 'READ_MODEL.NOT_CAUGHT_UP';
                if (!contractual) throw new Error(`a 5xx: ${context}`);
              }
              if (response.status >= 400) {
                expect([context, response.headers.get('content-type')]).toEqual([
                  context,
                  expect.stringMatching(/^application\/problem\+json/),
                ]);
              }
              if ((await store.headPosition()) !== head) throw new Error(`an event was appended: ${context}`);
            },
          ),
          {
            numRuns: RUNS,
            endOnFailure: true,
            ...(seed === undefined ? {} : { seed }),
            plugins: [fc.interruptAfterTimeLimit(RUNS * 1000, { failOnInterrupt: true })],
          },
        );
      }
      expect(await store.headPosition()).toBe(head);
    },
    120_000,
  );
});
