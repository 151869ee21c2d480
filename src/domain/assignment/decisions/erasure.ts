import type { CommandData } from '../commands.js';
import type { EventOf } from '../events.js';
import { violation } from '../errors.js';
import type { AssignmentState } from '../state.js';
import { requireStarted } from './guards.js';

/** Records that the assignment's employee was erased: only for that employee, and allowed after the end. */
export const eraseDataSubject = (
  command: CommandData<'EraseDataSubject'>,
  state: AssignmentState,
): EventOf<'DataSubjectErased'> => {
  const assignment = requireStarted(state);
  if (assignment.employee.id !== command.employeeId) {
    violation(
      'COMMAND.INVALID',
      `The assignment's employee is ${assignment.employee.id}, not ${command.employeeId}`,
    );
  }
  return {
    type: 'DataSubjectErased',
    data: {
      employeeId: command.employeeId,
      reason: command.reason,
      ...(command.reference === undefined ? {} : { reference: command.reference }),
    },
  };
};
