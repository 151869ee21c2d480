/**
 * Every term of the letter through HTTP: the real application on a real SQLite file records the
 * Valence Technology assignment (13 January 2005, a COO sent from the US to Shanghai) write by write,
 * each answering 201 with its event, then the history and the entitlements show what was written.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Decimal } from 'decimal.js';
import { startLedger, type LedgerUnderTest } from './support/ledger-app.js';
import {
  EMPLOYEE,
  PEG,
  SPOUSE,
  UUID,
  allowanceBody,
  approvalBody,
  cny,
  correctionBody,
  endBody,
  entitlementsOf,
  expectWritten,
  expenseBody,
  extensionBody,
  depositBody,
  drawBody,
  holidayBody,
  leaseBody,
  rejectionBody,
  repatriationBody,
  salaryBody,
  shipmentBody,
  sleep,
  startBody,
  taxEqualizationBody,
  tripBody,
  usd,
  vacationBody,
  voidBody,
} from './support/fixtures.js';

let ledger: LedgerUnderTest;

beforeAll(async () => {
  ledger = await startLedger();
});

afterAll(async () => {
  await ledger.close();
});

interface Written {
  eventId: string;
  type: string;
  revision: number;
  position: number;
  /** What the request carried, to find again in the event's metadata. */
  sent: { idempotencyKey?: string; correlationId?: string; actor?: string };
}

/** 1 lb = 0.45359237 kg exactly; the ledger keeps pounds to 6 decimal places. */
const kgToLb = (kg: string) => new Decimal(kg).dividedBy('0.45359237').toDecimalPlaces(6).toFixed();

