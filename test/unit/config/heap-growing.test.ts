import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '../../../src/config/ledger-config.js';

const base = { LEDGER_STORE_URL: 'sqlite::memory:' };

describe('LEDGER_HEAP_GROWING_PERCENT', () => {
  it('lets the heap grow by half past what a collection keeps unless told otherwise; 0 leaves it to V8', () => {
    expect(loadConfig(base).heapGrowingPercent).toBe(50);
    expect(loadConfig({ ...base, LEDGER_HEAP_GROWING_PERCENT: '0' }).heapGrowingPercent).toBe(0);
    expect(loadConfig({ ...base, LEDGER_HEAP_GROWING_PERCENT: '120' }).heapGrowingPercent).toBe(120);
  });

  it('refuses a value that is not a whole number of at least 0, naming the variable', () => {
    for (const raw of ['half', '-5', '1.5']) {
      expect(() => loadConfig({ ...base, LEDGER_HEAP_GROWING_PERCENT: raw })).toThrow(ConfigError);
      expect(() => loadConfig({ ...base, LEDGER_HEAP_GROWING_PERCENT: raw })).toThrow(
        `LEDGER_HEAP_GROWING_PERCENT: "${raw}" is not an integer >= 0`,
      );
    }
  });
});
