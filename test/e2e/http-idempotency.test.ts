/**
 * Idempotency and optimistic concurrency through HTTP on the real application: a retried write (same
 * Idempotency-Key or body commandId, same body) gets the first answer again and appends nothing; If-Match
 * guards against writing over a revision the client has not seen; concurrent retries append once.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startLedger, type LedgerUnderTest } from './support/ledger-app.js';
import {
  EMPLOYEE,
  WRITE_ROUTES,
  expectProblem,
  expectWritten,
  headPosition,
  holidayBody,
  prepareTarget,
  shipmentBody,
  startBody,
  streamOf,
  vacationBody,
} from './support/fixtures.js';

let ledger: LedgerUnderTest;

beforeAll(async () => {
  ledger = await startLedger();
});

afterAll(async () => {
  await ledger.close();
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  ledger.call('POST', path, { body, headers });

const started = async (assignmentId: string) => {
  expectWritten(await post('/assignments', startBody(assignmentId)), ['AssignmentStarted']);
  return (suffix: string) => `/assignments/${assignmentId}${suffix}`;
};

/** The assignments of an employee, once the summaries have caught up with the log. */
const assignmentsOf = async (employeeId: string) => {
  const head = await headPosition(ledger);
  const reply = await ledger.call('GET', `/assignments?employeeId=${employeeId}&minPosition=${head}`, {
    role: 'auditor',
  });
  expect(reply.status).toBe(200);
  return reply.body as { total: number; items: { assignmentId: string }[] };
};

describe('Idempotency-Key: the same key and the same body return the first answer', () => {
  test('a retried shipment answers the same eventIds, revision and position, and appends nothing', async () => {
    const path = await started('retried-shipment');
    const body = shipmentBody('outbound', 'air', '480', { shipmentId: 'ship-out-air' });
    const first = await post(path('/shipments'), body, { 'idempotency-key': 'ship-out-air-2005-01-20' });
    expectWritten(first, ['ShipmentRecorded']);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const before = await streamOf(ledger, 'retried-shipment');
    const head = await headPosition(ledger);

    const again = await post(path('/shipments'), body, { 'idempotency-key': 'ship-out-air-2005-01-20' });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.headers.get('etag')).toBe(`"${first.body.revision}"`);
    expect(await streamOf(ledger, 'retried-shipment')).toEqual(before);
    expect(await headPosition(ledger)).toBe(head);
  });

  test('a retry after other writes still answers the first result, not the current revision', async () => {
    const path = await started('late-retry');
    const key = { 'idempotency-key': 'spring-festival' };
    const first = await post(path('/host-holidays'), holidayBody(), key);
    expectWritten(first, ['HostHolidayObserved']);
    expectWritten(await post(path('/vacations'), vacationBody()), ['VacationTaken']);
    const again = await post(path('/host-holidays'), holidayBody(), key);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect((await streamOf(ledger, 'late-retry')).count).toBe(3);
  });

  test('the key is the metadata commandId; the same key with another body is 409 and appends nothing', async () => {
    const path = await started('key-reuse');
    const first = await post(path('/host-holidays'), holidayBody(), { 'idempotency-key': 'holiday-1' });
    expectWritten(first, ['HostHolidayObserved']);
    const history = await ledger.call('GET', path('/events'));
    expect(history.body.events.at(-1).metadata.commandId).toBe('holiday-1');
    const before = await streamOf(ledger, 'key-reuse');
    const other = await post(
      path('/host-holidays'),
      holidayBody({ date: '2005-05-01', name: 'Labour Day' }),
      {
        'idempotency-key': 'holiday-1',
      },
    );
    expectProblem(other, 409, 'IDEMPOTENCY.KEY_REUSED');
    expect(await streamOf(ledger, 'key-reuse')).toEqual(before);
  });

  test.each(WRITE_ROUTES.map((route) => [route.route, route] as const))(
    '%s: a retry with the same key appends nothing',
    async (_name, route) => {
      const target = await prepareTarget(ledger, `retry-${route.event.toLowerCase()}`);
      const headers = { 'idempotency-key': `once-${route.event}` };
      const first = await post(route.path(target), route.body(target), headers);
      expectWritten(first, [route.event]);
      const head = await headPosition(ledger);
      const again = await post(route.path(target), route.body(target), headers);
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      expect(await headPosition(ledger)).toBe(head);
    },
  );
});