describe('the letter of 2005-01-13, recorded write by write', () => {
  const id = 'valence-2005-coo-shanghai';
  const path = (suffix = '') => `/assignments/${id}${suffix}`;
  const written: Written[] = [];
  let last = 0;

  /** POSTs a write as HR, expects 201 with one event of `type`, and keeps it for the history checks. */
  const write = async (
    suffix: string,
    body: Record<string, unknown>,
    type: string,
    sent: Written['sent'] = {},
  ) => {
    const headers: Record<string, string> = {};
    if (sent.idempotencyKey) headers['idempotency-key'] = sent.idempotencyKey;
    if (sent.correlationId) headers['x-correlation-id'] = sent.correlationId;
    if (sent.actor) headers['x-actor'] = sent.actor;
    // the start is POST /assignments; every other write goes under the assignment
    const route = type === 'AssignmentStarted' ? '/assignments' : path(suffix);
    const reply = await ledger.call('POST', route, { body, headers });
    expectWritten(reply, [type]);
    expect(reply.body.assignmentId).toBe(id);
    expect(reply.body.revision).toBe(written.length);
    expect(reply.body.position).toBeGreaterThan(last);
    expect(reply.headers.get('etag')).toBe(`"${reply.body.revision}"`);
    last = reply.body.position;
    const event = reply.body.events[0];
    written.push({ eventId: event.eventId, type, revision: reply.body.revision, position: last, sent });
    return reply.body as {
      assignmentId: string;
      revision: number;
      position: number;
      events: { eventId: string }[];
    };
  };

  /** The event's stored data, from the history. */
  const dataOf = async (eventId: string) => {
    const reply = await ledger.call('GET', path('/events'));
    return reply.body.events.find((e: { eventId: string }) => e.eventId === eventId).data;
  };

  const entitlements = (asOf: string, knownAt?: string) =>
    entitlementsOf(ledger, id, { asOf, minPosition: last, ...(knownAt ? { knownAt } : {}) });

  test('intro: POST /assignments starts the assignment (AssignmentStarted, revision 0)', async () => {
    const answer = await write('', startBody(id), 'AssignmentStarted', {
      idempotencyKey: 'letter-2005-01-13',
      correlationId: 'onboarding-VLNC-0001',
      actor: 'Bob Borron',
    });
    expect(answer.revision).toBe(0);
    const data = await dataOf(answer.events[0]!.eventId);
    expect(data).toMatchObject({
      assignmentId: id,
      employee: EMPLOYEE,
      position: 'Chief Operating Officer',
      hostCity: 'Shanghai',
      effectiveDate: '2005-01-18',
      expectedEndDate: '2005-07-18',
      reportsTo: 'Stephan Godevais',
      accompanyingFamily: [{ name: SPOUSE, relationship: 'spouse' }],
      baseSalaryMonthly: usd('19166.67'),
      policy: expect.objectContaining({ outboundAirLimitLb: '500', homeLeaveTripsPerYear: 3 }),
    });
    const view = await entitlements('2005-01-18');
    expect(view).toMatchObject({ assignmentId: id, status: 'active', taxHomeStatus: 'temporary' });
  });

  test('clause 4: 480 lb by air then one 40-foot container of 9,000 lb; the return cap becomes 10,480 lb', async () => {
    const air = await write(
      '/shipments',
      shipmentBody('outbound', 'air', '480', { shipmentId: 'ship-out-air' }),
      'ShipmentRecorded',
      { idempotencyKey: 'ship-out-air' },
    );
    expect(await dataOf(air.events[0]!.eventId)).toMatchObject({
      shipmentId: 'ship-out-air',
      direction: 'outbound',
      mode: 'air',
      weight: { lb: '480', original: { value: '480', unit: 'lb' } },
    });
    await sleep(5); // distinct recordedAt instants for the knownAt test below
    const sea = await write(
      '/shipments',
      shipmentBody('outbound', 'sea', '9000', { shipmentId: 'ship-out-sea', shippedOn: '2005-02-01' }),
      'ShipmentRecorded',
    );
    expect(await dataOf(sea.events[0]!.eventId)).toMatchObject({
      mode: 'sea',
      containers: 1,
      containerSize: '40ft',
      weight: { lb: '9000' },
    });
    const view = await entitlements('2005-12-31');
    expect(view.shipments).toEqual({
      outboundAir: { limitLb: '500', usedLb: '480', remainingLb: '20' },
      outboundSea: { containerLimit: 1, containersUsed: 1, weightLb: '9000' },
      outboundTotalLb: '9480',
      return: { capLb: '10480', usedLb: '0', remainingLb: '10480' },
    });
  });

  test('knownAt: what the ledger knew before the container was recorded leaves it out', async () => {
    const history = (await ledger.call('GET', path('/events'))).body.events;
    const airRecordedAt = history[1].metadata.recordedAt as string;
    const seaRecordedAt = history[2].metadata.recordedAt as string;
    expect(Date.parse(seaRecordedAt)).toBeGreaterThan(Date.parse(airRecordedAt));
    const then = await entitlements('2005-12-31', airRecordedAt);
    expect(then.shipments.outboundSea.containersUsed).toBe(0);
    expect(then.shipments.outboundTotalLb).toBe('480');
    expect(then.shipments.return.capLb).toBe('1480');
    const earlier = await entitlements('2005-12-31', new Date(Date.parse(airRecordedAt) - 1).toISOString());
    expect(earlier.shipments.outboundAir.usedLb).toBe('0');
    expect(earlier.shipments.return.capLb).toBe('1000');
    const known = await ledger.call('GET', path(`/events?knownAt=${encodeURIComponent(airRecordedAt)}`));
    expect(known.body.count).toBe(2);
    expect(known.body.events.map((e: { type: string }) => e.type)).toEqual([
      'AssignmentStarted',
      'ShipmentRecorded',
    ]);
  });

  test('clause 9: the USD 2,500 miscellaneous allowance, at the policy amount by default', async () => {
    const paid = await write('/allowances/miscellaneous', allowanceBody(), 'MiscellaneousAllowancePaid');
    expect(await dataOf(paid.events[0]!.eventId)).toMatchObject({
      paidOn: '2005-01-31',
      amount: usd('2500.00'),
    });
    const view = await entitlements('2005-12-31');
    expect(view.allowances.miscellaneous).toMatchObject({ amount: usd('2500.00'), paid: true });
  });

  test('clause 2: January salary, prorated by calendar days from the 18th and rounded once', async () => {
    const paid = await write('/salary-payments', salaryBody(), 'SalaryPaid');
    // 14 of 31 days: 19,166.67 x 14 / 31 = 8,655.9154... -> 8,655.92; net of 2,596.77 hypothetical tax
    expect(await dataOf(paid.events[0]!.eventId)).toMatchObject({
      period: '2005-01',
      daysWorked: 14,
      daysInMonth: 31,
      gross: usd('8655.92'),
      hypotheticalTax: usd('2596.77'),
      net: usd('6059.15'),
    });
    const view = await entitlements('2005-12-31');
    expect(view.salary).toMatchObject({ postings: 1, gross: usd('8655.92'), net: usd('6059.15') });
  });

  test('clause 8: a lease of CNY 24,000 a month at the peg, under the comparable US cap', async () => {
    const approved = await write('/housing-leases', leaseBody(), 'HousingLeaseApproved');
    expect(await dataOf(approved.events[0]!.eventId)).toMatchObject({
      leaseId: 'lease-pudong',
      monthlyRent: cny('24000.00'),
      comparableUsCap: usd('3200.00'),
      exchangeRate: PEG,
    });
    const view = await entitlements('2005-03-01');
    // 24,000 / 8.2765 = 2,899.78...: below the cap of 3,200
    expect(view.housing.approvedMonthlyUsd).toEqual(usd('2899.78'));
  });

  test('clause 7: Spring Festival observed and a week of vacation come off the US entitlement', async () => {
    await write('/host-holidays', holidayBody(), 'HostHolidayObserved');
    await write('/vacations', vacationBody(), 'VacationTaken');
    const view = await entitlements('2005-12-31');
    expect(view.vacation.years).toEqual([
      { year: 2005, entitlement: 25, holidaysObserved: 1, vacationTaken: 5, left: 19 },
    ]);
  });

  test('clauses 4 and 5: the flight claimed and approved, Mandarin lessons claimed in yuan and rejected', async () => {
    const flight = await write(
      '/expenses',
      expenseBody({ expenseId: 'exp-outbound-flight' }),
      'ExpenseClaimed',
    );
    expect(await dataOf(flight.events[0]!.eventId)).toMatchObject({
      expenseId: 'exp-outbound-flight',
      category: 'outbound-airfare',
      amountUsd: usd('1450.00'),
      receipts: ['UA-2005-0117'],
    });
    await write('/expenses/exp-outbound-flight/approval', approvalBody(), 'ExpenseApproved');
    const mandarin = await write(
      '/expenses',
      expenseBody({
        expenseId: 'exp-mandarin',
        category: 'language-training',
        amount: cny('3000.00'),
        exchangeRate: PEG,
        incurredOn: '2005-02-15',
        receipts: ['SH-LANG-0215'],
        description: 'Mandarin course, 20 lessons',
      }),
      'ExpenseClaimed',
    );
    // the rate travels with the claim: 3,000 / 8.2765 = 362.47 USD
    expect(await dataOf(mandarin.events[0]!.eventId)).toMatchObject({
      amount: cny('3000.00'),
      exchangeRate: PEG,
      amountUsd: usd('362.47'),
    });
    await write('/expenses/exp-mandarin/rejection', rejectionBody(), 'ExpenseRejected');
    const view = await entitlements('2005-12-31');
    const byCategory = Object.fromEntries(
      view.expenses.byCategory.map((c: { category: string }) => [c.category, c]),
    );
    expect(byCategory['outbound-airfare']).toMatchObject({
      claimed: usd('1450.00'),
      approved: usd('1450.00'),
    });
    expect(byCategory['language-training']).toMatchObject({
      claimed: usd('362.47'),
      rejected: usd('362.47'),
    });
  });

  test('clause 10: Joe flies home, his spouse comes to Shanghai; each reimbursed its fare', async () => {
    const home = await write(
      '/home-leave-trips',
      tripBody('employee', 'home', '2005-03-10', { tripId: 'trip-2005-1', returnedOn: '2005-03-20' }),
      'HomeLeaveTripTaken',
    );
    expect(await dataOf(home.events[0]!.eventId)).toMatchObject({
      traveller: 'employee',
      destination: 'home',
      year: 2005,
      fare: usd('1380.00'),
      reimbursable: usd('1380.00'),
    });
    const spouse = await write(
      '/home-leave-trips',
      tripBody('spouse', 'host', '2005-05-01', { tripId: 'trip-2005-2', fare: usd('1400.00') }),
      'HomeLeaveTripTaken',
    );
    expect(await dataOf(spouse.events[0]!.eventId)).toMatchObject({
      traveller: 'spouse',
      destination: 'host',
      reimbursable: usd('1400.00'),
    });
    const view = await entitlements('2005-12-31');
    expect(view.homeLeave.years).toEqual([
      expect.objectContaining({
        year: 2005,
        allowed: 3,
        taken: 2,
        takenByEmployee: 1,
        takenBySpouse: 1,
        otherDestinationUsed: 0,
        remaining: 1,
        forfeited: 0,
      }),
    ]);
  });

  test('intro: extended to 2006-03-31, more than a year in all: the tax home becomes indefinite', async () => {
    const extended = await write('/extensions', extensionBody(), 'AssignmentExtended');
    expect(await dataOf(extended.events[0]!.eventId)).toMatchObject({
      decidedOn: '2005-06-15',
      previousExpectedEndDate: '2005-07-18',
      newExpectedEndDate: '2006-03-31',
      taxHomeStatus: 'indefinite',
    });
    const view = await entitlements('2005-12-31');
    expect(view.taxHomeStatus).toBe('indefinite');
    expect(view.dates).toMatchObject({
      expectedEndDate: '2006-03-31',
      originalExpectedEndDate: '2005-07-18',
    });
  });

  test('clause 10: the trip elsewhere costs more than home and is capped at the home fare; 2005 forfeits its last trip', async () => {
    const bali = await write(
      '/home-leave-trips',
      tripBody('employee', 'other', '2006-01-05', {
        tripId: 'trip-2006-bali',
        returnedOn: '2006-01-12',
        fare: usd('1650.00'),
        homeFare: usd('1400.00'),
      }),
      'HomeLeaveTripTaken',
    );
    expect(await dataOf(bali.events[0]!.eventId)).toMatchObject({
      destination: 'other',
      year: 2006,
      fare: usd('1650.00'),
      homeFare: usd('1400.00'),
      reimbursable: usd('1400.00'),
      notReimbursed: usd('250.00'),
      fareRuleApplied: 'cap',
    });
    const lastDay = await entitlements('2005-12-31');
    expect(lastDay.homeLeave.years.find((y: { year: number }) => y.year === 2005)).toMatchObject({
      remaining: 1,
      forfeited: 0,
    });
    const newYear = await entitlements('2006-01-01');
    expect(newYear.homeLeave.years.find((y: { year: number }) => y.year === 2005)).toMatchObject({
      taken: 2,
      remaining: 0,
      forfeited: 1,
    });
    const january = await entitlements('2006-01-31');
    const years = Object.fromEntries(january.homeLeave.years.map((y: { year: number }) => [y.year, y]));
    expect(years[2006]).toMatchObject({
      allowed: 3,
      taken: 1,
      otherDestinationUsed: 1,
      remaining: 2,
      forfeited: 0,
    });
  });

  test('corrections: the vacation was 4 days, not 5; the holiday was recorded by mistake and is voided', async () => {
    const vacation = written.find((w) => w.type === 'VacationTaken')!;
    const holiday = written.find((w) => w.type === 'HostHolidayObserved')!;
    const corrected = await write(
      '/corrections',
      correctionBody(vacation.eventId, { days: 4 }),
      'EventCorrected',
    );
    expect(await dataOf(corrected.events[0]!.eventId)).toMatchObject({
      correctsEventId: vacation.eventId,
      correctedType: 'VacationTaken',
      reason: 'Figure mistyped',
      replacement: { from: '2005-05-02', to: '2005-05-06', days: 4 },
    });
    const voided = await write('/corrections', voidBody(holiday.eventId), 'EventVoided');
    expect(await dataOf(voided.events[0]!.eventId)).toMatchObject({
      correctsEventId: holiday.eventId,
      correctedType: 'HostHolidayObserved',
    });
    const view = await entitlements('2005-12-31');
    expect(view.vacation.years.find((y: { year: number }) => y.year === 2005)).toMatchObject({
      holidaysObserved: 0,
      vacationTaken: 4,
      left: 21,
    });
    // the events corrected stay in the history as they were written
    expect((await dataOf(vacation.eventId)).days).toBe(5);
  });

  test('clauses 1 and 3: the outside provider settles the 2005 tax equalization', async () => {
    const settled = await write(
      '/tax-equalization-settlements',
      taxEqualizationBody({ settledOn: '2006-03-15' }),
      'TaxEqualizationSettled',
    );
    expect(await dataOf(settled.events[0]!.eventId)).toMatchObject({
      taxYear: 2005,
      amount: usd('4210.55'),
      direction: 'company-to-employee',
      provider: 'Deloitte & Touche',
    });
    const view = await entitlements('2006-03-31');
    expect(view.taxEqualization.settlements).toEqual([
      expect.objectContaining({ taxYear: 2005, amount: usd('4210.55'), direction: 'company-to-employee' }),
    ]);
  });

  test('intro: the assignment is completed; repatriation is owed', async () => {
    await write('/end', endBody(), 'AssignmentEnded');
    const view = await entitlements('2006-03-31');
    expect(view.status).toBe('ended');
    expect(view.repatriation).toMatchObject({ owed: true, travelled: false });
  });

  test('close: USD 1,800 placed in the return airfreight fund, 1,200 drawn', async () => {
    const deposit = await write(
      '/funds/return-airfreight/deposits',
      depositBody('2006-03-25', '1800.00'),
      'ReturnAirfreightFundDeposited',
    );
    expect(await dataOf(deposit.events[0]!.eventId)).toMatchObject({
      depositedOn: '2006-03-25',
      amount: usd('1800.00'),
    });
    const draw = await write(
      '/funds/return-airfreight/draws',
      drawBody('2006-03-29', '1200.00', 'Airfreight of clothing'),
      'ReturnAirfreightFundDrawn',
    );
    expect(await dataOf(draw.events[0]!.eventId)).toMatchObject({
      drawnOn: '2006-03-29',
      amount: usd('1200.00'),
      description: 'Airfreight of clothing',
    });
    const view = await entitlements('2006-04-30');
    expect(view.funds.returnAirfreight).toEqual({
      deposited: usd('1800.00'),
      drawn: usd('1200.00'),
      balance: usd('600.00'),
    });
  });

  test('clause 4: the return by air (480 lb) and by sea (given in kilograms, exactly 9,000 lb) within the cap', async () => {
    await write('/shipments', shipmentBody('return', 'air', '480'), 'ShipmentRecorded');
    // 9,000 lb x 0.45359237 = 4,082.33133 kg exactly
    const sea = await write(
      '/shipments',
      shipmentBody('return', 'sea', undefined, { weight: { value: '4082.33133', unit: 'kg' } }),
      'ShipmentRecorded',
    );
    expect(await dataOf(sea.events[0]!.eventId)).toMatchObject({
      direction: 'return',
      mode: 'sea',
      weight: { lb: '9000', original: { value: '4082.33133', unit: 'kg' } },
    });
    const view = await entitlements('2006-04-30');
    expect(view.shipments.return).toEqual({ capLb: '10480', usedLb: '9480', remainingLb: '1000' });
  });

  test('intro: Joe and his spouse fly home economy', async () => {
    const flight = await write('/repatriation', repatriationBody(), 'RepatriationTravelled');
    expect(await dataOf(flight.events[0]!.eventId)).toMatchObject({
      travelledOn: '2006-04-02',
      travellers: [EMPLOYEE.name, SPOUSE],
      fare: usd('2900.00'),
    });
    const view = await entitlements('2006-04-30');
    expect(view.repatriation).toMatchObject({ owed: true, travelled: true });
    expect(view.repatriation.travellers).toEqual(expect.arrayContaining([EMPLOYEE.name, SPOUSE]));
  });

  test('GET /assignments/{id}/events: every write in order, with actor, commandId, correlationId, recordedAt', async () => {
    const reply = await ledger.call('GET', path('/events'), { role: 'auditor' });
    expect(reply.status).toBe(200);
    expect(reply.body.count).toBe(written.length);
    const events = reply.body.events as Record<string, any>[];
    expect(events.map((e) => [e.eventId, e.type, e.revision, e.position])).toEqual(
      written.map((w) => [w.eventId, w.type, w.revision, w.position]),
    );
    let previous = 0;
    events.forEach((event, index) => {
      const { sent } = written[index]!;
      const { metadata } = event;
      expect(metadata.actor).toEqual(
        sent.actor ? `hr:${sent.actor}` : expect.stringMatching(/^hr:key-[0-9a-f]{8}$/),
      );
      if (sent.idempotencyKey) expect(metadata.commandId).toBe(sent.idempotencyKey);
      else expect(metadata.commandId).toMatch(UUID);
      expect(metadata.correlationId).toBe(sent.correlationId ?? metadata.commandId);
      expect(new Date(metadata.recordedAt).toISOString()).toBe(metadata.recordedAt);
      expect(Date.parse(metadata.recordedAt)).toBeGreaterThanOrEqual(previous);
      previous = Date.parse(metadata.recordedAt);
    });
    // every event type of the letter went through HTTP
    expect(new Set(written.map((w) => w.type))).toEqual(
      new Set([
        'AssignmentStarted',
        'ShipmentRecorded',
        'MiscellaneousAllowancePaid',
        'SalaryPaid',
        'HousingLeaseApproved',
        'HostHolidayObserved',
        'VacationTaken',
        'ExpenseClaimed',
        'ExpenseApproved',
        'ExpenseRejected',
        'HomeLeaveTripTaken',
        'AssignmentExtended',
        'EventCorrected',
        'EventVoided',
        'AssignmentEnded',
        'ReturnAirfreightFundDeposited',
        'ReturnAirfreightFundDrawn',
        'RepatriationTravelled',
        'TaxEqualizationSettled',
      ]),
    );
  });

  test('GET /assignments/{id}: the summary has caught up with the last write', async () => {
    const reply = await ledger.call('GET', path(`?minPosition=${last}`), { role: 'auditor' });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ employee: EMPLOYEE, status: 'ended', revision: written.length - 1 });
  });
});

