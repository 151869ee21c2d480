import { describe, expect, it } from '@jest/globals';
import type {
  ApproveHousingLeaseData,
  AssignmentCommand,
  ClaimExpenseData,
} from '../../../src/domain/assignment/index.js';
import { claimed, cny, leaseApproved, started, usd } from './fixtures.js';
import { given } from './specification.js';

const claim = (data: Partial<ClaimExpenseData>): AssignmentCommand => ({
  type: 'ClaimExpense',
  data: {
    expenseId: 'exp-new',
    category: 'travel-meals-incidentals',
    amount: usd('84.20'),
    incurredOn: '2005-01-17',
    receipts: ['R-100'],
    description: 'meals en route',
    ...data,
  },
});
const approve = (expenseId = 'exp-1'): AssignmentCommand => ({
  type: 'ApproveExpense',
  data: { expenseId, approvedBy: 'hr@valence', approvedOn: '2005-02-15' },
});
const reject = (expenseId = 'exp-1'): AssignmentCommand => ({
  type: 'RejectExpense',
  data: { expenseId, rejectedBy: 'hr@valence', rejectedOn: '2005-02-15', reason: 'not reasonable' },
});
const RATE = { rate: '8.2765', source: 'People’s Bank of China', asOf: '2005-02-01' };

describe('claiming expenses', () => {
  it('records a USD claim, its USD amount and the most that can be reimbursed', () => {
    given([started()])
      .when(claim({}))
      .then([
        {
          type: 'ExpenseClaimed',
          data: {
            expenseId: 'exp-new',
            category: 'travel-meals-incidentals',
            amount: usd('84.20'),
            amountUsd: usd('84.20'),
            incurredOn: '2005-01-17',
            receipts: ['R-100'],
            description: 'meals en route',
            reimbursableLimitUsd: usd('84.20'),
          },
        },
      ]);
  });

  it('needs the exchange rate of a claim in another currency, recorded with it', () => {
    given([started()])
      .when(claim({ category: 'host-transportation', amount: cny('250.00') }))
      .thenThrows('EXPENSE.EXCHANGE_RATE_REQUIRED', '11');
    given([started()])
      .when(claim({ category: 'host-transportation', amount: cny('1000.00'), exchangeRate: RATE }))
      .thenEvents(([event]) =>
        expect(event).toMatchObject({
          data: {
            amount: cny('1000.00'),
            exchangeRate: RATE,
            amountUsd: usd('120.82'),
            reimbursableLimitUsd: usd('120.82'),
          },
        }),
      );
  });

  it('converts amount / rate rounded half-up to the cent', () => {
    given([started()])
      .when(claim({ amount: cny('100.04'), exchangeRate: { ...RATE, rate: '8' } }))
      .thenEvents(([event]) => expect(event).toMatchObject({ data: { amountUsd: usd('12.51') } }));
  });

  it('refuses an expense id already claimed (HTTP 409)', () => {
    const violation = given([started(), claimed('exp-new', 'utilities', '10')])
      .when(claim({}))
      .thenThrows('EXPENSE.DUPLICATE_ID');
    expect(violation.httpStatus).toBe(409);
  });

  it.each([
    ['language-training', '5'],
    ['cross-cultural-orientation', '5'],
    ['immigration-documents', '6'],
    ['medical-preparation', '6'],
    ['host-transportation', '11'],
  ] as const)('reimburses %s (clause %s) at the amount claimed, on approval', (category, clause) => {
    given([started(), claimed('exp-1', category, '640.00')])
      .when(approve())
      .thenEvents(([event]) => expect(event).toMatchObject({ data: { reimbursableUsd: usd('640.00') } }));
    given([started()])
      .when(claim({ category, amount: cny('1') }))
      .thenThrows('EXPENSE.EXCHANGE_RATE_REQUIRED', clause);
  });
});

