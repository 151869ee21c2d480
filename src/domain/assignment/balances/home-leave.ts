/** Clause 10: one pool of home-leave trips per calendar year of departure, shared by employee and spouse. */
import { yearOf, type BusinessDate } from '../../shared/calendar.js';
import type { Traveller, TripDestination } from '../events.js';
import type { AssignmentPolicy } from '../policy.js';

export interface TripTally {
  taken: number;
  byEmployee: number;
  bySpouse: number;
  otherDestination: number;
}

export const NO_TRIPS: TripTally = { taken: 0, byEmployee: 0, bySpouse: 0, otherDestination: 0 };

export interface CountedTrip {
  traveller: Traveller;
  destination: TripDestination;
}

/** The year whose pool a trip uses: the year it departs in (no proration, no carry-over). */
export const poolYearOfDeparture = (departedOn: BusinessDate): number => yearOf(departedOn);

/** A recorded trip carries its pool year, decided with poolYearOfDeparture. */
export const poolYearOf = (trip: { year: number }): number => trip.year;

export const tallyTrip = (t: TripTally, trip: CountedTrip, sign: 1 | -1): TripTally => ({
  taken: t.taken + sign,
  byEmployee: t.byEmployee + (trip.traveller === 'employee' ? sign : 0),
  bySpouse: t.bySpouse + (trip.traveller === 'spouse' ? sign : 0),
  otherDestination: t.otherDestination + (trip.destination === 'other' ? sign : 0),
});

export interface HomeLeaveBalance {
  allowed: number;
  taken: number;
  takenByEmployee: number;
  takenBySpouse: number;
  otherDestinationUsed: number;
  otherDestinationAllowed: number;
  /** 0 once the year is closed: what was left then is forfeited (no cash in lieu). */
  remaining: number;
  forfeited: number;
}

export type HomeLeaveTerms = Pick<AssignmentPolicy, 'homeLeaveTripsPerYear' | 'otherDestinationTripsPerYear'>;

/** A year is closed once it is over or the assignment has ended. */
export const homeLeaveBalance = (t: TripTally, policy: HomeLeaveTerms, closed: boolean): HomeLeaveBalance => {
  const unused = Math.max(0, policy.homeLeaveTripsPerYear - t.taken);
  return {
    allowed: policy.homeLeaveTripsPerYear,
    taken: t.taken,
    takenByEmployee: t.byEmployee,
    takenBySpouse: t.bySpouse,
    otherDestinationUsed: t.otherDestination,
    otherDestinationAllowed: policy.otherDestinationTripsPerYear,
    remaining: closed ? 0 : unused,
    forfeited: closed ? unused : 0,
  };
};
