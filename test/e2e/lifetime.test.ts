/**
 * An assignment's whole life through HTTP (domain.md "After the end", "Exceptions to a cap",
 * "Deadlines"): the real application on a real SQLite file.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startLedger, type LedgerUnderTest, type RoleName } from './support/ledger-app.js';
import {
  endBody,
  entitlementsOf,
  exceptionApprovalBody,
  exceptionBody,
  exceptionDeclineBody,
  expectProblem,
  expectWritten,
  expenseBody,
  extensionBody,
  fieldsNamed,
  salaryBody,
  shipmentBody,
  startBody,
  streamOf,
  taxEqualizationBody,
  tripBody,
  usd,
} from './support/fixtures.js';

let ledger: LedgerUnderTest;
beforeAll(async () => {
  ledger = await startLedger();
});
afterAll(async () => {
  await ledger.close();
});

const post = (id: string, suffix: string, body: Record<string, unknown>, role: RoleName = 'hr') =>
  ledger.call('POST', `/assignments/${id}${suffix}`, { body, role });

/** A refused write answers the problem and leaves the stream as it was. */
const refused = async (
  id: string,
  suffix: string,
  body: Record<string, unknown>,
  status: number,
  code: string,
  clause?: string,
) => {
  const before = await streamOf(ledger, id);
  const problem = expectProblem(await post(id, suffix, body), status, code, clause);
  expect(await streamOf(ledger, id)).toEqual(before);
  return problem;
};

describe('after the end: the assignment ends on 2006-06-30, its paperwork goes on', () => {
  const id = 'life-after-end';
  beforeAll(async () => {
    expectWritten(await ledger.call('POST', '/assignments', { body: startBody(id) }), ['AssignmentStarted']);
    expectWritten(await post(id, '/extensions', extensionBody({ newExpectedEndDate: '2006-06-30' })), [
      'AssignmentExtended',
    ]);
    expectWritten(await post(id, '/end', endBody({ endedOn: '2006-06-30' })), ['AssignmentEnded']);
  });

  test('a taxi receipt of 2006-06-20 claimed in July is recorded, and approved', async () => {
    const taxi = expenseBody({
      expenseId: 'taxi-0620',
      category: 'host-transportation',
      amount: usd('18.00'),
      incurredOn: '2006-06-20',
      receipts: ['TAXI-0620'],
      description: 'Taxi to the plant',
    });
    expectWritten(await post(id, '/expenses', taxi), ['ExpenseClaimed']);
    expectWritten(
      await post(id, '/expenses/taxi-0620/approval', { approvedBy: 'Bob Borron', approvedOn: '2006-07-10' }),
      ['ExpenseApproved'],
    );
  });

  test("the tax provider's settlement of 2006, made in October 2007, is recorded", async () => {
    expectWritten(
      await post(
        id,
        '/tax-equalization-settlements',
        taxEqualizationBody({ taxYear: 2006, settledOn: '2007-10-15' }),
      ),
      ['TaxEqualizationSettled'],
    );
  });

  test('the June salary, paid 5 July, is recorded', async () => {
    expectWritten(
      await post(id, '/salary-payments', salaryBody({ period: '2006-06', paidOn: '2006-07-05' })),
      ['SalaryPaid'],
    );
  });

  test.each([
    [
      'a taxi of 1 July',
      '/expenses',
      expenseBody({ category: 'host-transportation', incurredOn: '2006-07-01' }),
      '11',
    ],
    ['the July salary', '/salary-payments', salaryBody({ period: '2006-07', paidOn: '2006-08-05' }), '2'],
    [
      'tax year 2007',
      '/tax-equalization-settlements',
      taxEqualizationBody({ taxYear: 2007, settledOn: '2008-10-01' }),
      '1',
    ],
    ['a home-leave trip', '/home-leave-trips', tripBody('employee', 'home', '2006-07-10'), '10'],
    [
      'an outbound shipment',
      '/shipments',
      shipmentBody('outbound', 'air', '10', { shippedOn: '2006-07-10' }),
      '4',
    ],
    ['an exception request', '/exceptions', exceptionBody({ requestedOn: '2006-07-10' }), '4'],
  ])(
    'refuses %s (POST ...%s): 422 ASSIGNMENT.ENDED citing its clause, nothing appended',
    async (_what, suffix, body, clause) => {
      await refused(id, suffix, body, 422, 'ASSIGNMENT.ENDED', clause);
    },
  );
});

