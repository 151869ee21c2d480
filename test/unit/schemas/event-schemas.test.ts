import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { ASSIGNMENT_EVENT_TYPES, type AssignmentEvent } from '../../../src/domain/assignment/events.js';
import { LETTER_POLICY } from '../../../src/domain/assignment/policy.js';
import { toWeight } from '../../../src/domain/shared/weight.js';
import { eventDataSchema, publishedEventSchemas } from '../../../src/schemas/event-schemas.js';
import { CURRENT_SCHEMA_VERSIONS } from '../../../src/schemas/schema-versions.js';
import { upcast, UPCASTERS } from '../../../src/schemas/upcasters.js';
import { validateEvent, validateFeedEvent } from '../../../src/schemas/validate-event.js';
import { cny, usd } from '../../../src/demo/letter-story.js';

/** The Valence letter's story, shaped exactly as src/domain/assignment/events.ts declares. */
const STORY: AssignmentEvent[] = [
  {
    type: 'AssignmentStarted',
    data: {
      assignmentId: 'valence-coo-2005',
      employee: { id: 'E-1001', name: 'Stephan Godevais' },
      position: 'Chief Operating Officer',
      homeCountry: 'US',
      hostCountry: 'CN',
      hostCity: 'Shanghai',
      effectiveDate: '2005-01-18',
      expectedEndDate: '2005-07-18',
      reportsTo: 'Chief Executive Officer',
      accompanyingFamily: [{ name: 'Anne Godevais', relationship: 'spouse' }],
      baseSalaryMonthly: usd('19166.67'),
      policy: LETTER_POLICY,
    },
  },
  {
    type: 'AssignmentStarted',
    data: {
      assignmentId: '0b0c5a52-5d7e-4b8e-9a53-0c3f8f3b6c11',
      employee: { id: 'E-2', name: 'No Family' },
      position: 'Engineer',
      homeCountry: 'US',
      hostCountry: 'DE',
      hostCity: 'Berlin',
      effectiveDate: '2006-03-01',
      expectedEndDate: '2007-02-28',
      accompanyingFamily: [],
      baseSalaryMonthly: usd('9000.00'),
      policy: { ...LETTER_POLICY, otherDestinationFareRule: 'reject', homeLeaveTripsPerYear: 2 },
    },
  },
  {
    type: 'AssignmentExtended',
    data: {
      decidedOn: '2005-06-01',
      previousExpectedEndDate: '2005-07-18',
      newExpectedEndDate: '2006-03-31',
      reason: 'plant ramp-up',
      taxHomeStatus: 'indefinite',
    },
  },
  {
    type: 'AssignmentExtended',
    data: {
      decidedOn: '2005-03-01',
      previousExpectedEndDate: '2005-07-18',
      newExpectedEndDate: '2005-09-30',
      taxHomeStatus: 'temporary',
    },
  },
  {
    type: 'ShipmentRecorded',
    data: {
      shipmentId: 'ship-air-1',
      direction: 'outbound',
      mode: 'air',
      shippedOn: '2005-01-20',
      weight: toWeight('480', 'lb'),
    },
  },
  {
    type: 'ShipmentRecorded',
    data: {
      shipmentId: 'ship-sea-1',
      direction: 'outbound',
      mode: 'sea',
      shippedOn: '2005-01-25',
      weight: toWeight('4082.331', 'kg'),
      containers: 1,
      containerSize: '40ft',
    },
  },
  {
    type: 'ShipmentRecorded',
    data: {
      shipmentId: 'ship-air-2',
      direction: 'outbound',
      mode: 'air',
      shippedOn: '2005-02-02',
      weight: toWeight('60', 'lb'),
      exceptionApprovedBy: 'Bob Borron',
    },
  },
  {
    type: 'HomeLeaveTripTaken',
    data: {
      tripId: 'trip-1',
      traveller: 'employee',
      destination: 'home',
      departedOn: '2005-03-10',
      returnedOn: '2005-03-20',
      fare: usd('1450.00'),
      year: 2005,
      reimbursable: usd('1450.00'),
      notReimbursed: usd('0.00'),
    },
  },
  {
    type: 'HomeLeaveTripTaken',
    data: {
      tripId: 'trip-2',
      traveller: 'employee',
      destination: 'other',
      departedOn: '2005-05-01',
      fare: usd('1800.00'),
      homeFare: usd('1450.00'),
      year: 2005,
      reimbursable: usd('1450.00'),
      notReimbursed: usd('350.00'),
      fareRuleApplied: 'cap',
    },
  },
  {
    type: 'ExpenseClaimed',
    data: {
      expenseId: 'exp-1',
      category: 'outbound-airfare',
      amount: usd('6200.00'),
      amountUsd: usd('6200.00'),
      incurredOn: '2005-01-17',
      receipts: ['UA-857-ticket'],
      description: 'Business class SFO-PVG',
      cabin: 'business',
      economyFare: usd('1450.00'),
      reimbursableLimitUsd: usd('1450.00'),
    },
  },
  {
    type: 'ExpenseClaimed',
    data: {
      expenseId: 'exp-2',
      category: 'host-transportation',
      amount: cny('828.00'),
      exchangeRate: { rate: '8.2765', source: 'PBOC', asOf: '2005-02-01' },
      amountUsd: usd('100.04'),
      incurredOn: '2005-02-01',
      receipts: [],
      description: 'Taxis, February',
      reimbursableLimitUsd: usd('100.04'),
    },
  },
  {
    type: 'ExpenseApproved',
    data: {
      expenseId: 'exp-1',
      approvedBy: 'Bob Borron',
      approvedOn: '2005-01-31',
      reimbursableUsd: usd('1450.00'),
    },
  },
  {
    type: 'ExpenseRejected',
    data: {
      expenseId: 'exp-3',
      rejectedBy: 'Bob Borron',
      rejectedOn: '2005-03-25',
      reason: 'clause 10: lodging',
    },
  },
  { type: 'ExpenseRejected', data: { expenseId: 'exp-4', rejectedBy: 'HR', reason: 'no receipt' } },
  { type: 'MiscellaneousAllowancePaid', data: { paidOn: '2005-01-31', amount: usd('2500.00') } },
  { type: 'RelocationBonusPaid', data: { paidOn: '2005-02-01', amount: usd('5000.00') } },
  { type: 'AssignmentEnded', data: { reason: 'completed', endedOn: '2006-03-31' } },
  {
    type: 'RepatriationTravelled',
    data: {
      travelledOn: '2006-04-02',
      travellers: ['Stephan Godevais', 'Anne Godevais'],
      fare: usd('2900.00'),
    },
  },
  { type: 'ReturnAirfreightFundDeposited', data: { depositedOn: '2006-03-31', amount: usd('3000.00') } },
  {
    type: 'ReturnAirfreightFundDrawn',
    data: { drawnOn: '2006-04-10', amount: usd('1200.50'), description: 'Clothing airfreight' },
  },
  {
    type: 'SalaryPaid',
    data: {
      period: '2005-01',
      paidOn: '2005-01-31',
      daysWorked: 14,
      daysInMonth: 31,
      gross: usd('8655.91'),
      hypotheticalTax: usd('2500.00'),
      net: usd('6155.91'),
    },
  },
  {
    type: 'TaxEqualizationSettled',
    data: {
      taxYear: 2005,
      amount: usd('4321.00'),
      direction: 'company-to-employee',
      settledOn: '2006-04-15',
      provider: 'Deloitte & Touche',
    },
  },
  {
    type: 'TaxEqualizationSettled',
    data: { taxYear: 2006, amount: usd('10.00'), direction: 'employee-to-company', settledOn: '2007-04-15' },
  },
  {
    type: 'HousingLeaseApproved',
    data: {
      leaseId: 'lease-1',
      approvedOn: '2005-01-20',
      effectiveFrom: '2005-02-01',
      monthlyRent: cny('41382.50'),
      comparableUsCap: usd('4500.00'),
      approvedMonthlyUsd: usd('4500.00'),
      exchangeRate: { rate: '8.2765', source: 'PBOC', asOf: '2005-01-20' },
    },
  },
  {
    type: 'ExceptionRequested',
    data: {
      exceptionId: 'exc-air',
      term: 'outbound-air-weight',
      requestedLimit: '650',
      reason: 'school books',
      requestedBy: 'Carl Berg',
      requestedOn: '2005-01-12',
    },
  },
  {
    type: 'ExceptionApproved',
    data: {
      exceptionId: 'exc-air',
      approvedBy: 'Bob Borron',
      approvedOn: '2005-01-14',
      grantedLimit: '600',
      term: 'outbound-air-weight',
    },
  },
  {
    type: 'ExceptionDeclined',
    data: { exceptionId: 'exc-trips', declinedBy: 'Bob Borron', declinedOn: '2005-03-01', reason: 'no' },
  },
  { type: 'HostHolidayObserved', data: { date: '2005-02-09', name: 'Spring Festival' } },
  { type: 'VacationTaken', data: { from: '2005-05-02', to: '2005-05-06', days: 5 } },
  {
    type: 'EventCorrected',
    data: {
      correctsEventId: '7d3c1f0e-8a52-4c9e-9c1e-2f3a4b5c6d7e',
      correctedType: 'ShipmentRecorded',
      reason: 'scale was off',
      replacement: {
        shipmentId: 'ship-air-1',
        direction: 'outbound',
        mode: 'air',
        shippedOn: '2005-01-20',
        weight: toWeight('470', 'lb'),
      },
    },
  },
  {
    type: 'EventVoided',
    data: {
      correctsEventId: '7d3c1f0e-8a52-4c9e-9c1e-2f3a4b5c6d7f',
      correctedType: 'VacationTaken',
      reason: 'entered twice',
    },
  },
  {
    type: 'DataSubjectErased',
    data: { employeeId: 'E-1', reason: 'GDPR art. 17 request', reference: 'DSR-2026-014' },
  },
];

