/**
 * The policy terms of one assignment, captured in AssignmentStarted. Each term is declared once: its
 * schema (published inside AssignmentStarted) and the Valence letter's value. Changing a value later
 * never changes an assignment already started.
 *
 * Terms are open: a term added after the first AssignmentStarted was recorded is declared `later`. It is
 * optional in the published schema (old events stay valid, no new event version), and an event without
 * it reads as the term's letter value, which must therefore be what a letter silent on it meant.
 */
import { daysBetween, type BusinessDate } from '../shared/calendar.js';
import {
  count,
  decimalString,
  money,
  oneOf,
  optional,
  record,
  Type,
  type Static,
  type TSchema,
} from '../shared/schema.js';

export const OTHER_FARE_RULES = ['cap', 'reject'] as const;
export type OtherFareRule = (typeof OTHER_FARE_RULES)[number];
export const TAX_HOME_STATUSES = ['temporary', 'indefinite'] as const;
export type TaxHomeStatus = (typeof TAX_HOME_STATUSES)[number];

interface TermDeclaration<S extends TSchema> {
  schema: S;
  /** The letter's value: the default of a new assignment, and of an old one for a `later` term. */
  letter: Static<S>;
  /** Declared after assignments were recorded without it: optional in the published schema. */
  later?: true;
}
const term = <S extends TSchema>(schema: S, letter: Static<S>, later?: true): TermDeclaration<S> =>
  later ? { schema, letter, later } : { schema, letter };

export const POLICY_TERMS = {
  outboundAirLimitLb: term(decimalString('clause 4: outbound airfreight of household goods, pounds'), '500'),
  outboundContainerLimit: term(
    count(0, undefined, 'clause 4: outbound sea containers (any size counts as one)'),
    1,
  ),
  returnAllowanceOverOutboundLb: term(
    decimalString(
      'clause 4: return shipments may weigh this much more than everything shipped outbound, pounds',
    ),
    '1000',
  ),
  homeLeaveTripsPerYear: term(count(0, undefined, 'clause 10: trips per calendar year, one shared pool'), 3),
  otherDestinationTripsPerYear: term(
    count(0, undefined, 'clause 10: trips per year to a destination other than home'),
    1,
  ),
  otherDestinationFareRule: term(
    oneOf(OTHER_FARE_RULES, 'clause 10: a fare above the home fare is capped or rejected'),
    'cap',
  ),
  miscellaneousAllowance: term(money('clause 9: the miscellaneous allowance, paid once'), {
    amount: '2500.00',
    currency: 'USD',
  }),
  usHolidaysAndVacationDays: term(
    count(0, undefined, 'clause 7: US holidays + vacation days per calendar year'),
    25,
  ),
  taxHomeLimitDays: term(
    count(1, undefined, 'an expected total length beyond this makes the tax home indefinite'),
    365,
  ),
  reimbursementCurrency: term(Type.Unsafe<'USD'>({ type: 'string', const: 'USD' }), 'USD'),
  relocationBonus: term(
    money('a one-off relocation bonus, paid once; 0 when the letter grants none'),
    { amount: '0.00', currency: 'USD' },
    true,
  ),
};
type Terms = typeof POLICY_TERMS;
export type PolicyTerm = keyof Terms;

/** Every policy term of an assignment, as the decisions and the entitlements read it. */
export type AssignmentPolicy = { [K in PolicyTerm]: Static<Terms[K]['schema']> };
/** The policy as an AssignmentStarted records it: a `later` term may be missing from an old event. */
export type RecordedPolicy = {
  [K in PolicyTerm as Terms[K] extends { later: true } ? never : K]: AssignmentPolicy[K];
} & { [K in PolicyTerm as Terms[K] extends { later: true } ? K : never]?: AssignmentPolicy[K] };

const termsSchema = Object.fromEntries(
  Object.entries(POLICY_TERMS).map(([name, t]: [string, TermDeclaration<TSchema>]) => [
    name,
    t.later ? optional(t.schema) : t.schema,
  ]),
);

/** The published schema of `AssignmentStarted.policy`. */
export const POLICY_SCHEMA = Type.Unsafe<RecordedPolicy>(
  record(termsSchema, { description: 'Every policy term of the assignment, captured at its start' }),
);

export const LETTER_POLICY: AssignmentPolicy = Object.fromEntries(
  Object.entries(POLICY_TERMS).map(([name, t]) => [name, t.letter]),
) as AssignmentPolicy;

/** The letter's terms with this assignment's overrides: captured once, in AssignmentStarted. */
export const resolvePolicy = (overrides: Partial<AssignmentPolicy> = {}): AssignmentPolicy => ({
  ...LETTER_POLICY,
  ...overrides,
});

/** A recorded policy with every term: a `later` term an old event lacks reads as its letter value. */
export const policyOf = (recorded: RecordedPolicy): AssignmentPolicy =>
  ({ ...LETTER_POLICY, ...recorded }) as AssignmentPolicy;

/**
 * US one-year rule (Rev. Rul. 93-86): an assignment realistically expected to last longer than the
 * limit makes the tax home indefinite. Length is counted as days from the effective date to the expected end.
 */
export const taxHomeStatusOf = (
  effectiveDate: BusinessDate,
  expectedEndDate: BusinessDate,
  policy: Pick<AssignmentPolicy, 'taxHomeLimitDays'>,
): TaxHomeStatus =>
  daysBetween(effectiveDate, expectedEndDate) > policy.taxHomeLimitDays ? 'indefinite' : 'temporary';