describe('exceptions to a cap: who approved 650 lb of airfreight?', () => {
  const id = 'life-exceptions';
  beforeAll(async () => {
    expectWritten(await ledger.call('POST', '/assignments', { body: startBody(id) }), ['AssignmentStarted']);
    expectWritten(await post(id, '/shipments', shipmentBody('outbound', 'air', '480')), ['ShipmentRecorded']);
  });

  test('a shipment beyond 500 lb is refused while the exception is only requested', async () => {
    expectWritten(await post(id, '/exceptions', exceptionBody({ exceptionId: 'air-650' })), [
      'ExceptionRequested',
    ]);
    await refused(
      id,
      '/shipments',
      shipmentBody('outbound', 'air', '100'),
      422,
      'SHIPMENT.OUTBOUND_AIR_LIMIT_EXCEEDED',
      '4',
    );
  });

  test('the requester cannot approve it, nor can anyone grant more than requested', async () => {
    await refused(
      id,
      '/exceptions/air-650/approval',
      exceptionApprovalBody({ approvedBy: 'Carl Berg' }),
      422,
      'EXCEPTION.SELF_APPROVAL',
      '4',
    );
    const above = await refused(
      id,
      '/exceptions/air-650/approval',
      exceptionApprovalBody({ grantedLimit: '700' }),
      422,
      'EXCEPTION.ABOVE_REQUEST',
      '4',
    );
    expect(above.detail).toMatch(/700.*650/);
  });

  test('approved at 600 lb, it lets outbound airfreight reach 600 lb and no more', async () => {
    expectWritten(
      await post(id, '/exceptions/air-650/approval', exceptionApprovalBody({ grantedLimit: '600' })),
      ['ExceptionApproved'],
    );
    await refused(
      id,
      '/exceptions/air-650/decline',
      exceptionDeclineBody(),
      422,
      'EXCEPTION.ALREADY_DECIDED',
      '4',
    );
    await refused(
      id,
      '/shipments',
      shipmentBody('outbound', 'air', '121'),
      422,
      'SHIPMENT.OUTBOUND_AIR_LIMIT_EXCEEDED',
      '4',
    );
    const written = await post(id, '/shipments', shipmentBody('outbound', 'air', '120'));
    expectWritten(written, ['ShipmentRecorded']);
    const view = await entitlementsOf(ledger, id, { asOf: '2005-02-01', minPosition: written.body.position });
    expect(view.shipments.outboundAir).toEqual({ limitLb: '600', usedLb: '600', remainingLb: '0' });
    const air = view.limits.find((l: { term: string }) => l.term === 'outbound-air-weight');
    expect(air).toMatchObject({ unit: 'lb', policyLimit: '500', limit: '600', exceptionId: 'air-650' });
    expect(air.exceptions).toEqual([
      expect.objectContaining({
        exceptionId: 'air-650',
        status: 'approved',
        requestedBy: 'Carl Berg',
        approvedBy: 'Bob Borron',
        grantedLimit: '600',
      }),
    ]);
  });

  test('a declined exception changes nothing; an unknown one is refused', async () => {
    expectWritten(
      await post(
        id,
        '/exceptions',
        exceptionBody({ exceptionId: 'sea-2', term: 'outbound-containers', requestedLimit: '2' }),
      ),
      ['ExceptionRequested'],
    );
    expectWritten(await post(id, '/exceptions/sea-2/decline', exceptionDeclineBody()), ['ExceptionDeclined']);
    await refused(id, '/exceptions/nope/approval', exceptionApprovalBody(), 422, 'EXCEPTION.UNKNOWN');
  });

  test('a body without a term or with a fractional trip count is refused naming the field', async () => {
    const noTerm = await refused(
      id,
      '/exceptions',
      { ...exceptionBody(), term: 'weight' },
      400,
      'REQUEST.INVALID',
    );
    expect(fieldsNamed(noTerm)).toEqual(['term']);
    await refused(
      id,
      '/exceptions',
      exceptionBody({ term: 'home-leave-trips', requestedLimit: '3.5', year: 2005 }),
      400,
      'COMMAND.INVALID',
    );
  });

  test('an auditor may not request one', async () => {
    expectProblem(await post(id, '/exceptions', exceptionBody(), 'auditor'), 403);
  });
});

