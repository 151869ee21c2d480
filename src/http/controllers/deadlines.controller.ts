import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { cursorOf, GetDeadlines } from '../../application/queries/deadlines.query.js';
import { today } from '../../application/time.js';
import { ASSIGNMENT_READ, Roles } from '../auth/roles.decorator.js';
import { DeadlinesQueryDto } from '../dto/read-queries.dto.js';
import { AnswersJson, jsonTextOf } from '../json-answer.js';
import { KeptAnswer } from '../kept-answers.js';

@ApiTags('reads')
@ApiBearerAuth()
@Roles(...ASSIGNMENT_READ)
@Controller('deadlines')
export class DeadlinesController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOperation({
    summary: 'What falls due within `within` days of `asOf`, across all assignments, in dueOn order',
    description:
      'Kinds: home-leave-lapses, assignment-ends, repatriation-pending, exception-pending (domain.md ' +
      '"Deadlines"). An item still open on asOf is listed even when its due date has passed. ' +
      "Pages of `limit` items (default 50, at most 500, as the assignment list): page on with `after` = the previous answer's `nextAfter`, " +
      'null on the last page.',
  })
  @AnswersJson()
  @KeptAnswer()
  async list(@Query() q: DeadlinesQueryDto): Promise<string> {
    const answer = await this.queries.execute(
      new GetDeadlines(
        q.asOf ?? today(),
        q.within ?? 30,
        q.limit ?? 50,
        q.after === undefined ? undefined : cursorOf(q.after),
        q.minPosition,
      ),
    );
    return jsonTextOf(answer);
  }
}
