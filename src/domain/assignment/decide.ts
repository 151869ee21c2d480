import type { AssignmentCommand, AssignmentCommandType, CommandData } from './commands.js';
import type { AssignmentEvent } from './events.js';
import type { AssignmentState } from './state.js';
import { ONE_OFF_DECISIONS } from './decisions/allowances.js';
import { correctEvent, voidEvent } from './decisions/corrections.js';
import { approveException, declineException, requestException } from './decisions/exceptions.js';
import { approveExpense, claimExpense, rejectExpense } from './decisions/expenses.js';
import { takeHomeLeaveTrip } from './decisions/home-leave.js';
import { approveHousingLease } from './decisions/housing.js';
import { endAssignment, extendAssignment, startAssignment } from './decisions/lifecycle.js';
import { paySalary, settleTaxEqualization } from './decisions/payroll.js';
import { eraseDataSubject } from './decisions/erasure.js';
import {
  depositReturnAirfreightFund,
  drawReturnAirfreightFund,
  recordRepatriationTravel,
} from './decisions/repatriation.js';
import { recordShipment } from './decisions/shipments.js';
import { observeHostHoliday, takeVacation } from './decisions/time-off.js';

type Decision<C extends AssignmentCommandType> = (
  data: CommandData<C>,
  state: AssignmentState,
) => AssignmentEvent;

/** One decision per command: a command missing here fails to compile. */
const DECISIONS: { [C in AssignmentCommandType]: Decision<C> } = {
  ...ONE_OFF_DECISIONS,
  StartAssignment: startAssignment,
  ExtendAssignment: extendAssignment,
  RecordShipment: recordShipment,
  TakeHomeLeaveTrip: takeHomeLeaveTrip,
  ClaimExpense: claimExpense,
  ApproveExpense: approveExpense,
  RejectExpense: rejectExpense,
  EndAssignment: endAssignment,
  RecordRepatriationTravel: recordRepatriationTravel,
  DepositReturnAirfreightFund: depositReturnAirfreightFund,
  DrawReturnAirfreightFund: drawReturnAirfreightFund,
  PaySalary: paySalary,
  SettleTaxEqualization: settleTaxEqualization,
  ApproveHousingLease: approveHousingLease,
  ObserveHostHoliday: observeHostHoliday,
  TakeVacation: takeVacation,
  RequestException: requestException,
  ApproveException: approveException,
  DeclineException: declineException,
  CorrectEvent: correctEvent,
  VoidEvent: voidEvent,
  EraseDataSubject: eraseDataSubject,
};

/**
 * Decides what a command records, given the state folded from the stream. Pure: the same command and
 * state always give the same events. A command the policy forbids throws a PolicyViolation.
 */
export const decide = (command: AssignmentCommand, state: AssignmentState): AssignmentEvent[] => {
  const decision = DECISIONS[command.type] as Decision<AssignmentCommandType> | undefined;
  if (!decision) throw new Error(`Unknown command ${(command as { type: string }).type}`);
  return [decision(command.data, state)];
};
