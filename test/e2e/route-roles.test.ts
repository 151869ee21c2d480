/**
 * Who may and who may not, for every route the controllers declare (read from Nest's metadata, see
 * support/routes.ts): a route without an entry in ACCESS fails here, an entry whose roles differ from
 * the route's @Roles fails here, and each route is called without a key, with a wrong key and with
 * each role's key: 401, 403, or through the guard, as the table says. Nothing is appended.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Role } from '../../src/config/ledger-config.js';
import { EVENT_STORE, type EventStore } from '../../src/event-store/event-store.port.js';
import { KEYS, startLedger, type LedgerUnderTest } from './support/ledger-app.js';
import { declaredRoutes, pathWith, type DeclaredRoute } from './support/routes.js';

const WRITE: Role[] = ['hr'];
const ASSIGNMENT_READ: Role[] = ['auditor', 'hr'];
const LOG_READ: Role[] = ['auditor', 'hr', 'subscriber'];
const WEBHOOKS: Role[] = ['subscriber'];
const ADMIN_ONLY: Role[] = [];
const AUDIT: Role[] = ['auditor'];
const EVERY_ROLE: Role[] = ['admin', 'auditor', 'hr', 'subscriber'];

/** http-contract.md "Who may do what": the roles besides admin (who may do everything), or public. */
const ACCESS: Record<string, 'public' | Role[]> = {
  'GET /health': 'public',
  'GET /metrics': 'public',
  'GET /asyncapi.json': 'public',
  'GET /schemas/events': 'public',
  'GET /schemas/events/:type/:version': 'public',
  'GET /schemas/feed-event': 'public',
  'GET /assignments': ASSIGNMENT_READ,
  'GET /deadlines': ASSIGNMENT_READ,
  'GET /assignments/:assignmentId': ASSIGNMENT_READ,
  'GET /assignments/:assignmentId/entitlements': ASSIGNMENT_READ,
  'GET /assignments/:assignmentId/events': ASSIGNMENT_READ,
  'GET /assignments/:assignmentId/timeline': ASSIGNMENT_READ,
  'POST /assignments': WRITE,
  'POST /assignments/:assignmentId/allowances/miscellaneous': WRITE,
  'POST /assignments/:assignmentId/allowances/relocation-bonus': WRITE,
  'POST /assignments/:assignmentId/corrections': WRITE,
  'POST /assignments/:assignmentId/end': WRITE,
  'POST /assignments/:assignmentId/exceptions': WRITE,
  'POST /assignments/:assignmentId/exceptions/:exceptionId/approval': WRITE,
  'POST /assignments/:assignmentId/exceptions/:exceptionId/decline': WRITE,
  'POST /assignments/:assignmentId/expenses': WRITE,
  'POST /assignments/:assignmentId/expenses/:expenseId/approval': WRITE,
  'POST /assignments/:assignmentId/expenses/:expenseId/rejection': WRITE,
  'POST /assignments/:assignmentId/extensions': WRITE,
  'POST /assignments/:assignmentId/funds/return-airfreight/deposits': WRITE,
  'POST /assignments/:assignmentId/funds/return-airfreight/draws': WRITE,
  'POST /assignments/:assignmentId/home-leave-trips': WRITE,
  'POST /assignments/:assignmentId/host-holidays': WRITE,
  'POST /assignments/:assignmentId/housing-leases': WRITE,
  'POST /assignments/:assignmentId/repatriation': WRITE,
  'POST /assignments/:assignmentId/salary-payments': WRITE,
  'POST /assignments/:assignmentId/shipments': WRITE,
  'POST /assignments/:assignmentId/tax-equalization-settlements': WRITE,
  'POST /assignments/:assignmentId/vacations': WRITE,
  'GET /events': LOG_READ,
  'GET /events/stream': LOG_READ,
  'GET /webhooks': WEBHOOKS,
  'POST /webhooks': WEBHOOKS,
  'GET /webhooks/:id': WEBHOOKS,
  'DELETE /webhooks/:id': WEBHOOKS,
  'POST /webhooks/:id/pause': WEBHOOKS,
  'POST /webhooks/:id/resume': WEBHOOKS,
  'GET /admin/keys': ADMIN_ONLY,
  'POST /admin/keys': ADMIN_ONLY,
  'DELETE /admin/keys/:fingerprint': ADMIN_ONLY,
  'POST /admin/projections/:projection/retry': ADMIN_ONLY,
  'POST /data-subjects/:employeeId/erasure': ADMIN_ONLY,
  'GET /assignments/:assignmentId/export': ASSIGNMENT_READ,
  'GET /integrity/head': AUDIT,
  'POST /integrity/verification': AUDIT,
  'GET /session': EVERY_ROLE,
  'GET /console': 'public',
  'GET /console/assets/:name': 'public',
};

