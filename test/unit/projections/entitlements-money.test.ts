import { describe, expect, it } from '@jest/globals';
import {
  assignmentEntitlementsProjection,
  entitlementsOf,
} from '../../../projections/assignment-entitlements/index.js';
import { project, Story, usd } from './given.js';

const view = (story: Story, asOf: string) =>
  entitlementsOf(project(assignmentEntitlementsProjection, story.events), { asOf })!;

const approve = (story: Story, expenseId: string, approvedOn: string, reimbursable: string) =>
  story.record('ExpenseApproved', {
    expenseId,
    approvedBy: 'Bob Borron',
    approvedOn,
    reimbursableUsd: usd(reimbursable),
  });

describe('expenses by category, in USD', () => {
  const story = new Story();
  story.started();
  // Business class flown, reimbursed at the economy fare (clause 4).
  story.claim('air-1', 'outbound-airfare', '2005-01-16', '5200.00', {
    cabin: 'business',
    economyFare: usd('1800.00'),
    reimbursableLimitUsd: usd('1800.00'),
  });
  approve(story, 'air-1', '2005-01-31', '1800.00');
  // Language course paid in yuan at the peg recorded on the claim.
  story.claim('lang-1', 'language-training', '2005-02-01', '100.04', {
    amount: { amount: '828.00', currency: 'CNY' },
    exchangeRate: { rate: '8.2765', source: 'PBOC', asOf: '2005-02-01' },
  });
  approve(story, 'lang-1', '2005-02-20', '100.04');
  story.claim('taxi-1', 'host-transportation', '2005-02-03', '35.50');
  story.claim('taxi-2', 'host-transportation', '2005-02-04', '12.25');
  approve(story, 'taxi-2', '2005-02-06', '12.25');
  story.claim('lodging-1', 'home-leave-lodging', '2005-03-02', '300.00');
  story.record('ExpenseRejected', {
    expenseId: 'lodging-1',
    rejectedBy: 'Bob Borron',
    rejectedOn: '2005-03-05',
    reason: 'clause 10: lodging is not reimbursed on home leave',
  });

  it('sums claimed, approved, rejected, pending and reimbursable per category', () => {
    const expenses = view(story, '2005-03-31').expenses;
    expect(expenses.byCategory).toEqual([
      {
        category: 'outbound-airfare',
        claims: 1,
        claimed: usd('5200.00'),
        approved: usd('5200.00'),
        rejected: usd('0.00'),
        pending: usd('0.00'),
        reimbursable: usd('1800.00'),
      },
      {
        category: 'language-training',
        claims: 1,
        claimed: usd('100.04'),
        approved: usd('100.04'),
        rejected: usd('0.00'),
        pending: usd('0.00'),
        reimbursable: usd('100.04'),
      },
      {
        category: 'host-transportation',
        claims: 2,
        claimed: usd('47.75'),
        approved: usd('12.25'),
        rejected: usd('0.00'),
        pending: usd('35.50'),
        reimbursable: usd('12.25'),
      },
      {
        category: 'home-leave-lodging',
        claims: 1,
        claimed: usd('300.00'),
        approved: usd('0.00'),
        rejected: usd('300.00'),
        pending: usd('0.00'),
        reimbursable: usd('0.00'),
      },
    ]);
    expect(expenses.totals).toEqual({
      claimed: usd('5647.79'),
      approved: usd('5312.29'),
      rejected: usd('300.00'),
      pending: usd('35.50'),
      reimbursable: usd('1912.29'),
    });
    expect(expenses.totalReimbursable).toEqual(usd('1912.29'));
  });

  it('keeps a claim pending until its decision date, and out until it was incurred', () => {
    const feb10 = view(story, '2005-02-10').expenses;
    expect(feb10.byCategory.find((c) => c.category === 'language-training')).toMatchObject({
      pending: usd('100.04'),
      reimbursable: usd('0.00'),
    });
    expect(feb10.byCategory.map((c) => c.category)).not.toContain('home-leave-lodging');
  });

  it('dates a rejection without rejectedOn by the day it was recorded', () => {
    const s = new Story();
    s.started();
    s.claim('meal-1', 'home-leave-meals', '2005-03-02', '40.00');
    s.at('2005-03-09T03:00:00.000Z').record('ExpenseRejected', {
      expenseId: 'meal-1',
      rejectedBy: 'hr',
      reason: 'clause 10',
    });
    expect(view(s, '2005-03-08').expenses.totals.pending).toEqual(usd('40.00'));
    expect(view(s, '2005-03-09').expenses.totals.rejected).toEqual(usd('40.00'));
  });
});