describe('commandId in the body works like the header', () => {
  test('a retried body with the same commandId answers the first result; the header with the same key too', async () => {
    const path = await started('body-command-id');
    const body = { ...vacationBody(), commandId: 'vacation-2005-05' };
    const first = await post(path('/vacations'), body);
    expectWritten(first, ['VacationTaken']);
    const again = await post(path('/vacations'), body);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    // the same request keyed by the header instead of the body
    const byHeader = await post(path('/vacations'), vacationBody(), {
      'idempotency-key': 'vacation-2005-05',
    });
    expect(byHeader.status).toBe(201);
    expect(byHeader.body).toEqual(first.body);
    // both, agreeing
    const both = await post(path('/vacations'), body, { 'idempotency-key': 'vacation-2005-05' });
    expect(both.body).toEqual(first.body);
    const history = await ledger.call('GET', path('/events'));
    expect(history.body.count).toBe(2);
    expect(history.body.events[1].metadata.commandId).toBe('vacation-2005-05');
  });

  test('the same commandId with another body is 409 and appends nothing', async () => {
    const path = await started('body-command-id-reuse');
    expectWritten(await post(path('/vacations'), { ...vacationBody(), commandId: 'v-1' }), ['VacationTaken']);
    const before = await streamOf(ledger, 'body-command-id-reuse');
    const other = await post(path('/vacations'), { ...vacationBody({ days: 4 }), commandId: 'v-1' });
    expectProblem(other, 409, 'IDEMPOTENCY.KEY_REUSED');
    expect(await streamOf(ledger, 'body-command-id-reuse')).toEqual(before);
  });
});

describe('POST /assignments without an assignmentId', () => {
  const withoutId = (employeeId: string, overrides: Record<string, unknown> = {}) =>
    startBody(undefined, { employee: { ...EMPLOYEE, id: employeeId }, ...overrides });

  test('retried with the same Idempotency-Key: the same assignment, no second stream', async () => {
    const body = withoutId('VLNC-0100');
    const first = await post('/assignments', body, { 'idempotency-key': 'letter-VLNC-0100' });
    expectWritten(first, ['AssignmentStarted']);
    const head = await headPosition(ledger);
    const again = await post('/assignments', body, { 'idempotency-key': 'letter-VLNC-0100' });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(await headPosition(ledger)).toBe(head);
    const page = await assignmentsOf('VLNC-0100');
    expect(page.total).toBe(1);
    expect(page.items[0]!.assignmentId).toBe(first.body.assignmentId);
  });

  test('retried with the same body commandId: the same assignment', async () => {
    const body = { ...withoutId('VLNC-0101'), commandId: 'letter-VLNC-0101' };
    const first = await post('/assignments', body);
    const again = await post('/assignments', body);
    expectWritten(first, ['AssignmentStarted']);
    expect(again.body).toEqual(first.body);
    expect((await assignmentsOf('VLNC-0101')).total).toBe(1);
  });

  test('the same key with another body is 409; another key starts another assignment', async () => {
    const first = await post('/assignments', withoutId('VLNC-0102'), {
      'idempotency-key': 'letter-VLNC-0102',
    });
    expectWritten(first, ['AssignmentStarted']);
    const head = await headPosition(ledger);
    const changed = await post('/assignments', withoutId('VLNC-0102', { hostCity: 'Beijing' }), {
      'idempotency-key': 'letter-VLNC-0102',
    });
    expectProblem(changed, 409, 'IDEMPOTENCY.KEY_REUSED');
    expect(await headPosition(ledger)).toBe(head);
    const second = await post('/assignments', withoutId('VLNC-0102'), {
      'idempotency-key': 'letter-VLNC-0102-b',
    });
    expectWritten(second, ['AssignmentStarted']);
    expect(second.body.assignmentId).not.toBe(first.body.assignmentId);
    expect((await assignmentsOf('VLNC-0102')).total).toBe(2);
  });
});

