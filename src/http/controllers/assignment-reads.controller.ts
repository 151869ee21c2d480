import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import {
  GetAssignment,
  GetAssignmentEvents,
  GetAssignmentTimeline,
  GetEntitlements,
  ListAssignments,
} from '../../application/queries/assignment.queries.js';
import { today, toInstant } from '../../application/time.js';
import { ASSIGNMENT_READ, Roles } from '../auth/roles.decorator.js';
import { CallerOf } from '../auth/caller.decorator.js';
import type { Caller } from '../auth/api-key.guard.js';
import { personalViewOf } from '../../personal-data/personal-data.js';
import { AssignmentIdParam } from '../dto/params.js';
import { AnswersJson, jsonTextOf } from '../json-answer.js';
import { KeptAnswer } from '../kept-answers.js';
import {
  EntitlementsQueryDto,
  KnownAtQueryDto,
  ListAssignmentsQueryDto,
  MinPositionQuery,
  TimelineQueryDto,
} from '../dto/read-queries.dto.js';
import { AssignmentTimelineDto } from '../dto/read-answers.dto.js';

/** A validated `knownAt` (see IsInstant) as the instant the queries compare with `recordedAt`. */
const instant = (value: string | undefined) => (value === undefined ? undefined : toInstant(value));

@ApiTags('reads')
@ApiBearerAuth()
@Roles(...ASSIGNMENT_READ)
@Controller('assignments')
export class AssignmentReadsController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOperation({
    summary: 'A page of assignment summaries',
    description:
      'In assignmentId order. `q` searches, `status` and `employeeId` filter; `total` counts every match. ' +
      "Page with `after` = the previous answer's `nextAfter` (or with `offset`).",
  })
  list(@Query() q: ListAssignmentsQueryDto) {
    return this.queries.execute(
      new ListAssignments(
        { status: q.status, employeeId: q.employeeId },
        q.limit ?? 50,
        q.offset ?? 0,
        q.minPosition,
        q.q,
        q.after,
      ),
    );
  }

  @Get(':assignmentId')
  @ApiOperation({ summary: 'Summary: employee, position, status, dates, revision' })
  @KeptAnswer()
  get(@Param() p: AssignmentIdParam, @Query() q: MinPositionQuery) {
    return this.queries.execute(new GetAssignment(p.assignmentId, q.minPosition));
  }

  @Get(':assignmentId/entitlements')
  @ApiOperation({
    summary: 'What the employee is still entitled to, as of a business date and as known at an instant',
  })
  @AnswersJson()
  @KeptAnswer()
  async entitlements(@Param() p: AssignmentIdParam, @Query() q: EntitlementsQueryDto): Promise<string> {
    const answer = await this.queries.execute(
      new GetEntitlements(p.assignmentId, q.asOf ?? today(), instant(q.knownAt), q.minPosition),
    );
    return jsonTextOf(answer);
  }

  @Get(':assignmentId/events')
  @ApiOperation({ summary: "The stream's events in order, with data and metadata" })
  async events(@Param() p: AssignmentIdParam, @Query() q: KnownAtQueryDto, @CallerOf() caller: Caller) {
    const knownAt = instant(q.knownAt);
    const events = await this.queries.execute(
      new GetAssignmentEvents(p.assignmentId, knownAt, personalViewOf(caller)),
    );
    return {
      assignmentId: p.assignmentId,
      knownAt: knownAt ?? null,
      count: events.length,
      events,
    };
  }

  @Get(':assignmentId/timeline')
  @ApiOperation({
    summary: 'The audit timeline: every event in order with its business date and one sentence',
    description:
      'Entries come from the audit-timeline read model. With `knownAt`, events recorded later are left ' +
      'out, and so are the correction and void marks they left on earlier entries. An assignment ' +
      'started after `knownAt` answers an empty list.',
  })
  @ApiOkResponse({ type: AssignmentTimelineDto })
  @ApiBadRequestResponse({ description: 'problem+json naming the malformed query field' })
  @ApiNotFoundResponse({ description: 'problem+json ASSIGNMENT.NOT_FOUND' })
  @KeptAnswer()
  async timeline(
    @Param() p: AssignmentIdParam,
    @Query() q: TimelineQueryDto,
  ): Promise<AssignmentTimelineDto> {
    const knownAt = instant(q.knownAt);
    const entries = await this.queries.execute(
      new GetAssignmentTimeline(p.assignmentId, knownAt, q.minPosition),
    );
    return { assignmentId: p.assignmentId, knownAt: knownAt ?? null, count: entries.length, entries };
  }
}
