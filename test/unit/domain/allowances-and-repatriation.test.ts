import { describe, expect, it } from '@jest/globals';
import type { AssignmentCommand } from '../../../src/domain/assignment/index.js';
import { CHILD, EMPLOYEE, SPOUSE, ended, started, usd } from './fixtures.js';
import { given } from './specification.js';

const payMisc = (amount?: string): AssignmentCommand => ({
  type: 'PayMiscellaneousAllowance',
  data: { paidOn: '2005-01-31', ...(amount ? { amount: usd(amount) } : {}) },
});
const miscPaid = {
  type: 'MiscellaneousAllowancePaid' as const,
  data: { paidOn: '2005-01-31', amount: usd('2500.00') },
};

describe('the miscellaneous allowance: USD 2,500, once (clause 9)', () => {
  it("pays the policy's amount by default", () => {
    given([started()]).when(payMisc()).then([miscPaid]);
  });

  it('pays the amount captured in the assignment when the policy differs from the letter', () => {
    given([started({}, { miscellaneousAllowance: usd('3000.00') })])
      .when(payMisc())
      .thenEvents(([event]) => expect(event).toMatchObject({ data: { amount: usd('3000.00') } }));
  });

  it('pays at most once per assignment', () => {
    const violation = given([started(), miscPaid]).when(payMisc()).thenThrows('ALLOWANCE.ALREADY_PAID', '9');
    expect(violation.httpStatus).toBe(422);
  });

  it('pays no more than the policy, in its currency', () => {
    given([started()]).when(payMisc('2500.01')).thenThrows('ALLOWANCE.ABOVE_POLICY', '9');
    given([started()])
      .when({
        type: 'PayMiscellaneousAllowance',
        data: { paidOn: '2005-01-31', amount: { amount: '100', currency: 'CNY' } },
      })
      .thenThrows('MONEY.CURRENCY_MISMATCH', '9');
    given([started()])
      .when(payMisc('2000'))
      .thenEvents(([event]) => expect(event).toMatchObject({ data: { amount: usd('2000.00') } }));
  });
});

describe('repatriation: economy airfare home for the employee and accompanying family (intro)', () => {
  const fly = (travellers: string[]): AssignmentCommand => ({
    type: 'RecordRepatriationTravel',
    data: { travelledOn: '2005-07-19', travellers, fare: usd('3600.00') },
  });

  it.each(['completed', 'employment-terminated', 'other'] as const)(
    'is owed whatever the end (%s)',
    (reason) => {
      given([started(), ended('2005-07-18', reason)])
        .when(fly([EMPLOYEE, SPOUSE, CHILD]))
        .then([
          {
            type: 'RepatriationTravelled',
            data: { travelledOn: '2005-07-19', travellers: [EMPLOYEE, SPOUSE, CHILD], fare: usd('3600.00') },
          },
        ]);
    },
  );

  it('flies only the employee and the accompanying family', () => {
    const violation = given([started(), ended()])
      .when(fly([EMPLOYEE, 'Bob Borron']))
      .thenThrows('REPATRIATION.UNKNOWN_TRAVELLER', 'intro');
    expect(violation.details).toMatchObject({ unknown: ['Bob Borron'] });
  });

  it('matches names regardless of case and spacing', () => {
    given([started(), ended()])
      .when(fly(['  joseph  LAMOREUX ']))
      .thenState((s) => expect(Object.keys(s.repatriated)).toEqual(['joseph lamoreux']));
  });

  it('flies each traveller home once', () => {
    const flown = {
      type: 'RepatriationTravelled' as const,
      data: { travelledOn: '2005-07-19', travellers: [EMPLOYEE], fare: usd('1200.00') },
    };
    given([started(), ended(), flown])
      .when(fly([SPOUSE, EMPLOYEE]))
      .thenThrows('REPATRIATION.ALREADY_TRAVELLED');
    given([started(), ended(), flown])
      .when(fly([SPOUSE, CHILD]))
      .thenEvents((e) => expect(e).toHaveLength(1));
    given([started(), ended()]).when(fly([])).thenThrows('COMMAND.INVALID');
    given([started(), ended()])
      .when(fly([SPOUSE, SPOUSE]))
      .thenThrows('COMMAND.INVALID');
  });
});

describe('the return airfreight fund: money for the clothing shipment, in a separate account (intro)', () => {
  const deposit = (amount: string): AssignmentCommand => ({
    type: 'DepositReturnAirfreightFund',
    data: { depositedOn: '2005-07-15', amount: usd(amount) },
  });
  const draw = (amount: string): AssignmentCommand => ({
    type: 'DrawReturnAirfreightFund',
    data: { drawnOn: '2005-07-25', amount: usd(amount), description: 'air waybill 123' },
  });
  const deposited = {
    type: 'ReturnAirfreightFundDeposited' as const,
    data: { depositedOn: '2005-07-15', amount: usd('1500.00') },
  };

  it('takes deposits, before or after the end', () => {
    given([started()]).when(deposit('1500')).then([deposited]);
    given([started(), ended()])
      .when(deposit('200'))
      .thenState((s) => expect(s.returnAirfreightFund.deposited).toEqual(usd('200.00')));
  });

  it('pays out no more than it holds', () => {
    given([started(), ended(), deposited])
      .when(draw('1500.00'))
      .thenState((s) =>
        expect(s.returnAirfreightFund).toEqual({ deposited: usd('1500.00'), drawn: usd('1500.00') }),
      );
    given([started(), ended(), deposited]).when(draw('1500.01')).thenThrows('FUND.INSUFFICIENT', 'intro');
  });

  it('is kept in USD', () => {
    given([started()])
      .when({
        type: 'DepositReturnAirfreightFund',
        data: { depositedOn: '2005-07-15', amount: { amount: '1', currency: 'CNY' } },
      })
      .thenThrows('MONEY.CURRENCY_MISMATCH');
  });
});
