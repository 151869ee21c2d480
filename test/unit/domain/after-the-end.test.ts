import { describe, expect, it } from '@jest/globals';
import type { AssignmentCommand, ExpenseCategory } from '../../../src/domain/assignment/index.js';
import { claimed, ended, leaseApproved, started, usd } from './fixtures.js';
import { given } from './specification.js';

/** The assignment: it ends on 2006-06-30 and its paperwork goes on (domain.md "After the end"). */
const END = '2006-06-30';
const history = [started(), leaseApproved('lease-1', '2005-02-01', '3000.00'), ended(END)];

const claim = (category: ExpenseCategory, incurredOn: string): AssignmentCommand => ({
  type: 'ClaimExpense',
  data: {
    expenseId: `e-${category}-${incurredOn}`,
    category,
    amount: usd('42.00'),
    incurredOn,
    receipts: ['R-9'],
    description: 'claimed in July',
  },
});
const salary = (period: string): AssignmentCommand => ({
  type: 'PaySalary',
  data: { period, paidOn: '2006-07-05', hypotheticalTax: usd('0') },
});
const settlement = (taxYear: number, settledOn: string): AssignmentCommand => ({
  type: 'SettleTaxEqualization',
  data: { taxYear, amount: usd('3120.00'), direction: 'company-to-employee', settledOn },
});
const accepted = (command: AssignmentCommand) =>
  given(history)
    .when(command)
    .thenEvents((events) => expect(events).toHaveLength(1));

describe('after the end (domain.md "After the end")', () => {
  describe('expenses: incurred on or before the end date, claimed at any later date', () => {
    it('accepts a taxi receipt of the end date', () => accepted(claim('host-transportation', END)));
    it('accepts a taxi receipt of 2006-06-20 claimed in July', () =>
      accepted(claim('host-transportation', '2006-06-20')));
    it('refuses a taxi the day after the end, citing clause 11', () => {
      const refusal = given(history)
        .when(claim('host-transportation', '2006-07-01'))
        .thenThrows('ASSIGNMENT.ENDED', '11');
      expect(refusal.details).toMatchObject({ endedOn: END, lastDayIncurred: END });
    });
    it('accepts the repatriation meals up to 30 days after the end, and refuses the 31st day (clause 4)', () => {
      accepted(claim('travel-meals-incidentals', '2006-07-30'));
      given(history)
        .when(claim('travel-meals-incidentals', '2006-07-31'))
        .thenThrows('ASSIGNMENT.ENDED', '4');
    });
    it('accepts housing up to the end of the month of the end, and refuses the next month (clause 8)', () => {
      const midMonth = [started(), leaseApproved('lease-1', '2005-02-01', '3000.00'), ended('2006-06-15')];
      given(midMonth)
        .when(claim('utilities', '2006-06-30'))
        .thenEvents((events) => expect(events).toHaveLength(1));
      given(midMonth).when(claim('housing-rent', '2006-07-01')).thenThrows('ASSIGNMENT.ENDED', '8');
    });
    it('approves and rejects claims after the end', () => {
      const claimedBefore = [started(), claimed('taxi', 'host-transportation', '42.00'), ended(END)];
      given(claimedBefore)
        .when({
          type: 'ApproveExpense',
          data: { expenseId: 'taxi', approvedBy: 'Bob Borron', approvedOn: '2006-08-01' },
        })
        .thenEvents(([approval]) => expect(approval!.type).toBe('ExpenseApproved'));
      given(claimedBefore)
        .when({
          type: 'RejectExpense',
          data: { expenseId: 'taxi', rejectedBy: 'Bob Borron', reason: 'late' },
        })
        .thenEvents(([rejection]) => expect(rejection!.type).toBe('ExpenseRejected'));
    });
  });

  describe('salary: periods up to and including the month of the end', () => {
    it('accepts the June salary paid on 5 July', () => accepted(salary('2006-06')));
    it('refuses the July salary, citing clause 2', () => {
      given(history).when(salary('2006-07')).thenThrows('ASSIGNMENT.ENDED', '2');
    });
  });

  describe('tax equalization: any tax year from the effective year to the year of the end, at any later date', () => {
    it('accepts tax year 2006 settled in October 2007', () => accepted(settlement(2006, '2007-10-15')));
    it('accepts tax year 2005 settled two years on', () => accepted(settlement(2005, '2007-12-31')));
    it('refuses tax year 2007, the year after the end, citing clause 1', () => {
      const refusal = given(history).when(settlement(2007, '2008-10-15')).thenThrows('ASSIGNMENT.ENDED', '1');
      expect(refusal.details).toMatchObject({ taxYear: 2007, lastTaxYear: 2006 });
    });
  });
});
