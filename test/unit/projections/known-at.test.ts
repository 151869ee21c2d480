import { describe, expect, it } from '@jest/globals';
import { instantMs, isInstant, knownFilter } from '../../../projections/shared/known-at.js';

describe('instants for knownAt', () => {
  it('reads ISO 8601 instants in any zone as the same moment, without the clock', () => {
    for (const iso of [
      '2005-01-25T10:00:00.000Z',
      '2005-01-25T10:00:00Z',
      '2005-01-25T18:00:00+08:00',
      '2005-01-25T05:00:00-0500',
      '2005-01-25T10:00:00.000000Z',
    ])
      expect(instantMs(iso)).toBe(Date.parse('2005-01-25T10:00:00.000Z'));
    expect(instantMs('2005-01-25T10:00:00.007Z')).toBe(Date.parse('2005-01-25T10:00:00.007Z'));
    expect(instantMs('2005-01-25T10:00:00.0071Z')).toBeGreaterThan(instantMs('2005-01-25T10:00:00.007Z'));
    expect(instantMs('2005-01-25')).toBe(Date.parse('2005-01-25T00:00:00Z'));
    expect(instantMs('1969-12-31T23:59:59Z')).toBe(-1000);
  });

  it('refuses what is not an instant', () => {
    expect(isInstant('yesterday')).toBe(false);
    expect(isInstant(42)).toBe(false);
    expect(isInstant('2005-01-25T10:00:00Z')).toBe(true);
    expect(() => instantMs('25/01/2005')).toThrow(RangeError);
  });

  it('filters by instant, by position, or both', () => {
    const fact = { recordedAt: '2005-01-25T10:00:00.000Z', position: 7 };
    expect(knownFilter({})(fact)).toBe(true);
    expect(knownFilter({ knownAt: '2005-01-25T10:00:00Z' })(fact)).toBe(true);
    expect(knownFilter({ knownAt: '2005-01-25T09:59:59.999Z' })(fact)).toBe(false);
    expect(knownFilter({ knownAtPosition: 7 })(fact)).toBe(true);
    expect(knownFilter({ knownAtPosition: 6 })(fact)).toBe(false);
    expect(knownFilter({ knownAt: '2006-01-01T00:00:00Z', knownAtPosition: 6 })(fact)).toBe(false);
  });
});
