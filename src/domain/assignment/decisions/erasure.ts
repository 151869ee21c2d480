import type { CommandData } from '../commands.js';
import { ERASURE_EVENT_TYPE, type EventOf } from '../events.js';
import { violation } from '../errors.js';
import type { AssignmentState } from '../state.js';
import { requireStarted } from './guards.js';

type Erasure = EventOf<typeof ERASURE_EVENT_TYPE>;

/** The erasure event of a subject; the erasure service appends it to each of the subject's streams. */
export const erasureEventOf = (subject: {
  employeeId: string;
  reason: string;
  reference?: string | undefined;
}): Erasure => ({
  type: ERASURE_EVENT_TYPE,
  data: {
    employeeId: subject.employeeId,
    reason: subject.reason,
    ...(subject.reference === undefined ? {} : { reference: subject.reference }),
  },
});

/** Records that the assignment's employee was erased: only for that employee, and allowed after the end. */
export const eraseDataSubject = (
  command: CommandData<'EraseDataSubject'>,
  state: AssignmentState,
): Erasure => {
  const assignment = requireStarted(state);
  if (assignment.employee.id !== command.employeeId) {
    violation(
      'COMMAND.INVALID',
      `The assignment's employee is ${assignment.employee.id}, not ${command.employeeId}`,
    );
  }
  return erasureEventOf(command);
};
