import { describe, expect, it } from '@jest/globals';
import type { AssignmentCommand, RecordShipmentData } from '../../../src/domain/assignment/index.js';
import { ended, shipped, started } from './fixtures.js';
import { given } from './specification.js';

const ship = (data: Partial<RecordShipmentData>): AssignmentCommand => ({
  type: 'RecordShipment',
  data: { shipmentId: 'ship-new', direction: 'outbound', mode: 'air', shippedOn: '2005-01-10', ...data },
});

describe('outbound airfreight: up to 500 lb of household goods (clause 4)', () => {
  it('accepts exactly 500 lb', () => {
    given([started()])
      .when(ship({ weightLb: '500' }))
      .then([
        {
          type: 'ShipmentRecorded',
          data: {
            shipmentId: 'ship-new',
            direction: 'outbound',
            mode: 'air',
            shippedOn: '2005-01-10',
            weight: { lb: '500', original: { value: '500', unit: 'lb' } },
          },
        },
      ]);
  });

  it('refuses 500.01 lb, naming the limit and what is used', () => {
    const violation = given([started()])
      .when(ship({ weightLb: '500.01' }))
      .thenThrows('SHIPMENT.OUTBOUND_AIR_LIMIT_EXCEEDED', '4');
    expect(violation.httpStatus).toBe(422);
    expect(violation.details).toEqual({ limitLb: '500', usedLb: '0', requestedLb: '500.01' });
  });

  it('adds up every outbound air shipment', () => {
    const history = [started(), shipped('air-1', 'outbound', 'air', '300')];
    given(history)
      .when(ship({ weightLb: '200' }))
      .thenState((s) => expect(s.outboundAirLb).toBe('500'));
    given(history)
      .when(ship({ weightLb: '200.01' }))
      .thenThrows('SHIPMENT.OUTBOUND_AIR_LIMIT_EXCEEDED');
  });

  it('ships more only with an approved exception recorded on the event', () => {
    given([started(), shipped('air-1', 'outbound', 'air', '480')])
      .when(ship({ weightLb: '120', exceptionApprovedBy: 'Bob Borron' }))
      .thenState((s) => expect(s.outboundAirLb).toBe('600'));
    given([started(), shipped('air-1', 'outbound', 'air', '480', { exceptionApprovedBy: 'Bob Borron' })])
      .when(ship({ weightLb: '21' }))
      .thenThrows('SHIPMENT.OUTBOUND_AIR_LIMIT_EXCEEDED');
  });

  it('converts kilograms exactly (1 lb = 0.45359237 kg) and keeps the original value', () => {
    given([started()])
      .when(ship({ weight: { value: '226.796185', unit: 'kg' } }))
      .thenEvents(([event]) =>
        expect(event).toMatchObject({
          data: { weight: { lb: '500', original: { value: '226.796185', unit: 'kg' } } },
        }),
      );
    given([started()])
      .when(ship({ weight: { value: '226.796186', unit: 'kg' } }))
      .thenThrows('SHIPMENT.OUTBOUND_AIR_LIMIT_EXCEEDED');
    given([started()])
      .when(ship({ weight: { value: '200', unit: 'kg' } }))
      .thenState((s) => expect(s.outboundAirLb).toBe('440.924524'));
  });

  it('follows the limit captured in the assignment, not the letter default', () => {
    given([started({}, { outboundAirLimitLb: '600' })])
      .when(ship({ weightLb: '550' }))
      .thenState((s) => expect(s.outboundAirLb).toBe('550'));
  });

  it('needs exactly one weight, positive, and no containers by air', () => {
    given([started()]).when(ship({})).thenThrows('COMMAND.INVALID');
    given([started()])
      .when(ship({ weightLb: '1', weight: { value: '1', unit: 'kg' } }))
      .thenThrows('COMMAND.INVALID');
    const violation = given([started()])
      .when(ship({ weightLb: '0' }))
      .thenThrows('COMMAND.INVALID');
    expect(violation.httpStatus).toBe(400);
    given([started()])
      .when(ship({ weightLb: '10', containers: 1 }))
      .thenThrows('COMMAND.INVALID');
  });

  it('refuses a shipment id already used (a conflict, HTTP 409)', () => {
    const violation = given([started(), shipped('ship-new', 'outbound', 'air', '10')])
      .when(ship({ weightLb: '10' }))
      .thenThrows('SHIPMENT.DUPLICATE_ID');
    expect(violation.httpStatus).toBe(409);
  });
});

