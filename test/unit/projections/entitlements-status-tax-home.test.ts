import { describe, expect, it } from '@jest/globals';
import {
  assignmentEntitlementsProjection,
  entitlementsOf,
} from '../../../projections/assignment-entitlements/index.js';
import { project, Story } from './given.js';

const view = (story: Story, asOf: string) =>
  entitlementsOf(project(assignmentEntitlementsProjection, story.events), { asOf })!;

describe('status, dates and extensions', () => {
  it('tells the letter: Joe, COO in Shanghai from 2005-01-18, expected to end 2005-07-18', () => {
    const story = new Story();
    story.started();
    expect(view(story, '2005-03-01')).toMatchObject({
      assignmentId: 'joe-shanghai',
      asOf: '2005-03-01',
      revision: 0,
      lastPosition: 1,
      employee: { id: 'E-1001', name: 'Joseph Lamoreux' },
      position: 'Chief Operating Officer',
      hostCity: 'Shanghai',
      hostCountry: 'CN',
      status: 'active',
      dates: {
        effectiveDate: '2005-01-18',
        originalExpectedEndDate: '2005-07-18',
        expectedEndDate: '2005-07-18',
      },
      extensions: [],
      taxHomeStatus: 'temporary',
      salary: { baseMonthly: { amount: '19166.67', currency: 'USD' } },
    });
  });

  it('counts an end only from its business date on', () => {
    const story = new Story();
    story.started();
    story.ended('2005-05-31', 'employment-terminated');
    const before = view(story, '2005-05-30');
    expect(before.status).toBe('active');
    expect(before.dates.endedOn).toBeUndefined();
    expect(view(story, '2005-05-31')).toMatchObject({
      status: 'ended',
      dates: { endedOn: '2005-05-31', endReason: 'employment-terminated' },
    });
  });

  it('moves the expected end only from the day the extension was decided', () => {
    const story = new Story();
    story.started();
    story.extended('2005-06-15', '2005-07-18', '2006-07-18', true);
    expect(view(story, '2005-06-14').dates.expectedEndDate).toBe('2005-07-18');
    const after = view(story, '2005-06-15');
    expect(after.dates.expectedEndDate).toBe('2006-07-18');
    expect(after.extensions).toEqual([
      expect.objectContaining({
        decidedOn: '2005-06-15',
        previousExpectedEndDate: '2005-07-18',
        newExpectedEndDate: '2006-07-18',
      }),
    ]);
  });

  it('keeps the latest expected end when an extension is recorded with an earlier decidedOn', () => {
    // The decider takes any decidedOn from the effective date on, and each new end after the current one.
    const story = new Story();
    story.started();
    story.extended('2005-06-01', '2005-07-18', '2005-09-30');
    story.extended('2005-05-01', '2005-09-30', '2005-12-31');
    expect(view(story, '2005-04-30').dates.expectedEndDate).toBe('2005-07-18');
    expect(view(story, '2005-05-15').dates.expectedEndDate).toBe('2005-12-31');
    expect(view(story, '2005-06-30').dates.expectedEndDate).toBe('2005-12-31');
  });
});

describe('tax home (US one-year rule, Rev. Rul. 93-86)', () => {
  it('is temporary before an extension beyond one year is decided and indefinite from its decidedOn', () => {
    const story = new Story();
    story.started();
    story.extended('2005-06-15', '2005-07-18', '2006-07-18', true);
    expect(view(story, '2005-06-14').taxHomeStatus).toBe('temporary');
    expect(view(story, '2005-06-15')).toMatchObject({
      taxHomeStatus: 'indefinite',
      taxHomeIndefiniteFrom: '2005-06-15',
    });
  });

  it('derives it from the expected total length even when the event does not say so', () => {
    const story = new Story();
    story.started();
    story.extended('2005-06-15', '2005-07-18', '2005-12-31');
    story.extended('2005-11-01', '2005-12-31', '2006-01-19');
    expect(view(story, '2005-10-31').taxHomeStatus).toBe('temporary');
    expect(view(story, '2005-11-01')).toMatchObject({
      taxHomeStatus: 'indefinite',
      taxHomeIndefiniteFrom: '2005-11-01',
    });
  });

  it('stays temporary for an extension to exactly 365 days', () => {
    const story = new Story();
    story.started();
    story.extended('2005-06-15', '2005-07-18', '2006-01-18');
    expect(view(story, '2005-12-31').taxHomeStatus).toBe('temporary');
  });

  it('is indefinite from the effective date when the assignment is planned beyond the limit', () => {
    const story = new Story();
    story.started({}, { expectedEndDate: '2006-01-19' });
    expect(view(story, '2005-02-01')).toMatchObject({
      taxHomeStatus: 'indefinite',
      taxHomeIndefiniteFrom: '2005-01-18',
    });
  });

  it('takes an indefinite status recorded on the start from the effective date', () => {
    const story = new Story();
    story.started({}, { taxHomeStatus: 'indefinite' });
    expect(view(story, '2005-01-18')).toMatchObject({
      taxHomeStatus: 'indefinite',
      taxHomeIndefiniteFrom: '2005-01-18',
    });
  });

  it('keeps the first start only', () => {
    const story = new Story();
    story.started();
    story.started({}, { expectedEndDate: '2007-01-18' });
    expect(view(story, '2005-02-01')).toMatchObject({
      taxHomeStatus: 'temporary',
      dates: { expectedEndDate: '2005-07-18' },
    });
  });

  it('follows the policy term captured at the start', () => {
    const story = new Story();
    story.started({ taxHomeLimitDays: 180 });
    story.extended('2005-06-15', '2005-07-18', '2005-08-18');
    expect(view(story, '2005-06-15').taxHomeStatus).toBe('indefinite');
  });
});
