import { describe, expect, it } from '@jest/globals';
import { addDays, daysBetween, isBusinessDate, addYears } from '../../../src/domain/shared/calendar.js';
import { toWeight } from '../../../src/domain/shared/weight.js';
import { roundMoney } from '../../../src/domain/shared/money.js';

describe('business calendar', () => {
  it('accepts real dates and refuses impossible ones', () => {
    expect(isBusinessDate('2005-01-18')).toBe(true);
    expect(isBusinessDate('2004-02-29')).toBe(true);
    expect(isBusinessDate('2005-02-29')).toBe(false);
    expect(isBusinessDate('2005-13-01')).toBe(false);
    expect(isBusinessDate('2005-1-18')).toBe(false);
  });
  it('counts days across month, year and leap boundaries without a clock', () => {
    expect(addDays('2005-12-31', 1)).toBe('2006-01-01');
    expect(addDays('2004-02-28', 1)).toBe('2004-02-29');
    expect(daysBetween('2005-01-18', '2006-01-18')).toBe(365);
    expect(daysBetween('1969-12-31', '1970-01-01')).toBe(1);
    expect(addYears('2004-02-29', 1)).toBe('2005-02-28');
  });
});

describe('weights and money', () => {
  it('converts kilograms to pounds exactly and keeps the original', () => {
    expect(toWeight('0.45359237', 'kg')).toEqual({ lb: '1', original: { value: '0.45359237', unit: 'kg' } });
    expect(toWeight('200', 'kg').lb).toBe('440.924524');
  });
  it('rounds half-up to the cent once', () => {
    expect(roundMoney('0.005', 'USD').amount).toBe('0.01');
    expect(roundMoney('19166.665', 'USD').amount).toBe('19166.67');
    expect(roundMoney('100.5', 'JPY').amount).toBe('101');
  });
});
