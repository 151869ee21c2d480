/**
 * The assignment's events: the public, versioned schema of the ledger (plain data, JSON-safe), each
 * declared once below. Its TypeScript type (`EventData<T>`) and its published JSON Schema
 * (src/schemas/event-schemas.ts) both come from that declaration, and so do the tables keyed by event
 * type (clause, business date, the command that records it, current version).
 *
 * Amounts are Money with decimal strings; weights are Weight in pounds with the given value kept;
 * business dates are `YYYY-MM-DD`. The stream is `assignment-<assignmentId>`. A published version is
 * never edited: a change of shape moves the old schema to `older` and adds an upcaster (src/schemas).
 */
import {
  businessDate,
  count,
  country,
  decimalString,
  exchangeRate,
  id,
  money,
  oneOf,
  optional,
  personal,
  personalPathsOf,
  record,
  text,
  texts,
  Type,
  period,
  weight,
  weightInput,
  year,
  type Static,
  type TObject,
  type TProperties,
} from '../shared/schema.js';
import { toWeight } from '../shared/weight.js';
import type { Clause } from './errors.js';
import { OTHER_FARE_RULES, POLICY_SCHEMA, TAX_HOME_STATUSES } from './policy.js';

export type { ExchangeRate } from '../shared/schema.js';
export { OTHER_FARE_RULES, TAX_HOME_STATUSES, type OtherFareRule, type TaxHomeStatus } from './policy.js';

export const streamIdOf = (assignmentId: string): string => `assignment-${assignmentId}`;
export const assignmentIdOf = (streamId: string): string => streamId.replace(/^assignment-/, '');

export const END_REASONS = ['completed', 'employment-terminated', 'other'] as const;
export const RELATIONSHIPS = ['spouse', 'child'] as const;
export const DIRECTIONS = ['outbound', 'return'] as const;
export const SHIPMENT_MODES = ['air', 'sea'] as const;
export const CONTAINER_SIZES = ['20ft', '40ft'] as const;
export const TRAVELLERS = ['employee', 'spouse'] as const;
export const TRIP_DESTINATIONS = ['home', 'host', 'other'] as const;
export const CABINS = ['economy', 'premium-economy', 'business', 'first'] as const;
export const SETTLEMENT_DIRECTIONS = ['company-to-employee', 'employee-to-company'] as const;
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

/** The capped terms an exception may lift (domain.md "Exceptions to a cap"), each in its own unit. */
export const EXCEPTION_TERMS = [
  'outbound-air-weight',
  'outbound-containers',
  'home-leave-trips',
  'other-destination-fare',
  'housing-rent',
] as const;
export type ExceptionTerm = (typeof EXCEPTION_TERMS)[number];

export type EndReason = (typeof END_REASONS)[number];
export type Relationship = (typeof RELATIONSHIPS)[number];
export type Direction = (typeof DIRECTIONS)[number];
export type ShipmentMode = (typeof SHIPMENT_MODES)[number];
export type ContainerSize = (typeof CONTAINER_SIZES)[number];
export type Traveller = (typeof TRAVELLERS)[number];
export type TripDestination = (typeof TRIP_DESTINATIONS)[number];
export type Cabin = (typeof CABINS)[number];
export type ExpenseCategory = (typeof EXPENSE_CATEGORIES)[number];

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
  'RelocationBonusPaid',
] as const;
export type CorrectableEventType = (typeof CORRECTABLE_EVENT_TYPES)[number];

export type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;

interface EventDeclaration<P extends TProperties, C extends string> {
  /** The shape written today. */
  schema: TObject<P>;
  /**
   * Earlier published shapes, oldest first (the current version is `older.length + 1`), each with the
   * step that brings its data to the next version on read. A step leaves data already in a later shape
   * as it is: corrections carry data of unknown version and go through every step.
   */
  older?: readonly { schema: TObject; upcast: Upcaster }[];
  /** The command that records it (commands.ts). */
  command: C;
  /** The letter's clause it is cited under when a rule about it is broken. */
  clause: Clause;
  /** The field holding its main business date, or null (a correction or a void has only recordedAt). */
  businessDate: (keyof Static<TObject<P>> & string) | null;
}
const declare = <P extends TProperties, const C extends string, I extends TObject | undefined = undefined>(
  // `input`: the fields its command takes when they differ from the event's (derived values left out);
  // a correction's replacement is named and checked by them.
  d: EventDeclaration<P, C> & { input?: I },
) => d as EventDeclaration<P, C> & { input: I };

