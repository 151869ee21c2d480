import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { byDue, deadlinesProjection, type DeadlineItem } from '../../../projections/index.js';
import { addDays, toDayNumber, type BusinessDate } from '../../domain/shared/calendar.js';
import { LEDGER_CONFIG, type LedgerConfig } from '../../config/ledger-config.js';
import { caughtUp } from './assignment.queries.js';
import { READ_MODELS, type ReadModels } from './read-model.port.js';

export interface DeadlinesAnswer {
  asOf: BusinessDate;
  within: number;
  items: DeadlineItem[];
}

/** What is open on `asOf`, across all assignments, and due within `within` days (overdue included). */
export class GetDeadlines extends Query<DeadlinesAnswer> {
  constructor(
    readonly asOf: BusinessDate,
    readonly within: number,
    readonly minPosition?: number,
  ) {
    super();
  }
}

@QueryHandler(GetDeadlines)
export class GetDeadlinesHandler implements IQueryHandler<GetDeadlines> {
  constructor(
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
  ) {}

  async execute(q: GetDeadlines): Promise<DeadlinesAnswer> {
    await caughtUp(this.readModels, q.minPosition, this.config.minPositionWaitMs);
    const items = this.readModels.intervalItems<DeadlineItem>(
      deadlinesProjection.name,
      toDayNumber(q.asOf),
      toDayNumber(addDays(q.asOf, q.within)),
    );
    // The index answers by due day and assignment; items of one assignment due the same day go by kind.
    items.sort(byDue);
    return { asOf: q.asOf, within: q.within, items };
  }
}