type Caller = 'no key' | 'wrong key' | Role;
const CALLERS: Caller[] = ['no key', 'wrong key', 'hr', 'auditor', 'subscriber', 'admin'];

let ledger: LedgerUnderTest;
let routes: DeclaredRoute[];

beforeAll(async () => {
  // 80-odd refused keys from this one address are the point here, not a guesser.
  ledger = await startLedger({ LEDGER_AUTH_FAILURE_LIMIT: '100000' });
  routes = declaredRoutes(ledger.app);
});
afterAll(() => ledger.close());

/** Status of one call; an event stream is cut as soon as its status is known. */
const statusOf = async (route: DeclaredRoute, caller: Caller): Promise<number> => {
  const headers: Record<string, string> = {};
  if (caller === 'wrong key') headers.authorization = 'Bearer not-a-key-of-this-ledger';
  else if (caller !== 'no key') headers.authorization = `Bearer ${KEYS[caller]}`;
  const hasBody = route.method === 'POST';
  if (hasBody) headers['content-type'] = 'application/json';
  const abort = new AbortController();
  const response = await fetch(`${ledger.url}${pathWith(route, () => 'probe-0')}`, {
    method: route.method,
    headers,
    signal: abort.signal,
    ...(hasBody ? { body: '{}' } : {}),
  });
  if (response.headers.get('content-type')?.startsWith('text/event-stream')) abort.abort();
  else await response.arrayBuffer();
  return response.status;
};

describe('the route x role table', () => {
  test('every declared route has an entry, and every entry a route', () => {
    const declared = routes.map((r) => r.route);
    expect(declared.filter((route) => !(route in ACCESS))).toEqual([]);
    expect(Object.keys(ACCESS).filter((route) => !declared.includes(route))).toEqual([]);
  });

  test("each entry is the route's @Roles / @Public metadata", () => {
    // A route without an entry is named by the test above.
    for (const route of routes.filter((r) => r.route in ACCESS)) {
      const expected = ACCESS[route.route];
      expect([route.route, route.access]).toEqual([
        route.route,
        expected === 'public' ? 'public' : [...expected!].sort(),
      ]);
    }
  });

  test('every route x caller: 401 without a right key, 403 for a role not listed, else through the guard', async () => {
    const store = ledger.app.get<EventStore>(EVENT_STORE);
    const head = await store.headPosition();
    const seen: string[] = [];
    for (const route of routes.filter((r) => r.route in ACCESS)) {
      const access = ACCESS[route.route]!;
      for (const caller of CALLERS) {
        const status = await statusOf(route, caller);
        let expected: string;
        if (access === 'public') expected = 'through';
        else if (caller === 'no key' || caller === 'wrong key') expected = '401';
        else if (caller === 'admin' || access.includes(caller)) expected = 'through';
        else expected = '403';
        const got =
          status === 401 || status === 403 ? String(status) : status >= 500 ? `${status}` : 'through';
        seen.push(
          `${route.route} as ${caller}: ${got === expected ? 'ok' : `expected ${expected}, got ${status}`}`,
        );
      }
    }
    expect(seen.filter((line) => !line.endsWith(': ok'))).toEqual([]);
    expect(seen).toHaveLength(routes.length * CALLERS.length);
    expect(await store.headPosition()).toBe(head);
  });
});