/** Clause 4 shipment fields shared by every version of ShipmentRecorded. */
const shipmentFields = {
  shipmentId: id(),
  direction: oneOf(DIRECTIONS),
  mode: oneOf(SHIPMENT_MODES),
  shippedOn: businessDate(),
  containers: optional(count(1, 20)),
  containerSize: optional(oneOf(CONTAINER_SIZES)),
  exceptionApprovedBy: optional(text('who approved shipping beyond the outbound air limit (clause 4)', 200)),
};

/** Clause 10 trip fields as the command gives them; the event adds what the decision worked out. */
const tripInputFields = {
  tripId: id(),
  traveller: oneOf(TRAVELLERS),
  destination: oneOf(TRIP_DESTINATIONS),
  departedOn: businessDate(),
  returnedOn: optional(businessDate()),
  fare: money(),
  homeFare: optional(money('economy fare of the trip home, present for an other destination')),
};

/** A term paid once (one-off-payments.ts); the amount defaults to the policy's. */
const oneOffPayment = {
  businessDate: 'paidOn',
  schema: record({ paidOn: businessDate(), amount: money() }),
  input: record({ paidOn: businessDate(), amount: optional(money()) }),
} as const;

export const EVENTS = {
  AssignmentStarted: declare({
    command: 'StartAssignment',
    clause: 'intro',
    businessDate: 'effectiveDate',
    schema: record({
      assignmentId: id(),
      employee: record({ id: id(), name: personal(text(undefined, 200)) }),
      position: text(undefined, 200),
      homeCountry: country('home country'),
      hostCountry: country('host country'),
      hostCity: text(undefined, 200),
      effectiveDate: businessDate(),
      expectedEndDate: businessDate(),
      reportsTo: optional(text(undefined, 200)),
      accompanyingFamily: Type.Array(
        record({ name: personal(text(undefined, 200)), relationship: personal(oneOf(RELATIONSHIPS)) }),
      ),
      baseSalaryMonthly: money('gross monthly base salary (clause 2)', { personal: true }),
      // Every policy term, the letter's value unless overridden: later default changes never touch it.
      policy: POLICY_SCHEMA,
      taxHomeStatus: optional(
        oneOf(TAX_HOME_STATUSES, 'tax-home status from the effective date, as known at the start'),
      ),
    }),
  }),
  AssignmentExtended: declare({
    command: 'ExtendAssignment',
    clause: 'intro',
    businessDate: 'decidedOn',
    schema: record({
      decidedOn: businessDate(),
      previousExpectedEndDate: businessDate(),
      newExpectedEndDate: businessDate(),
      reason: optional(text()),
      taxHomeStatus: oneOf(
        TAX_HOME_STATUSES,
        'tax-home status from decidedOn on (US one-year rule, Rev. Rul. 93-86), as known that day',
      ),
    }),
  }),
  ShipmentRecorded: declare({
    command: 'RecordShipment',
    clause: '4',
    businessDate: 'shippedOn',
    older: [
      {
        schema: record(
          { ...shipmentFields, weightLb: decimalString('net weight, pounds') },
          { description: 'Superseded by version 2; the feed upcasts it (weightLb becomes weight)' },
        ),
        // `weightLb: "480"` becomes `weight: { lb: "480", original: { value: "480", unit: "lb" } }`, as the
        // v2 writer records pounds; v2-shaped data stamped as v1 (written before the stamp) passes as it is.
        upcast: (data) => {
          if (typeof data.weightLb !== 'string' || data.weight !== undefined) return data;
          const { weightLb, ...rest } = data;
          return { ...rest, weight: toWeight(weightLb as string, 'lb') };
        },
      },
    ],
    schema: record({ ...shipmentFields, weight: weight('net weight') }),
    // Exactly one of `weightLb` (pounds) and `weight` (value and unit).
    input: record({
      ...shipmentFields,
      weightLb: optional(decimalString()),
      weight: optional(weightInput()),
    }),
  }),
  HomeLeaveTripTaken: declare({
    command: 'TakeHomeLeaveTrip',
    clause: '10',
    businessDate: 'departedOn',
    schema: record({
      ...tripInputFields,
      year: year('calendar year of departure: the year whose pool the trip uses'),
      reimbursable: money(),
      notReimbursed: money(),
      fareRuleApplied: optional(
        oneOf(OTHER_FARE_RULES, 'for other trips: the rule applied to a fare above the home fare'),
      ),
    }),
    input: record(tripInputFields),
  }),
  ExpenseClaimed: declare({
    command: 'ClaimExpense',
    clause: 'intro',
    businessDate: 'incurredOn',
    schema: record({
      expenseId: id(),
      category: oneOf(EXPENSE_CATEGORIES),
      amount: money(),
      // Required when the amount is not in USD: the replay never looks a rate up again.
      exchangeRate: optional(exchangeRate()),
      amountUsd: money('the amount in USD (amount / rate, rounded half-up to the cent)'),
      incurredOn: businessDate(),
      receipts: texts(text(undefined, 500)),
      description: personal(text()),
      cabin: optional(oneOf(CABINS)),
      economyFare: optional(money('outbound airfare: the economy fare the claim is capped at')),
      reimbursableLimitUsd: money('most that can be reimbursed for this claim, in USD'),
    }),
    // Outbound airfare only: the cabin flown (default economy) and, for another cabin, the economy fare.
    input: record({
      expenseId: id(),
      category: oneOf(EXPENSE_CATEGORIES),
      amount: money(),
      exchangeRate: optional(exchangeRate()),
      incurredOn: businessDate(),
      receipts: texts(text(undefined, 500)),
      description: text(),
      cabin: optional(oneOf(CABINS)),
      economyFare: optional(money()),
    }),
  }),
  ExpenseApproved: declare({
    command: 'ApproveExpense',
    clause: '4',
    businessDate: 'approvedOn',
    schema: record({
      expenseId: id(),
      approvedBy: text(undefined, 200),
      approvedOn: businessDate(),
      reimbursableUsd: money(),
    }),
  }),
  ExpenseRejected: declare({
    command: 'RejectExpense',
    clause: '4',
    businessDate: 'rejectedOn',
    schema: record({
      expenseId: id(),
      rejectedBy: text(undefined, 200),
      rejectedOn: optional(businessDate()),
      reason: text(),
    }),
  }),
  MiscellaneousAllowancePaid: declare({
    command: 'PayMiscellaneousAllowance',
    clause: '9',
    ...oneOffPayment,
  }),
  AssignmentEnded: declare({
    command: 'EndAssignment',
    clause: 'intro',
    businessDate: 'endedOn',
    schema: record({ reason: oneOf(END_REASONS), endedOn: businessDate() }),
  }),
  RepatriationTravelled: declare({
    command: 'RecordRepatriationTravel',
    clause: 'intro',
    businessDate: 'travelledOn',
    schema: record({
      travelledOn: businessDate(),
      travellers: texts(personal(text(undefined, 200)), 1),
      fare: money(),
    }),
  }),
  ReturnAirfreightFundDeposited: declare({
    command: 'DepositReturnAirfreightFund',
    clause: 'intro',
    businessDate: 'depositedOn',
    schema: record({ depositedOn: businessDate(), amount: money() }),
  }),
  ReturnAirfreightFundDrawn: declare({
    command: 'DrawReturnAirfreightFund',
    clause: 'intro',
    businessDate: 'drawnOn',
    schema: record({ drawnOn: businessDate(), amount: money(), description: personal(text()) }),
  }),
  SalaryPaid: declare({
    command: 'PaySalary',
    clause: '2',
    businessDate: 'paidOn',
    schema: record({
      period: Type.Unsafe<string>({
        type: 'string',
        pattern: '^\\d{4}-(0[1-9]|1[0-2])$',
        description: 'YYYY-MM',
      }),
      paidOn: businessDate(),
      // Days of the month on assignment, and the month's days: a partial month is prorated.
      daysWorked: count(0, 31, 'days of the month on assignment'),
      daysInMonth: count(28, 31),
      gross: money(undefined, { personal: true }),
      hypotheticalTax: money(undefined, { personal: true }),
      net: money(undefined, { personal: true }),
    }),
    input: record({ period: period(), paidOn: businessDate(), hypotheticalTax: money() }),
  }),
  TaxEqualizationSettled: declare({
    command: 'SettleTaxEqualization',
    clause: '1',
    businessDate: 'settledOn',
    schema: record({
      taxYear: year(),
      amount: money(undefined, { personal: true }),
      direction: oneOf(SETTLEMENT_DIRECTIONS),
      settledOn: businessDate(),
      provider: optional(text(undefined, 200)),
    }),
  }),
  HousingLeaseApproved: declare({
    command: 'ApproveHousingLease',
    clause: '8',
    businessDate: 'approvedOn',
    schema: record({
      leaseId: id(),
      approvedOn: businessDate(),
      effectiveFrom: businessDate(),
      monthlyRent: money(),
      comparableUsCap: money('rent of comparable housing in the US, the ceiling (clause 8), in USD'),
      approvedMonthlyUsd: money('min(rent in USD, comparable US cap)'),
      exchangeRate: optional(exchangeRate()),
    }),
    // The exchange rate is required when the rent is not in USD.
    input: record({
      leaseId: id(),
      approvedOn: businessDate(),
      effectiveFrom: businessDate(),
      monthlyRent: money(),
      comparableUsCap: money(),
      exchangeRate: optional(exchangeRate()),
    }),
  }),
  HostHolidayObserved: declare({
    command: 'ObserveHostHoliday',
    clause: '7',
    businessDate: 'date',
    schema: record({ date: businessDate(), name: text(undefined, 200) }),
  }),
  RelocationBonusPaid: declare({
    command: 'PayRelocationBonus',
    clause: 'intro',
    ...oneOffPayment,
  }),
  VacationTaken: declare({
    command: 'TakeVacation',
    clause: '7',
    businessDate: 'from',
    schema: record({ from: businessDate(), to: businessDate(), days: count(1, 366) }),
  }),
  ExceptionRequested: declare({
    command: 'RequestException',
    clause: 'intro',
    businessDate: 'requestedOn',
    schema: record({
      exceptionId: id(),
      term: oneOf(EXCEPTION_TERMS),
      requestedLimit: decimalString(
        "the limit asked for, in the term's unit: pounds, containers, trips, or a USD amount",
      ),
      year: optional(year('home-leave-trips only: the calendar year whose pool the exception lifts')),
      reason: text(),
      requestedBy: text(undefined, 200),
      requestedOn: businessDate(),
    }),
  }),
  ExceptionApproved: declare({
    command: 'ApproveException',
    clause: 'intro',
    businessDate: 'approvedOn',
    schema: record({
      exceptionId: id(),
      approvedBy: text(undefined, 200),
      approvedOn: businessDate(),
      grantedLimit: decimalString(
        'the limit in force from now on: the requested one unless less was granted',
      ),
      // Copied from the request, so a reader of the approval alone knows which limit it replaces.
      term: oneOf(EXCEPTION_TERMS),
      year: optional(year()),
    }),
    input: record({
      exceptionId: id(),
      approvedBy: text(undefined, 200),
      approvedOn: businessDate(),
      grantedLimit: optional(decimalString()),
    }),
  }),
  ExceptionDeclined: declare({
    command: 'DeclineException',
    clause: 'intro',
    businessDate: 'declinedOn',
    schema: record({
      exceptionId: id(),
      declinedBy: text(undefined, 200),
      declinedOn: businessDate(),
      reason: text(),
    }),
  }),
  // Mends a recorded event: its data is replaced by `replacement` from now on (the original stays).
  EventCorrected: declare({
    command: 'CorrectEvent',
    clause: 'intro',
    businessDate: null,
    schema: record({
      correctsEventId: Type.String({ minLength: 1, description: 'eventId of the event this one mends' }),
      correctedType: oneOf(CORRECTABLE_EVENT_TYPES),
      reason: text(),
      // The corrected event's whole data (not a patch), derived values included, so a reader swaps it in
      // without deciding anything. A later correction of the same event replaces this one.
      replacement: Type.Unsafe<Record<string, unknown>>({
        type: 'object',
        description: "the corrected event's data from now on, in its type's current version",
      }),
    }),
  }),
  // Mends a recorded event by cancelling it (the original stays in the stream).
  EventVoided: declare({
    command: 'VoidEvent',
    clause: 'intro',
    businessDate: null,
    schema: record({
      correctsEventId: Type.String({ minLength: 1, description: 'eventId of the event this one cancels' }),
      correctedType: oneOf(CORRECTABLE_EVENT_TYPES),
      reason: text(),
    }),
  }),
  // Every personal value of the subject now reads "[erased]" (its data key is destroyed); no personal data.
  DataSubjectErased: declare({
    command: 'EraseDataSubject',
    clause: 'intro',
    businessDate: null,
    schema: record({
      employeeId: id("the data subject: the assignment's employee.id"),
      reason: text('why the subject was erased, e.g. "GDPR art. 17 request"', 500),
      reference: optional(text("the request's reference in the controller's records", 200)),
    }),
  }),
};