describe('outbound airfare: economy only (clause 4)', () => {
  it('reimburses an economy fare as claimed (economy is the default cabin)', () => {
    given([started()])
      .when(claim({ category: 'outbound-airfare', amount: usd('1450.00') }))
      .thenEvents(([event]) =>
        expect(event).toMatchObject({ data: { reimbursableLimitUsd: usd('1450.00') } }),
      );
  });

  it('needs the economy fare for another cabin and reimburses at most that', () => {
    given([started()])
      .when(claim({ category: 'outbound-airfare', amount: usd('6200.00'), cabin: 'business' }))
      .thenThrows('EXPENSE.ECONOMY_FARE_REQUIRED', '4');
    given([started()])
      .when(
        claim({
          category: 'outbound-airfare',
          amount: usd('6200.00'),
          cabin: 'business',
          economyFare: usd('1450.00'),
        }),
      )
      .thenEvents(([event]) =>
        expect(event).toMatchObject({
          data: {
            cabin: 'business',
            economyFare: usd('1450.00'),
            amountUsd: usd('6200.00'),
            reimbursableLimitUsd: usd('1450.00'),
          },
        }),
      );
  });

  it('converts an economy fare in the claim currency with the claim rate', () => {
    given([started()])
      .when(
        claim({
          category: 'outbound-airfare',
          amount: cny('41382.50'),
          exchangeRate: RATE,
          cabin: 'first',
          economyFare: cny('12000.00'),
        }),
      )
      .thenEvents(([event]) =>
        expect(event).toMatchObject({
          data: { amountUsd: usd('5000.00'), reimbursableLimitUsd: usd('1449.89') },
        }),
      );
  });

  it('takes a cabin only on airfare claims', () => {
    given([started()])
      .when(claim({ cabin: 'business' }))
      .thenThrows('COMMAND.INVALID');
  });
});

describe('approving and rejecting claims (clause 4)', () => {
  it('approves a claim with a receipt, reimbursing its limit', () => {
    given([
      started(),
      claimed('exp-1', 'outbound-airfare', '6200.00', {
        cabin: 'business',
        economyFare: usd('1450.00'),
        reimbursableLimitUsd: usd('1450.00'),
      }),
    ])
      .when(approve())
      .then([
        {
          type: 'ExpenseApproved',
          data: {
            expenseId: 'exp-1',
            approvedBy: 'hr@valence',
            approvedOn: '2005-02-15',
            reimbursableUsd: usd('1450.00'),
          },
        },
      ]);
  });

  it('needs at least one receipt on the claim', () => {
    given([started(), claimed('exp-1', 'travel-meals-incidentals', '84.20', { receipts: [] })])
      .when(approve())
      .thenThrows('EXPENSE.RECEIPT_REQUIRED', '4');
  });

  it('rejects a claim', () => {
    given([started(), claimed('exp-1', 'travel-meals-incidentals', '84.20')])
      .when(reject())
      .then([
        {
          type: 'ExpenseRejected',
          data: {
            expenseId: 'exp-1',
            rejectedBy: 'hr@valence',
            rejectedOn: '2005-02-15',
            reason: 'not reasonable',
          },
        },
      ]);
  });

  it('decides a claim once, and only a claim that exists', () => {
    const meals = claimed('exp-1', 'travel-meals-incidentals', '84.20');
    const approved = {
      type: 'ExpenseApproved' as const,
      data: { expenseId: 'exp-1', approvedBy: 'hr', approvedOn: '2005-02-15', reimbursableUsd: usd('84.20') },
    };
    given([started()]).when(approve('nope')).thenThrows('EXPENSE.UNKNOWN');
    given([started(), meals, approved]).when(approve()).thenThrows('EXPENSE.ALREADY_DECIDED');
    given([started(), meals, approved]).when(reject()).thenThrows('EXPENSE.ALREADY_DECIDED');
    given([started(), meals])
      .when(approve())
      .thenState((s) =>
        expect(s.expenses['exp-1']).toMatchObject({ status: 'approved', reimbursableUsd: usd('84.20') }),
      );
  });
});