describe('weights given in kilograms are stored in pounds with the original kept', () => {
  const id = 'kilograms-2005';
  const path = (suffix: string) => `/assignments/${id}${suffix}`;
  let last = 0;

  const ship = async (body: Record<string, unknown>) => {
    const reply = await ledger.call('POST', path('/shipments'), { body });
    expectWritten(reply, ['ShipmentRecorded']);
    last = reply.body.position;
    const history = await ledger.call('GET', path('/events'));
    return history.body.events.at(-1).data.weight;
  };

  beforeAll(async () => {
    const reply = await ledger.call('POST', '/assignments', { body: startBody(id) });
    expectWritten(reply, ['AssignmentStarted']);
  });

  test('226.796185 kg by air is exactly the 500 lb limit, and is accepted', async () => {
    const weight = await ship(
      shipmentBody('outbound', 'air', undefined, { weight: { value: '226.796185', unit: 'kg' } }),
    );
    expect(weight).toEqual({ lb: '500', original: { value: '226.796185', unit: 'kg' } });
  });

  test('200 kg by sea is 440.924524 lb (divided by 0.45359237, kept to the millionth of a pound)', async () => {
    const weight = await ship(
      shipmentBody('outbound', 'sea', undefined, { weight: { value: '200', unit: 'kg' } }),
    );
    expect(weight).toEqual({ lb: kgToLb('200'), original: { value: '200', unit: 'kg' } });
    expect(weight.lb).toBe('440.924524');
  });

  test('a weight given in pounds as {value, unit: lb} and a return by air', async () => {
    const weight = await ship(
      shipmentBody('return', 'air', undefined, { weight: { value: '100.5', unit: 'lb' } }),
    );
    expect(weight).toEqual({ lb: '100.5', original: { value: '100.5', unit: 'lb' } });
  });

  test('the entitlements add the converted weights exactly', async () => {
    const view = await entitlementsOf(ledger, id, { asOf: '2006-12-31', minPosition: last });
    expect(view.shipments).toEqual({
      outboundAir: { limitLb: '500', usedLb: '500', remainingLb: '0' },
      outboundSea: { containerLimit: 1, containersUsed: 1, weightLb: '440.924524' },
      outboundTotalLb: '940.924524',
      return: { capLb: '1940.924524', usedLb: '100.5', remainingLb: '1840.424524' },
    });
  });
});

