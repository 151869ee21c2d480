import { Body, Controller, Inject, Param, Post, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { ErasureService, type ErasureAnswer } from '../../application/erasure.service.js';
import { ERASURE_EVENT_TYPE } from '../../domain/assignment/events.js';
import type { Caller } from '../auth/api-key.guard.js';
import { CallerOf } from '../auth/caller.decorator.js';
import { Roles } from '../auth/roles.decorator.js';
import { IsLedgerId } from '../dto/validators.js';

export class EmployeeIdParam {
  @IsLedgerId()
  employeeId!: string;
}

export class ErasureDto {
  @ApiProperty({ example: 'GDPR art. 17 request of 2026-11-30' })
  @IsString()
  @Length(1, 500)
  reason!: string;

  @ApiPropertyOptional({ example: 'DSR-2026-014' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  reference?: string;
}

/** The right to erasure (GDPR art. 17): admin only. */
@ApiTags('admin')
@ApiBearerAuth()
@Roles()
@Controller('data-subjects')
export class DataSubjectsController {
  constructor(@Inject(ErasureService) private readonly erasure: ErasureService) {}

  @Post(':employeeId/erasure')
  @ApiOperation({
    summary: 'Erase an employee\'s personal data: every read then shows "[erased]"; balances stay',
    description:
      `Destroys the employee's data key (crypto-shredding) and appends ${ERASURE_EVENT_TYPE} (employee id, ` +
      'reason, reference; no personal data) to each of their assignments. A second erasure answers 200 ' +
      'with the first answer. Writes for the employee are refused from then on (DATA_SUBJECT.ERASED).',
  })
  @ApiCreatedResponse({ description: '{ employeeId, erasedAt, assignments: [ids], events }' })
  @ApiOkResponse({ description: 'the subject was erased before: the first answer' })
  @ApiNotFoundResponse({ description: 'problem+json DATA_SUBJECT.NOT_FOUND: no assignment of that employee' })
  async erase(
    @Param() p: EmployeeIdParam,
    @Body() body: ErasureDto,
    @CallerOf() caller: Caller,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { created, answer } = await this.erasure.erase(p.employeeId, {
      reason: body.reason,
      ...(body.reference === undefined ? {} : { reference: body.reference }),
      actor: caller.actor,
    });
    // 201 or 200 decided here: Nest would impose the route's one status on a passthrough reply.
    await reply.status(created ? 201 : 200).send(answer satisfies ErasureAnswer);
  }
}
