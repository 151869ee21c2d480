import { describe, expect, it } from '@jest/globals';
import { LETTER_POLICY, type AssignmentCommand, type Clause } from '../../../src/domain/assignment/index.js';
import { ended, shipped, started, startCommand, usd, EMPLOYEE } from './fixtures.js';
import { given } from './specification.js';

const extend = (decidedOn: string, newExpectedEndDate: string): AssignmentCommand => ({
  type: 'ExtendAssignment',
  data: { decidedOn, newExpectedEndDate, reason: 'open to an extension' },
});

describe('starting an assignment (intro)', () => {
  it('records the letter: employee, dates, family, salary and every policy term at its default', () => {
    given().when(startCommand()).then([started()]);
  });

  it('captures overridden terms in the first event, so later default changes never touch it', () => {
    given()
      .when(startCommand({ policy: { outboundAirLimitLb: '600', otherDestinationFareRule: 'reject' } }))
      .thenEvents(([event]) => {
        expect(event).toMatchObject({
          type: 'AssignmentStarted',
          data: {
            policy: { ...LETTER_POLICY, outboundAirLimitLb: '600', otherDestinationFareRule: 'reject' },
          },
        });
      });
  });

  it('starts only once per stream', () => {
    given([started()]).when(startCommand()).thenThrows('ASSIGNMENT.ALREADY_STARTED', 'intro');
  });

  it('needs the expected end after the effective date', () => {
    given()
      .when(startCommand({ expectedEndDate: '2005-01-18' }))
      .thenThrows('ASSIGNMENT.END_BEFORE_START');
    given()
      .when(startCommand({ expectedEndDate: '2005-01-17' }))
      .thenThrows('ASSIGNMENT.END_BEFORE_START');
    given()
      .when(startCommand({ expectedEndDate: '2005-01-19' }))
      .thenEvents(([event]) => expect(event?.type).toBe('AssignmentStarted'));
  });

  it('starts with an indefinite tax home when planned beyond one year', () => {
    given()
      .when(startCommand({ expectedEndDate: '2006-01-19' }))
      .thenState((state) => {
        expect(state.taxHomeStatus).toBe('indefinite');
        expect(state.taxHomeIndefiniteFrom).toBe('2005-01-18');
      });
  });

  it('answers every other command with NOT_STARTED (HTTP 404) on an empty stream', () => {
    const violation = given().when(extend('2005-06-01', '2005-12-31')).thenThrows('ASSIGNMENT.NOT_STARTED');
    expect(violation.httpStatus).toBe(404);
    given()
      .when({ type: 'EndAssignment', data: { reason: 'completed', endedOn: '2005-07-18' } })
      .thenThrows('ASSIGNMENT.NOT_STARTED');
    given()
      .when({ type: 'VoidEvent', data: { correctsEventId: 'x', reason: 'typo' } })
      .thenThrows('ASSIGNMENT.NOT_STARTED');
  });
});

describe('extending an assignment (intro, Rev. Rul. 93-86)', () => {
  it('records the previous and new expected end; six more months keep the tax home temporary', () => {
    // 2005-01-18 to 2006-01-18 is 365 days: not more than one year.
    given([started()])
      .when(extend('2005-06-01', '2006-01-18'))
      .then([
        {
          type: 'AssignmentExtended',
          data: {
            decidedOn: '2005-06-01',
            previousExpectedEndDate: '2005-07-18',
            newExpectedEndDate: '2006-01-18',
            reason: 'open to an extension',
            taxHomeStatus: 'temporary',
          },
        },
      ]);
  });

  it('makes the tax home indefinite from the decision once the expected length exceeds one year', () => {
    given([started()])
      .when(extend('2005-06-01', '2006-01-19'))
      .thenState((state) => {
        expect(state.taxHomeStatus).toBe('indefinite');
        expect(state.taxHomeIndefiniteFrom).toBe('2005-06-01');
        expect(state.expectedEndDate).toBe('2006-01-19');
      });
  });

  it('keeps the tax home temporary before the extension and indefinite after a second one crossing the year', () => {
    const first = {
      type: 'AssignmentExtended' as const,
      data: {
        decidedOn: '2005-06-01',
        previousExpectedEndDate: '2005-07-18',
        newExpectedEndDate: '2005-12-31',
        taxHomeStatus: 'temporary' as const,
      },
    };
    expect(given([started(), first]).state.taxHomeStatus).toBe('temporary');
    given([started(), first])
      .when(extend('2005-11-15', '2006-06-30'))
      .thenEvents(([event]) =>
        expect(event).toMatchObject({
          data: { previousExpectedEndDate: '2005-12-31', taxHomeStatus: 'indefinite' },
        }),
      );
  });

  it('counts the tax home as indefinite from the earliest such decision, even when recorded later', () => {
    const extended = (decidedOn: string, previous: string, next: string) => ({
      type: 'AssignmentExtended' as const,
      data: {
        decidedOn,
        previousExpectedEndDate: previous,
        newExpectedEndDate: next,
        taxHomeStatus: 'indefinite' as const,
      },
    });
    // The September decision was keyed in first; the June one, which already crossed the year, later.
    const state = given([
      started(),
      extended('2005-09-01', '2005-07-18', '2006-06-30'),
      extended('2005-06-01', '2006-06-30', '2006-09-30'),
    ]).state;
    expect(state.taxHomeStatus).toBe('indefinite');
    expect(state.taxHomeIndefiniteFrom).toBe('2005-06-01');
  });

  it('needs a new end later than the current one', () => {
    given([started()])
      .when(extend('2005-06-01', '2005-07-18'))
      .thenThrows('EXTENSION.END_NOT_LATER', 'intro');
    given([started()]).when(extend('2005-06-01', '2005-07-01')).thenThrows('EXTENSION.END_NOT_LATER');
  });

  it('is decided while active only', () => {
    given([started()]).when(extend('2005-01-01', '2005-12-31')).thenThrows('ASSIGNMENT.NOT_ACTIVE');
    given([started(), ended()]).when(extend('2005-08-01', '2005-12-31')).thenThrows('ASSIGNMENT.ENDED');
  });
});

