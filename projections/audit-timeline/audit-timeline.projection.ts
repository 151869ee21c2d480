/**
 * The history of one assignment for auditors: every event in stream order with its envelope, its main
 * business date and one human sentence; an entry a later event corrected or voided says so.
 */
import {
  ASSIGNMENT_EVENT_TYPES,
  EVENTS,
  isEventType,
  type EventData,
} from '../../src/domain/assignment/events.js';
import {
  isOneOffType,
  ONE_OFF_PAYMENTS,
  type OneOffEventType,
} from '../../src/domain/assignment/one-off-payments.js';
import type { BusinessDate } from '../../src/domain/shared/calendar.js';
import type { Money } from '../../src/domain/shared/money.js';
import type { Weight } from '../../src/domain/shared/weight.js';
import { assignmentKeyOf, type DataOf, type ProjectedEvent, type Projection } from '../projection.js';
import { knownFilter, type KnownAtOptions } from '../shared/known-at.js';

export interface TimelineEntry {
  position: number;
  revision: number;
  eventId: string;
  type: string;
  recordedAt: string;
  /** The event's main business date; null for a correction or a void, which only have recordedAt. */
  businessDate: BusinessDate | null;
  summary: string;
  actor?: string;
  source?: string;
  /** For a correction or a void: the event it mends. */
  corrects?: string;
  /** The latest correction of this entry. */
  correctedBy?: string;
  voided?: boolean;
  voidedBy?: string;
  /** Every correction and void of this entry, in order (what `timelineOf` needs for knownAt). */
  mendedBy?: string[];
}

/**
 * Entries are stored as their event made them, never changed after: the marks a later correction or
 * void leaves on an entry are kept in `mends` and put on it by `timelineOf`.
 */
export interface AuditTimelineDoc {
  assignmentId: string;
  lastPosition: number;
  revision: number;
  entries: TimelineEntry[];
  /** Event id -> the corrections and voids that mend it, in order. */
  mends: Record<string, string[]>;
}

const money = (m: Money | undefined): string => (m ? `${m.currency} ${m.amount}` : '?');
const capitalized = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const weight = (w: Weight): string =>
  w.original.unit === 'lb' ? `${w.lb} lb` : `${w.lb} lb (${w.original.value} ${w.original.unit})`;

// The declarations' business-date fields, looked up once per event.
const BUSINESS_DATE_FIELD: Record<string, string | null> = {};
for (const type of ASSIGNMENT_EVENT_TYPES) BUSINESS_DATE_FIELD[type] = EVENTS[type].businessDate;

/** The event's main business date (as its declaration names it), or null (a correction, a void, a rejection recorded without a date). */
export const businessDateOf = (event: Pick<ProjectedEvent, 'type' | 'data'>): BusinessDate | null => {
  const field = BUSINESS_DATE_FIELD[event.type];
  const value = typeof field === 'string' ? event.data[field] : undefined;
  return typeof value === 'string' ? value : null;
};

