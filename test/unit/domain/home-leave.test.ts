import { describe, expect, it } from '@jest/globals';
import type { AssignmentCommand, TakeHomeLeaveTripData } from '../../../src/domain/assignment/index.js';
import { ended, started, tripTaken, usd } from './fixtures.js';
import { given } from './specification.js';

const trip = (data: Partial<TakeHomeLeaveTripData>): AssignmentCommand => ({
  type: 'TakeHomeLeaveTrip',
  data: {
    tripId: 'trip-new',
    traveller: 'employee',
    destination: 'home',
    departedOn: '2005-05-01',
    fare: usd('1450.00'),
    ...data,
  },
});

describe('home leave: three economy trips per calendar year, one shared pool (clause 10)', () => {
  it('records a trip home with the year of departure and the whole fare reimbursable', () => {
    given([started()])
      .when(trip({ returnedOn: '2005-05-15' }))
      .then([
        {
          type: 'HomeLeaveTripTaken',
          data: {
            tripId: 'trip-new',
            traveller: 'employee',
            destination: 'home',
            departedOn: '2005-05-01',
            returnedOn: '2005-05-15',
            fare: usd('1450.00'),
            year: 2005,
            reimbursable: usd('1450.00'),
            notReimbursed: usd('0.00'),
          },
        },
      ]);
  });

  it('accepts the third trip and refuses the fourth, employee and spouse drawing on one pool', () => {
    const two = [started(), tripTaken('t1', '2005-02-10'), tripTaken('t2', '2005-04-10', 'spouse')];
    given(two)
      .when(trip({ departedOn: '2005-09-01' }))
      .thenState((s) =>
        expect(s.homeLeave['2005']).toEqual({ taken: 3, byEmployee: 2, bySpouse: 1, otherDestination: 0 }),
      );
    const violation = given([...two, tripTaken('t3', '2005-09-01')])
      .when(trip({ departedOn: '2005-11-01', traveller: 'spouse', destination: 'host' }))
      .thenThrows('HOME_LEAVE.NO_TRIPS_LEFT', '10');
    expect(violation.details).toEqual({ year: 2005, allowed: 3, taken: 3 });
  });

  it('counts a trip in the year it departs: 31 December and 1 January fall in different years', () => {
    const full2005 = [
      started({ expectedEndDate: '2006-06-30' }),
      tripTaken('t1', '2005-03-01'),
      tripTaken('t2', '2005-08-01'),
      tripTaken('t3', '2005-12-31'),
    ];
    given(full2005)
      .when(trip({ departedOn: '2005-12-31', tripId: 't4' }))
      .thenThrows('HOME_LEAVE.NO_TRIPS_LEFT');
    given(full2005)
      .when(trip({ departedOn: '2006-01-01', returnedOn: '2006-01-10' }))
      .thenEvents(([event]) => expect(event).toMatchObject({ data: { year: 2006 } }));
  });

  it('does not prorate a partial year: an assignment starting in December still has three trips', () => {
    const lateStart = started({ effectiveDate: '2005-12-01', expectedEndDate: '2006-05-31' });
    given([lateStart, tripTaken('t1', '2005-12-02'), tripTaken('t2', '2005-12-10')])
      .when(trip({ departedOn: '2005-12-20' }))
      .thenState((s) => expect(s.homeLeave['2005']?.taken).toBe(3));
  });

  it('sends the employee home (or elsewhere) and the spouse to the host country', () => {
    given([started()])
      .when(trip({ destination: 'host' }))
      .thenThrows('HOME_LEAVE.WRONG_DESTINATION_FOR_TRAVELLER', '10');
    given([started()])
      .when(trip({ traveller: 'spouse', destination: 'home' }))
      .thenThrows('HOME_LEAVE.WRONG_DESTINATION_FOR_TRAVELLER');
    given([started()])
      .when(trip({ traveller: 'spouse', destination: 'other', homeFare: usd('2000') }))
      .thenThrows('HOME_LEAVE.WRONG_DESTINATION_FOR_TRAVELLER');
  });

  it('lets a spouse who stayed home travel to the host country (not listed as accompanying family)', () => {
    given([started({ accompanyingFamily: [] })])
      .when(trip({ traveller: 'spouse', destination: 'host' }))
      .thenState((s) => expect(s.homeLeave['2005']?.bySpouse).toBe(1));
  });

  it('is taken only while the assignment is active', () => {
    given([started()])
      .when(trip({ departedOn: '2005-01-17' }))
      .thenThrows('ASSIGNMENT.NOT_ACTIVE', '10');
    given([started()])
      .when(trip({ departedOn: '2005-01-18' }))
      .thenEvents((events) => expect(events).toHaveLength(1));
    given([started(), ended()])
      .when(trip({ departedOn: '2005-07-01' }))
      .thenThrows('ASSIGNMENT.ENDED');
  });

  it('refuses a trip id already used', () => {
    given([started(), tripTaken('trip-new', '2005-02-01')])
      .when(trip({}))
      .thenThrows('HOME_LEAVE.DUPLICATE_ID');
  });
});

