import { EVENTS, type AssignmentEventType, type ExceptionTerm, type ExpenseCategory } from './events.js';

/** The letter's paragraphs: "intro" and "close" around the numbered clauses 1-11. */
export type Clause = 'intro' | 'close' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '10' | '11';

export type ViolationStatus = 400 | 404 | 409 | 422;

/**
 * Every code a decision may raise, with the clause it cites unless the decision names a more precise
 * one, and the HTTP status the application should answer with.
 */
export const VIOLATIONS = {
  'COMMAND.INVALID': { clause: 'intro', httpStatus: 400 },
  'MONEY.CURRENCY_MISMATCH': { clause: 'intro', httpStatus: 422 },

  'ASSIGNMENT.NOT_STARTED': { clause: 'intro', httpStatus: 404 },
  'ASSIGNMENT.ALREADY_STARTED': { clause: 'intro', httpStatus: 422 },
  'ASSIGNMENT.END_BEFORE_START': { clause: 'intro', httpStatus: 422 },
  'ASSIGNMENT.NOT_ACTIVE': { clause: 'intro', httpStatus: 422 },
  'ASSIGNMENT.ENDED': { clause: 'intro', httpStatus: 422 },
  'EXTENSION.END_NOT_LATER': { clause: 'intro', httpStatus: 422 },

  'SHIPMENT.OUTBOUND_AIR_LIMIT_EXCEEDED': { clause: '4', httpStatus: 422 },
  'SHIPMENT.CONTAINER_LIMIT_EXCEEDED': { clause: '4', httpStatus: 422 },
  'SHIPMENT.RETURN_CAP_EXCEEDED': { clause: '4', httpStatus: 422 },
  'SHIPMENT.DUPLICATE_ID': { clause: '4', httpStatus: 409 },

  'HOME_LEAVE.NO_TRIPS_LEFT': { clause: '10', httpStatus: 422 },
  'HOME_LEAVE.OTHER_DESTINATION_USED': { clause: '10', httpStatus: 422 },
  'HOME_LEAVE.WRONG_DESTINATION_FOR_TRAVELLER': { clause: '10', httpStatus: 422 },
  'HOME_LEAVE.HOME_FARE_REQUIRED': { clause: '10', httpStatus: 422 },
  'HOME_LEAVE.FARE_ABOVE_HOME_FARE': { clause: '10', httpStatus: 422 },
  'HOME_LEAVE.NOT_REIMBURSABLE': { clause: '10', httpStatus: 422 },
  'HOME_LEAVE.DUPLICATE_ID': { clause: '10', httpStatus: 409 },

  'EXPENSE.EXCHANGE_RATE_REQUIRED': { clause: '4', httpStatus: 422 },
  'EXPENSE.ECONOMY_FARE_REQUIRED': { clause: '4', httpStatus: 422 },
  'EXPENSE.RECEIPT_REQUIRED': { clause: '4', httpStatus: 422 },
  'EXPENSE.UNKNOWN': { clause: '4', httpStatus: 422 },
  'EXPENSE.ALREADY_DECIDED': { clause: '4', httpStatus: 422 },
  'EXPENSE.DUPLICATE_ID': { clause: '4', httpStatus: 409 },

  'HOUSING.NO_APPROVED_LEASE': { clause: '8', httpStatus: 422 },
  'HOUSING.EXCHANGE_RATE_REQUIRED': { clause: '8', httpStatus: 422 },
  'HOUSING.DUPLICATE_ID': { clause: '8', httpStatus: 409 },

  'ALLOWANCE.ALREADY_PAID': { clause: '9', httpStatus: 422 },
  'ALLOWANCE.ABOVE_POLICY': { clause: '9', httpStatus: 422 },

  'FUND.INSUFFICIENT': { clause: 'intro', httpStatus: 422 },
  'REPATRIATION.UNKNOWN_TRAVELLER': { clause: 'intro', httpStatus: 422 },
  'REPATRIATION.ALREADY_TRAVELLED': { clause: 'intro', httpStatus: 422 },

  'SALARY.ALREADY_PAID': { clause: '2', httpStatus: 422 },
  'SALARY.OUTSIDE_ASSIGNMENT': { clause: '2', httpStatus: 422 },
  'SALARY.TAX_ABOVE_GROSS': { clause: '2', httpStatus: 422 },

  'HOLIDAY.ALREADY_OBSERVED': { clause: '7', httpStatus: 422 },
  'VACATION.NOT_ENOUGH_DAYS': { clause: '7', httpStatus: 422 },

  'EXCEPTION.UNKNOWN': { clause: 'intro', httpStatus: 422 },
  'EXCEPTION.DUPLICATE_ID': { clause: 'intro', httpStatus: 409 },
  'EXCEPTION.SELF_APPROVAL': { clause: 'intro', httpStatus: 422 },
  'EXCEPTION.ALREADY_DECIDED': { clause: 'intro', httpStatus: 422 },
  'EXCEPTION.ABOVE_REQUEST': { clause: 'intro', httpStatus: 422 },

  'CORRECTION.UNKNOWN_EVENT': { clause: 'intro', httpStatus: 422 },
  'CORRECTION.NOT_CORRECTABLE': { clause: 'intro', httpStatus: 422 },
  'CORRECTION.ALREADY_VOIDED': { clause: 'intro', httpStatus: 422 },
  'CORRECTION.IDENTITY_CHANGED': { clause: 'intro', httpStatus: 422 },
  'CORRECTION.NO_CHANGE': { clause: 'intro', httpStatus: 422 },
} as const satisfies Record<string, { clause: Clause; httpStatus: ViolationStatus }>;

