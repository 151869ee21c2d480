import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { EXCEPTION_TERMS, type ExceptionTerm } from '../../domain/assignment/events.js';
import { WriteDto } from './assignment-writes.dto.js';
import { IsBusinessDate, IsDecimalString, IsLedgerId } from './validators.js';

export class RequestExceptionDto extends WriteDto {
  @ApiPropertyOptional({ description: 'chosen by the client, else generated' })
  @IsOptional()
  @IsLedgerId()
  exceptionId?: string;

  @ApiProperty({ enum: EXCEPTION_TERMS })
  @IsIn(EXCEPTION_TERMS)
  term!: ExceptionTerm;

  @ApiProperty({
    example: '650',
    description: "decimal string in the term's unit: pounds, containers, trips, or a USD amount",
  })
  @IsString()
  @IsDecimalString()
  requestedLimit!: string;

  @ApiPropertyOptional({ example: 2005, description: 'home-leave-trips only: the year whose pool is lifted' })
  @IsOptional()
  @IsInt()
  @Min(1900)
  @Max(2200)
  year?: number;

  @ApiProperty({ example: 'school books for the children' })
  @IsString()
  @Length(1, 1000)
  reason!: string;

  @ApiProperty({ example: 'Carl Berg' })
  @IsString()
  @Length(1, 200)
  requestedBy!: string;

  @ApiProperty({ example: '2005-01-12' })
  @IsBusinessDate()
  requestedOn!: string;
}

export class ApproveExceptionDto extends WriteDto {
  @ApiProperty({ example: 'Bob Borron', description: 'not the requester' })
  @IsString()
  @Length(1, 200)
  approvedBy!: string;

  @ApiProperty({ example: '2005-01-14' })
  @IsBusinessDate()
  approvedOn!: string;

  @ApiPropertyOptional({ example: '600', description: 'defaults to the requested limit; never above it' })
  @IsOptional()
  @IsString()
  @IsDecimalString()
  grantedLimit?: string;
}

export class DeclineExceptionDto extends WriteDto {
  @ApiProperty({ example: 'Bob Borron' })
  @IsString()
  @Length(1, 200)
  declinedBy!: string;

  @ApiProperty({ example: '2005-01-14' })
  @IsBusinessDate()
  declinedOn!: string;

  @ApiProperty({ example: 'within the letter' })
  @IsString()
  @Length(1, 1000)
  reason!: string;
}
