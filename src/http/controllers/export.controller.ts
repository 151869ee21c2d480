import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { assignmentNotFound } from '../../application/application-errors.js';
import { today, toInstant } from '../../application/time.js';
import { exportLedger } from '../../cli/export.command.js';
import { streamIdOf } from '../../domain/assignment/events.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { ASSIGNMENT_READ, Roles } from '../auth/roles.decorator.js';
import { AssignmentIdParam } from '../dto/params.js';
import { EntitlementsQueryDto } from '../dto/read-queries.dto.js';
import { PERSONAL_DATA, type PersonalData } from '../../personal-data/personal-data.js';

export class ExportQueryDto extends EntitlementsQueryDto {
  @ApiPropertyOptional({ enum: ['csv', 'json'], default: 'json' })
  @IsOptional()
  @IsIn(['csv', 'json'], { message: 'format must be csv or json' })
  format?: 'csv' | 'json';
}

/** `ledger export --assignment ID` over HTTP: the same CSV columns and JSON, as a download. */
@ApiTags('audit')
@ApiBearerAuth()
@Roles(...ASSIGNMENT_READ)
@Controller('assignments')
export class ExportController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PERSONAL_DATA) private readonly personalData: PersonalData,
  ) {}

  @Get(':assignmentId/export')
  @ApiOperation({
    summary:
      "One assignment's history with metadata (and, in JSON, its entitlements), as `ledger export` writes it",
  })
  async export(@Param() p: AssignmentIdParam, @Query() q: ExportQueryDto, @Res() reply: FastifyReply) {
    const head = await this.store.readStream(streamIdOf(p.assignmentId), { maxCount: 1 });
    if (head.length === 0) throw assignmentNotFound(p.assignmentId);
    const format = q.format ?? 'json';
    const text = await exportLedger(
      this.store,
      {
        assignment: p.assignmentId,
        format,
        asOf: q.asOf ?? today(),
        ...(q.knownAt ? { knownAt: toInstant(q.knownAt) } : {}),
      },
      this.personalData,
    );
    void reply
      .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="${p.assignmentId}.${format}"`)
      .header('Cache-Control', 'no-store')
      .send(text);
  }
}
