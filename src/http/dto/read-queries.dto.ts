import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { IsBusinessDate, IsDeadlinesCursor, IsInstant, IsLedgerId } from './validators.js';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value;

export class MinPositionQuery {
  @ApiPropertyOptional({ description: 'answer only once the read models have applied this global position' })
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'minPosition must be a whole number' })
  @Min(0)
  minPosition?: number;
}

export class EntitlementsQueryDto extends MinPositionQuery {
  @ApiPropertyOptional({ example: '2005-12-31', description: 'business date (default today)' })
  @IsOptional()
  @IsBusinessDate()
  asOf?: string;

  @ApiPropertyOptional({
    example: '2006-03-01T00:00:00Z',
    description: 'what the ledger knew at this instant',
  })
  @IsOptional()
  @IsInstant()
  knownAt?: string;
}

export class ListAssignmentsQueryDto extends MinPositionQuery {
  @ApiPropertyOptional({ enum: ['active', 'ended'] })
  @IsOptional()
  @IsIn(['active', 'ended'])
  status?: 'active' | 'ended';

  @ApiPropertyOptional()
  @IsOptional()
  @IsLedgerId()
  employeeId?: string;

  @ApiPropertyOptional({
    maxLength: 200,
    description:
      'text searched (case-insensitive) in the id, employee id and name, position, host city and country',
  })
  @IsOptional()
  @IsString({ message: 'q must be text' })
  @Length(1, 200, { message: 'q must be 1 to 200 characters' })
  q?: string;

  @ApiPropertyOptional({
    description: "cursor: the previous page's nextAfter (the last assignmentId it listed)",
  })
  @IsOptional()
  @IsLedgerId()
  after?: string;

  @ApiPropertyOptional({ default: 50, maximum: 500 })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  offset?: number;
}

export class KnownAtQueryDto {
  @ApiPropertyOptional({ description: 'leave out events recorded after this instant' })
  @IsOptional()
  @IsInstant()
  knownAt?: string;
}

/** The audit timeline as known at an instant, read after a write (`minPosition`). */
export class TimelineQueryDto extends IntersectionType(KnownAtQueryDto, MinPositionQuery) {}

export class DeadlinesQueryDto extends MinPositionQuery {
  @ApiPropertyOptional({ example: '2005-12-01', description: 'business date (default today)' })
  @IsOptional()
  @IsBusinessDate()
  asOf?: string;

  @ApiPropertyOptional({ default: 30, minimum: 1, maximum: 366, description: 'days after asOf' })
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'within must be a whole number of days' })
  @Min(1, { message: 'within must be at least 1 day' })
  @Max(366, { message: 'within must be at most 366 days' })
  within?: number;

  @ApiPropertyOptional({
    default: 50,
    minimum: 1,
    maximum: 500,
    description: 'items per page (a page never splits the items of one assignment due the same day)',
  })
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'limit must be a whole number of items' })
  @Min(1, { message: 'limit must be at least 1' })
  @Max(500, { message: 'limit must be at most 500' })
  limit?: number;

  @ApiPropertyOptional({
    example: '2006-12-31,VAL-2005-001',
    description: "cursor: the previous page's nextAfter (dueOn,assignmentId of its last item)",
  })
  @IsOptional()
  @IsDeadlinesCursor()
  after?: string;
}