type Events = typeof EVENTS;
export type AssignmentEventType = keyof Events;

/** The event that records an erasure, for the texts that name it (route descriptions, AsyncAPI). */
export const ERASURE_EVENT_TYPE = 'DataSubjectErased' satisfies AssignmentEventType;

/** The data of one event type. */
export type EventData<T extends AssignmentEventType> = Static<Events[T]['schema']>;
export type EventOf<T extends AssignmentEventType> = { type: T; data: EventData<T> };
export type AssignmentEvent = { [T in AssignmentEventType]: EventOf<T> }[AssignmentEventType];

export type AssignmentStarted = EventOf<'AssignmentStarted'>;
export type AssignmentExtended = EventOf<'AssignmentExtended'>;
export type ShipmentRecorded = EventOf<'ShipmentRecorded'>;
export type HomeLeaveTripTaken = EventOf<'HomeLeaveTripTaken'>;
export type ExpenseClaimed = EventOf<'ExpenseClaimed'>;
export type ExpenseApproved = EventOf<'ExpenseApproved'>;
export type ExpenseRejected = EventOf<'ExpenseRejected'>;
export type MiscellaneousAllowancePaid = EventOf<'MiscellaneousAllowancePaid'>;
export type AssignmentEnded = EventOf<'AssignmentEnded'>;
export type RepatriationTravelled = EventOf<'RepatriationTravelled'>;
export type ReturnAirfreightFundDeposited = EventOf<'ReturnAirfreightFundDeposited'>;
export type ReturnAirfreightFundDrawn = EventOf<'ReturnAirfreightFundDrawn'>;
export type SalaryPaid = EventOf<'SalaryPaid'>;
export type TaxEqualizationSettled = EventOf<'TaxEqualizationSettled'>;
export type HousingLeaseApproved = EventOf<'HousingLeaseApproved'>;
export type HostHolidayObserved = EventOf<'HostHolidayObserved'>;
export type VacationTaken = EventOf<'VacationTaken'>;
export type ExceptionRequested = EventOf<'ExceptionRequested'>;
export type ExceptionApproved = EventOf<'ExceptionApproved'>;
export type ExceptionDeclined = EventOf<'ExceptionDeclined'>;
export type EventCorrected = EventOf<'EventCorrected'>;
export type EventVoided = EventOf<'EventVoided'>;

