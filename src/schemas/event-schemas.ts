/**
 * The public schema of the ledger: one JSON Schema (draft-07) per event type and version, written by
 * hand from src/domain/assignment/events.ts. A version is never edited once published: a change of
 * shape is a new version plus an upcaster (upcasters.ts) from the one before.
 */
import {
  ASSIGNMENT_EVENT_TYPES,
  CORRECTABLE_EVENT_TYPES,
  EXPENSE_CATEGORIES,
  type AssignmentEventType,
} from '../domain/assignment/events.js';
import {
  businessDate,
  decimalString,
  exchangeRate,
  JSON_SCHEMA_DIALECT,
  money,
  oneOfValues,
  record,
  text,
  weight,
  year,
  type JsonSchema,
} from './schema-primitives.js';
import { CURRENT_SCHEMA_VERSIONS } from './schema-versions.js';

const id = (description?: string): JsonSchema => ({
  type: 'string',
  pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$',
  ...(description ? { description } : {}),
});
const country = (description: string): JsonSchema => ({
  type: 'string',
  pattern: '^[A-Z]{2}$',
  description: `${description} (ISO 3166-1 alpha-2)`,
});
const count = (minimum = 0, maximum?: number, description?: string): JsonSchema => ({
  type: 'integer',
  minimum,
  ...(maximum === undefined ? {} : { maximum }),
  ...(description ? { description } : {}),
});

const policy = record(
  {
    outboundAirLimitLb: decimalString('clause 4: outbound airfreight of household goods, pounds'),
    outboundContainerLimit: count(0, undefined, 'clause 4: outbound sea containers (any size counts as one)'),
    returnAllowanceOverOutboundLb: decimalString(
      'clause 4: return shipments may weigh this much more than everything shipped outbound, pounds',
    ),
    homeLeaveTripsPerYear: count(0, undefined, 'clause 10: trips per calendar year, one shared pool'),
    otherDestinationTripsPerYear: count(
      0,
      undefined,
      'clause 10: trips per year to a destination other than home',
    ),
    otherDestinationFareRule: oneOfValues(
      ['cap', 'reject'],
      'clause 10: a fare above the home fare is capped or rejected',
    ),
    miscellaneousAllowance: money('clause 9: the miscellaneous allowance, paid once'),
    usHolidaysAndVacationDays: count(0, undefined, 'clause 7: US holidays + vacation days per calendar year'),
    taxHomeLimitDays: count(
      1,
      undefined,
      'an expected total length beyond this makes the tax home indefinite',
    ),
    reimbursementCurrency: { type: 'string', const: 'USD' },
  },
  [],
  { description: 'Every policy term of the assignment, captured at its start' },
);

/** Clause 4 shipment fields shared by every version of ShipmentRecorded. */
const shipmentFields: Record<string, JsonSchema> = {
  shipmentId: id(),
  direction: oneOfValues(['outbound', 'return']),
  mode: oneOfValues(['air', 'sea']),
  shippedOn: businessDate(),
  containers: count(1, 20),
  containerSize: oneOfValues(['20ft', '40ft']),
  exceptionApprovedBy: text('who approved shipping beyond the outbound air limit (clause 4)', 200),
};
const shipmentOptional = ['containers', 'containerSize', 'exceptionApprovedBy'];

type DataSchemas = Record<AssignmentEventType, Record<number, JsonSchema>>;

