import { describe, expect, it } from '@jest/globals';
import {
  approvedExpensesUsd,
  decider,
  foldEvents,
  foldEventsInto,
  initialState,
  leaseInForce,
  outboundAirRemainingLb,
  returnRemainingLb,
} from '../../../src/domain/assignment/index.js';
import { claimed, ended, leaseApproved, shipped, started, tripTaken, usd } from './fixtures.js';
import { envelopes, withId } from './specification.js';

describe('the state folded from the stream', () => {
  const history = envelopes([
    started(),
    shipped('air-1', 'outbound', 'air', '480'),
    shipped('sea-1', 'outbound', 'sea', '9000'),
    shipped('back-1', 'return', 'air', '480'),
    tripTaken('t1', '2005-03-01'),
    tripTaken('t2', '2005-04-01', 'spouse'),
    tripTaken('t3', '2005-05-01', 'employee', 'other'),
    claimed('exp-1', 'travel-meals-incidentals', '84.20'),
    {
      type: 'ExpenseApproved',
      data: { expenseId: 'exp-1', approvedBy: 'hr', approvedOn: '2005-02-01', reimbursableUsd: usd('84.20') },
    },
    claimed('exp-2', 'host-transportation', '12.00'),
    { type: 'ExpenseRejected', data: { expenseId: 'exp-2', rejectedBy: 'hr', reason: 'no receipt' } },
    leaseApproved('lease-1', '2005-02-01', '2000.00'),
    { type: 'MiscellaneousAllowancePaid', data: { paidOn: '2005-01-31', amount: usd('2500.00') } },
    ended('2005-07-18', 'completed'),
    { type: 'ReturnAirfreightFundDeposited', data: { depositedOn: '2005-07-18', amount: usd('900.00') } },
    {
      type: 'ReturnAirfreightFundDrawn',
      data: { drawnOn: '2005-07-25', amount: usd('650.00'), description: 'waybill' },
    },
  ]);
  const state = foldEvents(history);

  it('derives the balances HR asks about', () => {
    expect(state).toMatchObject({
      status: 'ended',
      ended: { reason: 'completed', endedOn: '2005-07-18' },
      outboundAirLb: '480',
      outboundSeaLb: '9000',
      outboundTotalLb: '9480',
      containersUsed: 1,
      returnUsedLb: '480',
      returnCapLb: '10480',
      homeLeave: { '2005': { taken: 3, byEmployee: 2, bySpouse: 1, otherDestination: 1 } },
      miscellaneousAllowance: { paidOn: '2005-01-31', amount: usd('2500.00') },
      returnAirfreightFund: { deposited: usd('900.00'), drawn: usd('650.00') },
    });
    expect(state.expenses['exp-1']?.status).toBe('approved');
    expect(state.expenses['exp-2']?.status).toBe('rejected');
    expect(outboundAirRemainingLb(state)).toBe('20');
    expect(returnRemainingLb(state)).toBe('10000');
    expect(approvedExpensesUsd(state)).toEqual(usd('84.20'));
    expect(leaseInForce(state, '2005-03-01')?.approvedMonthlyUsd).toEqual(usd('2000.00'));
    expect(leaseInForce(state, '2005-01-31')).toBeNull();
  });

  it('keeps every fact by eventId', () => {
    expect(Object.keys(state.facts)).toHaveLength(history.length);
    expect(state.facts['evt-2']).toMatchObject({ type: 'ShipmentRecorded', correctedBy: [], voidedBy: null });
  });

  it('ignores an event delivered twice', () => {
    expect(decider.evolve(state, history[1]!)).toBe(state);
  });

  it('swaps a correction in and cancels a void, and does not change the state it was given', () => {
    const before = foldEvents(history.slice(0, 3));
    const corrected = decider.evolve(
      before,
      withId('fix', {
        type: 'EventCorrected',
        data: {
          correctsEventId: 'evt-2',
          correctedType: 'ShipmentRecorded',
          reason: 'scale',
          replacement: shipped('air-1', 'outbound', 'air', '450').data,
        },
      }),
    );
    expect(corrected.outboundAirLb).toBe('450');
    expect(corrected.facts['evt-2']?.correctedBy).toEqual(['fix']);
    expect(before.outboundAirLb).toBe('480');
    const voided = decider.evolve(
      corrected,
      withId('void', {
        type: 'EventVoided',
        data: { correctsEventId: 'evt-3', correctedType: 'ShipmentRecorded', reason: 'twice' },
      }),
    );
    expect(voided).toMatchObject({
      outboundSeaLb: '0',
      containersUsed: 0,
      outboundTotalLb: '450',
      returnCapLb: '1450',
    });
    expect(voided.facts['evt-3']?.voidedBy).toBe('void');
  });

  it('keeps the decision of a claim corrected in an imported history', () => {
    const fixed = decider.evolve(
      state,
      withId('fix', {
        type: 'EventCorrected',
        data: {
          correctsEventId: 'evt-8',
          correctedType: 'ExpenseClaimed',
          reason: 'typo',
          replacement: claimed('exp-1', 'travel-meals-incidentals', '80.00').data,
        },
      }),
    );
    expect(fixed.expenses['exp-1']).toMatchObject({ status: 'approved', amountUsd: usd('80.00') });
  });

  it('starts empty', () => {
    expect(decider.initialState()).toEqual(initialState());
    expect(initialState().status).toBe('not-started');
  });

  it('gives the same state folding in one pass or event by event, without touching the states it is given', () => {
    const snapshot = JSON.stringify(state);
    const stepwise = history.reduce(decider.evolve, initialState());
    expect(stepwise).toEqual(state);
    decider.evolve(state, withId('late', tripTaken('t9', '2005-06-01')));
    foldEvents([withId('later', tripTaken('t10', '2005-06-02'))], state);
    expect(JSON.stringify(state)).toBe(snapshot);
  });

  it('folds into a state its caller owns in place, to what folding a copy gives', () => {
    const owned = foldEvents(history.slice(0, 5));
    const folded = foldEventsInto(owned, history.slice(5));
    expect(folded).toBe(owned);
    expect(folded).toEqual(state);
    // Events already folded in change nothing, as with foldEvents.
    expect(foldEventsInto(owned, history)).toEqual(state);
  });

  it('folds a long stream in one pass (2,000 events well under a second)', () => {
    const many = envelopes([
      started({ expectedEndDate: '2030-12-31' }),
      ...Array.from({ length: 2000 }, (_, i) => claimed(`e-${i}`, 'host-transportation', '1.00')),
    ]);
    const t0 = performance.now();
    const folded = foldEvents(many);
    expect(Object.keys(folded.expenses)).toHaveLength(2000);
    expect(performance.now() - t0).toBeLessThan(500);
  });
});
