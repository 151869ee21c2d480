import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Max,
  MaxLength,
  Min,
  registerDecorator,
  type ValidationOptions,
} from 'class-validator';
import { ASSIGNMENT_EVENT_TYPES } from '../../domain/assignment/events.js';

/** An absolute http: or https: URL. */
export const isHttpUrl = (value: unknown): boolean => {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
};

const IsHttpUrl =
  (options?: ValidationOptions): PropertyDecorator =>
  (target, propertyName) =>
    registerDecorator({
      name: 'isHttpUrl',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: '$property must be an absolute http:// or https:// URL', ...options },
      validator: { validate: isHttpUrl },
    });

export class CreateWebhookDto {
  @ApiProperty({ example: 'https://payroll.example.com/ledger-events' })
  @IsString()
  @MaxLength(2048)
  @IsHttpUrl()
  url!: string;

  @ApiPropertyOptional({
    enum: ASSIGNMENT_EVENT_TYPES,
    isArray: true,
    description: 'event types to deliver; absent or empty for every type',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(ASSIGNMENT_EVENT_TYPES.length)
  @ArrayUnique()
  @IsIn(ASSIGNMENT_EVENT_TYPES, { each: true, message: 'each of $property must be a known event type' })
  types?: string[];

  @ApiProperty({ description: 'HMAC-SHA256 key of Ledger-Signature; never returned', minLength: 16 })
  @IsString()
  @Length(16, 256)
  secret!: string;

  @ApiPropertyOptional({
    example: 0,
    description: 'global position to start after; default the end of the log (only new events)',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  after?: number;
}
