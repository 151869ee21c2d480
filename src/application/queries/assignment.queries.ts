import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import {
  assignmentEntitlementsProjection,
  assignmentSummaryProjection,
  auditTimelineProjection,
  entitlementsOf,
  timelineOf,
  type AssignmentSummary,
  type AuditTimelineDoc,
  type Entitlements,
  type EntitlementsDoc,
  type TimelineEntry,
} from '../../../projections/index.js';
import { streamIdOf } from '../../domain/assignment/events.js';
import { EVENT_STORE, type EventStore, type StoredEvent } from '../../event-store/event-store.port.js';
import { LEDGER_CONFIG, type LedgerConfig } from '../../config/ledger-config.js';
import { assignmentNotFound, notCaughtUp } from '../application-errors.js';
import { READ_MODELS, type ReadModels } from './read-model.port.js';
import { AnswerCache } from './answer-cache.js';
import { EmployeeNameSearch } from './employee-name-search.js';
import { upcastStored } from '../upcast.js';
import { knownAtFilter } from '../time.js';
import { PERSONAL_DATA, type PersonalData, type PersonalView } from '../../personal-data/personal-data.js';

/** Read-your-writes: wait (bounded) until the read models have applied `minPosition`, else 503. */
export const caughtUp = async (readModels: ReadModels, minPosition: number | undefined, waitMs: number) => {
  if (minPosition === undefined || minPosition <= readModels.position()) return;
  if (!(await readModels.waitFor(minPosition, waitMs))) {
    throw notCaughtUp(minPosition, readModels.position(), 1);
  }
};

export class GetEntitlements extends Query<Entitlements> {
  constructor(
    readonly assignmentId: string,
    readonly asOf: string,
    readonly knownAt?: string,
    readonly minPosition?: number,
  ) {
    super();
  }
}

export class GetAssignment extends Query<AssignmentSummary> {
  constructor(
    readonly assignmentId: string,
    readonly minPosition?: number,
  ) {
    super();
  }
}

export interface AssignmentPage {
  items: AssignmentSummary[];
  /** How many match the filter and the search (all pages). */
  total: number;
  limit: number;
  offset: number;
  /** Pass as `after` for the next page; null on the last one. */
  nextAfter: string | null;
}

/**
 * The summary fields `q` searches in SQL (case-insensitive substring); the employee's name is sealed
 * at rest, so its ciphertext is never searched: EmployeeNameSearch matches the opened names instead.
 */
export const SUMMARY_SEARCH_PATHS = [
  'assignmentId',
  'employee.id',
  'position',
  'hostCity',
  'hostCountry',
] as const;

export class ListAssignments extends Query<AssignmentPage> {
  constructor(
    readonly filter: { status?: string; employeeId?: string },
    readonly limit: number,
    readonly offset: number,
    readonly minPosition?: number,
    /** Free text matched against SUMMARY_SEARCH_PATHS. */
    readonly search?: string,
    /** Keyset cursor: the last assignmentId of the previous page. */
    readonly after?: string,
  ) {
    super();
  }
}

/** The stream itself, from the store: the authoritative history, not a projection of it. */
export class GetAssignmentEvents extends Query<StoredEvent[]> {
  constructor(
    readonly assignmentId: string,
    readonly knownAt: string | undefined,
    /** How the reader sees personal values. */
    readonly view: PersonalView,
  ) {
    super();
  }
}

export type { TimelineEntry };

/**
 * The audit timeline projection's entries (stream order, business date, summary, correction and void
 * marks) as the ledger knew them at `knownAt`: later events and the marks they left are left out.
 */
export class GetAssignmentTimeline extends Query<TimelineEntry[]> {
  constructor(
    readonly assignmentId: string,
    readonly knownAt?: string,
    readonly minPosition?: number,
  ) {
    super();
  }
}

/** Answers kept per (assignment, asOf, knownAt); all dropped as soon as the read models move on. */
const ANSWER_CACHE_SIZE = 10_000;

@QueryHandler(GetEntitlements)
export class GetEntitlementsHandler implements IQueryHandler<GetEntitlements> {
  private readonly answers = new AnswerCache<Entitlements>(ANSWER_CACHE_SIZE);

  constructor(
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    @Inject(PERSONAL_DATA) private readonly personalData: PersonalData,
  ) {}

