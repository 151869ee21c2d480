import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { byDue, deadlinesProjection, type DeadlineItem } from '../../../projections/index.js';
import { addDays, fromDayNumber, toDayNumber, type BusinessDate } from '../../domain/shared/calendar.js';
import { LEDGER_CONFIG, type LedgerConfig } from '../../config/ledger-config.js';
import { AnswerCache } from './answer-cache.js';
import { caughtUp } from './assignment.queries.js';
import { READ_MODELS, type ReadModels } from './read-model.port.js';

export interface DeadlinesAnswer {
  asOf: BusinessDate;
  within: number;
  items: DeadlineItem[];
  /** The next page's `after` ("dueOn,assignmentId" of this page's last item), null on the last page. */
  nextAfter: string | null;
}

/** Where a page resumes: after the items of this assignment due on this day. */
export interface DeadlinesCursor {
  dueOn: BusinessDate;
  assignmentId: string;
}

export const cursorText = (cursor: DeadlinesCursor): string => `${cursor.dueOn},${cursor.assignmentId}`;

/** The cursor of a validated `after` (the DTO checks its form). */
export const cursorOf = (after: string): DeadlinesCursor => {
  const comma = after.indexOf(',');
  return { dueOn: after.slice(0, comma), assignmentId: after.slice(comma + 1) };
};

/**
 * What is open on `asOf`, across all assignments, and due within `within` days (overdue included): a
 * page of about `limit` items after `after` (the items of one assignment due the same day stay together).
 */
export class GetDeadlines extends Query<DeadlinesAnswer> {
  constructor(
    readonly asOf: BusinessDate,
    readonly within: number,
    readonly limit: number,
    readonly after?: DeadlinesCursor,
    readonly minPosition?: number,
  ) {
    super();
  }
}

@QueryHandler(GetDeadlines)
export class GetDeadlinesHandler implements IQueryHandler<GetDeadlines> {
  // Consoles ask the same window (today, 30 days) again and again; the index moves only with the epoch.
  private readonly answers = new AnswerCache<DeadlinesAnswer>(1_000);

  constructor(
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
  ) {}

  async execute(q: GetDeadlines): Promise<DeadlinesAnswer> {
    await caughtUp(this.readModels, q.minPosition, this.config.minPositionWaitMs);
    const key = JSON.stringify([q.asOf, q.within, q.limit, q.after ?? null]);
    return this.answers.answer(String(this.readModels.epoch()), key, () => this.page(q));
  }

  private page(q: GetDeadlines): DeadlinesAnswer {
    const { items, next } = this.readModels.intervalItems<DeadlineItem>(
      deadlinesProjection.name,
      toDayNumber(q.asOf),
      toDayNumber(addDays(q.asOf, q.within)),
      {
        limit: q.limit,
        after: q.after && { at: toDayNumber(q.after.dueOn), key: q.after.assignmentId },
      },
    );
    // The index answers by due day and assignment; items of one assignment due the same day go by kind.
    items.sort(byDue);
    return {
      asOf: q.asOf,
      within: q.within,
      items,
      nextAfter: next && cursorText({ dueOn: fromDayNumber(next.at), assignmentId: next.key }),
    };
  }
}
