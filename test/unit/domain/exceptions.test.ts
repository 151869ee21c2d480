import { describe, expect, it } from '@jest/globals';
import type {
  AssignmentCommand,
  ExceptionTerm,
  RecordShipmentData,
} from '../../../src/domain/assignment/index.js';
import {
  exceptionApproved,
  exceptionRequested,
  leaseApproved,
  shipped,
  started,
  tripTaken,
  usd,
} from './fixtures.js';
import { given, withId } from './specification.js';

const request = (
  term: ExceptionTerm,
  requestedLimit: string,
  extra: Partial<Extract<AssignmentCommand, { type: 'RequestException' }>['data']> = {},
): AssignmentCommand => ({
  type: 'RequestException',
  data: exceptionRequested('x-1', term, requestedLimit, extra).data,
});
const approve = (grantedLimit?: string, approvedBy = 'Bob Borron'): AssignmentCommand => ({
  type: 'ApproveException',
  data: {
    exceptionId: 'x-1',
    approvedBy,
    approvedOn: '2005-01-06',
    ...(grantedLimit ? { grantedLimit } : {}),
  },
});
const decline: AssignmentCommand = {
  type: 'DeclineException',
  data: { exceptionId: 'x-1', declinedBy: 'Bob Borron', declinedOn: '2005-01-06', reason: 'not needed' },
};
const ship = (data: Partial<RecordShipmentData>): AssignmentCommand => ({
  type: 'RecordShipment',
  data: { shipmentId: 'ship-new', direction: 'outbound', mode: 'air', shippedOn: '2005-01-10', ...data },
});
const trip = (departedOn: string, tripId = `t-${departedOn}`): AssignmentCommand => ({
  type: 'TakeHomeLeaveTrip',
  data: { tripId, traveller: 'employee', destination: 'home', departedOn, fare: usd('1450.00') },
});

const airRequested = [
  started(),
  shipped('air-1', 'outbound', 'air', '480'),
  exceptionRequested('x-1', 'outbound-air-weight', '650'),
];

