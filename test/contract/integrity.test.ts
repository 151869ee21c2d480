import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  canonicalJson,
  eventHash,
  eventHashFromCanonical,
  GENESIS_HASH,
  globalHash,
} from '../../src/event-store/integrity.js';

/** The hashing format is part of every ledger file written: these pin it. */
describe('canonical JSON', () => {
  it('sorts keys recursively and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('drops and maps what JSON.stringify drops and maps', () => {
    const value = {
      u: undefined,
      f: () => 1,
      n: Number.NaN,
      d: new Date('2025-01-02T03:04:05Z'),
      a: [undefined],
    };
    expect(canonicalJson(value)).toBe('{"a":[null],"d":"2025-01-02T03:04:05.000Z","n":null}');
    expect(() => canonicalJson({ big: 1n })).toThrow(TypeError);
  });

  it('is the same for a value and its JSON round trip, and parses back to it', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const canonical = canonicalJson(value);
        expect(canonicalJson(JSON.parse(JSON.stringify(value)))).toBe(canonical);
        expect(JSON.parse(canonical)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });
});

describe('event hashes', () => {
  const content = {
    streamId: 'assignment-42',
    revision: 0,
    eventId: '00000000-0000-4000-8000-000000000001',
    type: 'AssignmentStarted',
    data: { employee: { name: 'Ada', id: 'e-1' }, baseSalaryMonthly: { amount: '9000.00', currency: 'EUR' } },
    metadata: { recordedAt: '2025-01-01T00:00:00.000Z', actor: 'hr', commandId: 'c-1', correlationId: 'c-1' },
  };

  // Also what Python's json.dumps(sort_keys=True, separators=(',', ':')) + 64 zeros hashes to.
  it('is stable for a known event', () => {
    expect(eventHash(content, GENESIS_HASH)).toBe(
      '8b24ae1ef9818e186b7ebdbd61a959bddc9e57df96a3effe6598c243d9405e23',
    );
  });

  it('agrees with the pre-serialised form the SQLite store uses', () => {
    expect(
      eventHashFromCanonical(
        content.streamId,
        content.revision,
        content.eventId,
        content.type,
        canonicalJson(content.data),
        canonicalJson(content.metadata),
        GENESIS_HASH,
      ),
    ).toBe(eventHash(content, GENESIS_HASH));
  });

  it('chains: the previous hash and the global predecessor change the result', () => {
    const first = eventHash(content, GENESIS_HASH);
    expect(eventHash({ ...content, revision: 1 }, first)).not.toBe(
      eventHash({ ...content, revision: 1 }, GENESIS_HASH),
    );
    expect(globalHash(GENESIS_HASH, first)).toMatch(/^[0-9a-f]{64}$/);
    expect(globalHash(first, first)).not.toBe(globalHash(GENESIS_HASH, first));
  });
});
