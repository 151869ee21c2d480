/**
 * The assignment's commands: one per write of the HTTP contract, plain data already validated for shape
 * (decimal strings, `YYYY-MM-DD` dates). Ids, business dates and actors come in with the command: the
 * decider reads no clock and draws no random number.
 *
 * Each event's declaration (events.ts) names the command that records it; the command's data is the
 * declaration's `input` (or the event's own fields) unless it is given below.
 */
import {
  ASSIGNMENT_EVENT_TYPES,
  EVENTS,
  type AssignmentEventType,
  type CommandOfEvent,
  type CorrectableEventType,
  type EventData,
  type InputOf,
} from './events.js';
import type { AssignmentPolicy } from './policy.js';

/** What the application knows about the request; decisions never depend on it. */
export interface CommandMetadata {
  commandId?: string;
  actor?: string;
  /** ISO instant of the request, for the application's records only. */
  now?: string;
}

/** The start's terms as the event records them, with policy overrides instead of the resolved policy. */
export type StartAssignmentData = Omit<EventData<'AssignmentStarted'>, 'policy' | 'taxHomeStatus'> & {
  /** Overrides of the letter's terms; the rest defaults to LETTER_POLICY. */
  policy?: Partial<AssignmentPolicy>;
};

/** The input fields of the command that recorded each correctable event type. */
export type CorrectionInputs = { [T in CorrectableEventType]: InputOf<T> };

export interface CorrectEventData {
  correctsEventId: string;
  reason: string;
  /**
   * The fields to change, named as in the command that recorded the event (e.g. `weightLb` for a
   * shipment): the rest is kept, derived values are computed again and every rule is checked again.
   */
  replacement: Partial<CorrectionInputs[CorrectableEventType]> & Record<string, unknown>;
}

export interface VoidEventData {
  correctsEventId: string;
  reason: string;
}

/** Commands whose data is not the input its event declares (values the decision works out are left out). */
interface DataGivenHere {
  StartAssignment: StartAssignmentData;
  ExtendAssignment: Omit<EventData<'AssignmentExtended'>, 'previousExpectedEndDate' | 'taxHomeStatus'>;
  ApproveExpense: Omit<EventData<'ExpenseApproved'>, 'reimbursableUsd'>;
  CorrectEvent: CorrectEventData;
  VoidEvent: VoidEventData;
}

export type AssignmentCommandType = CommandOfEvent[AssignmentEventType];

type EventOfCommand<C extends AssignmentCommandType> = {
  [T in AssignmentEventType]: CommandOfEvent[T] extends C ? T : never;
}[AssignmentEventType];

/** The data of one command type. */
export type CommandData<C extends AssignmentCommandType> = C extends keyof DataGivenHere
  ? DataGivenHere[C]
  : InputOf<EventOfCommand<C>>;

export interface CommandOf<C extends AssignmentCommandType> {
  type: C;
  data: CommandData<C>;
  metadata?: CommandMetadata;
}
export type AssignmentCommand = { [C in AssignmentCommandType]: CommandOf<C> }[AssignmentCommandType];

/** Every command type, in the order of the events they record. */
export const ASSIGNMENT_COMMAND_TYPES: readonly AssignmentCommandType[] = ASSIGNMENT_EVENT_TYPES.map(
  (type) => EVENTS[type].command,
);

/** The event type each command records. */
export const EVENT_OF_COMMAND = Object.fromEntries(
  ASSIGNMENT_EVENT_TYPES.map((type) => [EVENTS[type].command, type]),
) as { [C in AssignmentCommandType]: EventOfCommand<C> };

export type ExtendAssignmentData = CommandData<'ExtendAssignment'>;
export type RecordShipmentData = CommandData<'RecordShipment'>;
export type TakeHomeLeaveTripData = CommandData<'TakeHomeLeaveTrip'>;
export type ClaimExpenseData = CommandData<'ClaimExpense'>;
export type ApproveExpenseData = CommandData<'ApproveExpense'>;
export type RejectExpenseData = CommandData<'RejectExpense'>;
export type PayMiscellaneousAllowanceData = CommandData<'PayMiscellaneousAllowance'>;
export type EndAssignmentData = CommandData<'EndAssignment'>;
export type RecordRepatriationTravelData = CommandData<'RecordRepatriationTravel'>;
export type DepositReturnAirfreightFundData = CommandData<'DepositReturnAirfreightFund'>;
export type DrawReturnAirfreightFundData = CommandData<'DrawReturnAirfreightFund'>;
export type PaySalaryData = CommandData<'PaySalary'>;
export type SettleTaxEqualizationData = CommandData<'SettleTaxEqualization'>;
export type ApproveHousingLeaseData = CommandData<'ApproveHousingLease'>;
export type ObserveHostHolidayData = CommandData<'ObserveHostHoliday'>;
export type TakeVacationData = CommandData<'TakeVacation'>;
export type RequestExceptionData = CommandData<'RequestException'>;
export type ApproveExceptionData = CommandData<'ApproveException'>;
export type DeclineExceptionData = CommandData<'DeclineException'>;