describe('allowance, fund, repatriation, salary and tax equalization', () => {
  it('shows the miscellaneous allowance unpaid, then paid (clause 9)', () => {
    const story = new Story();
    story.started();
    story.record('MiscellaneousAllowancePaid', { paidOn: '2005-01-20', amount: usd('2500.00') });
    expect(view(story, '2005-01-19').allowances).toEqual({
      miscellaneous: { amount: usd('2500.00'), paid: false },
    });
    expect(view(story, '2005-01-20').allowances).toEqual({
      miscellaneous: { amount: usd('2500.00'), paid: true, paidOn: '2005-01-20', paidAmount: usd('2500.00') },
    });
  });

  it('balances the return airfreight fund', () => {
    const story = new Story();
    story.started();
    story.ended('2005-07-18');
    story.record('ReturnAirfreightFundDeposited', { depositedOn: '2005-07-01', amount: usd('1500.00') });
    story.record('ReturnAirfreightFundDrawn', {
      drawnOn: '2005-07-22',
      amount: usd('1200.50'),
      description: 'airfreight of clothing, invoice 4711',
    });
    expect(view(story, '2005-07-21').funds.returnAirfreight).toEqual({
      deposited: usd('1500.00'),
      drawn: usd('0.00'),
      balance: usd('1500.00'),
    });
    expect(view(story, '2005-07-31').funds.returnAirfreight).toEqual({
      deposited: usd('1500.00'),
      drawn: usd('1200.50'),
      balance: usd('299.50'),
    });
  });

  it('leaves a fund movement in another currency out of the USD total and says so', () => {
    const story = new Story();
    story.started();
    story.record('ReturnAirfreightFundDeposited', {
      depositedOn: '2005-07-01',
      amount: { amount: '1000.00', currency: 'CNY' },
    });
    const v = view(story, '2005-07-31');
    expect(v.funds.returnAirfreight.deposited).toEqual(usd('0.00'));
    expect(v.warnings).toEqual([expect.stringContaining('CNY')]);
  });

  it('owes the repatriation once ended, for every reason, and keeps it owed after the travel', () => {
    const story = new Story();
    story.started();
    story.ended('2005-05-31', 'employment-terminated');
    story.record('RepatriationTravelled', {
      travelledOn: '2005-06-02',
      travellers: ['Joseph Lamoreux', 'Mary Lamoreux'],
      fare: usd('2400.00'),
    });
    expect(view(story, '2005-05-30').repatriation).toMatchObject({
      owed: false,
      travelled: false,
      travellers: [],
    });
    expect(view(story, '2005-05-31').repatriation).toMatchObject({ owed: true, travelled: false });
    expect(view(story, '2005-06-02').repatriation).toEqual({
      owed: true,
      travelled: true,
      travelledOn: '2005-06-02',
      travellers: ['Joseph Lamoreux', 'Mary Lamoreux'],
      eligibleTravellers: [
        { name: 'Joseph Lamoreux', relationship: 'employee' },
        { name: 'Mary Lamoreux', relationship: 'spouse' },
      ],
      fares: [usd('2400.00')],
    });
  });

  it('totals the salary postings (clause 2) and lists tax equalization settlements (clause 1)', () => {
    const story = new Story();
    story.started();
    story.record('SalaryPaid', {
      period: '2005-01',
      paidOn: '2005-01-31',
      daysWorked: 14,
      daysInMonth: 31,
      gross: usd('8655.91'),
      hypotheticalTax: usd('2596.77'),
      net: usd('6059.14'),
    });
    story.record('SalaryPaid', {
      period: '2005-02',
      paidOn: '2005-02-28',
      daysWorked: 28,
      daysInMonth: 28,
      gross: usd('19166.67'),
      hypotheticalTax: usd('5750.00'),
      net: usd('13416.67'),
    });
    story.record('TaxEqualizationSettled', {
      taxYear: 2005,
      amount: usd('3120.00'),
      direction: 'company-to-employee',
      settledOn: '2006-04-10',
      provider: 'Deloitte & Touche',
    });
    expect(view(story, '2005-02-27').salary).toMatchObject({ postings: 1, gross: usd('8655.91') });
    expect(view(story, '2005-02-28').salary).toEqual({
      baseMonthly: usd('19166.67'),
      postings: 2,
      gross: usd('27822.58'),
      hypotheticalTax: usd('8346.77'),
      net: usd('19475.81'),
    });
    expect(view(story, '2006-04-09').taxEqualization.settlements).toEqual([]);
    expect(view(story, '2006-04-10').taxEqualization.settlements).toEqual([
      {
        taxYear: 2005,
        settledOn: '2006-04-10',
        amount: usd('3120.00'),
        direction: 'company-to-employee',
        provider: 'Deloitte & Touche',
      },
    ]);
  });
});

