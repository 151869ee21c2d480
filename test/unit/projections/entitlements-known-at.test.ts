import { describe, expect, it } from '@jest/globals';
import {
  assignmentEntitlementsProjection,
  entitlementsOf,
  type EntitlementsQuery,
} from '../../../projections/assignment-entitlements/index.js';
import { toWeight } from '../../../src/domain/shared/weight.js';
import { project, Story } from './given.js';

const view = (story: Story, query: EntitlementsQuery) =>
  entitlementsOf(project(assignmentEntitlementsProjection, story.events), query);

/** Joe's outbound air shipment of 480 lb on 2005-01-25, recorded that morning. */
const shipped = () => {
  const story = new Story();
  story.at('2005-01-14T09:00:00.000Z').started();
  const shipment = story.at('2005-01-25T10:00:00.000Z').shipment('outbound', 'air', '2005-01-25', '480');
  return { story, shipment };
};

describe('what the ledger knew at a past instant (knownAt)', () => {
  it('leaves out facts recorded after knownAt, whatever their business date', () => {
    const { story } = shipped();
    const asOf = '2005-02-01';
    expect(view(story, { asOf, knownAt: '2005-01-25T09:59:59.999Z' })!.shipments.outboundAir.usedLb).toBe(
      '0',
    );
    expect(view(story, { asOf, knownAt: '2005-01-25T10:00:00.000Z' })!.shipments.outboundAir.usedLb).toBe(
      '480',
    );
    expect(view(story, { asOf, knownAt: '2005-01-25T10:00:00Z' })!.shipments.outboundAir.usedLb).toBe('480');
    // The same instants written in Shanghai time.
    expect(view(story, { asOf, knownAt: '2005-01-25T17:59:59+08:00' })!.shipments.outboundAir.usedLb).toBe(
      '0',
    );
    expect(view(story, { asOf, knownAt: '2005-01-25T18:00:00+08:00' })!.shipments.outboundAir.usedLb).toBe(
      '480',
    );
  });

  it('reports the revision and position known then, and echoes knownAt', () => {
    const { story } = shipped();
    story.at('2005-02-10T10:00:00.000Z').shipment('outbound', 'sea', '2005-02-10', '9000');
    expect(view(story, { asOf: '2005-12-31', knownAt: '2005-02-01T00:00:00.000Z' })).toMatchObject({
      knownAt: '2005-02-01T00:00:00.000Z',
      revision: 1,
      lastPosition: 2,
      shipments: { outboundTotalLb: '480' },
    });
    expect(view(story, { asOf: '2005-12-31' })).toMatchObject({ revision: 2, lastPosition: 3 });
    expect(view(story, { asOf: '2005-12-31' })!.knownAt).toBeUndefined();
  });

  it('can also cut at a global position', () => {
    const { story } = shipped();
    story.at('2005-02-10T10:00:00.000Z').shipment('outbound', 'sea', '2005-02-10', '9000');
    expect(view(story, { asOf: '2005-12-31', knownAtPosition: 2 })).toMatchObject({
      knownAtPosition: 2,
      lastPosition: 2,
      shipments: { outboundTotalLb: '480' },
    });
  });

  it('answers null when the start itself was not known yet', () => {
    const { story } = shipped();
    expect(view(story, { asOf: '2005-02-01', knownAt: '2005-01-13T00:00:00.000Z' })).toBeNull();
    expect(
      entitlementsOf(assignmentEntitlementsProjection.init('nobody'), { asOf: '2005-02-01' }),
    ).toBeNull();
  });
});