describe('ending an assignment (intro)', () => {
  it.each(['completed', 'employment-terminated', 'other'] as const)('ends for the reason %s', (reason) => {
    given([started()])
      .when({ type: 'EndAssignment', data: { reason, endedOn: '2005-07-18' } })
      .then([ended('2005-07-18', reason)]);
  });

  it('ends once, not before the effective date (the effective date itself is possible)', () => {
    given([started(), ended()])
      .when({ type: 'EndAssignment', data: { reason: 'other', endedOn: '2005-08-01' } })
      .thenThrows('ASSIGNMENT.ENDED');
    given([started()])
      .when({ type: 'EndAssignment', data: { reason: 'other', endedOn: '2005-01-17' } })
      .thenThrows('ASSIGNMENT.END_BEFORE_START');
    given([started()])
      .when({ type: 'EndAssignment', data: { reason: 'employment-terminated', endedOn: '2005-01-18' } })
      .thenState((state) => expect(state.status).toBe('ended'));
  });

  describe('after the end (domain.md "After the end"): the paperwork goes on, the assignment does not', () => {
    const history = [started(), shipped('air-1', 'outbound', 'air', '480'), ended()];

    it.each<[string, AssignmentCommand, Clause]>([
      [
        'a home-leave trip',
        {
          type: 'TakeHomeLeaveTrip',
          data: {
            tripId: 't',
            traveller: 'employee',
            destination: 'home',
            departedOn: '2005-07-01',
            fare: usd('1000'),
          },
        },
        '10',
      ],
      [
        'an outbound shipment',
        {
          type: 'RecordShipment',
          data: {
            shipmentId: 's',
            direction: 'outbound',
            mode: 'air',
            shippedOn: '2005-07-20',
            weightLb: '10',
          },
        },
        '4',
      ],
      [
        'an expense claim',
        {
          type: 'ClaimExpense',
          data: {
            expenseId: 'e',
            category: 'host-transportation',
            amount: usd('10'),
            incurredOn: '2005-07-19',
            receipts: ['r'],
            description: 'taxi the day after the end',
          },
        },
        '11',
      ],
      [
        'the miscellaneous allowance',
        { type: 'PayMiscellaneousAllowance', data: { paidOn: '2005-07-20' } },
        '9',
      ],
      [
        'a salary',
        { type: 'PaySalary', data: { period: '2005-08', paidOn: '2005-08-31', hypotheticalTax: usd('0') } },
        '2',
      ],
      [
        'a host holiday',
        { type: 'ObserveHostHoliday', data: { date: '2005-10-01', name: 'National Day' } },
        '7',
      ],
      ['an extension', extend('2005-07-20', '2005-12-31'), 'intro'],
      [
        'a tax equalization settlement of the year after the end',
        {
          type: 'SettleTaxEqualization',
          data: {
            taxYear: 2006,
            amount: usd('1'),
            direction: 'employee-to-company',
            settledOn: '2007-10-15',
          },
        },
        '1',
      ],
      [
        'an exception request',
        {
          type: 'RequestException',
          data: {
            exceptionId: 'x',
            term: 'outbound-air-weight',
            requestedLimit: '650',
            reason: 'books',
            requestedBy: 'Bob Borron',
            requestedOn: '2005-07-20',
          },
        },
        '4',
      ],
    ])('refuses %s, citing clause %s', (_what, command, clause) => {
      given(history).when(command).thenThrows('ASSIGNMENT.ENDED', clause);
    });

    it.each<[string, AssignmentCommand]>([
      [
        'a return shipment',
        {
          type: 'RecordShipment',
          data: {
            shipmentId: 'r',
            direction: 'return',
            mode: 'air',
            shippedOn: '2005-07-20',
            weightLb: '400',
          },
        },
      ],
      [
        'the repatriation flight',
        {
          type: 'RecordRepatriationTravel',
          data: { travelledOn: '2005-07-19', travellers: [EMPLOYEE], fare: usd('1200') },
        },
      ],
      [
        'a fund deposit',
        { type: 'DepositReturnAirfreightFund', data: { depositedOn: '2005-07-19', amount: usd('800') } },
      ],
      [
        'a correction',
        {
          type: 'CorrectEvent',
          data: { correctsEventId: 'evt-2', reason: 'scale', replacement: { weightLb: '470' } },
        },
      ],
    ])('accepts %s', (_what, command) => {
      given(history)
        .when(command)
        .thenEvents((events) => expect(events).toHaveLength(1));
    });
  });
});
