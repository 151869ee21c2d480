/** The Valence letter's assignment and small builders of its events and commands, in domain words. */
import {
  LETTER_POLICY,
  type AssignmentCommand,
  type AssignmentPolicy,
  type AssignmentStarted,
  type EventData,
  type ExpenseCategory,
  type HomeLeaveTripTaken,
  type ShipmentRecorded,
  type TripDestination,
  type Traveller,
} from '../../../src/domain/assignment/index.js';
import { toWeight, type WeightUnit } from '../../../src/domain/shared/weight.js';
import type { Money } from '../../../src/domain/shared/money.js';

export const ASSIGNMENT_ID = 'valence-coo-shanghai';
export const EMPLOYEE = 'Joseph Lamoreux';
export const SPOUSE = 'Anne Lamoreux';
export const CHILD = 'Paul Lamoreux';

export const usd = (amount: string): Money => ({ amount, currency: 'USD' });
export const cny = (amount: string): Money => ({ amount, currency: 'CNY' });

/** The letter's terms as both the StartAssignment command and the AssignmentStarted event carry them. */
const LETTER_TERMS = {
  assignmentId: ASSIGNMENT_ID,
  employee: { id: 'E-1001', name: EMPLOYEE },
  position: 'Chief Operating Officer',
  homeCountry: 'US',
  hostCountry: 'CN',
  hostCity: 'Shanghai',
  effectiveDate: '2005-01-18',
  expectedEndDate: '2005-07-18',
  reportsTo: 'Stephan Godevais',
  accompanyingFamily: [
    { name: SPOUSE, relationship: 'spouse' as const },
    { name: CHILD, relationship: 'child' as const },
  ],
  baseSalaryMonthly: usd('19166.67'),
};

export const startCommand = (
  data: Partial<Extract<AssignmentCommand, { type: 'StartAssignment' }>['data']> = {},
): AssignmentCommand => ({
  type: 'StartAssignment',
  data: {
    ...LETTER_TERMS,
    ...data,
  },
});

/** The letter's AssignmentStarted: from 2005-01-18, six months expected, the letter's terms. */
export const started = (
  data: Partial<AssignmentStarted['data']> = {},
  policy: Partial<AssignmentPolicy> = {},
): AssignmentStarted => ({
  type: 'AssignmentStarted',
  data: {
    ...LETTER_TERMS,
    policy: { ...LETTER_POLICY, ...policy },
    taxHomeStatus: 'temporary',
    ...data,
  },
});

export const ended = (
  endedOn = '2005-07-18',
  reason: EventData<'AssignmentEnded'>['reason'] = 'completed',
): { type: 'AssignmentEnded'; data: EventData<'AssignmentEnded'> } => ({
  type: 'AssignmentEnded',
  data: { reason, endedOn },
});

export const shipped = (
  shipmentId: string,
  direction: 'outbound' | 'return',
  mode: 'air' | 'sea',
  weight: string,
  extra: Partial<ShipmentRecorded['data']> = {},
  unit: WeightUnit = 'lb',
): ShipmentRecorded => ({
  type: 'ShipmentRecorded',
  data: {
    shipmentId,
    direction,
    mode,
    shippedOn: '2005-01-10',
    weight: toWeight(weight, unit),
    ...(mode === 'sea' ? { containers: 1, containerSize: '40ft' as const } : {}),
    ...extra,
  },
});

export const tripTaken = (
  tripId: string,
  departedOn: string,
  traveller: Traveller = 'employee',
  destination: TripDestination = traveller === 'employee' ? 'home' : 'host',
  fare = usd('1450.00'),
): HomeLeaveTripTaken => ({
  type: 'HomeLeaveTripTaken',
  data: {
    tripId,
    traveller,
    destination,
    departedOn,
    fare,
    year: Number(departedOn.slice(0, 4)),
    reimbursable: fare,
    notReimbursed: { amount: '0.00', currency: fare.currency },
  },
});

export const claimed = (
  expenseId: string,
  category: ExpenseCategory,
  amount: string,
  extra: Partial<EventData<'ExpenseClaimed'>> = {},
): { type: 'ExpenseClaimed'; data: EventData<'ExpenseClaimed'> } => ({
  type: 'ExpenseClaimed',
  data: {
    expenseId,
    category,
    amount: usd(amount),
    amountUsd: usd(amount),
    incurredOn: '2005-02-01',
    receipts: ['R-1'],
    description: `${category} claim`,
    reimbursableLimitUsd: usd(amount),
    ...extra,
  },
});

export const leaseApproved = (
  leaseId: string,
  effectiveFrom: string,
  approvedMonthlyUsd: string,
): { type: 'HousingLeaseApproved'; data: EventData<'HousingLeaseApproved'> } => ({
  type: 'HousingLeaseApproved',
  data: {
    leaseId,
    approvedOn: effectiveFrom,
    effectiveFrom,
    monthlyRent: usd(approvedMonthlyUsd),
    comparableUsCap: usd('4000.00'),
    approvedMonthlyUsd: usd(approvedMonthlyUsd),
  },
});

export const exceptionRequested = (
  exceptionId: string,
  term: EventData<'ExceptionRequested'>['term'],
  requestedLimit: string,
  extra: Partial<EventData<'ExceptionRequested'>> = {},
): { type: 'ExceptionRequested'; data: EventData<'ExceptionRequested'> } => ({
  type: 'ExceptionRequested',
  data: {
    exceptionId,
    term,
    requestedLimit,
    reason: 'books for the school',
    requestedBy: 'Carl Berg',
    requestedOn: '2005-01-05',
    ...extra,
  },
});

export const exceptionApproved = (
  exceptionId: string,
  term: EventData<'ExceptionApproved'>['term'],
  grantedLimit: string,
  extra: Partial<EventData<'ExceptionApproved'>> = {},
): { type: 'ExceptionApproved'; data: EventData<'ExceptionApproved'> } => ({
  type: 'ExceptionApproved',
  data: { exceptionId, approvedBy: 'Bob Borron', approvedOn: '2005-01-06', grantedLimit, term, ...extra },
});