/** One short sentence in the ledger's words; money as `USD 2500.00`, weights in pounds with the original. */
const describe = (event: ProjectedEvent): string => {
  const type = event.type;
  if (!isEventType(type)) return type;
  if (isOneOffType(type)) {
    const d = event.data as EventData<OneOffEventType>;
    return `${capitalized(ONE_OFF_PAYMENTS[type].name)} of ${money(d.amount)} paid on ${d.paidOn}`;
  }
  // A switch rather than a table of functions: as fast as before per event, and as complete (never).
  switch (type) {
    case 'AssignmentStarted': {
      const d = event.data as EventData<'AssignmentStarted'>;
      return `Assignment started: ${d.employee.name} as ${d.position} in ${d.hostCity}, ${d.hostCountry} from ${d.effectiveDate}, expected to end ${d.expectedEndDate}, base salary ${money(d.baseSalaryMonthly)} a month`;
    }
    case 'AssignmentExtended': {
      const d = event.data as EventData<'AssignmentExtended'>;
      return `Extension decided on ${d.decidedOn}: expected end moved from ${d.previousExpectedEndDate} to ${d.newExpectedEndDate}; tax home ${d.taxHomeStatus}`;
    }
    case 'ShipmentRecorded': {
      const d = event.data as EventData<'ShipmentRecorded'>;
      const direction = d.direction === 'outbound' ? 'Outbound' : 'Return';
      const count = d.containers ?? 1;
      const size = d.containerSize ? `${d.containerSize} ` : '';
      const containers = d.mode === 'sea' ? `${count} × ${size}container${count === 1 ? '' : 's'}, ` : '';
      const exception = d.exceptionApprovedBy ? ` (exception approved by ${d.exceptionApprovedBy})` : '';
      return `${direction} ${d.mode} shipment of ${containers}${weight(d.weight)} on ${d.shippedOn}${exception}`;
    }
    case 'HomeLeaveTripTaken': {
      const d = event.data as EventData<'HomeLeaveTripTaken'>;
      const where =
        d.destination === 'home'
          ? 'home'
          : d.destination === 'host'
            ? 'to the host country'
            : 'to another destination';
      return `Home-leave trip by the ${d.traveller} ${where} departing ${d.departedOn}: fare ${money(d.fare)}, reimbursable ${money(d.reimbursable)}`;
    }
    case 'ExpenseClaimed': {
      const d = event.data as EventData<'ExpenseClaimed'>;
      const usd = d.amount.currency === d.amountUsd.currency ? '' : ` (${money(d.amountUsd)})`;
      return `Expense ${d.expenseId} claimed: ${d.category} ${money(d.amount)}${usd} incurred ${d.incurredOn}`;
    }
    case 'ExpenseApproved': {
      const d = event.data as EventData<'ExpenseApproved'>;
      return `Expense ${d.expenseId} approved by ${d.approvedBy} on ${d.approvedOn}: ${money(d.reimbursableUsd)} reimbursable`;
    }
    case 'ExpenseRejected': {
      const d = event.data as EventData<'ExpenseRejected'>;
      return `Expense ${d.expenseId} rejected by ${d.rejectedBy}: ${d.reason}`;
    }
    case 'AssignmentEnded': {
      const d = event.data as EventData<'AssignmentEnded'>;
      return `Assignment ended on ${d.endedOn} (${d.reason})`;
    }
    case 'RepatriationTravelled': {
      const d = event.data as EventData<'RepatriationTravelled'>;
      return `Repatriation travel on ${d.travelledOn} for ${d.travellers.join(', ')}: fare ${money(d.fare)}`;
    }
    case 'ReturnAirfreightFundDeposited': {
      const d = event.data as EventData<'ReturnAirfreightFundDeposited'>;
      return `Return airfreight fund: ${money(d.amount)} deposited on ${d.depositedOn}`;
    }
    case 'ReturnAirfreightFundDrawn': {
      const d = event.data as EventData<'ReturnAirfreightFundDrawn'>;
      return `Return airfreight fund: ${money(d.amount)} drawn on ${d.drawnOn} (${d.description})`;
    }
    case 'SalaryPaid': {
      const d = event.data as EventData<'SalaryPaid'>;
      return `Salary for ${d.period} paid on ${d.paidOn} (${d.daysWorked}/${d.daysInMonth} days): gross ${money(d.gross)}, hypothetical tax ${money(d.hypotheticalTax)}, net ${money(d.net)}`;
    }
    case 'TaxEqualizationSettled': {
      const d = event.data as EventData<'TaxEqualizationSettled'>;
      return `Tax equalization for ${d.taxYear} settled on ${d.settledOn}: ${money(d.amount)} ${d.direction}`;
    }
    case 'HousingLeaseApproved': {
      const d = event.data as EventData<'HousingLeaseApproved'>;
      return `Housing lease ${d.leaseId} approved on ${d.approvedOn} from ${d.effectiveFrom}: rent ${money(d.monthlyRent)} a month, ${money(d.approvedMonthlyUsd)} approved`;
    }
    case 'HostHolidayObserved': {
      const d = event.data as EventData<'HostHolidayObserved'>;
      return `Host holiday observed on ${d.date}: ${d.name}`;
    }
    case 'VacationTaken': {
      const d = event.data as EventData<'VacationTaken'>;
      return `Vacation of ${d.days} day${d.days === 1 ? '' : 's'} from ${d.from} to ${d.to}`;
    }
    case 'ExceptionRequested': {
      const d = event.data as EventData<'ExceptionRequested'>;
      return `Exception to ${d.term}${d.year !== undefined ? ` of ${d.year}` : ''} requested by ${d.requestedBy} on ${d.requestedOn}: limit ${d.requestedLimit}; ${d.reason}`;
    }
    case 'ExceptionApproved': {
      const d = event.data as EventData<'ExceptionApproved'>;
      return `Exception ${d.exceptionId} to ${d.term}${d.year !== undefined ? ` of ${d.year}` : ''} approved by ${d.approvedBy} on ${d.approvedOn}: limit ${d.grantedLimit} in force`;
    }
    case 'ExceptionDeclined': {
      const d = event.data as EventData<'ExceptionDeclined'>;
      return `Exception ${d.exceptionId} declined by ${d.declinedBy} on ${d.declinedOn}: ${d.reason}`;
    }
    case 'EventCorrected': {
      const d = event.data as EventData<'EventCorrected'>;
      return `Correction of ${d.correctedType} ${d.correctsEventId}: ${d.reason}`;
    }
    case 'EventVoided': {
      const d = event.data as EventData<'EventVoided'>;
      return `Void of ${d.correctedType} ${d.correctsEventId}: ${d.reason}`;
    }
    case 'DataSubjectErased': {
      const d = event.data as EventData<'DataSubjectErased'>;
      return `Personal data of ${d.employeeId} erased: ${d.reason}${d.reference ? ` (${d.reference})` : ''}`;
    }
    default: {
      const unhandled: never = type;
      return unhandled;
    }
  }
};

