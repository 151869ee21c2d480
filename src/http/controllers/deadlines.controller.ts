import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { GetDeadlines } from '../../application/queries/deadlines.query.js';
import { today } from '../../application/time.js';
import { ASSIGNMENT_READ, Roles } from '../auth/roles.decorator.js';
import { DeadlinesQueryDto } from '../dto/read-queries.dto.js';

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
      '"Deadlines"). An item still open on asOf is listed even when its due date has passed.',
  })
  list(@Query() q: DeadlinesQueryDto) {
    return this.queries.execute(new GetDeadlines(q.asOf ?? today(), q.within ?? 30, q.minPosition));
  }
}
