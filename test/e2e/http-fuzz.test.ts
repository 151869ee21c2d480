/**
 * Property-based: random and broken bodies thrown at every write route of the real application on
 * SQLite. Whatever a client sends, the answer is a 4xx application/problem+json (never a 5xx) and
 * nothing is appended anywhere. Bodies are valid bodies with one thing broken (a required field
 * dropped, a wrong type, a huge string, a negative number, an unknown field at the top or nested), or
 * plain garbage (anything, any object, any text, valid JSON cut short, another content type).
 *
 * Runs are bounded (40 per route; FUZZ_RUNS=1000 for a longer hunt). Set FUZZ_SEED to replay a
 * failing run.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { startLedger, type LedgerUnderTest } from './support/ledger-app.js';
import {
  WRITE_ROUTES,
  expectWritten,
  headPosition,
  prepareTarget,
  streamOf,
  type FieldKind,
  type StreamSnapshot,
  type WriteRoute,
  type WriteTarget,
} from './support/fixtures.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const runOptions = {
  numRuns: RUNS,
  endOnFailure: true,
  ...(seed === undefined ? {} : { seed }),
  // a property taking this long is stuck (40 runs take about 0.1 s): fail rather than hang
  plugins: [fc.interruptAfterTimeLimit(RUNS * 500, { failOnInterrupt: true })],
};

let ledger: LedgerUnderTest;
let target: WriteTarget;
let head: number;
let stream: StreamSnapshot;

beforeAll(async () => {
  ledger = await startLedger();
  target = await prepareTarget(ledger, 'fuzz-target');
});

afterAll(async () => {
  await ledger.close();
});

type Body = Record<string, unknown>;
interface Thrown {
  /** What was broken, for the failure message. */
  what: string;
  body?: unknown;
  rawBody?: string;
  contentType?: string;
}

// ----------------------------------------------------------------------------------------------
// Arbitraries
// ----------------------------------------------------------------------------------------------

const STRING_KINDS: FieldKind[] = ['text', 'id', 'uuid', 'date', 'period', 'decimal', 'enum', 'country'];
const OBJECT_KINDS: FieldKind[] = ['money', 'weight', 'exchangeRate', 'employee', 'policy', 'replacement'];

/** Any JSON value but null (null means "absent" to an optional field). */
const jsonNotNull = fc.jsonValue({ maxDepth: 3 }).filter((v) => v !== null);
const finiteDouble = fc.double({ noNaN: true, noDefaultInfinity: true });
/** A key no route knows (prefixed, so never a field name nor a special one like __proto__). */
const unknownKey = fc.string({ maxLength: 12 }).map((s) => `x-${s}`);
/** Objects with at least one member, however deep. */
const someObject = fc.dictionary(unknownKey, fc.jsonValue({ maxDepth: 4 }), { minKeys: 1, maxKeys: 4 });
const hugeString = fc.oneof(
  { weight: 9, arbitrary: fc.string({ minLength: 1001, maxLength: 4000 }) },
  // more than the 256 kB the body parser takes
  { weight: 1, arbitrary: fc.constant('9'.repeat(300_000)) },
);

/** A value of the wrong type for a field of `kind`. */
const wrongType = (kind: FieldKind, required: boolean): fc.Arbitrary<unknown> => {
  const options: fc.Arbitrary<unknown>[] = [];
  if (STRING_KINDS.includes(kind)) {
    options.push(
      fc.integer(),
      finiteDouble,
      fc.boolean(),
      fc.array(fc.string(), { maxLength: 3 }),
      someObject,
    );
  } else if (kind === 'integer') {
    options.push(
      fc.string(),
      fc.boolean(),
      fc.double({ noInteger: true, noNaN: true, noDefaultInfinity: true }),
      fc.array(fc.integer(), { maxLength: 3 }),
      someObject,
    );
  } else if (kind === 'boolean') {
    options.push(fc.string(), fc.integer(), fc.array(fc.boolean(), { maxLength: 3 }), someObject);
  } else if (OBJECT_KINDS.includes(kind)) {
    options.push(fc.string(), fc.integer(), fc.boolean(), fc.array(jsonNotNull, { maxLength: 3 }));
  } else if (kind === 'texts') {
    options.push(
      fc.string(),
      fc.integer(),
      someObject,
      fc.array(fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), someObject), {
        minLength: 1,
        maxLength: 3,
      }),
    );
  } else if (kind === 'family') {
    options.push(
      fc.string(),
      fc.integer(),
      someObject,
      fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant(null), someObject), {
        minLength: 1,
        maxLength: 3,
      }),
    );
  }
  if (required) options.push(fc.constant(null));
  return fc.oneof(...options);
};

