/** The ledger's answers the console shows: the projections' own types (type-only, nothing of them is bundled). */
export type {
  AssignmentSummary,
  Entitlements,
  ExpenseCategoryView,
  HomeLeaveYear,
  TimelineEntry,
} from '../../projections/index.js';
export type { Money } from '../../src/domain/shared/money.js';
import type { AssignmentSummary } from '../../projections/index.js';

/** `GET /assignments` (its server side, AssignmentPage, sits with Nest's query handlers). */
export interface AssignmentPage {
  items: AssignmentSummary[];
  total: number;
  limit: number;
  offset: number;
  nextAfter: string | null;
}

/** An event of `GET /assignments/{id}/events`, as the console shows it. */
export interface StoredEvent {
  eventId: string;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

/** `GET /deadlines` items (http-contract.md, "Extensions (second round)"); the route comes with a later issue. */
export interface Deadline {
  assignmentId: string;
  employeeId: string;
  kind: string;
  dueOn: string;
  detail?: unknown;
}