describe('one trip a year may go elsewhere if its fare does not exceed the home fare (clause 10)', () => {
  const other = (fare: string, homeFare?: string, tripId = 'trip-other', departedOn = '2005-05-01') =>
    trip({
      tripId,
      departedOn,
      destination: 'other',
      fare: usd(fare),
      ...(homeFare ? { homeFare: usd(homeFare) } : {}),
    });

  it('needs the home fare to compare with', () => {
    given([started()]).when(other('900')).thenThrows('HOME_LEAVE.HOME_FARE_REQUIRED', '10');
  });

  it('reimburses a cheaper fare in full and records the rule in force', () => {
    given([started()])
      .when(other('900.00', '1450.00'))
      .thenEvents(([event]) =>
        expect(event).toMatchObject({
          data: { reimbursable: usd('900.00'), notReimbursed: usd('0.00'), fareRuleApplied: 'cap' },
        }),
      );
  });

  it('under the cap rule reimburses the home fare and records the excess as not reimbursed', () => {
    given([started()])
      .when(other('1800.50', '1450.00'))
      .thenEvents(([event]) =>
        expect(event).toMatchObject({
          data: {
            fare: usd('1800.50'),
            homeFare: usd('1450.00'),
            reimbursable: usd('1450.00'),
            notReimbursed: usd('350.50'),
            fareRuleApplied: 'cap',
          },
        }),
      );
  });

  it('under the reject rule refuses a fare above the home fare, and accepts one equal to it', () => {
    const rejecting = [started({}, { otherDestinationFareRule: 'reject' })];
    given(rejecting).when(other('1450.01', '1450.00')).thenThrows('HOME_LEAVE.FARE_ABOVE_HOME_FARE', '10');
    given(rejecting)
      .when(other('1450.00', '1450.00'))
      .thenEvents(([event]) =>
        expect(event).toMatchObject({ data: { reimbursable: usd('1450.00'), fareRuleApplied: 'reject' } }),
      );
  });

  it('allows one other destination per calendar year, counted in the shared pool', () => {
    const usedOther = [
      started({ expectedEndDate: '2006-06-30' }),
      tripTaken('o1', '2005-03-01', 'employee', 'other'),
    ];
    given(usedOther).when(other('900', '1450')).thenThrows('HOME_LEAVE.OTHER_DESTINATION_USED', '10');
    given(usedOther)
      .when(other('900', '1450', 'o2', '2006-02-01'))
      .thenEvents((events) => expect(events).toHaveLength(1));
    expect(given(usedOther).state.homeLeave['2005']).toEqual({
      taken: 1,
      byEmployee: 1,
      bySpouse: 0,
      otherDestination: 1,
    });
  });

  it('compares fares in one currency', () => {
    given([started()])
      .when(trip({ destination: 'other', fare: usd('900'), homeFare: { amount: '9000', currency: 'CNY' } }))
      .thenThrows('MONEY.CURRENCY_MISMATCH', '10');
  });
});

describe('lodging, vehicle rental and meals on home leave are never reimbursed (clause 10)', () => {
  it.each(['home-leave-lodging', 'home-leave-vehicle', 'home-leave-meals'] as const)(
    'refuses %s',
    (category) => {
      given([started()])
        .when({
          type: 'ClaimExpense',
          data: {
            expenseId: 'e1',
            category,
            amount: usd('120'),
            incurredOn: '2005-05-03',
            receipts: ['R-9'],
            description: 'home leave',
          },
        })
        .thenThrows('HOME_LEAVE.NOT_REIMBURSABLE', '10');
    },
  );
});