/** A negative (or absurdly large) number where the field holds one, in the field's own shape. */
const negative = (kind: FieldKind, current: unknown): fc.Arbitrary<unknown> | undefined => {
  const minus = fc.integer({ min: 1, max: 10 ** 9 }).map((n) => `-${n}`);
  if (kind === 'decimal') return minus;
  if (kind === 'integer') return fc.oneof(fc.integer({ max: -1 }), fc.integer({ min: 100_000 }));
  if (kind === 'money') return minus.map((amount) => ({ ...(current as Body), amount }));
  if (kind === 'weight') return minus.map((value) => ({ value, unit: 'kg' }));
  if (kind === 'exchangeRate') return minus.map((rate) => ({ ...(current as Body), rate }));
  return undefined;
};

/** A huge string where the field holds text (or, for money and weights, in their amount). */
const huge = (kind: FieldKind, current: unknown): fc.Arbitrary<unknown> | undefined => {
  if (STRING_KINDS.includes(kind)) return hugeString;
  if (kind === 'texts') return hugeString.map((s) => [s]);
  if (kind === 'money' && current) return hugeString.map((amount) => ({ ...(current as Body), amount }));
  if (kind === 'integer') return fc.constant(Number.MAX_SAFE_INTEGER * 1024);
  return undefined;
};

const set = (base: Body, field: string, value: unknown): Body => ({ ...base, [field]: value });
const without = (base: Body, field: string): Body => {
  const { [field]: _dropped, ...rest } = base;
  return rest;
};

/** Valid bodies of the route with one thing broken. */
const mutants = (route: WriteRoute, base: Body): fc.Arbitrary<Thrown> => {
  const fields = Object.entries(route.fields);
  const required = fields.filter(([name, spec]) => spec.required && name in base).map(([name]) => name);
  const options: fc.Arbitrary<Thrown>[] = [];

  if (required.length > 0) {
    options.push(fc.constantFrom(...required).map((f) => ({ what: `drop ${f}`, body: without(base, f) })));
  }
  options.push(
    fc.constantFrom(...fields).chain(([f, spec]) =>
      wrongType(spec.kind, spec.required).map((v) => ({
        what: `wrong type for ${f}`,
        body: set(base, f, v),
      })),
    ),
  );
  const hugeable = fields.filter(([f, spec]) => huge(spec.kind, base[f]));
  if (hugeable.length > 0) {
    options.push(
      fc
        .constantFrom(...hugeable)
        .chain(([f, spec]) =>
          huge(spec.kind, base[f])!.map((v) => ({ what: `huge ${f}`, body: set(base, f, v) })),
        ),
    );
  }
  const negatable = fields.filter(([f, spec]) => negative(spec.kind, base[f]));
  if (negatable.length > 0) {
    options.push(
      fc
        .constantFrom(...negatable)
        .chain(([f, spec]) =>
          negative(spec.kind, base[f])!.map((v) => ({ what: `negative ${f}`, body: set(base, f, v) })),
        ),
    );
  }
  options.push(
    fc.tuple(unknownKey, fc.jsonValue({ maxDepth: 4 })).map(([k, v]) => ({
      what: `unknown field ${k}`,
      body: { ...base, [k]: v },
    })),
  );
  const nested = Object.keys(base).filter((f) => {
    const value = base[f];
    return typeof value === 'object' && value !== null;
  });
  if (nested.length > 0) {
    options.push(
      fc.tuple(fc.constantFrom(...nested), unknownKey, fc.jsonValue({ maxDepth: 4 })).map(([f, k, v]) => {
        const value = base[f];
        const garbage = Array.isArray(value)
          ? [{ ...(value[0] as Body), [k]: v }, ...value.slice(1)]
          : { ...(value as Body), [k]: v };
        return { what: `nested garbage in ${f}.${k}`, body: set(base, f, garbage) };
      }),
    );
  }
  return fc.oneof(...options);
};

/** Garbage with nothing of the route in it. */
const garbage = (base: Body): fc.Arbitrary<Thrown> =>
  fc.oneof(
    fc.anything().map((body) => ({ what: 'anything', body })),
    fc.object().map((body) => ({ what: 'any object', body })),
    fc.string({ unit: 'binary', maxLength: 200 }).map((rawBody) => ({ what: 'any text', rawBody })),
    fc.nat().map((n) => {
      const json = JSON.stringify(base);
      return { what: 'valid JSON cut short', rawBody: json.slice(0, n % json.length) };
    }),
    fc
      .constantFrom(
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/merge-patch+json',
        'application/json; charset=latin1',
        'application/json; charset=utf-16',
      )
      .map((contentType) => ({
        what: `a valid body as ${contentType}`,
        rawBody: JSON.stringify(base),
        contentType,
      })),
  );

const thrownAt = (route: WriteRoute, base: Body): fc.Arbitrary<Thrown> =>
  fc.oneof({ weight: 4, arbitrary: mutants(route, base) }, { weight: 1, arbitrary: garbage(base) });

