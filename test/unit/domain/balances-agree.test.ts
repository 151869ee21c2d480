/**
 * The balance rules live once (src/domain/assignment/balances/): the decider keeps them up to date fact by
 * fact (adding, correcting, voiding), the entitlements query folds the facts known and dated on or before
 * an as-of date. For any history the decider accepts, and any as-of date, both must give the same figures.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  decide,
  EVENTS,
  foldEvents,
  initialState,
  isPolicyViolation,
  type AssignmentCommand,
  type AssignmentEvent,
  type AssignmentState,
  type Envelope,
} from '../../../src/domain/assignment/index.js';
import { expenseTotals } from '../../../src/domain/assignment/balances/expenses.js';
import { fundBalance } from '../../../src/domain/assignment/balances/funds.js';
import { homeLeaveBalance } from '../../../src/domain/assignment/balances/home-leave.js';
import { vacationBalance } from '../../../src/domain/assignment/balances/time-off.js';
import {
  daysOffYear,
  homeLeaveYear,
  policyInForce,
  shipmentBalancesOf,
} from '../../../src/domain/assignment/state.js';
import { addDays } from '../../../src/domain/shared/calendar.js';
import {
  entitlementsOf,
  evolveEntitlements,
  initEntitlementsDoc,
  type ProjectedEvent,
} from '../../../projections/index.js';
import { EXPENSE_CATEGORIES } from '../../../src/domain/assignment/events.js';
import { startCommand, usd } from './fixtures.js';

const FIRST_DAY = '2005-01-18';
const day = (offset: number): string => addDays(FIRST_DAY, offset);

/** A command drawn over about two years of the assignment; many are refused, as in real life. */
const commandArb = (n: number): fc.Arbitrary<AssignmentCommand | AssignmentCommand[]> =>
  fc.oneof(
    fc
      .record({
        direction: fc.constantFrom('outbound' as const, 'return' as const),
        mode: fc.constantFrom('air' as const, 'sea' as const),
        lb: fc.integer({ min: 1, max: 900 }),
        at: fc.integer({ min: 0, max: 700 }),
        exception: fc.boolean(),
      })
      .map(({ direction, mode, lb, at, exception }) => ({
        type: 'RecordShipment' as const,
        data: {
          shipmentId: `s-${n}`,
          direction,
          mode,
          shippedOn: day(at),
          weightLb: String(lb),
          ...(exception && mode === 'air' ? { exceptionApprovedBy: 'COO' } : {}),
        },
      })),
    fc
      .record({
        who: fc.constantFrom('employee' as const, 'spouse' as const),
        other: fc.boolean(),
        at: fc.integer({ min: 0, max: 700 }),
      })
      .map(({ who, other, at }) => ({
        type: 'TakeHomeLeaveTrip' as const,
        data: {
          tripId: `t-${n}`,
          traveller: who,
          destination: who === 'spouse' ? ('host' as const) : other ? ('other' as const) : ('home' as const),
          departedOn: day(at),
          fare: usd('900.00'),
          ...(other ? { homeFare: usd('1200.00') } : {}),
        },
      })),
    fc.integer({ min: 0, max: 700 }).map((at) => ({
      type: 'ObserveHostHoliday' as const,
      data: { date: day(at), name: `holiday ${n}` },
    })),
    fc
      .record({ at: fc.integer({ min: 0, max: 700 }), days: fc.integer({ min: 1, max: 5 }) })
      .map(({ at, days }) => ({
        type: 'TakeVacation' as const,
        data: { from: day(at), to: day(at + days - 1), days },
      })),
    fc
      .record({ at: fc.integer({ min: 0, max: 700 }), cents: fc.integer({ min: 1, max: 90000 }) })
      .map(({ at, cents }) => ({
        type: 'DepositReturnAirfreightFund' as const,
        data: { depositedOn: day(at), amount: usd((cents / 100).toFixed(2)) },
      })),
    fc
      .record({ at: fc.integer({ min: 0, max: 700 }), cents: fc.integer({ min: 1, max: 50000 }) })
      .map(({ at, cents }) => ({
        type: 'DrawReturnAirfreightFund' as const,
        data: { drawnOn: day(at), amount: usd((cents / 100).toFixed(2)), description: 'airfreight' },
      })),
    fc
      .record({
        at: fc.integer({ min: 0, max: 700 }),
        cents: fc.integer({ min: 1, max: 90000 }),
        category: fc.constantFrom(...EXPENSE_CATEGORIES),
        decision: fc.constantFrom('none', 'approve', 'reject'),
        after: fc.integer({ min: 0, max: 60 }),
      })
      .map(({ at, cents, category, decision, after }): AssignmentCommand[] => {
        const expenseId = `x-${n}`;
        const claim: AssignmentCommand = {
          type: 'ClaimExpense',
          data: {
            expenseId,
            category,
            amount: usd((cents / 100).toFixed(2)),
            incurredOn: day(at),
            receipts: ['r-1'],
            description: 'claimed',
          },
        };
        if (decision === 'none') return [claim];
        return [
          claim,
          decision === 'approve'
            ? { type: 'ApproveExpense', data: { expenseId, approvedBy: 'hr', approvedOn: day(at + after) } }
            : {
                type: 'RejectExpense',
                data: { expenseId, rejectedBy: 'hr', rejectedOn: day(at + after), reason: 'no' },
              },
        ];
      }),
    fc.integer({ min: 0, max: 700 }).map((at) => ({
      type: 'PayMiscellaneousAllowance' as const,
      data: { paidOn: day(at) },
    })),
    fc.integer({ min: 200, max: 700 }).map((at) => ({
      type: 'EndAssignment' as const,
      data: { reason: 'completed' as const, endedOn: day(at) },
    })),
    fc.record({ target: fc.nat(), lb: fc.integer({ min: 1, max: 900 }) }).map(({ target, lb }) => ({
      type: 'CorrectEvent' as const,
      data: {
        correctsEventId: `pick:${target}`,
        reason: 'weighed again',
        replacement: { weightLb: String(lb) },
      },
    })),
    fc
      .record({
        term: fc.constantFrom(
          'outbound-air-weight' as const,
          'outbound-containers' as const,
          'home-leave-trips' as const,
        ),
        limit: fc.integer({ min: 0, max: 900 }),
        at: fc.integer({ min: -20, max: 700 }),
        after: fc.integer({ min: 0, max: 60 }),
        year: fc.constantFrom(2005, 2006),
        decision: fc.constantFrom('approve', 'grant-less', 'decline', 'pending', 'self-approve'),
      })
      .map(({ term, limit, at, after, year, decision }): AssignmentCommand[] => {
        const exceptionId = `x-${n}`;
        const requestedLimit = String(term === 'outbound-air-weight' ? limit : limit % 6);
        const decidedOn = day(at + after);
        const request: AssignmentCommand = {
          type: 'RequestException',
          data: {
            exceptionId,
            term,
            requestedLimit,
            ...(term === 'home-leave-trips' ? { year } : {}),
            reason: 'generated',
            requestedBy: 'mobility',
            requestedOn: day(at),
          },
        };
        if (decision === 'pending') return [request];
        if (decision === 'decline') {
          return [
            request,
            {
              type: 'DeclineException',
              data: { exceptionId, declinedBy: 'hr', declinedOn: decidedOn, reason: 'no' },
            },
          ];
        }
        const grantedLimit =
          decision === 'grant-less' ? String(Math.floor(Number(requestedLimit) / 2)) : undefined;
        return [
          request,
          {
            type: 'ApproveException',
            data: {
              exceptionId,
              approvedBy: decision === 'self-approve' ? 'mobility' : 'hr',
              approvedOn: decidedOn,
              ...(grantedLimit !== undefined ? { grantedLimit } : {}),
            },
          },
        ];
      }),
    fc.nat().map((target) => ({
      type: 'VoidEvent' as const,
      data: { correctsEventId: `pick:${target}`, reason: 'recorded in error' },
    })),
  );