export type ViolationCode = keyof typeof VIOLATIONS;
export const VIOLATION_CODES = Object.keys(VIOLATIONS) as ViolationCode[];

/** A command the letter's policy (or the ledger's own rules) forbids. A rejected command appends nothing. */
export class PolicyViolation extends Error {
  override readonly name = 'PolicyViolation';
  readonly clause: Clause;
  readonly httpStatus: ViolationStatus;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(
    readonly code: ViolationCode,
    message: string,
    options: { clause?: Clause; details?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.clause = options.clause ?? VIOLATIONS[code].clause;
    this.httpStatus = VIOLATIONS[code].httpStatus;
    this.details = options.details;
  }
}

export const isPolicyViolation = (error: unknown): error is PolicyViolation =>
  error instanceof PolicyViolation;

export const violation = (
  code: ViolationCode,
  message: string,
  options?: { clause?: Clause; details?: Record<string, unknown> },
): never => {
  throw new PolicyViolation(code, message, options);
};

const CATEGORY_CLAUSE: Record<ExpenseCategory, Clause> = {
  'outbound-airfare': '4',
  'travel-meals-incidentals': '4',
  'language-training': '5',
  'cross-cultural-orientation': '5',
  'immigration-documents': '6',
  'medical-preparation': '6',
  'housing-rent': '8',
  utilities: '8',
  'apartment-services': '8',
  'host-transportation': '11',
  'home-leave-lodging': '10',
  'home-leave-vehicle': '10',
  'home-leave-meals': '10',
};
export const clauseOfCategory = (category: ExpenseCategory): Clause => CATEGORY_CLAUSE[category];

const TERM_CLAUSE: Record<ExceptionTerm, Clause> = {
  'outbound-air-weight': '4',
  'outbound-containers': '4',
  'home-leave-trips': '10',
  'other-destination-fare': '10',
  'housing-rent': '8',
};
/** The clause whose limit an exception lifts. */
export const clauseOfTerm = (term: ExceptionTerm): Clause => TERM_CLAUSE[term];

/** The clause an event type is cited under, as its declaration (events.ts) says. */
export const clauseOfEventType = (type: AssignmentEventType): Clause => EVENTS[type].clause;