/** The fields of the command that records an event type: its `input`, or the event's own fields. */
export type InputOf<T extends AssignmentEventType> = Events[T]['input'] extends TObject
  ? Static<Events[T]['input']>
  : EventData<T>;

/** The schema of those fields. */
export const inputSchemaOf = (type: AssignmentEventType): TObject => {
  const declaration: { schema: TObject; input?: TObject | undefined } = EVENTS[type];
  return declaration.input ?? declaration.schema;
};

/** The command that records each event type. */
export type CommandOfEvent = { [T in AssignmentEventType]: Events[T]['command'] };

/** Every event type, in declaration order. */
export const ASSIGNMENT_EVENT_TYPES = Object.keys(EVENTS) as AssignmentEventType[];

// A Set: projections ask it for every event, and Object.hasOwn is several times slower per call.
const EVENT_TYPES = new Set<string>(ASSIGNMENT_EVENT_TYPES);
export const isEventType = (type: string): type is AssignmentEventType => EVENT_TYPES.has(type);

/** The version of each event type's data that the ledger writes today. */
export const currentVersionOf = (type: AssignmentEventType): number => olderVersionsOf(type).length + 1;

/** The published shapes before the current one, oldest first, each with its step to the next. */
export const olderVersionsOf = (
  type: AssignmentEventType,
): readonly { schema: TObject; upcast: Upcaster }[] =>
  (EVENTS[type] as { older?: readonly { schema: TObject; upcast: Upcaster }[] }).older ?? [];

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

export const isCorrectableType = (type: string): type is CorrectableEventType => {
  const correctable: readonly AssignmentEventType[] = CORRECTABLE_EVENT_TYPES;
  return (correctable as readonly string[]).includes(type);
};

/** Where each event type's data holds personal values (its current version), from the declarations. */
export const PERSONAL_PATHS = Object.fromEntries(
  ASSIGNMENT_EVENT_TYPES.map((type) => [type, personalPathsOf(EVENTS[type].schema)]),
) as unknown as Readonly<Record<AssignmentEventType, readonly string[]>>;

/** The personal paths of one event's data: a correction's replacement has those of the type it mends. */
export const personalPathsOfEvent = (type: string, data: unknown): readonly string[] => {
  if (!Object.hasOwn(PERSONAL_PATHS, type)) return [];
  const own = PERSONAL_PATHS[type as AssignmentEventType];
  if (type !== 'EventCorrected') return own;
  const mended = (data as { correctedType?: unknown } | null)?.correctedType;
  return typeof mended === 'string' && Object.hasOwn(PERSONAL_PATHS, mended)
    ? [...own, ...PERSONAL_PATHS[mended as AssignmentEventType].map((p) => `replacement.${p}`)]
    : own;
};
