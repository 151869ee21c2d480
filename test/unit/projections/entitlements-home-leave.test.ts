import { describe, expect, it } from '@jest/globals';
import {
  assignmentEntitlementsProjection,
  entitlementsOf,
} from '../../../projections/assignment-entitlements/index.js';
import { project, Story } from './given.js';

const view = (story: Story, asOf: string) =>
  entitlementsOf(project(assignmentEntitlementsProjection, story.events), { asOf })!;

describe('home leave (clause 10): one pool of three trips per calendar year', () => {
  it('forfeits what is left when the year closes: 2005-12-31 open, 2006-01-01 closed', () => {
    const story = new Story();
    story.started();
    story.extended('2005-06-15', '2005-07-18', '2006-07-18', true);
    story.trip('employee', 'home', '2005-03-01');
    story.trip('spouse', 'host', '2005-08-10');

    expect(view(story, '2005-12-31').homeLeave.years).toEqual([
      {
        year: 2005,
        allowed: 3,
        taken: 2,
        takenByEmployee: 1,
        takenBySpouse: 1,
        otherDestinationUsed: 0,
        otherDestinationAllowed: 1,
        remaining: 1,
        forfeited: 0,
        closed: false,
      },
    ]);
    const nextYear = view(story, '2006-01-01').homeLeave.years;
    expect(
      nextYear.map(({ year, taken, remaining, forfeited, closed }) => ({
        year,
        taken,
        remaining,
        forfeited,
        closed,
      })),
    ).toEqual([
      { year: 2005, taken: 2, remaining: 0, forfeited: 1, closed: true },
      { year: 2006, taken: 0, remaining: 3, forfeited: 0, closed: false },
    ]);
  });

  it('forfeits what is left when the assignment ends, and lists no year after the end', () => {
    const story = new Story();
    story.started();
    story.trip('employee', 'home', '2005-03-01');
    story.ended('2005-07-18');

    const before = view(story, '2005-07-17');
    expect(before.status).toBe('active');
    expect(before.homeLeave.years[0]).toMatchObject({ year: 2005, taken: 1, remaining: 2, forfeited: 0 });

    const onEnd = view(story, '2005-07-18');
    expect(onEnd.status).toBe('ended');
    expect(onEnd.homeLeave.years).toEqual([
      expect.objectContaining({ year: 2005, taken: 1, remaining: 0, forfeited: 2, closed: true }),
    ]);
    expect(view(story, '2006-06-01').homeLeave.years.map((y) => y.year)).toEqual([2005]);
  });

  it('shares the pool between employee and spouse', () => {
    const story = new Story();
    story.started();
    story.trip('employee', 'home', '2005-02-10');
    story.trip('spouse', 'host', '2005-04-01');
    story.trip('employee', 'home', '2005-06-01');

    expect(view(story, '2005-06-30').homeLeave.years[0]).toMatchObject({
      allowed: 3,
      taken: 3,
      takenByEmployee: 2,
      takenBySpouse: 1,
      remaining: 0,
      forfeited: 0,
    });
  });

  it('counts the trip to another destination in the same pool', () => {
    const story = new Story();
    story.started();
    story.trip('employee', 'other', '2005-05-01', '1650.00');

    expect(view(story, '2005-05-31').homeLeave.years[0]).toMatchObject({
      taken: 1,
      takenByEmployee: 1,
      otherDestinationUsed: 1,
      otherDestinationAllowed: 1,
      remaining: 2,
    });
  });

  it('counts a round trip in the year of its departure, and only once departed as of the date', () => {
    const story = new Story();
    story.started();
    story.extended('2005-06-15', '2005-07-18', '2006-07-18', true);
    story.trip('employee', 'home', '2005-12-28');
    story.trip('spouse', 'host', '2006-02-01');

    expect(view(story, '2005-12-27').homeLeave.years[0]).toMatchObject({ year: 2005, taken: 0 });
    const years = view(story, '2006-03-01').homeLeave.years;
    expect(years.map((y) => [y.year, y.taken, y.remaining, y.forfeited])).toEqual([
      [2005, 1, 0, 2],
      [2006, 1, 2, 0],
    ]);
  });

  it('has no year yet before the effective date', () => {
    const story = new Story();
    story.started();
    const before = view(story, '2005-01-17');
    expect(before.status).toBe('not-started');
    expect(before.homeLeave.years).toEqual([]);
    expect(view(story, '2005-01-18').status).toBe('active');
  });

  it('takes the number of trips from the policy captured at the start', () => {
    const story = new Story();
    story.started({ homeLeaveTripsPerYear: 2 });
    story.trip('employee', 'home', '2005-03-01');
    expect(view(story, '2006-01-01').homeLeave.years[0]).toMatchObject({ allowed: 2, forfeited: 1 });
  });
});
