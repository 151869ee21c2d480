/**
 * Given / when / then at the decider level (after emmett's DeciderSpecification): given the events
 * already in the stream, when a command is decided, then these events are recorded, or this rule refuses it.
 */
import { expect } from '@jest/globals';
import {
  decider,
  foldEvents,
  PolicyViolation,
  type AssignmentCommand,
  type AssignmentEvent,
  type AssignmentState,
  type Clause,
  type Envelope,
  type ViolationCode,
} from '../../../src/domain/assignment/index.js';

export type GivenEvent = AssignmentEvent | Envelope<AssignmentEvent>;

const RECORDED_AT = '2005-01-13T00:00:00.000Z';

/** Gives each event an envelope; events that bring their own eventId keep it (corrections point at them). */
export const envelopes = (events: readonly GivenEvent[], prefix = 'evt'): Envelope<AssignmentEvent>[] =>
  events.map((event, index) =>
    'eventId' in event ? event : { ...event, eventId: `${prefix}-${index + 1}`, recordedAt: RECORDED_AT },
  );

export const withId = <E extends AssignmentEvent>(eventId: string, event: E): Envelope<E> => ({
  ...event,
  eventId,
  recordedAt: RECORDED_AT,
});

export const stateOf = (events: readonly GivenEvent[]): AssignmentState => foldEvents(envelopes(events));

export interface Then {
  then(expected: AssignmentEvent[]): void;
  thenEvents(check: (events: AssignmentEvent[]) => void): void;
  /** The state once the decided events are folded in. */
  thenState(check: (state: AssignmentState) => void): void;
  thenThrows(code: ViolationCode, clause?: Clause): PolicyViolation;
}

export const given = (events: readonly GivenEvent[] = []) => {
  const state = stateOf(events);
  return {
    state,
    when(command: AssignmentCommand): Then {
      const run = () => decider.decide(command, state);
      return {
        // oxlint-disable-next-line unicorn/no-thenable -- the spec reads given/when/then; it is never awaited
        then: (expected) => expect(run()).toStrictEqual(expected),
        thenEvents: (check) => check(run()),
        thenState: (check) => check(envelopes(run(), 'decided').reduce(decider.evolve, state)),
        thenThrows: (code, clause) => {
          let caught: unknown;
          try {
            run();
          } catch (error) {
            caught = error;
          }
          expect(caught).toBeInstanceOf(PolicyViolation);
          const violation = caught as PolicyViolation;
          expect(violation.code).toBe(code);
          if (clause !== undefined) expect(violation.clause).toBe(clause);
          return violation;
        },
      };
    },
  };
};