describe('vacation (clause 7) and housing (clause 8)', () => {
  it('leaves the US entitlement less host holidays and vacation, per calendar year', () => {
    const story = new Story();
    story.started();
    story.extended('2005-06-15', '2005-07-18', '2006-07-18', true);
    story.record('HostHolidayObserved', { date: '2005-02-09', name: 'Spring Festival' });
    story.record('HostHolidayObserved', { date: '2005-05-02', name: 'Labour Day' });
    story.record('VacationTaken', { from: '2005-04-04', to: '2005-04-08', days: 5 });
    story.record('HostHolidayObserved', { date: '2006-01-30', name: 'Spring Festival' });
    expect(view(story, '2005-04-30').vacation.years).toEqual([
      { year: 2005, entitlement: 25, holidaysObserved: 1, vacationTaken: 5, left: 19 },
    ]);
    expect(view(story, '2006-02-01').vacation.years).toEqual([
      { year: 2005, entitlement: 25, holidaysObserved: 2, vacationTaken: 5, left: 18 },
      { year: 2006, entitlement: 25, holidaysObserved: 1, vacationTaken: 0, left: 24 },
    ]);
  });

  it('shows the approved monthly rent of the lease in force', () => {
    const story = new Story();
    story.started();
    const lease = {
      leaseId: 'lease-1',
      approvedOn: '2005-01-20',
      effectiveFrom: '2005-02-01',
      monthlyRent: { amount: '33106.00', currency: 'CNY' },
      comparableUsCap: usd('3500.00'),
      approvedMonthlyUsd: usd('3500.00'),
      exchangeRate: { rate: '8.2765', source: 'PBOC', asOf: '2005-01-20' },
    };
    story.record('HousingLeaseApproved', lease);
    expect(view(story, '2005-01-19').housing).toEqual({
      approvedMonthlyUsd: null,
      current: null,
      leases: [],
    });
    expect(view(story, '2005-01-25').housing).toMatchObject({ approvedMonthlyUsd: null, current: null });
    expect(view(story, '2005-02-01').housing).toMatchObject({
      approvedMonthlyUsd: usd('3500.00'),
      current: { leaseId: 'lease-1', effectiveFrom: '2005-02-01' },
    });
  });

  it('picks, of two leases effective the same day, the later approved, as the decider caps rent by', () => {
    const story = new Story();
    story.started();
    const lease = (leaseId: string, approvedOn: string, rent: string) => ({
      leaseId,
      approvedOn,
      effectiveFrom: '2005-03-01',
      monthlyRent: usd(rent),
      comparableUsCap: usd('3500.00'),
      approvedMonthlyUsd: usd(rent),
    });
    story.record('HousingLeaseApproved', lease('lease-b', '2005-02-20', '3200.00'));
    story.record('HousingLeaseApproved', lease('lease-a', '2005-02-10', '3000.00'));
    expect(view(story, '2005-03-15').housing).toMatchObject({
      approvedMonthlyUsd: usd('3200.00'),
      current: { leaseId: 'lease-b' },
    });
  });
});
