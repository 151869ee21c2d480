import { money } from '../../shared/money.js';
import type { EndAssignmentData, ExtendAssignmentData, StartAssignmentData } from '../commands.js';
import type { AssignmentEnded, AssignmentExtended, AssignmentStarted } from '../events.js';
import { violation } from '../errors.js';
import { resolvePolicy, taxHomeStatusOf } from '../policy.js';
import type { AssignmentState } from '../state.js';
import { compact, requireNotEnded, requirePositive, requireStarted } from './guards.js';

export const startAssignment = (command: StartAssignmentData, state: AssignmentState): AssignmentStarted => {
  if (state.assignment) {
    violation(
      'ASSIGNMENT.ALREADY_STARTED',
      `Assignment ${state.assignment.assignmentId} has already started`,
    );
  }
  if (command.expectedEndDate <= command.effectiveDate) {
    violation(
      'ASSIGNMENT.END_BEFORE_START',
      `The expected end ${command.expectedEndDate} must come after the effective date ${command.effectiveDate}`,
    );
  }
  requirePositive(command.baseSalaryMonthly, 'baseSalaryMonthly');
  const policy = resolvePolicy(command.policy);
  return {
    type: 'AssignmentStarted',
    data: compact({
      assignmentId: command.assignmentId,
      employee: command.employee,
      position: command.position,
      homeCountry: command.homeCountry,
      hostCountry: command.hostCountry,
      hostCity: command.hostCity,
      effectiveDate: command.effectiveDate,
      expectedEndDate: command.expectedEndDate,
      reportsTo: command.reportsTo,
      accompanyingFamily: command.accompanyingFamily,
      baseSalaryMonthly: money(command.baseSalaryMonthly.amount, command.baseSalaryMonthly.currency),
      policy,
      taxHomeStatus: taxHomeStatusOf(command.effectiveDate, command.expectedEndDate, policy),
    }),
  };
};

export const extendAssignment = (
  command: ExtendAssignmentData,
  state: AssignmentState,
): AssignmentExtended => {
  const assignment = requireNotEnded(state, 'An extension', 'intro');
  const current = state.expectedEndDate ?? assignment.expectedEndDate;
  if (command.decidedOn < assignment.effectiveDate) {
    violation(
      'ASSIGNMENT.NOT_ACTIVE',
      `An extension decided on ${command.decidedOn} precedes the effective date ${assignment.effectiveDate}`,
    );
  }
  if (command.newExpectedEndDate <= current) {
    violation(
      'EXTENSION.END_NOT_LATER',
      `The new expected end ${command.newExpectedEndDate} must come after the current one, ${current}`,
      { details: { currentExpectedEndDate: current } },
    );
  }
  // Once indefinite the tax home stays so: a later extension cannot shorten what was expected.
  const taxHomeStatus =
    state.taxHomeStatus === 'indefinite'
      ? 'indefinite'
      : taxHomeStatusOf(assignment.effectiveDate, command.newExpectedEndDate, assignment.policy);
  return {
    type: 'AssignmentExtended',
    data: compact({
      decidedOn: command.decidedOn,
      previousExpectedEndDate: current,
      newExpectedEndDate: command.newExpectedEndDate,
      reason: command.reason,
      taxHomeStatus,
    }),
  };
};

export const endAssignment = (command: EndAssignmentData, state: AssignmentState): AssignmentEnded => {
  const assignment = requireStarted(state);
  if (state.ended) {
    violation('ASSIGNMENT.ENDED', `The assignment already ended on ${state.ended.endedOn}`, {
      details: { endedOn: state.ended.endedOn },
    });
  }
  if (command.endedOn < assignment.effectiveDate) {
    violation(
      'ASSIGNMENT.END_BEFORE_START',
      `The end ${command.endedOn} precedes the effective date ${assignment.effectiveDate}`,
    );
  }
  return { type: 'AssignmentEnded', data: { reason: command.reason, endedOn: command.endedOn } };
};