describe('exceptions to a cap (domain.md "Exceptions to a cap")', () => {
  describe('requesting', () => {
    it('records the request as given', () => {
      given([started()])
        .when(request('outbound-air-weight', '650'))
        .then([exceptionRequested('x-1', 'outbound-air-weight', '650')]);
    });
    it('needs a year for home-leave trips, and only for them', () => {
      given([started()]).when(request('home-leave-trips', '4')).thenThrows('COMMAND.INVALID');
      given([started()])
        .when(request('outbound-air-weight', '650', { year: 2005 }))
        .thenThrows('COMMAND.INVALID');
    });
    it('counts containers and trips in whole units', () => {
      given([started()]).when(request('outbound-containers', '1.5')).thenThrows('COMMAND.INVALID');
    });
    it('refuses a second request with the same id', () => {
      given(airRequested).when(request('outbound-containers', '2')).thenThrows('EXCEPTION.DUPLICATE_ID');
    });
  });

  describe('deciding', () => {
    it('grants the requested limit by default, and records which limit it replaces', () => {
      given(airRequested)
        .when(approve())
        .then([exceptionApproved('x-1', 'outbound-air-weight', '650')]);
    });
    it('grants below the request and at it, never above it', () => {
      given(airRequested)
        .when(approve('600'))
        .thenEvents(([e]) => expect(e).toMatchObject({ data: { grantedLimit: '600' } }));
      given(airRequested)
        .when(approve('650.0'))
        .thenEvents(([e]) => expect(e).toMatchObject({ data: { grantedLimit: '650' } }));
      const refusal = given(airRequested).when(approve('650.5')).thenThrows('EXCEPTION.ABOVE_REQUEST', '4');
      expect(refusal.details).toEqual({ requestedLimit: '650', grantedLimit: '650.5' });
    });
    it('is never approved by its requester (names compare trimmed, case-insensitively)', () => {
      given(airRequested).when(approve(undefined, ' carl berg ')).thenThrows('EXCEPTION.SELF_APPROVAL', '4');
    });
    it('is decided once', () => {
      given([...airRequested, exceptionApproved('x-1', 'outbound-air-weight', '650')])
        .when(decline)
        .thenThrows('EXCEPTION.ALREADY_DECIDED');
      given([...airRequested, { type: 'ExceptionDeclined', data: { ...decline.data } } as const])
        .when(approve())
        .thenThrows('EXCEPTION.ALREADY_DECIDED');
    });
    it('refuses a decision on an unknown exception, or dated before its request', () => {
      given([started()]).when(approve()).thenThrows('EXCEPTION.UNKNOWN');
      given(airRequested)
        .when({ ...decline, data: { ...decline.data, declinedOn: '2005-01-04' } } as AssignmentCommand)
        .thenThrows('COMMAND.INVALID');
    });
  });

  describe('an approved exception replaces the limit for the writes decided after it', () => {
    it('lets outbound airfreight reach the granted limit and no further', () => {
      const approved = [...airRequested, exceptionApproved('x-1', 'outbound-air-weight', '600')];
      given(approved)
        .when(ship({ weightLb: '120' }))
        .thenState((s) => expect(s.outboundAirLb).toBe('600'));
      const refusal = given(approved)
        .when(ship({ weightLb: '120.01' }))
        .thenThrows('SHIPMENT.OUTBOUND_AIR_LIMIT_EXCEEDED', '4');
      expect(refusal.details).toMatchObject({ limitLb: '600' });
    });
    it('changes nothing while pending or once declined', () => {
      given(airRequested)
        .when(ship({ weightLb: '21' }))
        .thenThrows('SHIPMENT.OUTBOUND_AIR_LIMIT_EXCEEDED');
      given([...airRequested, { type: 'ExceptionDeclined', data: { ...decline.data } } as const])
        .when(ship({ weightLb: '21' }))
        .thenThrows('SHIPMENT.OUTBOUND_AIR_LIMIT_EXCEEDED');
    });
    it('re-checks a corrected shipment against the limit in force', () => {
      const history = [
        started(),
        withId('air-1', shipped('air-1', 'outbound', 'air', '480')),
        exceptionRequested('x-1', 'outbound-air-weight', '650'),
        exceptionApproved('x-1', 'outbound-air-weight', '650'),
      ];
      const correct = (weightLb: string): AssignmentCommand => ({
        type: 'CorrectEvent',
        data: { correctsEventId: 'air-1', reason: 'weighed again', replacement: { weightLb } },
      });
      given(history)
        .when(correct('650'))
        .thenState((s) => expect(s.outboundAirLb).toBe('650'));
      given(history).when(correct('650.01')).thenThrows('SHIPMENT.OUTBOUND_AIR_LIMIT_EXCEEDED');
    });
    it('keeps accepting exceptionApprovedBy on an outbound air shipment', () => {
      given([...airRequested, exceptionApproved('x-1', 'outbound-air-weight', '500')])
        .when(ship({ weightLb: '200', exceptionApprovedBy: 'Bob Borron' }))
        .thenState((s) => expect(s.outboundAirLb).toBe('680'));
    });
    it('lifts the container limit', () => {
      const history = [
        started(),
        shipped('sea-1', 'outbound', 'sea', '9000'),
        exceptionRequested('x-1', 'outbound-containers', '2'),
        exceptionApproved('x-1', 'outbound-containers', '2'),
      ];
      const sea = ship({ shipmentId: 'sea-2', mode: 'sea', weightLb: '4000', containers: 1 });
      given(history)
        .when(sea)
        .thenState((s) => expect(s.containersUsed).toBe(2));
      given(history.slice(0, 3)).when(sea).thenThrows('SHIPMENT.CONTAINER_LIMIT_EXCEEDED');
    });
    it('lifts the trips of its own year only', () => {
      const threeTrips = [
        started(),
        tripTaken('t1', '2005-03-01'),
        tripTaken('t2', '2005-06-01'),
        tripTaken('t3', '2005-09-01'),
        tripTaken('t4', '2006-01-10'),
        tripTaken('t5', '2006-02-10'),
        tripTaken('t6', '2006-03-10'),
      ];
      const for2006 = [
        ...threeTrips,
        exceptionRequested('x-1', 'home-leave-trips', '4', { year: 2006 }),
        exceptionApproved('x-1', 'home-leave-trips', '4', { year: 2006 }),
      ];
      given(for2006).when(trip('2005-11-01')).thenThrows('HOME_LEAVE.NO_TRIPS_LEFT', '10');
      given(for2006)
        .when(trip('2006-11-01'))
        .thenEvents(([e]) => expect(e).toMatchObject({ type: 'HomeLeaveTripTaken', data: { year: 2006 } }));
    });
    it('caps an other-destination trip at the granted USD amount instead of the home fare', () => {
      const history = [
        started(),
        exceptionRequested('x-1', 'other-destination-fare', '1800.00'),
        exceptionApproved('x-1', 'other-destination-fare', '1800.00'),
      ];
      given(history)
        .when({
          type: 'TakeHomeLeaveTrip',
          data: {
            tripId: 'bali',
            traveller: 'employee',
            destination: 'other',
            departedOn: '2005-04-01',
            fare: usd('2000.00'),
            homeFare: usd('1450.00'),
          },
        })
        .thenEvents(([e]) =>
          expect(e).toMatchObject({ data: { reimbursable: usd('1800.00'), notReimbursed: usd('200.00') } }),
        );
    });
    it('caps rent at the granted monthly amount instead of the lease', () => {
      const history = [
        started(),
        leaseApproved('lease-1', '2005-02-01', '3000.00'),
        exceptionRequested('x-1', 'housing-rent', '3400.00'),
        exceptionApproved('x-1', 'housing-rent', '3400.00'),
      ];
      given(history)
        .when({
          type: 'ClaimExpense',
          data: {
            expenseId: 'rent-3',
            category: 'housing-rent',
            amount: usd('3500.00'),
            incurredOn: '2005-03-01',
            receipts: ['lease'],
            description: 'March rent',
          },
        })
        .thenEvents(([e]) => expect(e).toMatchObject({ data: { reimbursableLimitUsd: usd('3400.00') } }));
    });
  });
});