// ----------------------------------------------------------------------------------------------
// The property
// ----------------------------------------------------------------------------------------------

/** Sends one thrown body; the answer must be a 4xx problem and the log must not have moved. */
const refusesCleanly = async (path: string, thrown: Thrown): Promise<void> => {
  const headers: Record<string, string> = thrown.contentType ? { 'content-type': thrown.contentType } : {};
  const payload = thrown.rawBody !== undefined ? { rawBody: thrown.rawBody } : { body: thrown.body };
  const reply = await ledger.call('POST', path, { ...payload, headers });
  const context = `${thrown.what} -> ${reply.status} ${JSON.stringify(reply.body)?.slice(0, 300)}`;
  if (reply.status < 400 || reply.status >= 500) throw new Error(`expected a 4xx: ${context}`);
  expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(reply.body).toEqual(
    expect.objectContaining({
      type: expect.any(String),
      title: expect.any(String),
      status: reply.status,
      detail: expect.any(String),
      code: expect.any(String),
    }),
  );
  const now = await headPosition(ledger);
  if (now !== head) throw new Error(`the log moved from ${head} to ${now}: ${context}`);
};

describe('the bodies the fuzzing starts from are valid', () => {
  test.each(WRITE_ROUTES.map((route) => [route.route, route] as const))(
    '%s accepts its base body on a fresh assignment',
    async (_name, route) => {
      const fresh = await prepareTarget(ledger, `control-${route.event.toLowerCase()}`);
      expectWritten(await ledger.call('POST', route.path(fresh), { body: route.body(fresh) }), [route.event]);
    },
  );
});

describe('random and broken bodies at every write route: always 4xx problem+json, nothing appended', () => {
  beforeAll(async () => {
    head = await headPosition(ledger);
    stream = await streamOf(ledger, target.assignmentId);
  });

  afterAll(async () => {
    expect(await streamOf(ledger, target.assignmentId)).toEqual(stream);
  });

  test.each(WRITE_ROUTES.map((route) => [route.route, route] as const))('%s', async (_name, route) => {
    const base = route.body(target);
    await fc.assert(
      fc.asyncProperty(thrownAt(route, base), (thrown) => refusesCleanly(route.path(target), thrown)),
      runOptions,
    );
    expect(await streamOf(ledger, target.assignmentId)).toEqual(stream);
  });

  test('random path segments for the assignment and the expense: 4xx, no stream appears', async () => {
    const segment = fc
      .oneof(fc.string({ maxLength: 120 }), fc.string({ unit: 'binary', maxLength: 20 }))
      .filter((s) => !['fuzz-target', 'exp-pending'].includes(s) && !s.startsWith('control-'));
    const shipment = WRITE_ROUTES.find((r) => r.event === 'ShipmentRecorded')!;
    const approval = WRITE_ROUTES.find((r) => r.event === 'ExpenseApproved')!;
    await fc.assert(
      fc.asyncProperty(segment, fc.boolean(), async (s, onExpense) => {
        const path = onExpense
          ? approval.path({ ...target, expenseId: s })
          : shipment.path({ ...target, assignmentId: s });
        await refusesCleanly(path, {
          what: `path segment ${JSON.stringify(s)}`,
          body: (onExpense ? approval : shipment).body(target),
        });
      }),
      runOptions,
    );
  });
});

describe('null in every field of every write route', () => {
  const containsNull = (value: unknown): boolean =>
    value === null || (typeof value === 'object' && Object.values(value as object).some(containsNull));
  const cases = WRITE_ROUTES.flatMap((route) =>
    Object.keys(route.fields).map((field) => [route.route, field, route] as const),
  );

  test.each(cases)(
    '%s with %s: null is absent (201 storing no null) or refused (4xx appending nothing)',
    async (_name, field, route) => {
      const fresh = await prepareTarget(ledger, `null-${route.event.toLowerCase()}-${field.toLowerCase()}`);
      const before = await headPosition(ledger);
      const reply = await ledger.call('POST', route.path(fresh), {
        body: { ...route.body(fresh), [field]: null },
      });
      const context = `${reply.status} ${JSON.stringify(reply.body)?.slice(0, 300)}`;
      if (reply.status === 201) {
        const history = await ledger.call('GET', `/assignments/${reply.body.assignmentId}/events`);
        const stored = history.body.events.at(-1);
        expect(stored.eventId).toBe(reply.body.events[0].eventId);
        if (containsNull(stored.data)) throw new Error(`null stored in ${JSON.stringify(stored.data)}`);
        return;
      }
      if (reply.status < 400 || reply.status >= 500) throw new Error(`expected 201 or a 4xx: ${context}`);
      expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await headPosition(ledger)).toBe(before);
    },
  );
});