describe('If-Match: the revision the client last saw', () => {
  test('the current revision is accepted bare, quoted or weak; a stale one is 409 and appends nothing', async () => {
    const path = await started('if-match');
    const plain = await post(path('/host-holidays'), holidayBody(), { 'if-match': '0' });
    expectWritten(plain, ['HostHolidayObserved']);
    expect(plain.body.revision).toBe(1);
    const quoted = await post(path('/vacations'), vacationBody(), { 'if-match': '"1"' });
    expectWritten(quoted, ['VacationTaken']);
    const weak = await post(path('/host-holidays'), holidayBody({ date: '2005-05-01', name: 'Labour Day' }), {
      'if-match': 'W/"2"',
    });
    expectWritten(weak, ['HostHolidayObserved']);
    const before = await streamOf(ledger, 'if-match');
    const stale = await post(
      path('/host-holidays'),
      holidayBody({ date: '2005-10-01', name: 'National Day' }),
      {
        'if-match': '2',
      },
    );
    const problem = expectProblem(stale, 409, 'CONCURRENCY.STALE_REVISION');
    expect(problem).toMatchObject({ expectedRevision: 2, actualRevision: 3 });
    expect(await streamOf(ledger, 'if-match')).toEqual(before);
  });

  test('If-Match -1 starts an assignment only if none exists; 0 on a new one is stale', async () => {
    expectWritten(await post('/assignments', startBody('if-match-new'), { 'if-match': '-1' }), [
      'AssignmentStarted',
    ]);
    const stale = await post('/assignments', startBody('if-match-none'), { 'if-match': '0' });
    expectProblem(stale, 409, 'CONCURRENCY.STALE_REVISION');
    expectProblem(await ledger.call('GET', '/assignments/if-match-none/events'), 404);
  });

  test('a retry of an accepted write carrying its old If-Match is a replay, not a conflict', async () => {
    const path = await started('if-match-retry');
    const headers = { 'if-match': '0', 'idempotency-key': 'holiday-once' };
    const first = await post(path('/host-holidays'), holidayBody(), headers);
    expectWritten(first, ['HostHolidayObserved']);
    const again = await post(path('/host-holidays'), holidayBody(), headers);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
  });
});

describe('concurrent requests', () => {
  test('five identical requests with the same key at once append once and all answer the same', async () => {
    const path = await started('concurrent-same-key');
    const body = shipmentBody('outbound', 'air', '480');
    const replies = await Promise.all(
      Array.from({ length: 5 }, () => post(path('/shipments'), body, { 'idempotency-key': 'ship-once' })),
    );
    for (const reply of replies) {
      expect(reply.status).toBe(201);
      expect(reply.body).toEqual(replies[0]!.body);
    }
    expect(replies.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(4);
    const stream = await streamOf(ledger, 'concurrent-same-key');
    expect(stream.count).toBe(2);
    expect(stream.eventIds[1]).toBe(replies[0]!.body.events[0].eventId);
  });

  test('five starts with the same key and no assignmentId at once make one assignment', async () => {
    const body = startBody(undefined, { employee: { ...EMPLOYEE, id: 'VLNC-0200' } });
    const replies = await Promise.all(
      Array.from({ length: 5 }, () => post('/assignments', body, { 'idempotency-key': 'letter-VLNC-0200' })),
    );
    for (const reply of replies) {
      expect(reply.status).toBe(201);
      expect(reply.body).toEqual(replies[0]!.body);
    }
    expect((await assignmentsOf('VLNC-0200')).total).toBe(1);
    expect((await streamOf(ledger, replies[0]!.body.assignmentId)).count).toBe(1);
  });

  test('the same key with five different bodies at once: one is recorded, the others are 409', async () => {
    const path = await started('concurrent-key-reuse');
    const replies = await Promise.all(
      ['10', '20', '30', '40', '50'].map((lb) =>
        post(path('/shipments'), shipmentBody('outbound', 'air', lb), {
          'idempotency-key': 'ship-contested',
        }),
      ),
    );
    expect(replies.filter((r) => r.status === 201)).toHaveLength(1);
    for (const reply of replies.filter((r) => r.status !== 201))
      expectProblem(reply, 409, 'IDEMPOTENCY.KEY_REUSED');
    expect((await streamOf(ledger, 'concurrent-key-reuse')).count).toBe(2);
  });

  test('five writers with the same If-Match at once: one wins, four are 409', async () => {
    const path = await started('concurrent-if-match');
    const replies = await Promise.all(
      ['2005-02-09', '2005-04-05', '2005-05-01', '2005-06-11', '2005-10-01'].map((date) =>
        post(path('/host-holidays'), holidayBody({ date, name: `Holiday ${date}` }), { 'if-match': '0' }),
      ),
    );
    expect(replies.filter((r) => r.status === 201)).toHaveLength(1);
    for (const reply of replies.filter((r) => r.status !== 201)) {
      expectProblem(reply, 409, 'CONCURRENCY.STALE_REVISION');
    }
    expect((await streamOf(ledger, 'concurrent-if-match')).count).toBe(2);
  });

  test('five writers without If-Match at once are all recorded, one revision each', async () => {
    const path = await started('concurrent-writers');
    const replies = await Promise.all(
      ['2005-02-09', '2005-04-05', '2005-05-01', '2005-06-11', '2005-10-01'].map((date) =>
        post(path('/host-holidays'), holidayBody({ date, name: `Holiday ${date}` })),
      ),
    );
    for (const reply of replies) expectWritten(reply, ['HostHolidayObserved']);
    expect(replies.map((r) => r.body.revision).sort()).toEqual([1, 2, 3, 4, 5]);
    expect((await streamOf(ledger, 'concurrent-writers')).count).toBe(6);
  });
});