const historyArb = fc
  .array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 5, maxLength: 40 })
  .chain((seeds) => fc.tuple(...seeds.map((_, i) => commandArb(i))));

/** Runs the commands through the decider; the refused ones record nothing. */
const record = (commands: readonly (AssignmentCommand | AssignmentCommand[])[]): Envelope[] => {
  const events: Envelope[] = [];
  let state: AssignmentState = initialState();
  const append = (event: AssignmentEvent): void => {
    const i = events.length;
    const envelope = {
      ...event,
      eventId: `e-${i}`,
      recordedAt: `2007-01-01T00:00:${String(i).padStart(2, '0')}.000Z`,
      position: i + 1,
      revision: i,
    } as Envelope;
    events.push(envelope);
    state = foldEvents([envelope], state);
  };
  for (const e of decide(startCommand({ expectedEndDate: day(400) }), state)) append(e);
  for (const command of commands.flat()) {
    let resolved = command;
    if ('correctsEventId' in command.data && command.data.correctsEventId.startsWith('pick:')) {
      const target = events[Number(command.data.correctsEventId.slice(5)) % events.length]!;
      resolved = {
        ...command,
        data: { ...command.data, correctsEventId: target.eventId },
      } as AssignmentCommand;
    }
    try {
      for (const e of decide(resolved, state)) append(e);
    } catch (error) {
      if (!isPolicyViolation(error)) throw error;
    }
  }
  return events;
};