const current = (type: string): number => (CURRENT_SCHEMA_VERSIONS as Record<string, number>)[type]!;

describe('published event schemas', () => {
  it('publish every version of every event type up to its current one', () => {
    const published = publishedEventSchemas();
    for (const type of ASSIGNMENT_EVENT_TYPES) {
      const versions = published.filter((p) => p.type === type).map((p) => p.version);
      expect(versions).toEqual(Array.from({ length: current(type) }, (_, i) => i + 1));
      expect(eventDataSchema(type, current(type))).toMatchObject({ $id: expect.stringContaining(type) });
    }
    expect(eventDataSchema('ShipmentRecorded', 3)).toBeUndefined();
    expect(eventDataSchema('NoSuchEvent', 1)).toBeUndefined();
  });

  it('cover every event type with the hand-built story', () => {
    expect(new Set(STORY.map((e) => e.type))).toEqual(new Set(ASSIGNMENT_EVENT_TYPES));
  });

  it.each(STORY.map((e, i) => [`${i} ${e.type}`, e] as const))('accept %s', (_, event) => {
    expect(validateEvent(event.type, current(event.type), event.data)).toEqual({ valid: true, errors: [] });
  });

  it('refuse floats, impossible dates, lowercase currencies, unknown and missing fields', () => {
    const paid = { paidOn: '2005-01-31', amount: usd('2500.00') };
    const check = (data: unknown) => validateEvent('MiscellaneousAllowancePaid', 1, data);
    expect(check(paid).valid).toBe(true);
    expect(check({ ...paid, amount: { amount: 2500, currency: 'USD' } }).errors.join()).toContain(
      '/amount/amount',
    );
    expect(check({ ...paid, amount: { amount: '1e3', currency: 'USD' } }).valid).toBe(false);
    expect(check({ ...paid, amount: { amount: '2500.00', currency: 'usd' } }).valid).toBe(false);
    expect(check({ ...paid, paidOn: '2005-02-30' }).valid).toBe(false);
    expect(check({ ...paid, paidOn: '31/01/2005' }).valid).toBe(false);
    expect(check({ ...paid, extra: true }).valid).toBe(false);
    expect(check({ paidOn: '2005-01-31' }).errors.join()).toContain('amount');
    expect(validateEvent('NoSuchEvent', 1, {}).errors).toEqual([
      'no schema is published for NoSuchEvent version 1',
    ]);
  });

  it('tell ShipmentRecorded v1 (weightLb) from v2 (weight)', () => {
    const v1 = {
      shipmentId: 's1',
      direction: 'outbound',
      mode: 'air',
      shippedOn: '2005-01-20',
      weightLb: '480',
    };
    expect(validateEvent('ShipmentRecorded', 1, v1).valid).toBe(true);
    expect(validateEvent('ShipmentRecorded', 2, v1).valid).toBe(false);
    const v2 = STORY.find((e) => e.type === 'ShipmentRecorded')!.data;
    expect(validateEvent('ShipmentRecorded', 1, v2).valid).toBe(false);
  });

  it('validate the feed envelope of each type', () => {
    const item = {
      position: 7,
      streamId: 'assignment-valence-coo-2005',
      assignmentId: 'valence-coo-2005',
      revision: 6,
      eventId: '7d3c1f0e-8a52-4c9e-9c1e-2f3a4b5c6d7e',
      type: 'VacationTaken',
      schemaVersion: 1,
      data: { from: '2005-05-02', to: '2005-05-06', days: 5 },
      metadata: {
        recordedAt: '2005-05-07T09:00:00.000Z',
        actor: 'hr:alice',
        commandId: 'c1',
        correlationId: 'c1',
      },
    };
    expect(validateFeedEvent(item)).toEqual({ valid: true, errors: [] });
    expect(validateFeedEvent({ ...item, schemaVersion: 2 }).valid).toBe(false);
    expect(validateFeedEvent({ ...item, data: { ...item.data, days: 0 } }).valid).toBe(false);
    expect(validateFeedEvent({ ...item, hash: 'x' }).valid).toBe(false);
  });
});