describe('housing: a reasonable lease based on comparable US housing, plus utilities and services (clause 8)', () => {
  const lease = (data: Partial<ApproveHousingLeaseData>): AssignmentCommand => ({
    type: 'ApproveHousingLease',
    data: {
      leaseId: 'lease-1',
      approvedOn: '2005-01-20',
      effectiveFrom: '2005-02-01',
      monthlyRent: cny('20000.00'),
      comparableUsCap: usd('3000.00'),
      exchangeRate: RATE,
      ...data,
    },
  });

  it('approves the rent in USD when below the comparable US cap', () => {
    given([started()])
      .when(lease({}))
      .then([
        {
          type: 'HousingLeaseApproved',
          data: {
            leaseId: 'lease-1',
            approvedOn: '2005-01-20',
            effectiveFrom: '2005-02-01',
            monthlyRent: cny('20000.00'),
            comparableUsCap: usd('3000.00'),
            approvedMonthlyUsd: usd('2416.48'),
            exchangeRate: RATE,
          },
        },
      ]);
  });

  it('approves at most the comparable US cap', () => {
    given([started()])
      .when(lease({ comparableUsCap: usd('2000') }))
      .thenEvents(([event]) => expect(event).toMatchObject({ data: { approvedMonthlyUsd: usd('2000.00') } }));
  });

  it('needs a rate for rent in another currency', () => {
    given([started()])
      .when(lease({ exchangeRate: undefined }))
      .thenThrows('HOUSING.EXCHANGE_RATE_REQUIRED', '8');
  });

  it('reimburses rent up to the approved monthly amount of the lease in force', () => {
    const leased = [started(), leaseApproved('lease-1', '2005-02-01', '2000.00')];
    given(leased)
      .when(claim({ category: 'housing-rent', amount: usd('2500.00'), incurredOn: '2005-03-01' }))
      .thenEvents(([event]) =>
        expect(event).toMatchObject({
          data: { amountUsd: usd('2500.00'), reimbursableLimitUsd: usd('2000.00') },
        }),
      );
    given(leased)
      .when(claim({ category: 'housing-rent', amount: usd('1800.00'), incurredOn: '2005-03-01' }))
      .thenEvents(([event]) =>
        expect(event).toMatchObject({ data: { reimbursableLimitUsd: usd('1800.00') } }),
      );
  });

  it('follows the lease in force on the day the rent is incurred', () => {
    const leased = [
      started(),
      leaseApproved('lease-1', '2005-02-01', '2000.00'),
      leaseApproved('lease-2', '2005-05-01', '2600.00'),
    ];
    given(leased)
      .when(claim({ category: 'housing-rent', amount: usd('2500.00'), incurredOn: '2005-04-30' }))
      .thenEvents(([event]) =>
        expect(event).toMatchObject({ data: { reimbursableLimitUsd: usd('2000.00') } }),
      );
    given(leased)
      .when(claim({ category: 'housing-rent', amount: usd('2500.00'), incurredOn: '2005-05-01' }))
      .thenEvents(([event]) =>
        expect(event).toMatchObject({ data: { reimbursableLimitUsd: usd('2500.00') } }),
      );
  });

  it('refuses rent with no approved lease in force', () => {
    given([started()])
      .when(claim({ category: 'housing-rent', amount: usd('2500.00') }))
      .thenThrows('HOUSING.NO_APPROVED_LEASE', '8');
    given([started(), leaseApproved('lease-1', '2005-02-01', '2000.00')])
      .when(claim({ category: 'housing-rent', amount: usd('2500.00'), incurredOn: '2005-01-31' }))
      .thenThrows('HOUSING.NO_APPROVED_LEASE');
  });

  it.each(['utilities', 'apartment-services'] as const)('reimburses %s at actual cost', (category) => {
    given([started(), leaseApproved('lease-1', '2005-02-01', '2000.00')])
      .when(claim({ category, amount: usd('3100.00') }))
      .thenEvents(([event]) =>
        expect(event).toMatchObject({ data: { reimbursableLimitUsd: usd('3100.00') } }),
      );
  });
});
