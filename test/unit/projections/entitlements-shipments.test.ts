import { describe, expect, it } from '@jest/globals';
import {
  assignmentEntitlementsProjection,
  entitlementsOf,
} from '../../../projections/assignment-entitlements/index.js';
import { project, Story } from './given.js';

const shipmentsOf = (story: Story, asOf: string) =>
  entitlementsOf(project(assignmentEntitlementsProjection, story.events), { asOf })!.shipments;

describe('shipments (clause 4)', () => {
  it('caps the return at 1,000 lb before any outbound shipment', () => {
    const story = new Story();
    story.started();
    expect(shipmentsOf(story, '2005-02-01')).toEqual({
      outboundAir: { limitLb: '500', usedLb: '0', remainingLb: '500' },
      outboundSea: { containerLimit: 1, containersUsed: 0, weightLb: '0' },
      outboundTotalLb: '0',
      return: { capLb: '1000', usedLb: '0', remainingLb: '1000' },
    });
  });

  it('derives the return cap from the air shipment alone when nothing went by sea', () => {
    const story = new Story();
    story.started();
    story.shipment('outbound', 'air', '2005-01-25', '480');
    expect(shipmentsOf(story, '2005-01-31')).toEqual({
      outboundAir: { limitLb: '500', usedLb: '480', remainingLb: '20' },
      outboundSea: { containerLimit: 1, containersUsed: 0, weightLb: '0' },
      outboundTotalLb: '480',
      return: { capLb: '1480', usedLb: '0', remainingLb: '1480' },
    });
  });

  it('adds the sea container to the outbound total and the return cap (the contract example)', () => {
    const story = new Story();
    story.started();
    story.shipment('outbound', 'air', '2005-01-25', '480');
    story.shipment('outbound', 'sea', '2005-02-10', '9000');
    expect(shipmentsOf(story, '2005-12-31')).toEqual({
      outboundAir: { limitLb: '500', usedLb: '480', remainingLb: '20' },
      outboundSea: { containerLimit: 1, containersUsed: 1, weightLb: '9000' },
      outboundTotalLb: '9480',
      return: { capLb: '10480', usedLb: '0', remainingLb: '10480' },
    });
    expect(shipmentsOf(story, '2005-02-09').outboundTotalLb).toBe('480');
  });

  it('counts return shipments, air and sea, against the cap', () => {
    const story = new Story();
    story.started();
    story.shipment('outbound', 'air', '2005-01-25', '480');
    story.shipment('outbound', 'sea', '2005-02-10', '9000');
    story.ended('2005-07-18');
    story.shipment('return', 'sea', '2005-07-20', '9500');
    story.shipment('return', 'air', '2005-07-21', '500.5');
    expect(shipmentsOf(story, '2005-07-31').return).toEqual({
      capLb: '10480',
      usedLb: '10000.5',
      remainingLb: '479.5',
    });
  });

  it('converts kilograms exactly and sums the pounds without rounding noise', () => {
    const story = new Story();
    story.started();
    story.shipment('outbound', 'air', '2005-01-25', '200', 'kg');
    story.shipment('outbound', 'air', '2005-01-26', '10', 'lb');
    expect(shipmentsOf(story, '2005-01-31')).toMatchObject({
      outboundAir: { usedLb: '450.924524', remainingLb: '49.075476' },
      outboundTotalLb: '450.924524',
      return: { capLb: '1450.924524' },
    });
  });

  it('shows no negative remainder when an exception allowed more than the limit', () => {
    const story = new Story();
    story.started();
    story.shipment('outbound', 'air', '2005-01-25', '480');
    story.record('ShipmentRecorded', {
      shipmentId: 'ship-extra',
      direction: 'outbound',
      mode: 'air',
      shippedOn: '2005-02-01',
      weight: { lb: '60', original: { value: '60', unit: 'lb' } },
      exceptionApprovedBy: 'Stephan Godevais',
    });
    expect(shipmentsOf(story, '2005-02-01').outboundAir).toEqual({
      limitLb: '500',
      usedLb: '540',
      remainingLb: '0',
    });
  });
});
