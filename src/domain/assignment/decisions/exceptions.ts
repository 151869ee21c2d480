import { Decimal } from 'decimal.js';
import { isDecimalString } from '../../shared/money.js';
import type { ApproveExceptionData, DeclineExceptionData, RequestExceptionData } from '../commands.js';
import type { ExceptionApproved, ExceptionDeclined, ExceptionRequested, ExceptionTerm } from '../events.js';
import { clauseOfTerm, violation } from '../errors.js';
import { isWholeUnitTerm } from '../balances/exceptions.js';
import { normalizeName, type AssignmentState, type ExceptionView } from '../state.js';
import { compact, invalid, requireNotEnded, requireStarted } from './guards.js';

const requireLimit = (term: ExceptionTerm, limit: string, field: string): void => {
  if (!isDecimalString(limit)) invalid(`${field} must be a decimal string`, { field });
  if (isWholeUnitTerm(term) && !new Decimal(limit).isInteger()) {
    invalid(`${field} of ${term} must be a whole number`, { field, term });
  }
};

/** An exception is requested before the end, for one term (trips: for one year). */
export const requestException = (
  command: RequestExceptionData,
  state: AssignmentState,
): ExceptionRequested => {
  const clause = clauseOfTerm(command.term);
  requireNotEnded(state, 'An exception request', clause);
  if (state.exceptions[command.exceptionId]) {
    violation('EXCEPTION.DUPLICATE_ID', `Exception ${command.exceptionId} is already requested`, {
      clause,
      details: { exceptionId: command.exceptionId },
    });
  }
  requireLimit(command.term, command.requestedLimit, 'requestedLimit');
  if ((command.term === 'home-leave-trips') !== (command.year !== undefined)) {
    invalid(
      command.term === 'home-leave-trips'
        ? 'year is required for home-leave-trips: the pool of one calendar year is lifted'
        : `year applies to home-leave-trips only, not to ${command.term}`,
      { field: 'year' },
    );
  }
  return {
    type: 'ExceptionRequested',
    data: compact({
      exceptionId: command.exceptionId,
      term: command.term,
      requestedLimit: new Decimal(command.requestedLimit).toFixed(),
      year: command.year,
      reason: command.reason,
      requestedBy: command.requestedBy,
      requestedOn: command.requestedOn,
    }),
  };
};

/** The pending exception a decision is about; decided once. */
const pendingException = (state: AssignmentState, exceptionId: string, decidedOn: string): ExceptionView => {
  requireStarted(state);
  const exception =
    state.exceptions[exceptionId] ??
    violation('EXCEPTION.UNKNOWN', `No exception ${exceptionId} is requested in this assignment`, {
      details: { exceptionId },
    });
  const clause = clauseOfTerm(exception.term);
  if (exception.status !== 'requested') {
    violation('EXCEPTION.ALREADY_DECIDED', `Exception ${exceptionId} is already ${exception.status}`, {
      clause,
      details: { exceptionId, status: exception.status },
    });
  }
  if (decidedOn < exception.requestedOn) {
    invalid(
      `Exception ${exceptionId} was requested on ${exception.requestedOn}: it cannot be decided earlier`,
      {
        requestedOn: exception.requestedOn,
        decidedOn,
      },
    );
  }
  return exception;
};

export const approveException = (
  command: ApproveExceptionData,
  state: AssignmentState,
): ExceptionApproved => {
  const exception = pendingException(state, command.exceptionId, command.approvedOn);
  const clause = clauseOfTerm(exception.term);
  if (normalizeName(command.approvedBy) === normalizeName(exception.requestedBy)) {
    violation(
      'EXCEPTION.SELF_APPROVAL',
      `${command.approvedBy} requested exception ${command.exceptionId}: someone else must approve it`,
      { clause, details: { exceptionId: command.exceptionId, requestedBy: exception.requestedBy } },
    );
  }
  const granted = command.grantedLimit ?? exception.requestedLimit;
  requireLimit(exception.term, granted, 'grantedLimit');
  if (new Decimal(granted).gt(exception.requestedLimit)) {
    violation(
      'EXCEPTION.ABOVE_REQUEST',
      `The granted limit ${granted} is above the ${exception.requestedLimit} requested`,
      { clause, details: { requestedLimit: exception.requestedLimit, grantedLimit: granted } },
    );
  }
  return {
    type: 'ExceptionApproved',
    data: compact({
      exceptionId: command.exceptionId,
      approvedBy: command.approvedBy,
      approvedOn: command.approvedOn,
      grantedLimit: new Decimal(granted).toFixed(),
      term: exception.term,
      year: exception.year,
    }),
  };
};

export const declineException = (
  command: DeclineExceptionData,
  state: AssignmentState,
): ExceptionDeclined => {
  pendingException(state, command.exceptionId, command.declinedOn);
  return {
    type: 'ExceptionDeclined',
    data: {
      exceptionId: command.exceptionId,
      declinedBy: command.declinedBy,
      declinedOn: command.declinedOn,
      reason: command.reason,
    },
  };
};