export const initAuditTimeline = (assignmentId: string): AuditTimelineDoc => ({
  assignmentId,
  lastPosition: 0,
  revision: -1,
  entries: [],
  mends: {},
});

/** Mutates and returns `doc` (the runner owns it); an event at or before the last position is a no-op. */
export const evolveAuditTimeline = (doc: AuditTimelineDoc, event: ProjectedEvent): AuditTimelineDoc => {
  if (event.position <= doc.lastPosition) return doc;
  doc.lastPosition = event.position;
  doc.revision = event.revision;
  const entry: TimelineEntry = {
    position: event.position,
    revision: event.revision,
    eventId: event.eventId,
    type: event.type,
    recordedAt: event.recordedAt,
    businessDate: businessDateOf(event),
    summary: describe(event),
  };
  const actor = event.metadata?.actor;
  if (typeof actor === 'string') entry.actor = actor;
  const source = event.metadata?.source;
  if (typeof source === 'string') entry.source = source;
  if (event.type === 'EventCorrected' || event.type === 'EventVoided') {
    const target = (event.data as DataOf<'EventCorrected'>).correctsEventId;
    entry.corrects = target;
    (doc.mends[target] ??= []).push(event.eventId);
  }
  doc.entries.push(entry);
  return doc;
};

export const auditTimelineProjection: Projection<AuditTimelineDoc> = {
  name: 'audit-timeline',
  // 2: entries stay as their event made them; the marks of corrections and voids are in `mends`.
  version: 2,
  canHandle: ASSIGNMENT_EVENT_TYPES,
  keyOf: assignmentKeyOf,
  init: initAuditTimeline,
  evolve: evolveAuditTimeline,
  appendOnly: ['entries'],
};

/**
 * The timeline in position order, as the ledger knew it at `knownAt` / `knownAtPosition`: later events
 * are left out and so are the marks their corrections and voids left on earlier entries. An entry
 * mended shows every mend known (`mendedBy`), its latest correction (`correctedBy`) and its void.
 */
export const timelineOf = (doc: AuditTimelineDoc, options: KnownAtOptions = {}): TimelineEntry[] => {
  const known = knownFilter(options);
  const knownMends = new Map<string, TimelineEntry>();
  for (const e of doc.entries) if (e.corrects !== undefined && known(e)) knownMends.set(e.eventId, e);
  const out: TimelineEntry[] = [];
  for (const e of doc.entries) {
    if (!known(e)) continue;
    const mendedBy = doc.mends[e.eventId]?.filter((id) => knownMends.has(id)) ?? [];
    if (mendedBy.length === 0) {
      out.push(e);
      continue;
    }
    const entry: TimelineEntry = { ...e, mendedBy };
    for (const id of mendedBy) {
      if (knownMends.get(id)!.type === 'EventCorrected') entry.correctedBy = id;
      else {
        entry.voided = true;
        entry.voidedBy = id;
      }
    }
    out.push(entry);
  }
  return out;
};
