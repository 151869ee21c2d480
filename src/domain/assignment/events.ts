/**
 * The assignment's events: the public, versioned schema of the ledger (plain data, JSON-safe).
 * Amounts are Money with decimal strings; weights are Weight in pounds with the given value kept;
 * business dates are `YYYY-MM-DD`. The stream is `assignment-<assignmentId>`.
 */
import type { Money } from '../shared/money.js';
import type { Weight } from '../shared/weight.js';
import type { BusinessDate } from '../shared/calendar.js';
import type { AssignmentPolicy } from './policy.js';

export const streamIdOf = (assignmentId: string): string => `assignment-${assignmentId}`;
export const assignmentIdOf = (streamId: string): string => streamId.replace(/^assignment-/, '');

export type EndReason = 'completed' | 'employment-terminated' | 'other';
export type Relationship = 'spouse' | 'child';
export type Direction = 'outbound' | 'return';
export type ShipmentMode = 'air' | 'sea';
export type ContainerSize = '20ft' | '40ft';
export type Traveller = 'employee' | 'spouse';
export type TripDestination = 'home' | 'host' | 'other';
export type OtherFareRule = 'cap' | 'reject';
export type TaxHomeStatus = 'temporary' | 'indefinite';
export type Cabin = 'economy' | 'premium-economy' | 'business' | 'first';

export const EXPENSE_CATEGORIES = [
  'outbound-airfare',
  'travel-meals-incidentals',
  'language-training',
  'cross-cultural-orientation',
  'immigration-documents',
  'medical-preparation',
  'housing-rent',
  'utilities',
  'apartment-services',
  'host-transportation',
  'home-leave-lodging',
  'home-leave-vehicle',
  'home-leave-meals',
] as const;
export type ExpenseCategory = (typeof EXPENSE_CATEGORIES)[number];

export interface ExchangeRate {
  /** Units of the claim's currency per 1 USD, as a decimal string (e.g. "8.2765"). */
  rate: string;
  source: string;
  asOf: BusinessDate;
}

export interface AssignmentStarted {
  type: 'AssignmentStarted';
  data: {
    assignmentId: string;
    employee: { id: string; name: string };
    position: string;
    homeCountry: string;
    hostCountry: string;
    hostCity: string;
    effectiveDate: BusinessDate;
    expectedEndDate: BusinessDate;
    reportsTo?: string;
    accompanyingFamily: { name: string; relationship: Relationship }[];
    baseSalaryMonthly: Money;
    /** Every policy term, the letter's value unless overridden: later default changes never touch it. */
    policy: AssignmentPolicy;
    /** Tax-home status from the effective date, as known at the start (indefinite when planned beyond the limit). */
    taxHomeStatus?: TaxHomeStatus;
  };
}

export interface AssignmentExtended {
  type: 'AssignmentExtended';
  data: {
    decidedOn: BusinessDate;
    previousExpectedEndDate: BusinessDate;
    newExpectedEndDate: BusinessDate;
    reason?: string;
    /** Tax-home status from `decidedOn` on (US one-year rule, Rev. Rul. 93-86), as known that day. */
    taxHomeStatus: TaxHomeStatus;
  };
}

export interface ShipmentRecorded {
  type: 'ShipmentRecorded';
  data: {
    shipmentId: string;
    direction: Direction;
    mode: ShipmentMode;
    shippedOn: BusinessDate;
    weight: Weight;
    containers?: number;
    containerSize?: ContainerSize;
    /** Who approved shipping beyond the outbound air limit (clause 4). */
    exceptionApprovedBy?: string;
  };
}

export interface HomeLeaveTripTaken {
  type: 'HomeLeaveTripTaken';
  data: {
    tripId: string;
    traveller: Traveller;
    destination: TripDestination;
    departedOn: BusinessDate;
    returnedOn?: BusinessDate;
    fare: Money;
    /** The economy fare of the trip home, required for an `other` destination. */
    homeFare?: Money;
    /** Calendar year of departure: the year whose pool the trip uses. */
    year: number;
    reimbursable: Money;
    notReimbursed: Money;
    /** For `other` trips: the policy rule that was applied to a fare above the home fare. */
    fareRuleApplied?: OtherFareRule;
  };
}

export interface ExpenseClaimed {
  type: 'ExpenseClaimed';
  data: {
    expenseId: string;
    category: ExpenseCategory;
    amount: Money;
    /** Required when the amount is not in USD: the replay never looks a rate up again. */
    exchangeRate?: ExchangeRate;
    /** The amount in USD (amount / rate, rounded half-up to the cent). */
    amountUsd: Money;
    incurredOn: BusinessDate;
    receipts: string[];
    description: string;
    /** Outbound airfare: the cabin flown and the economy fare it is capped at (clause 4). */
    cabin?: Cabin;
    economyFare?: Money;
    /** Most that can be reimbursed for this claim, in USD (economy fare, approved rent...). */
    reimbursableLimitUsd: Money;
  };
}

export interface ExpenseApproved {
  type: 'ExpenseApproved';
  data: { expenseId: string; approvedBy: string; approvedOn: BusinessDate; reimbursableUsd: Money };
}

export interface ExpenseRejected {
  type: 'ExpenseRejected';
  data: { expenseId: string; rejectedBy: string; rejectedOn?: BusinessDate; reason: string };
}

export interface MiscellaneousAllowancePaid {
  type: 'MiscellaneousAllowancePaid';
  data: { paidOn: BusinessDate; amount: Money };
}

