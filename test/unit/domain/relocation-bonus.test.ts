/**
 * The worked example of docs/adding-a-term.md: a one-off relocation bonus, paid once, its amount a policy
 * term declared after assignments were recorded without it (so an old start reads as "no bonus").
 */
import { describe, expect, it } from '@jest/globals';
import {
  assignmentEntitlementsProjection,
  auditTimelineProjection,
  entitlementsOf,
  timelineOf,
  type EntitlementsDoc,
} from '../../../projections/index.js';
import { CURRENT_SCHEMA_VERSIONS, storedSchemaVersion } from '../../../src/schemas/schema-versions.js';
import { validateEvent } from '../../../src/schemas/validate-event.js';
import { LETTER_POLICY, type AssignmentCommand } from '../../../src/domain/assignment/index.js';
import { project, Story } from '../projections/given.js';
import { started, usd } from './fixtures.js';
import { given, withId } from './specification.js';

const payBonus = (amount?: string): AssignmentCommand => ({
  type: 'PayRelocationBonus',
  data: { paidOn: '2005-02-01', ...(amount ? { amount: usd(amount) } : {}) },
});
const bonusPaid = {
  type: 'RelocationBonusPaid' as const,
  data: { paidOn: '2005-02-01', amount: usd('5000.00') },
};

/** An AssignmentStarted as recorded before the term existed: its policy has no relocationBonus. */
const { relocationBonus: _none, ...policyBeforeTheTerm } = LETTER_POLICY;
const startedBeforeTheTerm = started({ policy: policyBeforeTheTerm as typeof LETTER_POLICY });

describe('a relocation bonus: paid once, up to the amount the policy grants', () => {
  it("pays the policy's amount by default, and a smaller one when asked", () => {
    given([started({}, { relocationBonus: usd('5000.00') })])
      .when(payBonus())
      .then([bonusPaid]);
    given([started({}, { relocationBonus: usd('5000.00') })])
      .when(payBonus('1200'))
      .then([{ type: 'RelocationBonusPaid', data: { paidOn: '2005-02-01', amount: usd('1200.00') } }]);
  });

  it('pays at most once, never above the policy, never when the policy grants none', () => {
    const granted = started({}, { relocationBonus: usd('5000.00') });
    given([granted, bonusPaid]).when(payBonus()).thenThrows('ALLOWANCE.ALREADY_PAID', 'intro');
    given([granted]).when(payBonus('5000.01')).thenThrows('ALLOWANCE.ABOVE_POLICY', 'intro');
    const none = given([started()]).when(payBonus()).thenThrows('ALLOWANCE.ABOVE_POLICY', 'intro');
    expect(none.message).toBe("This assignment's policy grants no relocation bonus");
  });

  it('can be corrected and voided like the allowance', () => {
    const paid = withId('bonus', bonusPaid);
    const granted = started({}, { relocationBonus: usd('5000.00') });
    given([granted, paid])
      .when({
        type: 'CorrectEvent',
        data: { correctsEventId: 'bonus', reason: 'typo', replacement: { amount: usd('4000.00') } },
      })
      .thenState((s) => expect(s.relocationBonus).toMatchObject({ amount: usd('4000.00') }));
    given([granted, paid])
      .when({ type: 'VoidEvent', data: { correctsEventId: 'bonus', reason: 'paid twice' } })
      .thenState((s) => expect(s.relocationBonus).toBeNull());
  });
});

describe('a policy term declared later, read from old AssignmentStarted events', () => {
  it('needs no new event version: an old start and a new one both match AssignmentStarted v1', () => {
    expect(CURRENT_SCHEMA_VERSIONS.AssignmentStarted).toBe(1);
    expect(storedSchemaVersion({})).toBe(1);
    expect(validateEvent('AssignmentStarted', 1, startedBeforeTheTerm.data)).toEqual({
      valid: true,
      errors: [],
    });
    const withTheTerm = started({}, { relocationBonus: usd('5000.00') });
    expect(validateEvent('AssignmentStarted', 1, withTheTerm.data)).toEqual({ valid: true, errors: [] });
  });

  it("reads the term's letter value (no bonus) in the decider and in the entitlements", () => {
    given([startedBeforeTheTerm]).when(payBonus()).thenThrows('ALLOWANCE.ABOVE_POLICY');
    const state = given([startedBeforeTheTerm]).state;
    expect(state.assignment?.policy.relocationBonus).toEqual(usd('0.00'));

    const story = new Story();
    story.started({}, { policy: policyBeforeTheTerm as typeof LETTER_POLICY });
    const answer = entitlementsOf(project(assignmentEntitlementsProjection, story.events), {
      asOf: '2005-12-31',
    })!;
    expect(answer.allowances).toEqual({ miscellaneous: { amount: usd('2500.00'), paid: false } });
  });

  it('shows a granted bonus in the entitlements and the timeline, unpaid then paid', () => {
    const story = new Story();
    story.started({ relocationBonus: usd('5000.00') });
    story.record('RelocationBonusPaid', { paidOn: '2005-02-01', amount: usd('5000.00') });
    const doc = project(assignmentEntitlementsProjection, story.events);
    expect(entitlementsOf(doc, { asOf: '2005-01-31' })!.allowances.relocationBonus).toEqual({
      amount: usd('5000.00'),
      paid: false,
    });
    expect(entitlementsOf(doc, { asOf: '2005-02-01' })!.allowances.relocationBonus).toEqual({
      amount: usd('5000.00'),
      paid: true,
      paidOn: '2005-02-01',
      paidAmount: usd('5000.00'),
    });
    const entries = timelineOf(project(auditTimelineProjection, story.events));
    expect(entries.at(-1)).toMatchObject({
      businessDate: '2005-02-01',
      summary: 'Relocation bonus of USD 5000.00 paid on 2005-02-01',
    });
  });

  it('reads an entitlements document built before the term was declared', () => {
    const story = new Story();
    story.started({ relocationBonus: usd('5000.00') });
    const { relocationBonus: _list, ...olderDoc } = project(assignmentEntitlementsProjection, story.events);
    const answer = entitlementsOf(olderDoc as unknown as EntitlementsDoc, { asOf: '2005-12-31' });
    expect(answer?.allowances.relocationBonus).toEqual({ amount: usd('5000.00'), paid: false });
  });
});
