import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Min, ValidateNested } from 'class-validator';
import { ApplicationError } from '../../application/application-errors.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import {
  verifyStore,
  type IntegrityProblem,
  type IntegrityReport,
  type NotedHead,
} from '../../event-store/integrity.js';
import { Roles } from '../auth/roles.decorator.js';

export class HeadDto {
  @ApiProperty({ example: 42, description: 'global position of the last event' })
  @IsInt({ message: 'expectHead.position must be a whole number' })
  @Min(0)
  position!: number;

  @ApiProperty({ example: 'a3f1...', description: 'global chain hash at that position (64 hex digits)' })
  @Matches(/^[0-9a-f]{64}$/, {
    message: 'expectHead.hash must be the 64 hex digits GET /integrity/head gave',
  })
  hash!: string;
}

export class VerificationDto {
  @ApiPropertyOptional({
    type: HeadDto,
    description:
      'a head noted earlier: the check also fails if the log no longer holds it (as --expect-head)',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => HeadDto)
  expectHead?: HeadDto;
}

/** A walk's report and how many events the whole pages before its end held. */
interface Walk {
  report: IntegrityReport;
  pagesChecked: number;
}

export interface VerificationAnswer {
  ok: boolean;
  checked: number;
  head: { position: number; hash: string | null };
  problem?: IntegrityProblem;
}

/**
 * The check `ledger verify` runs (integrity.ts), over HTTP for auditors: every event's hash, each
 * stream's revisions, the global chain. One walk at a time: concurrent callers share the walk under way.
 */
@ApiTags('audit')
@ApiBearerAuth()
@Roles('auditor')
@Controller('integrity')
export class IntegrityController {
  private walk: Promise<Walk> | undefined;

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Get('head')
  @ApiOperation({
    summary: 'The head of the log as `ledger verify --head` prints it: note it, and pass it back later',
  })
  @ApiOkResponse({ type: HeadDto })
  async head(): Promise<HeadDto> {
    const { report } = await this.shared();
    if (!report.ok) {
      throw new ApplicationError(
        409,
        'INTEGRITY.CHAIN_BROKEN',
        `the log fails verification at position ${report.problem.position} (event ${report.problem.eventId || '-'}): ${report.problem.reason}`,
        { problem: report.problem },
      );
    }
    return { position: report.headPosition, hash: report.head };
  }

  @Post('verification')
  @HttpCode(200)
  @ApiOperation({
    summary: 'The same check as `ledger verify`; `problem` names the first altered, missing or moved event',
  })
  async verification(@Body() body: VerificationDto = {}): Promise<VerificationAnswer> {
    const { report, pagesChecked } = body?.expectHead
      ? await this.walkLog({ position: body.expectHead.position, head: body.expectHead.hash })
      : await this.shared();
    if (report.ok) {
      return { ok: true, checked: report.events, head: { position: report.headPosition, hash: report.head } };
    }
    const headPosition = await this.store.headPosition();
    // Events before the first bad one: exactly on SQLite (positions without holes), else up to the last whole page.
    const checked =
      this.store.kind === 'sqlite'
        ? Math.max(0, Math.min(report.problem.position, headPosition + 1) - 1)
        : pagesChecked;
    return { ok: false, checked, head: { position: headPosition, hash: null }, problem: report.problem };
  }

  private async walkLog(notedHead?: NotedHead): Promise<Walk> {
    let pagesChecked = 0;
    const report = await verifyStore(
      this.store,
      (progress) => {
        pagesChecked = progress.checked;
      },
      notedHead ? { notedHead } : {},
    );
    return { report, pagesChecked };
  }

  private shared(): Promise<Walk> {
    this.walk ??= this.walkLog().finally(() => {
      this.walk = undefined;
    });
    return this.walk;
  }
}