describe('GET /deadlines: what falls due, across all assignments', () => {
  let position = 0;
  beforeAll(async () => {
    const write = async (id: string, suffix: string, body: Record<string, unknown>) => {
      const reply =
        suffix === '' ? await ledger.call('POST', '/assignments', { body }) : await post(id, suffix, body);
      expect(reply.status).toBe(201);
      position = Math.max(position, reply.body.position);
    };
    // Ends 2005-07-18 as expected, with one trip taken; another has ended and not flown home.
    await write('dl-joe', '', startBody('dl-joe'));
    await write('dl-joe', '/home-leave-trips', tripBody('employee', 'home', '2005-03-10'));
    await write(
      'dl-joe',
      '/exceptions',
      exceptionBody({
        exceptionId: 'trips',
        term: 'home-leave-trips',
        requestedLimit: '4',
        year: 2005,
        requestedOn: '2005-06-20',
      }),
    );
    await write('dl-ann', '', startBody('dl-ann', { employee: { id: 'E-2002', name: 'Ann Wu' } }));
    await write('dl-ann', '/end', endBody({ endedOn: '2005-06-10', reason: 'employment-terminated' }));
  });

  const deadlines = (query: string, role: RoleName = 'hr') =>
    ledger.call('GET', `/deadlines?${query}&minPosition=${position}`, { role });

  test('lists the four kinds in dueOn order', async () => {
    const reply = await deadlines('asOf=2005-07-01&within=30');
    expect(reply.status).toBe(200);
    expect(reply.body.asOf).toBe('2005-07-01');
    expect(reply.body.within).toBe(30);
    const mine = reply.body.items.filter((i: { assignmentId: string }) => i.assignmentId.startsWith('dl-'));
    expect(mine.map((i: Record<string, unknown>) => [i.assignmentId, i.kind, i.dueOn])).toEqual([
      ['dl-ann', 'repatriation-pending', '2005-06-10'],
      ['dl-joe', 'exception-pending', '2005-06-20'],
      ['dl-joe', 'assignment-ends', '2005-07-18'],
      ['dl-joe', 'home-leave-lapses', '2005-07-18'],
    ]);
    expect(mine[0].employeeId).toBe('E-2002');
    expect(mine[3].detail).toEqual({ year: 2005, remaining: 2, allowed: 3 });
    const dues = reply.body.items.map((i: { dueOn: string }) => i.dueOn);
    expect(dues).toEqual([...dues].sort());
  });

  test('a window too short to reach a due date leaves it out; a date before every assignment lists nothing of them', async () => {
    const short = await deadlines('asOf=2005-07-01&within=10');
    expect(
      short.body.items
        .filter((i: { assignmentId: string }) => i.assignmentId === 'dl-joe')
        .map((i: { kind: string }) => i.kind),
    ).toEqual(['exception-pending']);
    const before = await deadlines('asOf=2004-06-01&within=366');
    expect(
      before.body.items.filter((i: { assignmentId: string }) => i.assignmentId.startsWith('dl-')),
    ).toEqual([]);
  });

  test.each(['hr', 'auditor', 'admin'] as const)('answers %s', async (role) => {
    expect((await deadlines('asOf=2005-07-01', role)).status).toBe(200);
  });

  test('refuses a subscriber (403) and no key (401)', async () => {
    expectProblem(await deadlines('asOf=2005-07-01', 'subscriber'), 403);
    expectProblem(await ledger.call('GET', '/deadlines', { role: null }), 401);
  });

  test('pages with limit and after, each page resuming where the last ended, nextAfter null at the end', async () => {
    const whole = await deadlines('asOf=2005-07-01&within=30&limit=500');
    expect(whole.body.nextAfter).toBeNull();
    const seen: unknown[] = [];
    let after = '';
    for (let page = 0; page < 50; page++) {
      const reply = await deadlines(`asOf=2005-07-01&within=30&limit=1${after}`);
      expect(reply.status).toBe(200);
      seen.push(...reply.body.items);
      if (reply.body.nextAfter === null) break;
      const last = reply.body.items.at(-1);
      // Joe's end and his year's lapse share a day: that page holds both.
      expect(reply.body.nextAfter).toBe(`${last.dueOn},${last.assignmentId}`);
      after = `&after=${encodeURIComponent(reply.body.nextAfter)}`;
    }
    expect(seen).toEqual(whole.body.items);
    const joes = await deadlines('asOf=2005-07-01&within=30&limit=1&after=2005-06-20,dl-joe');
    expect(joes.body.items.map((i: { kind: string }) => i.kind)).toEqual([
      'assignment-ends',
      'home-leave-lapses',
    ]);
  });

  test.each([
    'within=0',
    'within=367',
    'within=ten',
    'asOf=2005-13-01',
    'limit=0',
    'limit=501',
    'after=dl-joe',
    'after=2005-02-30,dl-joe',
    'after=2005-06-20,',
  ])('refuses %s naming the field', async (query) => {
    const problem = expectProblem(await ledger.call('GET', `/deadlines?${query}`), 400);
    expect(fieldsNamed(problem)).toEqual([query.split('=')[0]]);
  });
});