export interface AssignmentEnded {
  type: 'AssignmentEnded';
  data: { reason: EndReason; endedOn: BusinessDate };
}

export interface RepatriationTravelled {
  type: 'RepatriationTravelled';
  data: { travelledOn: BusinessDate; travellers: string[]; fare: Money };
}

export interface ReturnAirfreightFundDeposited {
  type: 'ReturnAirfreightFundDeposited';
  data: { depositedOn: BusinessDate; amount: Money };
}

export interface ReturnAirfreightFundDrawn {
  type: 'ReturnAirfreightFundDrawn';
  data: { drawnOn: BusinessDate; amount: Money; description: string };
}

export interface SalaryPaid {
  type: 'SalaryPaid';
  data: {
    /** `YYYY-MM` */
    period: string;
    paidOn: BusinessDate;
    /** Days of the month on assignment, and the month's days: a partial month is prorated. */
    daysWorked: number;
    daysInMonth: number;
    gross: Money;
    hypotheticalTax: Money;
    net: Money;
  };
}

export interface TaxEqualizationSettled {
  type: 'TaxEqualizationSettled';
  data: {
    taxYear: number;
    amount: Money;
    direction: 'company-to-employee' | 'employee-to-company';
    settledOn: BusinessDate;
    provider?: string;
  };
}

export interface HousingLeaseApproved {
  type: 'HousingLeaseApproved';
  data: {
    leaseId: string;
    approvedOn: BusinessDate;
    effectiveFrom: BusinessDate;
    monthlyRent: Money;
    /** The rent of comparable housing in the US, the ceiling (clause 8), in USD. */
    comparableUsCap: Money;
    /** Approved monthly rent in USD: min(rent in USD, comparable US cap). */
    approvedMonthlyUsd: Money;
    exchangeRate?: ExchangeRate;
  };
}

export interface HostHolidayObserved {
  type: 'HostHolidayObserved';
  data: { date: BusinessDate; name: string };
}

export interface VacationTaken {
  type: 'VacationTaken';
  data: { from: BusinessDate; to: BusinessDate; days: number };
}

/** Mends a recorded event: its data is replaced by `replacement` from now on (the original stays). */
export interface EventCorrected {
  type: 'EventCorrected';
  data: {
    correctsEventId: string;
    correctedType: CorrectableEventType;
    reason: string;
    /**
     * The corrected event's whole data (not a patch), derived values included, so a reader swaps it in
     * without deciding anything. A later correction of the same event replaces this one.
     */
    replacement: Record<string, unknown>;
  };
}

/** Mends a recorded event by cancelling it (the original stays in the stream). */
export interface EventVoided {
  type: 'EventVoided';
  data: { correctsEventId: string; correctedType: CorrectableEventType; reason: string };
}

export type AssignmentEvent =
  | AssignmentStarted
  | AssignmentExtended
  | ShipmentRecorded
  | HomeLeaveTripTaken
  | ExpenseClaimed
  | ExpenseApproved
  | ExpenseRejected
  | MiscellaneousAllowancePaid
  | AssignmentEnded
  | RepatriationTravelled
  | ReturnAirfreightFundDeposited
  | ReturnAirfreightFundDrawn
  | SalaryPaid
  | TaxEqualizationSettled
  | HousingLeaseApproved
  | HostHolidayObserved
  | VacationTaken
  | EventCorrected
  | EventVoided;

export type AssignmentEventType = AssignmentEvent['type'];

/** The data of one event type. */
export type EventData<T extends AssignmentEventType> = Extract<AssignmentEvent, { type: T }>['data'];

export const ASSIGNMENT_EVENT_TYPES = [
  'AssignmentStarted',
  'AssignmentExtended',
  'ShipmentRecorded',
  'HomeLeaveTripTaken',
  'ExpenseClaimed',
  'ExpenseApproved',
  'ExpenseRejected',
  'MiscellaneousAllowancePaid',
  'AssignmentEnded',
  'RepatriationTravelled',
  'ReturnAirfreightFundDeposited',
  'ReturnAirfreightFundDrawn',
  'SalaryPaid',
  'TaxEqualizationSettled',
  'HousingLeaseApproved',
  'HostHolidayObserved',
  'VacationTaken',
  'EventCorrected',
  'EventVoided',
] as const satisfies readonly AssignmentEventType[];

/** Events that a later EventCorrected / EventVoided may mend (the start and the end are not among them). */
export const CORRECTABLE_EVENT_TYPES = [
  'ShipmentRecorded',
  'HomeLeaveTripTaken',
  'ExpenseClaimed',
  'MiscellaneousAllowancePaid',
  'RepatriationTravelled',
  'ReturnAirfreightFundDeposited',
  'ReturnAirfreightFundDrawn',
  'SalaryPaid',
  'TaxEqualizationSettled',
  'HousingLeaseApproved',
  'HostHolidayObserved',
  'VacationTaken',
] as const;
export type CorrectableEventType = (typeof CORRECTABLE_EVENT_TYPES)[number];

/**
 * An event as a decider or projection sees it: the domain event plus the envelope facts it may use.
 * `recordedAt` is what lets "as the ledger knew it at T" be answered.
 */
export type Envelope<E extends AssignmentEvent = AssignmentEvent> = E & {
  eventId: string;
  recordedAt: string;
  position?: number;
  revision?: number;
};
