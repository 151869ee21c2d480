import { dec, isDecimalString, type Money } from '../../shared/money.js';
import type { BusinessDate } from '../../shared/calendar.js';
import type { ExchangeRate } from '../events.js';
import { violation, type Clause } from '../errors.js';
import type { AssignmentState, StartedAssignment } from '../state.js';

export type Started = StartedAssignment;

export const requireStarted = (state: AssignmentState): Started =>
  state.assignment ?? violation('ASSIGNMENT.NOT_STARTED', 'No assignment has been started in this stream');

/** Refuses what domain.md "After the end" does not let through, citing the clause of what was refused. */
export const refuseAfterEnd = (
  state: AssignmentState,
  what: string,
  clause: Clause,
  details: Record<string, unknown> = {},
): never =>
  violation(
    'ASSIGNMENT.ENDED',
    `${what} cannot be recorded: the assignment ended on ${state.ended?.endedOn}`,
    {
      clause,
      details: { endedOn: state.ended?.endedOn ?? null, ...details },
    },
  );

/** For what is refused after AssignmentEnded whatever its date (trips, outbound shipments, extensions...). */
export const requireNotEnded = (state: AssignmentState, what: string, clause: Clause): Started => {
  const assignment = requireStarted(state);
  if (state.ended) refuseAfterEnd(state, what, clause);
  return assignment;
};

/** The business date falls between the effective date and the end (when there is one). */
export const requireDuringAssignment = (
  state: AssignmentState,
  date: BusinessDate,
  what: string,
  clause: Clause,
): void => {
  const assignment = requireStarted(state);
  const endedOn = state.ended?.endedOn;
  if (date < assignment.effectiveDate || (endedOn !== undefined && date > endedOn)) {
    violation(
      'ASSIGNMENT.NOT_ACTIVE',
      `${what} on ${date} is outside the assignment (${assignment.effectiveDate} to ${endedOn ?? 'now'})`,
      { clause, details: { date, effectiveDate: assignment.effectiveDate, endedOn: endedOn ?? null } },
    );
  }
};

export const invalid = (message: string, details?: Record<string, unknown>): never =>
  violation('COMMAND.INVALID', message, details ? { details } : undefined);

export const requirePositive = (amount: Money, field: string): void => {
  if (!isDecimalString(amount.amount) || !dec(amount).gt(0)) invalid(`${field} must be more than zero`);
};

export const requireNotNegative = (amount: Money, field: string): void => {
  if (!isDecimalString(amount.amount) || dec(amount).lt(0)) invalid(`${field} must not be negative`);
};

export const requireCurrency = (amount: Money, currency: string, field: string, clause: Clause): void => {
  if (amount.currency !== currency) {
    violation('MONEY.CURRENCY_MISMATCH', `${field} must be in ${currency}, not ${amount.currency}`, {
      clause,
      details: { field, expected: currency, actual: amount.currency },
    });
  }
};

export const requireValidRate = (rate: ExchangeRate): void => {
  if (!isDecimalString(rate.rate) || !dec(rate.rate).gt(0))
    invalid('exchangeRate.rate must be more than zero');
};

/** Drops undefined optional fields so events stay identical through a JSON round trip. */
export const compact = <T extends object>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
