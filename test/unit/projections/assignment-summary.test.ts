import { describe, expect, it } from '@jest/globals';
import {
  assignmentSummaryProjection,
  matchesSummaryFilter,
} from '../../../projections/assignment-summary/index.js';
import { project, Story } from './given.js';

describe('assignment summary (list view)', () => {
  it('shows the letter once started', () => {
    const story = new Story();
    story.at('2005-01-14T09:00:00.000Z').started();
    expect(project(assignmentSummaryProjection, story.events)).toEqual({
      assignmentId: 'joe-shanghai',
      employee: { id: 'E-1001', name: 'Joseph Lamoreux' },
      position: 'Chief Operating Officer',
      homeCountry: 'US',
      hostCity: 'Shanghai',
      hostCountry: 'CN',
      status: 'active',
      effectiveDate: '2005-01-18',
      expectedEndDate: '2005-07-18',
      endedOn: null,
      endReason: null,
      extensions: 0,
      startedAt: '2005-01-14T09:00:00.000Z',
      updatedAt: '2005-01-14T09:00:00.000Z',
      revision: 0,
      lastPosition: 1,
    });
  });

  it('follows extensions and the end, and carries the last revision and position of any event', () => {
    const story = new Story('joe-shanghai', 41);
    story.started();
    story.extended('2005-06-15', '2005-07-18', '2006-07-18', true);
    story.trip('employee', 'home', '2005-08-01');
    story.ended('2006-07-18');
    story.at('2006-07-25T08:00:00.000Z').shipment('return', 'air', '2006-07-24', '600');
    expect(project(assignmentSummaryProjection, story.events)).toMatchObject({
      status: 'ended',
      expectedEndDate: '2006-07-18',
      endedOn: '2006-07-18',
      endReason: 'completed',
      extensions: 1,
      updatedAt: '2006-07-25T08:00:00.000Z',
      revision: 4,
      lastPosition: 45,
    });
  });

  it('matches the list filters on status and employee', () => {
    const story = new Story();
    story.started();
    const doc = project(assignmentSummaryProjection, story.events);
    expect(matchesSummaryFilter(doc, {})).toBe(true);
    expect(matchesSummaryFilter(doc, { status: 'active', employeeId: 'E-1001' })).toBe(true);
    expect(matchesSummaryFilter(doc, { status: 'ended' })).toBe(false);
    expect(matchesSummaryFilter(doc, { employeeId: 'E-2' })).toBe(false);
    expect(matchesSummaryFilter(assignmentSummaryProjection.init('x'), {})).toBe(false);
  });
});