describe('a relocation bonus, a term of another letter (docs/adding-a-term.md)', () => {
  const id = 'relocation-bonus-2005';
  const bonus = `/assignments/${id}/allowances/relocation-bonus`;

  test('is granted by the policy at the start, paid once, and shown in the entitlements', async () => {
    const start = await ledger.call('POST', '/assignments', {
      body: startBody(id, { policy: { relocationBonus: usd('5000.00') } }),
    });
    expectWritten(start, ['AssignmentStarted']);
    const paid = await ledger.call('POST', bonus, { body: allowanceBody({ paidOn: '2005-02-01' }) });
    expectWritten(paid, ['RelocationBonusPaid']);
    const again = await ledger.call('POST', bonus, { body: allowanceBody({ paidOn: '2005-03-01' }) });
    expect(again.status).toBe(422);
    expect(again.body).toMatchObject({ code: 'ALLOWANCE.ALREADY_PAID', clause: 'intro' });
    const view = await entitlementsOf(ledger, id, { asOf: '2005-12-31', minPosition: paid.body.position });
    expect(view.allowances.relocationBonus).toEqual({
      amount: usd('5000.00'),
      paid: true,
      paidOn: '2005-02-01',
      paidAmount: usd('5000.00'),
    });
  });

  test('is refused, naming the policy, when the letter grants none', async () => {
    expectWritten(await ledger.call('POST', '/assignments', { body: startBody(`${id}-none`) }), [
      'AssignmentStarted',
    ]);
    const refused = await ledger.call('POST', `/assignments/${id}-none/allowances/relocation-bonus`, {
      body: allowanceBody(),
    });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'ALLOWANCE.ABOVE_POLICY' });
    expect(refused.body.detail).toContain('grants no relocation bonus');
  });
});