describe('upcasters', () => {
  it('have a step from every published old version to the next', () => {
    for (const { type, version, current: isCurrent } of publishedEventSchemas()) {
      if (!isCurrent) expect(typeof UPCASTERS[type]?.[version]).toBe('function');
    }
  });

  it('turn ShipmentRecorded v1 into v2 as the v2 writer would have recorded it', () => {
    const v1 = {
      shipmentId: 's1',
      direction: 'return',
      mode: 'sea',
      shippedOn: '2006-04-01',
      weightLb: '9000.50',
      containers: 1,
      containerSize: '20ft',
    };
    const result = upcast('ShipmentRecorded', 1, v1);
    expect(result).toEqual({
      version: 2,
      data: {
        shipmentId: 's1',
        direction: 'return',
        mode: 'sea',
        shippedOn: '2006-04-01',
        weight: { lb: '9000.5', original: { value: '9000.5', unit: 'lb' } },
        containers: 1,
        containerSize: '20ft',
      },
    });
    expect(validateEvent('ShipmentRecorded', 2, result.data).valid).toBe(true);
    expect(v1.weightLb).toBe('9000.50');
  });

  it('keep any v1 pound string and its value through the upcast (property)', () => {
    fc.assert(
      fc.property(
        fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.option(fc.integer({ min: 0, max: 999999 }))),
        ([whole, fraction]) => {
          const weightLb =
            fraction === null ? whole.toString() : `${whole}.${String(fraction).padStart(6, '0')}`;
          const { version, data } = upcast('ShipmentRecorded', 1, {
            shipmentId: 's',
            direction: 'outbound',
            mode: 'air',
            shippedOn: '2005-01-20',
            weightLb,
          });
          const w = data.weight as { lb: string; original: { value: string } };
          return (
            version === 2 &&
            validateEvent('ShipmentRecorded', 2, data).valid &&
            Number(w.lb) === Number(weightLb) &&
            w.original.value === w.lb &&
            !('weightLb' in data)
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('leave current data, v2 data stamped as v1, unknown types and newer versions alone', () => {
    const v2 = STORY.find((e) => e.type === 'ShipmentRecorded')!.data as unknown as Record<string, unknown>;
    expect(upcast('ShipmentRecorded', 2, v2)).toEqual({ version: 2, data: v2 });
    expect(upcast('ShipmentRecorded', 1, v2)).toEqual({ version: 2, data: v2 });
    expect(upcast('VacationTaken', 1, { days: 1 })).toEqual({ version: 1, data: { days: 1 } });
    expect(upcast('SomethingElse', 1, { a: 1 })).toEqual({ version: 1, data: { a: 1 } });
    expect(upcast('VacationTaken', 5, { days: 1 })).toEqual({ version: 5, data: { days: 1 } });
  });

  it('bring a correction of a v1 shipment to the v2 shape', () => {
    const correction = {
      correctsEventId: 'e1',
      correctedType: 'ShipmentRecorded',
      reason: 'scale was off',
      replacement: {
        shipmentId: 's1',
        direction: 'outbound',
        mode: 'air',
        shippedOn: '2005-01-20',
        weightLb: '470',
      },
    };
    const { data } = upcast('EventCorrected', 1, correction);
    expect(data.replacement).toEqual({
      shipmentId: 's1',
      direction: 'outbound',
      mode: 'air',
      shippedOn: '2005-01-20',
      weight: { lb: '470', original: { value: '470', unit: 'lb' } },
    });
    expect(validateEvent('EventCorrected', 1, data).valid).toBe(true);
    const voided = { correctsEventId: 'e1', correctedType: 'VacationTaken', reason: 'twice' };
    expect(upcast('EventVoided', 1, voided).data).toBe(voided);
  });
});