const DATA_SCHEMAS: DataSchemas = {
  AssignmentStarted: {
    1: record(
      {
        assignmentId: id(),
        employee: record({ id: id(), name: text(undefined, 200) }),
        position: text(undefined, 200),
        homeCountry: country('home country'),
        hostCountry: country('host country'),
        hostCity: text(undefined, 200),
        effectiveDate: businessDate(),
        expectedEndDate: businessDate(),
        reportsTo: text(undefined, 200),
        accompanyingFamily: {
          type: 'array',
          items: record({ name: text(undefined, 200), relationship: oneOfValues(['spouse', 'child']) }),
        },
        baseSalaryMonthly: money('gross monthly base salary (clause 2)'),
        policy,
        taxHomeStatus: oneOfValues(
          ['temporary', 'indefinite'],
          'tax-home status from the effective date, as known at the start',
        ),
      },
      ['reportsTo', 'taxHomeStatus'],
    ),
  },
  AssignmentExtended: {
    1: record(
      {
        decidedOn: businessDate(),
        previousExpectedEndDate: businessDate(),
        newExpectedEndDate: businessDate(),
        reason: text(),
        taxHomeStatus: oneOfValues(
          ['temporary', 'indefinite'],
          'tax-home status from decidedOn on (US one-year rule, Rev. Rul. 93-86), as known that day',
        ),
      },
      ['reason'],
    ),
  },
  ShipmentRecorded: {
    1: record({ ...shipmentFields, weightLb: decimalString('net weight, pounds') }, shipmentOptional, {
      description: 'Superseded by version 2; the feed upcasts it (weightLb becomes weight)',
    }),
    2: record({ ...shipmentFields, weight: weight('net weight') }, shipmentOptional),
  },
  HomeLeaveTripTaken: {
    1: record(
      {
        tripId: id(),
        traveller: oneOfValues(['employee', 'spouse']),
        destination: oneOfValues(['home', 'host', 'other']),
        departedOn: businessDate(),
        returnedOn: businessDate(),
        fare: money(),
        homeFare: money('economy fare of the trip home, present for an other destination'),
        year: year('calendar year of departure: the year whose pool the trip uses'),
        reimbursable: money(),
        notReimbursed: money(),
        fareRuleApplied: oneOfValues(
          ['cap', 'reject'],
          'for other trips: the rule applied to a fare above the home fare',
        ),
      },
      ['returnedOn', 'homeFare', 'fareRuleApplied'],
    ),
  },
  ExpenseClaimed: {
    1: record(
      {
        expenseId: id(),
        category: oneOfValues(EXPENSE_CATEGORIES),
        amount: money(),
        exchangeRate: exchangeRate(),
        amountUsd: money('the amount in USD (amount / rate, rounded half-up to the cent)'),
        incurredOn: businessDate(),
        receipts: { type: 'array', items: text(undefined, 500) },
        description: text(),
        cabin: oneOfValues(['economy', 'premium-economy', 'business', 'first']),
        economyFare: money('outbound airfare: the economy fare the claim is capped at'),
        reimbursableLimitUsd: money('most that can be reimbursed for this claim, in USD'),
      },
      ['exchangeRate', 'cabin', 'economyFare'],
    ),
  },
  ExpenseApproved: {
    1: record({
      expenseId: id(),
      approvedBy: text(undefined, 200),
      approvedOn: businessDate(),
      reimbursableUsd: money(),
    }),
  },
  ExpenseRejected: {
    1: record(
      { expenseId: id(), rejectedBy: text(undefined, 200), rejectedOn: businessDate(), reason: text() },
      ['rejectedOn'],
    ),
  },
  MiscellaneousAllowancePaid: { 1: record({ paidOn: businessDate(), amount: money() }) },
  AssignmentEnded: {
    1: record({
      reason: oneOfValues(['completed', 'employment-terminated', 'other']),
      endedOn: businessDate(),
    }),
  },
  RepatriationTravelled: {
    1: record({
      travelledOn: businessDate(),
      travellers: { type: 'array', minItems: 1, items: text(undefined, 200) },
      fare: money(),
    }),
  },
  ReturnAirfreightFundDeposited: { 1: record({ depositedOn: businessDate(), amount: money() }) },
  ReturnAirfreightFundDrawn: {
    1: record({ drawnOn: businessDate(), amount: money(), description: text() }),
  },
  SalaryPaid: {
    1: record({
      period: { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM' },
      paidOn: businessDate(),
      daysWorked: count(0, 31, 'days of the month on assignment'),
      daysInMonth: count(28, 31),
      gross: money(),
      hypotheticalTax: money(),
      net: money(),
    }),
  },
  TaxEqualizationSettled: {
    1: record(
      {
        taxYear: year(),
        amount: money(),
        direction: oneOfValues(['company-to-employee', 'employee-to-company']),
        settledOn: businessDate(),
        provider: text(undefined, 200),
      },
      ['provider'],
    ),
  },
  HousingLeaseApproved: {
    1: record(
      {
        leaseId: id(),
        approvedOn: businessDate(),
        effectiveFrom: businessDate(),
        monthlyRent: money(),
        comparableUsCap: money('rent of comparable housing in the US, the ceiling (clause 8), in USD'),
        approvedMonthlyUsd: money('min(rent in USD, comparable US cap)'),
        exchangeRate: exchangeRate(),
      },
      ['exchangeRate'],
    ),
  },
  HostHolidayObserved: { 1: record({ date: businessDate(), name: text(undefined, 200) }) },
  VacationTaken: { 1: record({ from: businessDate(), to: businessDate(), days: count(1, 366) }) },
  EventCorrected: {
    1: record({
      correctsEventId: { type: 'string', minLength: 1, description: 'eventId of the event this one mends' },
      correctedType: oneOfValues(CORRECTABLE_EVENT_TYPES),
      reason: text(),
      replacement: {
        type: 'object',
        description: "the corrected event's data from now on, in its type's current version",
      },
    }),
  },
  EventVoided: {
    1: record({
      correctsEventId: { type: 'string', minLength: 1, description: 'eventId of the event this one cancels' },
      correctedType: oneOfValues(CORRECTABLE_EVENT_TYPES),
      reason: text(),
    }),
  },
};

export interface EventSchemaRef {
  type: AssignmentEventType;
  version: number;
  current: boolean;
}

export const isEventType = (type: string): type is AssignmentEventType =>
  (ASSIGNMENT_EVENT_TYPES as readonly string[]).includes(type);

/** A stable identifier for the schema of one event type's data at one version. */
export const schemaIdOf = (type: string, version: number): string =>
  `urn:assignment-ledger:schema:event:${type}:v${version}`;

/** The JSON Schema of `data` for this type and version, or undefined when none is published. */
export const eventDataSchema = (type: string, version: number): JsonSchema | undefined => {
  if (!isEventType(type)) return undefined;
  const schema = DATA_SCHEMAS[type][version];
  if (!schema) return undefined;
  return {
    $schema: JSON_SCHEMA_DIALECT,
    $id: schemaIdOf(type, version),
    title: `${type} v${version}`,
    ...schema,
  };
};

/** Every published (type, version), in the order of ASSIGNMENT_EVENT_TYPES then version. */
export const publishedEventSchemas = (): EventSchemaRef[] =>
  ASSIGNMENT_EVENT_TYPES.flatMap((type) =>
    Object.keys(DATA_SCHEMAS[type])
      .map(Number)
      .sort((a, b) => a - b)
      .map((version) => ({ type, version, current: version === CURRENT_SCHEMA_VERSIONS[type] })),
  );