/** The events a decider would have seen by `asOf`: the start, those dated on or before it, mends with their target. */
const datedBy = (events: readonly Envelope[], asOf: string): Envelope[] => {
  const kept = new Set<string>();
  return events.filter((e) => {
    if (e.type === 'EventCorrected' || e.type === 'EventVoided') return kept.has(e.data.correctsEventId);
    const field = e.type === 'AssignmentStarted' ? null : (EVENTS[e.type].businessDate as string | null);
    const date = field === null ? undefined : (e.data as Record<string, unknown>)[field];
    if (typeof date === 'string' && date > asOf) return false;
    kept.add(e.eventId);
    return true;
  });
};

const entitlementsAsOf = (events: readonly Envelope[], asOf: string) => {
  let doc = initEntitlementsDoc('prop');
  for (const e of events) {
    const projected: ProjectedEvent = {
      streamId: 'assignment-prop',
      eventId: e.eventId,
      type: e.type,
      data: e.data as Record<string, unknown>,
      recordedAt: e.recordedAt,
      position: e.position!,
      revision: e.revision!,
    };
    doc = evolveEntitlements(doc, projected);
  }
  return entitlementsOf(doc, { asOf })!;
};

describe("the decider's balances and the entitlements agree", () => {
  it('for every generated history and as-of date (property)', () => {
    fc.assert(
      fc.property(
        historyArb,
        fc.array(fc.integer({ min: -10, max: 800 }), { minLength: 1, maxLength: 4 }),
        (commands, offsets) => {
          const events = record(commands);
          for (const asOf of [...offsets.map(day), '2099-12-31']) {
            const answer = entitlementsAsOf(events, asOf);
            const state = foldEvents(datedBy(events, asOf));
            const policy = state.assignment!.policy;
            // Exceptions approved by the as-of date replace the limits (for trips, of their year).
            expect(shipmentBalancesOf(state)).toEqual(answer.shipments);
            for (const year of answer.homeLeave.years) {
              expect({
                year: year.year,
                ...homeLeaveBalance(
                  homeLeaveYear(state, year.year),
                  policyInForce(state, year.year)!,
                  year.closed,
                ),
                closed: year.closed,
              }).toEqual(year);
            }
            for (const year of answer.vacation.years) {
              expect({ year: year.year, ...vacationBalance(daysOffYear(state, year.year), policy) }).toEqual(
                year,
              );
            }
            expect(fundBalance(state.returnAirfreightFund)).toEqual(answer.funds.returnAirfreight);
            const { byCategory, totals } = expenseTotals(Object.values(state.expenses), 'USD');
            expect({ byCategory, totals }).toEqual({
              byCategory: answer.expenses.byCategory,
              totals: answer.expenses.totals,
            });
            expect(state.miscellaneousAllowance !== null).toBe(answer.allowances.miscellaneous.paid);
            expect(state.status === 'ended').toBe(answer.status === 'ended');
            for (const limit of answer.limits.filter((l) => l.term === 'outbound-air-weight')) {
              expect(limit.limit).toBe(policyInForce(state)!.outboundAirLimitLb);
            }
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