describe('corrections and voids', () => {
  it('counts the correction from its recordedAt on, and the original before it', () => {
    const { story, shipment } = shipped();
    story.at('2005-01-27T08:00:00.000Z').corrected(shipment, {
      ...shipment.data,
      weight: toWeight('450', 'lb'),
    });
    const asOf = '2005-02-01';
    expect(view(story, { asOf })!.shipments.outboundAir.usedLb).toBe('450');
    expect(view(story, { asOf, knownAt: '2005-01-27T07:59:59.000Z' })!.shipments.outboundAir.usedLb).toBe(
      '480',
    );
    expect(view(story, { asOf, knownAt: '2005-01-27T08:00:00.000Z' })!.shipments.outboundAir.usedLb).toBe(
      '450',
    );
    expect(view(story, { asOf, knownAt: '2005-01-20T00:00:00.000Z' })!.shipments.outboundAir.usedLb).toBe(
      '0',
    );
  });

  it('applies the latest correction known, and its business date', () => {
    const { story, shipment } = shipped();
    story
      .at('2005-01-27T08:00:00.000Z')
      .corrected(shipment, { ...shipment.data, weight: toWeight('450', 'lb') });
    story
      .at('2005-01-28T08:00:00.000Z')
      .corrected(shipment, { ...shipment.data, weight: toWeight('460', 'lb'), shippedOn: '2005-02-03' });
    expect(view(story, { asOf: '2005-02-01' })!.shipments.outboundAir.usedLb).toBe('0');
    expect(view(story, { asOf: '2005-02-03' })!.shipments.outboundAir.usedLb).toBe('460');
    expect(
      view(story, { asOf: '2005-02-01', knownAt: '2005-01-27T12:00:00.000Z' })!.shipments.outboundAir.usedLb,
    ).toBe('450');
  });

  it('cancels a voided fact from the void on, and keeps it as known before', () => {
    const story = new Story();
    story.at('2005-01-14T09:00:00.000Z').started();
    const first = story.at('2005-03-02T09:00:00.000Z').trip('employee', 'home', '2005-03-01');
    story.at('2005-03-02T09:05:00.000Z').trip('employee', 'home', '2005-03-01');
    story.at('2005-03-03T09:00:00.000Z').voided(first);
    const asOf = '2005-03-31';
    expect(view(story, { asOf })!.homeLeave.years[0]).toMatchObject({ taken: 1, remaining: 2 });
    expect(view(story, { asOf, knownAt: '2005-03-02T23:00:00.000Z' })!.homeLeave.years[0]).toMatchObject({
      taken: 2,
      remaining: 1,
    });
  });

  it('drops the approval of a voided claim with it', () => {
    const story = new Story();
    story.started();
    const claim = story.claim('x-1', 'language-training', '2005-02-01', '300.00');
    story.record('ExpenseApproved', {
      expenseId: 'x-1',
      approvedBy: 'hr',
      approvedOn: '2005-02-05',
      reimbursableUsd: { amount: '300.00', currency: 'USD' },
    });
    expect(view(story, { asOf: '2005-02-28' })!.expenses.totalReimbursable.amount).toBe('300.00');
    story.voided(claim);
    expect(view(story, { asOf: '2005-02-28' })!.expenses).toMatchObject({
      byCategory: [],
      totalReimbursable: { amount: '0.00', currency: 'USD' },
    });
  });

  it('leaves a claim voided and claimed again undecided, as the decider does', () => {
    // domain.md: a decided claim is mended by voiding it and claiming it again (same expenseId).
    const story = new Story();
    story.started();
    const claim = story.claim('x-1', 'language-training', '2005-02-01', '300.00');
    story.record('ExpenseApproved', {
      expenseId: 'x-1',
      approvedBy: 'hr',
      approvedOn: '2005-02-05',
      reimbursableUsd: { amount: '300.00', currency: 'USD' },
    });
    story.voided(claim);
    story.claim('x-1', 'language-training', '2005-02-01', '250.00');
    expect(view(story, { asOf: '2005-02-28' })!.expenses.totals).toMatchObject({
      claimed: { amount: '250.00', currency: 'USD' },
      approved: { amount: '0.00', currency: 'USD' },
      pending: { amount: '250.00', currency: 'USD' },
      reimbursable: { amount: '0.00', currency: 'USD' },
    });
    story.record('ExpenseApproved', {
      expenseId: 'x-1',
      approvedBy: 'hr',
      approvedOn: '2005-03-02',
      reimbursableUsd: { amount: '250.00', currency: 'USD' },
    });
    expect(view(story, { asOf: '2005-02-28' })!.expenses.totals.pending.amount).toBe('250.00');
    expect(view(story, { asOf: '2005-03-31' })!.expenses.totals).toMatchObject({
      approved: { amount: '250.00', currency: 'USD' },
      reimbursable: { amount: '250.00', currency: 'USD' },
    });
  });
});