describe('corrections with random replacements', () => {
  /** Field names of the corrected events (shipment, expense claim, fund deposit) and a few strangers. */
  const field = fc.oneof(
    fc.constantFrom(
      'shipmentId',
      'direction',
      'mode',
      'shippedOn',
      'weightLb',
      'weight',
      'containers',
      'containerSize',
      'exceptionApprovedBy',
      'expenseId',
      'category',
      'amount',
      'exchangeRate',
      'incurredOn',
      'receipts',
      'description',
      'cabin',
      'economyFare',
      'depositedOn',
    ),
    fc.string({ maxLength: 12 }),
  );
  const decimal = fc.constantFrom('0', '1', '470', '500.000001', '-1', '1e3', '99999999999999999', 'NaN', '');
  const value = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    decimal,
    fc.constantFrom(
      '2005-03-01',
      '2005-02-30',
      '2004-01-01',
      '2007-01-01',
      'sea',
      'return',
      '40ft',
      'business',
    ),
    fc.constantFrom('home-leave-lodging', 'housing-rent', 'outbound-airfare'),
    fc.record({ amount: decimal, currency: fc.constantFrom('USD', 'CNY', 'XXX', 'usd') }),
    fc.record({ value: decimal, unit: fc.constantFrom('kg', 'lb', 'st') }),
    fc.record({ rate: decimal, source: fc.string(), asOf: fc.constantFrom('2005-01-31', 'yesterday') }),
  );

  test('201 or a 4xx problem, never a 5xx; a refusal appends nothing, an acceptance one event', async () => {
    const fuzzed = await prepareTarget(ledger, 'fuzz-corrections');
    const history = (await ledger.call('GET', '/assignments/fuzz-corrections/events')).body.events as {
      eventId: string;
      type: string;
    }[];
    const correctable = history
      .filter((e) => e.type !== 'AssignmentStarted' && e.type !== 'ExceptionRequested')
      .map((e) => e.eventId);
    expect(correctable).toHaveLength(3);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...correctable),
        fc.dictionary(field, value, { maxKeys: 4 }),
        fc.boolean(),
        async (eventId, replacement, voiding) => {
          const before = await headPosition(ledger);
          const body = voiding
            ? { correctsEventId: eventId, reason: 'fuzz', void: true }
            : { correctsEventId: eventId, reason: 'fuzz', replacement };
          const reply = await ledger.call('POST', `/assignments/${fuzzed.assignmentId}/corrections`, {
            body,
          });
          const after = await headPosition(ledger);
          const context = `${JSON.stringify(body)} -> ${reply.status} ${JSON.stringify(reply.body)?.slice(0, 300)}`;
          if (reply.status === 201) {
            if (after !== before + 1)
              throw new Error(`accepted but the log moved by ${after - before}: ${context}`);
            return;
          }
          if (reply.status < 400 || reply.status >= 500) throw new Error(`expected 201 or a 4xx: ${context}`);
          expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
          if (after !== before)
            throw new Error(`refused but the log moved from ${before} to ${after}: ${context}`);
        },
      ),
      { ...runOptions, numRuns: 80 },
    );
  });
});

describe('random read parameters', () => {
  test('asOf, knownAt and minPosition garbage on the entitlements: 200 or 400, never 5xx', async () => {
    const value = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
    );
    await fc.assert(
      fc.asyncProperty(
        value,
        value,
        fc.oneof(
          // a position beyond the head would wait and answer 503 by design: only non-numbers and 0
          fc.string({ maxLength: 8 }).filter((s) => !/^\d{1,15}$/.test(s)),
          fc.integer({ max: 0 }).map(String),
        ),
        async (asOf, knownAt, minPosition) => {
          const query = new URLSearchParams({ asOf, knownAt, minPosition });
          const reply = await ledger.call(
            'GET',
            `/assignments/${target.assignmentId}/entitlements?${query}`,
            {
              role: 'auditor',
            },
          );
          const context = `${query} -> ${reply.status} ${JSON.stringify(reply.body)?.slice(0, 300)}`;
          if (![200, 400].includes(reply.status)) throw new Error(`expected 200 or 400: ${context}`);
          if (reply.status === 400)
            expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        },
      ),
      runOptions,
    );
  });

  test('knownAt in ISO 8601 week or ordinal form (valid ISO, no instant) is 400, not 500', async () => {
    for (const knownAt of ['2005-W03-2', '2005-018']) {
      for (const route of ['events', 'entitlements']) {
        const reply = await ledger.call(
          'GET',
          `/assignments/${target.assignmentId}/${route}?knownAt=${knownAt}`,
          {
            role: 'auditor',
          },
        );
        expect([route, knownAt, reply.status, reply.body.code]).toEqual([
          route,
          knownAt,
          400,
          'REQUEST.INVALID',
        ]);
        expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      }
    }
  });
});
