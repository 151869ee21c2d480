import { describe, expect, it } from '@jest/globals';
import type { AssignmentCommand } from '../../../src/domain/assignment/index.js';
import { ended, started, usd } from './fixtures.js';
import { given, withId } from './specification.js';

const pay = (period: string, tax = '0.00'): AssignmentCommand => ({
  type: 'PaySalary',
  data: { period, paidOn: `${period}-28`, hypotheticalTax: usd(tax) },
});

describe('salary: USD 19,166.67 a month before hypothetical tax, partial months prorated (clause 2)', () => {
  it('prorates the first month by calendar days: 14 of 31 days in January 2005', () => {
    // 19,166.67 x 14 / 31 = 8,655.9154..., rounded half-up once: 8,655.92 (not 8,655.91).
    given([started()])
      .when(pay('2005-01', '1500.00'))
      .then([
        {
          type: 'SalaryPaid',
          data: {
            period: '2005-01',
            paidOn: '2005-01-28',
            daysWorked: 14,
            daysInMonth: 31,
            gross: usd('8655.92'),
            hypotheticalTax: usd('1500.00'),
            net: usd('7155.92'),
          },
        },
      ]);
  });

  it('pays a whole month in full', () => {
    given([started()])
      .when(pay('2005-02', '4000'))
      .thenEvents(([event]) =>
        expect(event).toMatchObject({
          data: { daysWorked: 28, daysInMonth: 28, gross: usd('19166.67'), net: usd('15166.67') },
        }),
      );
  });

  it('prorates the last month up to the expected end, both days counting', () => {
    // 19,166.67 x 18 / 31 = 11,129.0342...
    given([started()])
      .when(pay('2005-07'))
      .thenEvents(([event]) =>
        expect(event).toMatchObject({ data: { daysWorked: 18, gross: usd('11129.03') } }),
      );
  });

  it('pays the whole month once an extension moves the expected end', () => {
    const extended = {
      type: 'AssignmentExtended' as const,
      data: {
        decidedOn: '2005-06-01',
        previousExpectedEndDate: '2005-07-18',
        newExpectedEndDate: '2005-12-31',
        taxHomeStatus: 'temporary' as const,
      },
    };
    given([started(), extended])
      .when(pay('2005-07'))
      .thenEvents(([event]) =>
        expect(event).toMatchObject({ data: { daysWorked: 31, gross: usd('19166.67') } }),
      );
  });

  it('pays no month outside the assignment, and each month once', () => {
    given([started()]).when(pay('2004-12')).thenThrows('SALARY.OUTSIDE_ASSIGNMENT', '2');
    given([started()]).when(pay('2005-08')).thenThrows('SALARY.OUTSIDE_ASSIGNMENT');
    const january = withId('salary-jan', {
      type: 'SalaryPaid',
      data: {
        period: '2005-01',
        paidOn: '2005-01-28',
        daysWorked: 14,
        daysInMonth: 31,
        gross: usd('8655.92'),
        hypotheticalTax: usd('0.00'),
        net: usd('8655.92'),
      },
    });
    given([started(), january]).when(pay('2005-01')).thenThrows('SALARY.ALREADY_PAID', '2');
  });

  it('withholds no more hypothetical tax than the gross, in the salary currency', () => {
    given([started()]).when(pay('2005-01', '8655.93')).thenThrows('SALARY.TAX_ABOVE_GROSS', '2');
    given([started()])
      .when({
        type: 'PaySalary',
        data: { period: '2005-02', paidOn: '2005-02-28', hypotheticalTax: { amount: '1', currency: 'CNY' } },
      })
      .thenThrows('MONEY.CURRENCY_MISMATCH', '2');
    given([started()]).when(pay('2005-13')).thenThrows('COMMAND.INVALID');
  });

  it('re-prorates the last month when its posting is corrected after an early end', () => {
    const march = withId('salary-mar', {
      type: 'SalaryPaid',
      data: {
        period: '2005-03',
        paidOn: '2005-03-01',
        daysWorked: 31,
        daysInMonth: 31,
        gross: usd('19166.67'),
        hypotheticalTax: usd('0.00'),
        net: usd('19166.67'),
      },
    });
    given([started(), march, ended('2005-03-10', 'employment-terminated')])
      .when({
        type: 'CorrectEvent',
        data: { correctsEventId: 'salary-mar', reason: 'ended early', replacement: {} },
      })
      .thenEvents(([event]) =>
        expect(event).toMatchObject({
          data: { replacement: { daysWorked: 10, gross: usd('6182.80'), net: usd('6182.80') } },
        }),
      );
  });
});

describe('tax equalization by the outside provider (clauses 1, 3)', () => {
  it('is recorded as settled, not computed', () => {
    given([started()])
      .when({
        type: 'SettleTaxEqualization',
        data: {
          taxYear: 2005,
          amount: usd('12850.00'),
          direction: 'company-to-employee',
          settledOn: '2005-06-30',
          provider: 'Deloitte & Touche',
        },
      })
      .then([
        {
          type: 'TaxEqualizationSettled',
          data: {
            taxYear: 2005,
            amount: usd('12850.00'),
            direction: 'company-to-employee',
            settledOn: '2005-06-30',
            provider: 'Deloitte & Touche',
          },
        },
      ]);
  });

  it('refuses a tax year before the assignment, citing clause 1', () => {
    given([started()])
      .when({
        type: 'SettleTaxEqualization',
        data: { taxYear: 2004, amount: usd('1'), direction: 'employee-to-company', settledOn: '2005-04-15' },
      })
      .thenThrows('ASSIGNMENT.NOT_ACTIVE', '1');
  });
});
