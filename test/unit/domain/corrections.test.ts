import { describe, expect, it } from '@jest/globals';
import {
  CORRECTION_FIELDS,
  type AssignmentCommand,
  type CorrectEventData,
} from '../../../src/domain/assignment/index.js';
import { claimed, ended, shipped, started, tripTaken, usd } from './fixtures.js';
import { given, withId } from './specification.js';

const correct = (
  correctsEventId: string,
  replacement: CorrectEventData['replacement'],
): AssignmentCommand => ({
  type: 'CorrectEvent',
  data: { correctsEventId, reason: 'data-entry mistake', replacement },
});
const voidIt = (correctsEventId: string): AssignmentCommand => ({
  type: 'VoidEvent',
  data: { correctsEventId, reason: 'recorded twice' },
});

const START = withId('start', started({ expectedEndDate: '2006-06-30' }));
const AIR = withId('air', shipped('air-1', 'outbound', 'air', '480'));

describe('correcting a recorded event: its data is replaced, the original stays', () => {
  it('records the whole corrected data, derived values computed again', () => {
    given([START, AIR])
      .when(correct('air', { weight: { value: '220', unit: 'kg' } }))
      .then([
        {
          type: 'EventCorrected',
          data: {
            correctsEventId: 'air',
            correctedType: 'ShipmentRecorded',
            reason: 'data-entry mistake',
            replacement: {
              shipmentId: 'air-1',
              direction: 'outbound',
              mode: 'air',
              shippedOn: '2005-01-10',
              weight: { lb: '485.016977', original: { value: '220', unit: 'kg' } },
            },
          },
        },
      ]);
  });

  it('checks the corrected event against every other fact, not against itself', () => {
    given([START, AIR])
      .when(correct('air', { weightLb: '500' }))
      .thenState((s) => {
        expect(s.outboundAirLb).toBe('500');
        expect(s.facts['air']?.data).toMatchObject({ weight: { lb: '500' } });
        expect(s.facts['air']?.correctedBy).toHaveLength(1);
      });
    given([START, AIR])
      .when(correct('air', { weightLb: '500.01' }))
      .thenThrows('SHIPMENT.OUTBOUND_AIR_LIMIT_EXCEEDED', '4');
  });

  it('keeps the rules that tie facts together: a smaller outbound shipment must still cover the returns', () => {
    const history = [START, AIR, ended('2005-07-18'), shipped('back', 'return', 'air', '1400')];
    given(history)
      .when(correct('air', { weightLb: '399.99' }))
      .thenThrows('SHIPMENT.RETURN_CAP_EXCEEDED', '4');
    given(history)
      .when(correct('air', { weightLb: '400' }))
      .thenState((s) => expect(s.returnCapLb).toBe('1400'));
  });

  it('corrects after the end', () => {
    given([START, AIR, ended('2005-07-18')])
      .when(correct('air', { shippedOn: '2005-01-11' }))
      .thenEvents((events) => expect(events).toHaveLength(1));
  });

  it('moves a trip to another year, and refuses to move it into a full one', () => {
    const history = [
      START,
      withId('t1', tripTaken('t1', '2005-03-01')),
      withId('t2', tripTaken('t2', '2006-02-01')),
      withId('t3', tripTaken('t3', '2006-03-01')),
      withId('t4', tripTaken('t4', '2006-04-01')),
    ];
    given(history)
      .when(correct('t1', { departedOn: '2006-05-01' }))
      .thenThrows('HOME_LEAVE.NO_TRIPS_LEFT', '10');
    given(history)
      .when(correct('t2', { departedOn: '2005-12-31' }))
      .thenState((s) => {
        expect(s.homeLeave['2005']?.taken).toBe(2);
        expect(s.homeLeave['2006']?.taken).toBe(2);
      });
  });

  it('corrects a correction: the latest replacement is the base', () => {
    const first = withId('fix-1', {
      type: 'EventCorrected',
      data: {
        correctsEventId: 'air',
        correctedType: 'ShipmentRecorded',
        reason: 'typo',
        replacement: { ...shipped('air-1', 'outbound', 'air', '300').data },
      },
    });
    given([START, AIR, first])
      .when(correct('air', { shippedOn: '2005-01-12' }))
      .thenEvents(([event]) =>
        expect(event).toMatchObject({
          data: { replacement: { shippedOn: '2005-01-12', weight: { lb: '300' } } },
        }),
      );
  });

  it('removes an optional field with null', () => {
    given([
      START,
      withId('trip', {
        ...tripTaken('trip', '2005-03-01'),
        data: { ...tripTaken('trip', '2005-03-01').data, returnedOn: '2005-03-10' },
      }),
    ])
      .when(correct('trip', { returnedOn: null }))
      .thenEvents(([event]) =>
        expect(event?.data).toMatchObject({
          replacement: expect.not.objectContaining({ returnedOn: expect.anything() }),
        }),
      );
  });

  it('refuses a correction that changes nothing, changes the id, or brings unknown or malformed fields', () => {
    given([START, AIR])
      .when(correct('air', { weightLb: '480' }))
      .thenThrows('CORRECTION.NO_CHANGE', '4');
    given([START, AIR])
      .when(correct('air', { shipmentId: 'air-2' }))
      .thenThrows('CORRECTION.IDENTITY_CHANGED');
    const unknown = given([START, AIR])
      .when(correct('air', { colour: 'red' }))
      .thenThrows('COMMAND.INVALID');
    expect(unknown.httpStatus).toBe(400);
    expect(unknown.details).toEqual({
      errors: [{ field: 'colour', problem: 'not a field of ShipmentRecorded' }],
    });
    given([START, AIR])
      .when(correct('air', { weightLb: 'heavy' }))
      .thenThrows('COMMAND.INVALID');
    given([START, AIR])
      .when(correct('air', { shippedOn: null }))
      .thenThrows('COMMAND.INVALID');
  });

  it('corrects an undecided claim only: a decided one is voided and claimed again', () => {
    const claim = withId('claim', claimed('exp-1', 'travel-meals-incidentals', '84.20'));
    const approved = withId('approval', {
      type: 'ExpenseApproved',
      data: { expenseId: 'exp-1', approvedBy: 'hr', approvedOn: '2005-02-15', reimbursableUsd: usd('84.20') },
    });
    given([START, claim])
      .when(correct('claim', { amount: usd('48.20') }))
      .thenState((s) => expect(s.expenses['exp-1']?.amountUsd).toEqual(usd('48.20')));
    given([START, claim, approved])
      .when(correct('claim', { amount: usd('48.20') }))
      .thenThrows('EXPENSE.ALREADY_DECIDED', '4');
    given([START, claim, approved])
      .when(voidIt('claim'))
      .thenState((s) => expect(s.expenses['exp-1']).toBeUndefined());
    given([START, claim])
      .when(correct('claim', { category: 'home-leave-meals' }))
      .thenThrows('HOME_LEAVE.NOT_REIMBURSABLE', '10');
  });

  it('publishes the replaceable fields of every correctable event type', () => {
    expect(CORRECTION_FIELDS.ShipmentRecorded).toMatchObject({
      weightLb: 'decimal',
      weight: 'weight',
      shippedOn: 'date',
    });
    expect(Object.keys(CORRECTION_FIELDS)).toHaveLength(13);
  });
});

