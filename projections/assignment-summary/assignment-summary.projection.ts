/**
 * The list view of assignments: one small document per assignment, as the events known so far say
 * (no as-of date: `status` is `ended` once AssignmentEnded is recorded, whatever its date).
 */
import { ASSIGNMENT_EVENT_TYPES } from '../../src/domain/assignment/events.js';
import type { BusinessDate } from '../../src/domain/shared/calendar.js';
import { assignmentKeyOf, type DataOf, type ProjectedEvent, type Projection } from '../projection.js';

export interface AssignmentSummary {
  assignmentId: string;
  /** Null only until the AssignmentStarted event is applied (always the stream's first event). */
  employee: { id: string; name: string } | null;
  position: string | null;
  homeCountry: string | null;
  hostCity: string | null;
  hostCountry: string | null;
  status: 'active' | 'ended';
  effectiveDate: BusinessDate | null;
  expectedEndDate: BusinessDate | null;
  endedOn: BusinessDate | null;
  endReason: DataOf<'AssignmentEnded'>['reason'] | null;
  extensions: number;
  startedAt: string | null;
  updatedAt: string | null;
  /** Stream revision of the last event (-1 before any). */
  revision: number;
  /** Global position of the last event (0 before any). */
  lastPosition: number;
}

export const initAssignmentSummary = (assignmentId: string): AssignmentSummary => ({
  assignmentId,
  employee: null,
  position: null,
  homeCountry: null,
  hostCity: null,
  hostCountry: null,
  status: 'active',
  effectiveDate: null,
  expectedEndDate: null,
  endedOn: null,
  endReason: null,
  extensions: 0,
  startedAt: null,
  updatedAt: null,
  revision: -1,
  lastPosition: 0,
});

/** Mutates and returns `doc` (the runner owns it); an event at or before the last position is a no-op. */
export const evolveAssignmentSummary = (doc: AssignmentSummary, event: ProjectedEvent): AssignmentSummary => {
  if (event.position <= doc.lastPosition) return doc;
  doc.lastPosition = event.position;
  doc.revision = event.revision;
  doc.updatedAt = event.recordedAt;
  switch (event.type) {
    case 'AssignmentStarted': {
      if (doc.employee !== null) break;
      const d = event.data as DataOf<'AssignmentStarted'>;
      doc.employee = { id: d.employee.id, name: d.employee.name };
      doc.position = d.position;
      doc.homeCountry = d.homeCountry;
      doc.hostCity = d.hostCity;
      doc.hostCountry = d.hostCountry;
      doc.effectiveDate = d.effectiveDate;
      doc.expectedEndDate = d.expectedEndDate;
      doc.startedAt = event.recordedAt;
      break;
    }
    case 'AssignmentExtended': {
      const d = event.data as DataOf<'AssignmentExtended'>;
      doc.expectedEndDate = d.newExpectedEndDate;
      doc.extensions++;
      break;
    }
    case 'AssignmentEnded': {
      const d = event.data as DataOf<'AssignmentEnded'>;
      doc.status = 'ended';
      doc.endedOn = d.endedOn;
      doc.endReason = d.reason;
      break;
    }
  }
  return doc;
};

export const assignmentSummaryProjection: Projection<AssignmentSummary> = {
  name: 'assignment-summary',
  version: 1,
  // Every event type: the summary carries the stream's last revision and position.
  canHandle: ASSIGNMENT_EVENT_TYPES,
  keyOf: assignmentKeyOf,
  init: initAssignmentSummary,
  evolve: evolveAssignmentSummary,
};

export interface SummaryFilter {
  status?: 'active' | 'ended';
  employeeId?: string;
}

/** For in-memory listings: started assignments matching the filter (GET /assignments?status=&employeeId=). */
export const matchesSummaryFilter = (doc: AssignmentSummary, filter: SummaryFilter): boolean =>
  doc.employee !== null &&
  (filter.status === undefined || doc.status === filter.status) &&
  (filter.employeeId === undefined || doc.employee.id === filter.employeeId);