  async execute(q: GetEntitlements): Promise<Entitlements> {
    await caughtUp(this.readModels, q.minPosition, this.config.minPositionWaitMs);
    // The answer is a pure function of the document and the two dates, and documents change only
    // when the read models' epoch does (personal values only when a subject is erased).
    const epoch = `${this.readModels.epoch()}:${this.personalData.erasureEpoch()}`;
    const key = JSON.stringify([q.assignmentId, q.asOf, q.knownAt ?? null]);
    return this.answers.answer(epoch, key, () => {
      const stored = this.readModels.get<EntitlementsDoc>(
        assignmentEntitlementsProjection.name,
        q.assignmentId,
      );
      // Salaries are summed here, so the document's personal values are opened first.
      const doc = stored && this.personalData.revealWithin(stored, 'clear');
      const answer = doc
        ? entitlementsOf(doc, { asOf: q.asOf, ...(q.knownAt ? { knownAt: q.knownAt } : {}) })
        : null;
      if (!answer) throw assignmentNotFound(q.assignmentId);
      return answer;
    });
  }
}

@QueryHandler(GetAssignment)
export class GetAssignmentHandler implements IQueryHandler<GetAssignment> {
  constructor(
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    @Inject(PERSONAL_DATA) private readonly personalData: PersonalData,
  ) {}

  async execute(q: GetAssignment): Promise<AssignmentSummary> {
    await caughtUp(this.readModels, q.minPosition, this.config.minPositionWaitMs);
    const summary = this.readModels.get<AssignmentSummary>(assignmentSummaryProjection.name, q.assignmentId);
    if (!summary || !summary.employee) throw assignmentNotFound(q.assignmentId);
    return this.personalData.revealWithin(summary, 'clear');
  }
}

@QueryHandler(ListAssignments)
export class ListAssignmentsHandler implements IQueryHandler<ListAssignments> {
  private readonly names: EmployeeNameSearch;

  constructor(
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    @Inject(PERSONAL_DATA) private readonly personalData: PersonalData,
  ) {
    this.names = new EmployeeNameSearch(readModels, personalData);
  }

  async execute(q: ListAssignments): Promise<AssignmentPage> {
    await caughtUp(this.readModels, q.minPosition, this.config.minPositionWaitMs);
    const filter = {
      ...(q.filter.status ? { status: q.filter.status } : {}),
      ...(q.filter.employeeId ? { 'employee.id': q.filter.employeeId } : {}),
    };
    const name = assignmentSummaryProjection.name;
    const search = q.search
      ? { text: q.search, paths: SUMMARY_SEARCH_PATHS, keys: this.names.matching(q.search) }
      : undefined;
    // One row more than asked tells whether another page follows, without a second count.
    const rows = this.readModels.list<AssignmentSummary>(name, {
      filter,
      ...(search ? { search } : {}),
      ...(q.after !== undefined ? { after: q.after } : {}),
      limit: q.limit + 1,
      offset: q.offset,
    });
    const items = rows.slice(0, q.limit);
    // A first page that holds every match is its own count: a search does not scan the table twice.
    const whole = q.offset === 0 && q.after === undefined && rows.length <= q.limit;
    return {
      items: this.personalData.revealWithin(items, 'clear'),
      total: whole ? rows.length : this.readModels.count(name, filter, search),
      limit: q.limit,
      offset: q.offset,
      nextAfter: rows.length > q.limit ? items[items.length - 1]!.assignmentId : null,
    };
  }
}

@QueryHandler(GetAssignmentEvents)
export class GetAssignmentEventsHandler implements IQueryHandler<GetAssignmentEvents> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PERSONAL_DATA) private readonly personalData: PersonalData,
  ) {}

  async execute(q: GetAssignmentEvents): Promise<StoredEvent[]> {
    const events = await this.store.readStream(streamIdOf(q.assignmentId));
    if (events.length === 0) throw assignmentNotFound(q.assignmentId);
    return events
      .filter(knownAtFilter(q.knownAt))
      .map(upcastStored)
      .map((e) => ({
        ...e,
        data: this.personalData.reveal(e.type, e.data, q.view, this.personalData.erasedSubjectOf(e.streamId)),
      }));
  }
}

@QueryHandler(GetAssignmentTimeline)
export class GetAssignmentTimelineHandler implements IQueryHandler<GetAssignmentTimeline> {
  constructor(
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    @Inject(PERSONAL_DATA) private readonly personalData: PersonalData,
  ) {}

  async execute(q: GetAssignmentTimeline): Promise<TimelineEntry[]> {
    await caughtUp(this.readModels, q.minPosition, this.config.minPositionWaitMs);
    const doc = this.readModels.get<AuditTimelineDoc>(auditTimelineProjection.name, q.assignmentId);
    if (!doc || doc.entries.length === 0) throw assignmentNotFound(q.assignmentId);
    // Known before the assignment started: an empty timeline, as GET .../events answers an empty list.
    // The sentences were written with the personal values sealed in them: opened only now.
    return this.personalData.revealWithin(
      timelineOf(doc, q.knownAt === undefined ? {} : { knownAt: q.knownAt }),
      'clear',
    );
  }
}