describe('voiding a recorded event: it no longer counts, the original stays', () => {
  it('records the void and frees what the event used', () => {
    const full = [
      START,
      withId('t1', tripTaken('t1', '2005-03-01')),
      withId('t2', tripTaken('t2', '2005-04-01')),
      withId('t3', tripTaken('t3', '2005-05-01')),
    ];
    given(full)
      .when(voidIt('t2'))
      .then([
        {
          type: 'EventVoided',
          data: { correctsEventId: 't2', correctedType: 'HomeLeaveTripTaken', reason: 'recorded twice' },
        },
      ]);
    const voided = withId('void-t2', {
      type: 'EventVoided',
      data: { correctsEventId: 't2', correctedType: 'HomeLeaveTripTaken', reason: 'recorded twice' },
    });
    given([...full, voided])
      .when({
        type: 'TakeHomeLeaveTrip',
        data: {
          tripId: 't4',
          traveller: 'employee',
          destination: 'home',
          departedOn: '2005-09-01',
          fare: usd('1450'),
        },
      })
      .thenState((s) => expect(s.homeLeave['2005']?.taken).toBe(3));
  });

  it('lets the miscellaneous allowance be paid again once its payment is voided', () => {
    const paid = withId('misc', {
      type: 'MiscellaneousAllowancePaid',
      data: { paidOn: '2005-01-31', amount: usd('2500.00') },
    });
    const voided = withId('void', {
      type: 'EventVoided',
      data: { correctsEventId: 'misc', correctedType: 'MiscellaneousAllowancePaid', reason: 'wrong account' },
    });
    given([START, paid, voided])
      .when({ type: 'PayMiscellaneousAllowance', data: { paidOn: '2005-02-01' } })
      .thenEvents((events) => expect(events).toHaveLength(1));
  });

  it('refuses a void that would break a rule tying facts together', () => {
    given([START, AIR, shipped('back', 'return', 'air', '1001')])
      .when(voidIt('air'))
      .thenThrows('SHIPMENT.RETURN_CAP_EXCEEDED');
    const deposit = withId('dep', {
      type: 'ReturnAirfreightFundDeposited',
      data: { depositedOn: '2005-07-01', amount: usd('800.00') },
    });
    const draw = {
      type: 'ReturnAirfreightFundDrawn' as const,
      data: { drawnOn: '2005-07-20', amount: usd('500.00'), description: 'waybill' },
    };
    given([START, deposit, draw]).when(voidIt('dep')).thenThrows('FUND.INSUFFICIENT', 'intro');
  });
});

describe('what may be mended', () => {
  const voided = withId('void', {
    type: 'EventVoided',
    data: { correctsEventId: 'air', correctedType: 'ShipmentRecorded', reason: 'twice' },
  });

  it('needs an event of this stream', () => {
    given([START, AIR]).when(voidIt('elsewhere')).thenThrows('CORRECTION.UNKNOWN_EVENT');
  });

  it('leaves the start, extensions, the end, decisions and corrections alone', () => {
    given([START, AIR]).when(voidIt('start')).thenThrows('CORRECTION.NOT_CORRECTABLE', 'intro');
    given([START, AIR, voided]).when(voidIt('void')).thenThrows('CORRECTION.NOT_CORRECTABLE');
    given([START, AIR, withId('end', ended())])
      .when(correct('end', { endedOn: '2005-07-19' }))
      .thenThrows('CORRECTION.NOT_CORRECTABLE');
  });

  it('mends a voided event no more', () => {
    given([START, AIR, voided]).when(voidIt('air')).thenThrows('CORRECTION.ALREADY_VOIDED', '4');
    given([START, AIR, voided])
      .when(correct('air', { weightLb: '1' }))
      .thenThrows('CORRECTION.ALREADY_VOIDED');
  });
});
