import type { AssignmentCommand } from './commands.js';
import type { AssignmentEvent } from './events.js';
import type { AssignmentState } from './state.js';
import { payMiscellaneousAllowance } from './decisions/allowances.js';
import { correctEvent, voidEvent } from './decisions/corrections.js';
import { approveExpense, claimExpense, rejectExpense } from './decisions/expenses.js';
import { takeHomeLeaveTrip } from './decisions/home-leave.js';
import { approveHousingLease } from './decisions/housing.js';
import { endAssignment, extendAssignment, startAssignment } from './decisions/lifecycle.js';
import { paySalary, settleTaxEqualization } from './decisions/payroll.js';
import {
  depositReturnAirfreightFund,
  drawReturnAirfreightFund,
  recordRepatriationTravel,
} from './decisions/repatriation.js';
import { recordShipment } from './decisions/shipments.js';
import { observeHostHoliday, takeVacation } from './decisions/time-off.js';

/**
 * Decides what a command records, given the state folded from the stream. Pure: the same command and
 * state always give the same events. A command the policy forbids throws a PolicyViolation.
 */
export const decide = (command: AssignmentCommand, state: AssignmentState): AssignmentEvent[] => {
  switch (command.type) {
    case 'StartAssignment':
      return [startAssignment(command.data, state)];
    case 'ExtendAssignment':
      return [extendAssignment(command.data, state)];
    case 'RecordShipment':
      return [recordShipment(command.data, state)];
    case 'TakeHomeLeaveTrip':
      return [takeHomeLeaveTrip(command.data, state)];
    case 'ClaimExpense':
      return [claimExpense(command.data, state)];
    case 'ApproveExpense':
      return [approveExpense(command.data, state)];
    case 'RejectExpense':
      return [rejectExpense(command.data, state)];
    case 'PayMiscellaneousAllowance':
      return [payMiscellaneousAllowance(command.data, state)];
    case 'EndAssignment':
      return [endAssignment(command.data, state)];
    case 'RecordRepatriationTravel':
      return [recordRepatriationTravel(command.data, state)];
    case 'DepositReturnAirfreightFund':
      return [depositReturnAirfreightFund(command.data, state)];
    case 'DrawReturnAirfreightFund':
      return [drawReturnAirfreightFund(command.data, state)];
    case 'PaySalary':
      return [paySalary(command.data, state)];
    case 'SettleTaxEqualization':
      return [settleTaxEqualization(command.data, state)];
    case 'ApproveHousingLease':
      return [approveHousingLease(command.data, state)];
    case 'ObserveHostHoliday':
      return [observeHostHoliday(command.data, state)];
    case 'TakeVacation':
      return [takeVacation(command.data, state)];
    case 'CorrectEvent':
      return [correctEvent(command.data, state)];
    case 'VoidEvent':
      return [voidEvent(command.data, state)];
    default: {
      const unhandled: never = command;
      throw new Error(`Unknown command ${(unhandled as { type: string }).type}`);
    }
  }
};
