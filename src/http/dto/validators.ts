import { WEIGHT_UNITS } from '../../domain/shared/schema.js';
import { Type } from 'class-transformer';
import { ApiProperty } from '@nestjs/swagger';
import {
  IsIn,
  isISO8601,
  IsObject,
  IsString,
  Matches,
  ValidateNested,
  registerDecorator,
  type ValidationOptions,
} from 'class-validator';
import { isBusinessDate } from '../../domain/shared/calendar.js';
import { toInstant } from '../../application/time.js';
import { CURRENCIES } from '../../domain/shared/money.js';

/** A real calendar date, `YYYY-MM-DD` (2005-02-30 is refused). */
export const IsBusinessDate =
  (options?: ValidationOptions): PropertyDecorator =>
  (target, propertyName) =>
    registerDecorator({
      name: 'isBusinessDate',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: '$property must be a real calendar date YYYY-MM-DD', ...options },
      validator: { validate: (value: unknown) => isBusinessDate(value) },
    });

/**
 * An ISO 8601 instant the ledger can compare with `recordedAt`: strict ISO 8601 that also names a point
 * in time (week and ordinal dates pass ISO 8601 but not `Date`, and must not reach the queries).
 */
export const IsInstant =
  (options?: ValidationOptions): PropertyDecorator =>
  (target, propertyName) =>
    registerDecorator({
      name: 'isInstant',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: '$property must be an ISO 8601 instant', ...options },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && isISO8601(value, { strict: true }) && toInstant(value) !== undefined,
      },
    });

const LEDGER_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;
/** Ids chosen by clients (assignment, shipment, trip, expense, lease): safe in paths and stream names. */
export const IsLedgerId = (options?: ValidationOptions) =>
  Matches(LEDGER_ID, {
    message: '$property must be 1-100 letters, digits, or _ . : - (starting with a letter or digit)',
    ...options,
  });

/** A deadlines cursor, `dueOn,assignmentId`: a real date, a comma, a ledger id. */
export const IsDeadlinesCursor =
  (options?: ValidationOptions): PropertyDecorator =>
  (target, propertyName) =>
    registerDecorator({
      name: 'isDeadlinesCursor',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message:
          "$property must be the previous answer's nextAfter: dueOn,assignmentId (e.g. 2006-12-31,A-1)",
        ...options,
      },
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string') return false;
          const comma = value.indexOf(',');
          return comma > 0 && isBusinessDate(value.slice(0, comma)) && LEDGER_ID.test(value.slice(comma + 1));
        },
      },
    });

const DECIMAL = /^\d{1,15}(\.\d{1,10})?$/;
/** A non-negative decimal string such as "19166.67": amounts and weights never travel as floats. */
export const IsDecimalString = (options?: ValidationOptions) =>
  Matches(DECIMAL, {
    message: '$property must be a non-negative decimal string such as "19166.67"',
    ...options,
  });

export class MoneyDto {
  @ApiProperty({ example: '19166.67', description: 'decimal string' })
  @IsString()
  @IsDecimalString()
  amount!: string;

  @ApiProperty({ example: 'USD', description: 'ISO 4217 code', enum: CURRENCIES })
  @IsIn(CURRENCIES, { message: '$property must be an ISO 4217 currency code the ledger knows' })
  currency!: string;
}

export class WeightDto {
  @ApiProperty({ example: '200' })
  @IsString()
  @IsDecimalString()
  value!: string;

  @ApiProperty({ enum: WEIGHT_UNITS })
  @IsIn(WEIGHT_UNITS)
  unit!: 'lb' | 'kg';
}

/** A MoneyDto member: an object, validated as MoneyDto. */
export const NestedMoney = (): PropertyDecorator => (target, key) => {
  ValidateNested()(target, key);
  Type(() => MoneyDto)(target, key);
  IsObject()(target, key);
};
