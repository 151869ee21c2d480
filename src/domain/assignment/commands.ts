/**
 * The assignment's commands: one per write of the HTTP contract, plain data already validated for shape
 * (decimal strings, `YYYY-MM-DD` dates). Ids, business dates and actors come in with the command: the
 * decider reads no clock and draws no random number.
 */
import type { Money } from '../shared/money.js';
import type { WeightInput } from '../shared/weight.js';
import type { BusinessDate, Period } from '../shared/calendar.js';
import type {
  Cabin,
  ContainerSize,
  CorrectableEventType,
  Direction,
  EventData,
  ExchangeRate,
  ExpenseCategory,
  ShipmentMode,
  TripDestination,
  Traveller,
} from './events.js';
import type { AssignmentPolicy } from './policy.js';

/** What the application knows about the request; decisions never depend on it. */
export interface CommandMetadata {
  commandId?: string;
  actor?: string;
  /** ISO instant of the request, for the application's records only. */
  now?: string;
}

interface Command<Type extends string, Data> {
  type: Type;
  data: Data;
  metadata?: CommandMetadata;
}

/** The start's terms as the event records them, with policy overrides instead of the resolved policy. */
export type StartAssignmentData = Omit<EventData<'AssignmentStarted'>, 'policy' | 'taxHomeStatus'> & {
  /** Overrides of the letter's terms; the rest defaults to LETTER_POLICY. */
  policy?: Partial<AssignmentPolicy>;
};
export type StartAssignment = Command<'StartAssignment', StartAssignmentData>;

export type ExtendAssignmentData = Omit<
  EventData<'AssignmentExtended'>,
  'previousExpectedEndDate' | 'taxHomeStatus'
>;
export type ExtendAssignment = Command<'ExtendAssignment', ExtendAssignmentData>;

export interface RecordShipmentData {
  shipmentId: string;
  direction: Direction;
  mode: ShipmentMode;
  shippedOn: BusinessDate;
  /** Exactly one of `weightLb` (pounds) and `weight` (value and unit). */
  weightLb?: string;
  weight?: WeightInput;
  containers?: number;
  containerSize?: ContainerSize;
  exceptionApprovedBy?: string;
}
export type RecordShipment = Command<'RecordShipment', RecordShipmentData>;

export interface TakeHomeLeaveTripData {
  tripId: string;
  traveller: Traveller;
  destination: TripDestination;
  departedOn: BusinessDate;
  returnedOn?: BusinessDate;
  fare: Money;
  homeFare?: Money;
}
export type TakeHomeLeaveTrip = Command<'TakeHomeLeaveTrip', TakeHomeLeaveTripData>;

export interface ClaimExpenseData {
  expenseId: string;
  category: ExpenseCategory;
  amount: Money;
  exchangeRate?: ExchangeRate;
  incurredOn: BusinessDate;
  receipts: string[];
  description: string;
  /** Outbound airfare only: the cabin flown (default economy) and, for another cabin, the economy fare. */
  cabin?: Cabin;
  economyFare?: Money;
}
export type ClaimExpense = Command<'ClaimExpense', ClaimExpenseData>;

export type ApproveExpenseData = Omit<EventData<'ExpenseApproved'>, 'reimbursableUsd'>;
export type ApproveExpense = Command<'ApproveExpense', ApproveExpenseData>;

export type RejectExpenseData = EventData<'ExpenseRejected'>;
export type RejectExpense = Command<'RejectExpense', RejectExpenseData>;

export interface PayMiscellaneousAllowanceData {
  paidOn: BusinessDate;
  /** Defaults to the policy's allowance. */
  amount?: Money;
}
export type PayMiscellaneousAllowance = Command<'PayMiscellaneousAllowance', PayMiscellaneousAllowanceData>;

export type EndAssignmentData = EventData<'AssignmentEnded'>;
export type EndAssignment = Command<'EndAssignment', EndAssignmentData>;

export type RecordRepatriationTravelData = EventData<'RepatriationTravelled'>;
export type RecordRepatriationTravel = Command<'RecordRepatriationTravel', RecordRepatriationTravelData>;

export type DepositReturnAirfreightFundData = EventData<'ReturnAirfreightFundDeposited'>;
export type DepositReturnAirfreightFund = Command<
  'DepositReturnAirfreightFund',
  DepositReturnAirfreightFundData