describe('outbound sea freight: up to one 40-foot container (clause 4)', () => {
  it('accepts one container and counts it', () => {
    given([started()])
      .when(ship({ mode: 'sea', weightLb: '9000', containerSize: '40ft' }))
      .thenEvents(([event]) =>
        expect(event).toMatchObject({ data: { containers: 1, containerSize: '40ft' } }),
      );
  });

  it('refuses a second container, whatever its size', () => {
    given([started(), shipped('sea-1', 'outbound', 'sea', '9000')])
      .when(ship({ mode: 'sea', weightLb: '2000', containers: 1, containerSize: '20ft' }))
      .thenThrows('SHIPMENT.CONTAINER_LIMIT_EXCEEDED', '4');
    given([started(), shipped('sea-1', 'outbound', 'sea', '3000', { containerSize: '20ft' })])
      .when(ship({ mode: 'sea', weightLb: '2000', containerSize: '40ft' }))
      .thenThrows('SHIPMENT.CONTAINER_LIMIT_EXCEEDED');
  });

  it('refuses two containers at once', () => {
    given([started()])
      .when(ship({ mode: 'sea', weightLb: '12000', containers: 2, containerSize: '20ft' }))
      .thenThrows('SHIPMENT.CONTAINER_LIMIT_EXCEEDED');
  });
});

describe('return shipments: at most 1,000 lb more than everything shipped out (clause 4)', () => {
  const back = (weightLb: string, mode: 'air' | 'sea' = 'air') =>
    ship({ shipmentId: 'back', direction: 'return', mode, weightLb, shippedOn: '2005-07-20' });

  it('is capped at 1,000 lb before any outbound shipment', () => {
    given([started()])
      .when(back('1000'))
      .thenState((s) => expect(s.returnUsedLb).toBe('1000'));
    given([started()]).when(back('1000.01')).thenThrows('SHIPMENT.RETURN_CAP_EXCEEDED', '4');
  });

  it('without a sea shipment: outbound air + 1,000 lb', () => {
    const history = [started(), shipped('air-1', 'outbound', 'air', '480')];
    expect(given(history).state.returnCapLb).toBe('1480');
    given(history)
      .when(back('1480'))
      .thenState((s) => expect(s.returnUsedLb).toBe('1480'));
    given(history).when(back('1480.01')).thenThrows('SHIPMENT.RETURN_CAP_EXCEEDED');
  });

  it('with a sea shipment: outbound air + sea + 1,000 lb, whatever mode returns', () => {
    const history = [
      started(),
      shipped('air-1', 'outbound', 'air', '480'),
      shipped('sea-1', 'outbound', 'sea', '9000'),
      shipped('back-1', 'return', 'air', '480'),
    ];
    const { state } = given(history);
    expect(state.outboundTotalLb).toBe('9480');
    expect(state.returnCapLb).toBe('10480');
    given(history)
      .when(back('10000', 'sea'))
      .thenState((s) => expect(s.returnUsedLb).toBe('10480'));
    given(history).when(back('10000.01', 'sea')).thenThrows('SHIPMENT.RETURN_CAP_EXCEEDED');
  });

  it('may ship home after the end; outbound shipments may not', () => {
    const history = [started(), shipped('air-1', 'outbound', 'air', '480'), ended()];
    given(history)
      .when(back('1480'))
      .thenEvents((events) => expect(events).toHaveLength(1));
    given(history)
      .when(ship({ weightLb: '1' }))
      .thenThrows('ASSIGNMENT.ENDED');
  });
});