>;

export type DrawReturnAirfreightFundData = EventData<'ReturnAirfreightFundDrawn'>;
export type DrawReturnAirfreightFund = Command<'DrawReturnAirfreightFund', DrawReturnAirfreightFundData>;

export interface PaySalaryData {
  period: Period;
  paidOn: BusinessDate;
  hypotheticalTax: Money;
}
export type PaySalary = Command<'PaySalary', PaySalaryData>;

export type SettleTaxEqualizationData = EventData<'TaxEqualizationSettled'>;
export type SettleTaxEqualization = Command<'SettleTaxEqualization', SettleTaxEqualizationData>;

export interface ApproveHousingLeaseData {
  leaseId: string;
  approvedOn: BusinessDate;
  effectiveFrom: BusinessDate;
  monthlyRent: Money;
  comparableUsCap: Money;
  /** Required when the rent is not in USD. */
  exchangeRate?: ExchangeRate;
}
export type ApproveHousingLease = Command<'ApproveHousingLease', ApproveHousingLeaseData>;

export type ObserveHostHolidayData = EventData<'HostHolidayObserved'>;
export type ObserveHostHoliday = Command<'ObserveHostHoliday', ObserveHostHolidayData>;

export type TakeVacationData = EventData<'VacationTaken'>;
export type TakeVacation = Command<'TakeVacation', TakeVacationData>;

/** The input fields of the command that recorded each correctable event type. */
export interface CorrectionInputs {
  ShipmentRecorded: RecordShipmentData;
  HomeLeaveTripTaken: TakeHomeLeaveTripData;
  ExpenseClaimed: ClaimExpenseData;
  MiscellaneousAllowancePaid: PayMiscellaneousAllowanceData;
  RepatriationTravelled: RecordRepatriationTravelData;
  ReturnAirfreightFundDeposited: DepositReturnAirfreightFundData;
  ReturnAirfreightFundDrawn: DrawReturnAirfreightFundData;
  SalaryPaid: PaySalaryData;
  TaxEqualizationSettled: SettleTaxEqualizationData;
  HousingLeaseApproved: ApproveHousingLeaseData;
  HostHolidayObserved: ObserveHostHolidayData;
  VacationTaken: TakeVacationData;
}

export interface CorrectEventData {
  correctsEventId: string;
  reason: string;
  /**
   * The fields to change, named as in the command that recorded the event (e.g. `weightLb` for a
   * shipment): the rest is kept, derived values are computed again and every rule is checked again.
   */
  replacement: Partial<CorrectionInputs[CorrectableEventType]> & Record<string, unknown>;
}
export type CorrectEvent = Command<'CorrectEvent', CorrectEventData>;

export interface VoidEventData {
  correctsEventId: string;
  reason: string;
}
export type VoidEvent = Command<'VoidEvent', VoidEventData>;

export type AssignmentCommand =
  | StartAssignment
  | ExtendAssignment
  | RecordShipment
  | TakeHomeLeaveTrip
  | ClaimExpense
  | ApproveExpense
  | RejectExpense
  | PayMiscellaneousAllowance
  | EndAssignment
  | RecordRepatriationTravel
  | DepositReturnAirfreightFund
  | DrawReturnAirfreightFund
  | PaySalary
  | SettleTaxEqualization
  | ApproveHousingLease
  | ObserveHostHoliday
  | TakeVacation
  | CorrectEvent
  | VoidEvent;

export type AssignmentCommandType = AssignmentCommand['type'];

export const ASSIGNMENT_COMMAND_TYPES = [
  'StartAssignment',
  'ExtendAssignment',
  'RecordShipment',
  'TakeHomeLeaveTrip',
  'ClaimExpense',
  'ApproveExpense',
  'RejectExpense',
  'PayMiscellaneousAllowance',
  'EndAssignment',
  'RecordRepatriationTravel',
  'DepositReturnAirfreightFund',
  'DrawReturnAirfreightFund',
  'PaySalary',
  'SettleTaxEqualization',
  'ApproveHousingLease',
  'ObserveHostHoliday',
  'TakeVacation',
  'CorrectEvent',
  'VoidEvent',
] as const satisfies readonly AssignmentCommandType[];
