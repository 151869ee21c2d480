import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import {
  CABINS,
  CONTAINER_SIZES,
  DIRECTIONS,
  END_REASONS,
  EXPENSE_CATEGORIES,
  OTHER_FARE_RULES,
  RELATIONSHIPS,
  SETTLEMENT_DIRECTIONS,
  SHIPMENT_MODES,
  TRAVELLERS,
  TRIP_DESTINATIONS,
  type Cabin,
  type CommandOfEvent,
  type ContainerSize,
  type CorrectableEventType,
  type Direction,
  type EndReason,
  type ExpenseCategory,
  type OtherFareRule,
  type Relationship,
  type ShipmentMode,
  type Traveller,
  type TripDestination,
} from '../../domain/assignment/events.js';
import {
  IsBusinessDate,
  IsDecimalString,
  IsLedgerId,
  MoneyDto,
  NestedMoney,
  WeightDto,
} from './validators.js';

const COUNTRY = /^[A-Z]{2}$/;
const COUNTRY_MESSAGE = '$property must be an ISO 3166-1 alpha-2 country code such as "US" or "CN"';

/** Fields every write may carry besides its own. */
export class WriteDto {
  @ApiPropertyOptional({ description: 'Idempotency key, when the Idempotency-Key header is not used' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  commandId?: string;

  @ApiPropertyOptional({
    description: 'Document reference, e.g. an invoice number or "assignment letter 2005-01-13"',
  })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  source?: string;
}

export class EmployeeDto {
  @ApiProperty({ example: 'E-1001' })
  @IsString()
  @IsLedgerId()
  id!: string;

  @ApiProperty({ example: 'Joseph Lamoreux' })
  @IsString()
  @Length(1, 200)
  name!: string;
}

export class FamilyMemberDto {
  @ApiProperty({ example: 'Jane Lamoreux' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ enum: RELATIONSHIPS })
  @IsIn(RELATIONSHIPS)
  relationship!: Relationship;
}

/** Overrides of the letter's terms for a letter with other numbers. */
export class PolicyOverridesDto {
  @ApiPropertyOptional({ example: '500' })
  @IsOptional()
  @IsDecimalString()
  outboundAirLimitLb?: string;

  @ApiPropertyOptional({ example: 1 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(20)
  outboundContainerLimit?: number;

  @ApiPropertyOptional({ example: '1000' })
  @IsOptional()
  @IsDecimalString()
  returnAllowanceOverOutboundLb?: string;

  @ApiPropertyOptional({ example: 3 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(52)
  homeLeaveTripsPerYear?: number;

  @ApiPropertyOptional({ example: 1 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(52)
  otherDestinationTripsPerYear?: number;

  @ApiPropertyOptional({ enum: OTHER_FARE_RULES })
  @IsOptional()
  @IsIn(OTHER_FARE_RULES)
  otherDestinationFareRule?: OtherFareRule;

  @ApiPropertyOptional({ type: MoneyDto })
  @IsOptional()
  @NestedMoney()
  miscellaneousAllowance?: MoneyDto;

  @ApiPropertyOptional({ example: 25 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(366)
  usHolidaysAndVacationDays?: number;

  @ApiPropertyOptional({ example: 365 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3660)
  taxHomeLimitDays?: number;

  @ApiPropertyOptional({ type: MoneyDto, description: 'a one-off relocation bonus; none unless given' })
  @IsOptional()
  @NestedMoney()
  relocationBonus?: MoneyDto;
}

export class StartAssignmentDto extends WriteDto {
  @ApiPropertyOptional({
    description: 'Chosen by the client, or derived from the idempotency key, or generated',
  })
  @IsOptional()
  @IsString()
  @IsLedgerId()
  assignmentId?: string;

  @ApiProperty({ type: EmployeeDto })
  @IsObject()
  @ValidateNested()
  @Type(() => EmployeeDto)
  employee!: EmployeeDto;

  @ApiProperty({ example: 'Chief Operating Officer' })
  @IsString()
  @Length(1, 200)
  position!: string;

  @ApiProperty({ example: 'US' })
  @Matches(COUNTRY, { message: COUNTRY_MESSAGE })
  homeCountry!: string;

  @ApiProperty({ example: 'CN' })
  @Matches(COUNTRY, { message: COUNTRY_MESSAGE })
  hostCountry!: string;

  @ApiProperty({ example: 'Shanghai' })
  @IsString()
  @Length(1, 200)
  hostCity!: string;

  @ApiProperty({ example: '2005-01-18' })
  @IsBusinessDate()
  effectiveDate!: string;

  @ApiProperty({ example: '2005-07-18' })
  @IsBusinessDate()
  expectedEndDate!: string;

  @ApiPropertyOptional({ example: 'Stephan Godevais' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  reportsTo?: string;

  @ApiProperty({ type: [FamilyMemberDto] })
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => FamilyMemberDto)
  accompanyingFamily!: FamilyMemberDto[];

  @ApiProperty({ type: MoneyDto })
  @NestedMoney()
  baseSalaryMonthly!: MoneyDto;

  @ApiPropertyOptional({ type: PolicyOverridesDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => PolicyOverridesDto)
  policy?: PolicyOverridesDto;
}

export class ExtendAssignmentDto extends WriteDto {
  @ApiProperty({ example: '2005-06-30' })
  @IsBusinessDate()
  decidedOn!: string;

  @ApiProperty({ example: '2006-01-18' })
  @IsBusinessDate()
  newExpectedEndDate!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  reason?: string;
}

export class RecordShipmentDto extends WriteDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @IsLedgerId()
  shipmentId?: string;

  @ApiProperty({ enum: DIRECTIONS })
  @IsIn(DIRECTIONS)
  direction!: Direction;

  @ApiProperty({ enum: SHIPMENT_MODES })
  @IsIn(SHIPMENT_MODES)
  mode!: ShipmentMode;

  @ApiProperty({ example: '2005-01-25' })
  @IsBusinessDate()
  shippedOn!: string;

  @ApiPropertyOptional({ example: '480', description: 'pounds, decimal string; or give `weight`' })
  @IsOptional()
  @IsDecimalString()
  weightLb?: string;

  @ApiPropertyOptional({ type: WeightDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => WeightDto)
  weight?: WeightDto;

  @ApiPropertyOptional({ example: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(20)
  containers?: number;

  @ApiPropertyOptional({ enum: CONTAINER_SIZES })
  @IsOptional()
  @IsIn(CONTAINER_SIZES)
  containerSize?: ContainerSize;

  @ApiPropertyOptional({ description: 'Who approved shipping beyond the outbound air limit' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  exceptionApprovedBy?: string;
}

export class TakeHomeLeaveTripDto extends WriteDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @IsLedgerId()
  tripId?: string;

  @ApiProperty({ enum: TRAVELLERS })
  @IsIn(TRAVELLERS)
  traveller!: Traveller;

  @ApiProperty({ enum: TRIP_DESTINATIONS })
  @IsIn(TRIP_DESTINATIONS)
  destination!: TripDestination;

  @ApiProperty({ example: '2005-03-10' })
  @IsBusinessDate()
  departedOn!: string;

  @ApiPropertyOptional({ example: '2005-03-20' })
  @IsOptional()
  @IsBusinessDate()
  returnedOn?: string;

  @ApiProperty({ type: MoneyDto })
  @NestedMoney()
  fare!: MoneyDto;

  @ApiPropertyOptional({ type: MoneyDto, description: 'economy fare home; required for destination other' })
  @IsOptional()
  @NestedMoney()
  homeFare?: MoneyDto;
}

export class ExchangeRateDto {
  @ApiProperty({ example: '8.2765', description: 'units of the claim currency per 1 USD' })
  @IsDecimalString()
  @Matches(/[1-9]/, { message: '$property must be greater than zero' })
  rate!: string;

  @ApiProperty({ example: 'People’s Bank of China reference rate' })
  @IsString()
  @Length(1, 200)
  source!: string;

  @ApiProperty({ example: '2005-02-01' })
  @IsBusinessDate()
  asOf!: string;
}

export class ClaimExpenseDto extends WriteDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @IsLedgerId()
  expenseId?: string;

  @ApiProperty({ enum: EXPENSE_CATEGORIES })
  @IsIn(EXPENSE_CATEGORIES)
  category!: ExpenseCategory;

  @ApiProperty({ type: MoneyDto })
  @NestedMoney()
  amount!: MoneyDto;

  @ApiPropertyOptional({ type: ExchangeRateDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ExchangeRateDto)
  exchangeRate?: ExchangeRateDto;

  @ApiProperty({ example: '2005-01-18' })
  @IsBusinessDate()
  incurredOn!: string;

  @ApiProperty({ type: [String], example: ['receipt-2005-001'] })
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(500, { each: true })
  receipts!: string[];

  @ApiProperty({ example: 'Economy flight SFO-PVG' })
  @IsString()
  @Length(1, 1000)
  description!: string;

  @ApiPropertyOptional({ enum: CABINS })
  @IsOptional()
  @IsIn(CABINS)
  cabin?: Cabin;

  @ApiPropertyOptional({
    type: MoneyDto,
    description: 'the economy fare a claim for another cabin is capped at',
  })
  @IsOptional()
  @NestedMoney()
  economyFare?: MoneyDto;
}

export class ApproveExpenseDto extends WriteDto {
  @ApiProperty({ example: 'Bob Borron' })
  @IsString()
  @Length(1, 200)
  approvedBy!: string;

  @ApiProperty({ example: '2005-02-01' })
  @IsBusinessDate()
  approvedOn!: string;
}

export class RejectExpenseDto extends WriteDto {
  @ApiProperty()
  @IsString()
  @Length(1, 200)
  rejectedBy!: string;

  @ApiProperty()
  @IsString()
  @Length(1, 1000)
  reason!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBusinessDate()
  rejectedOn?: string;
}

export class PayMiscellaneousAllowanceDto extends WriteDto {
  @ApiProperty({ example: '2005-01-31' })
  @IsBusinessDate()
  paidOn!: string;

  @ApiPropertyOptional({ type: MoneyDto, description: "defaults to the policy's amount" })
  @IsOptional()
  @NestedMoney()
  amount?: MoneyDto;
}

/** The relocation bonus takes what the allowance takes: the day it is paid, and an amount up to the policy's. */
export class PayRelocationBonusDto extends PayMiscellaneousAllowanceDto {}

export class EndAssignmentDto extends WriteDto {
  @ApiProperty({ enum: END_REASONS })
  @IsIn(END_REASONS)
  reason!: EndReason;

  @ApiProperty({ example: '2006-01-18' })
  @IsBusinessDate()
  endedOn!: string;
}

export class RecordRepatriationDto extends WriteDto {
  @ApiProperty({ example: '2006-01-20' })
  @IsBusinessDate()
  travelledOn!: string;

  @ApiProperty({ type: [String], example: ['Joseph Lamoreux'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  travellers!: string[];

  @ApiProperty({ type: MoneyDto })
  @NestedMoney()
  fare!: MoneyDto;
}

export class DepositReturnAirfreightFundDto extends WriteDto {
  @ApiProperty({ example: '2006-03-25' })
  @IsBusinessDate()
  depositedOn!: string;

  @ApiProperty({ type: MoneyDto })
  @NestedMoney()
  amount!: MoneyDto;
}

export class DrawReturnAirfreightFundDto extends WriteDto {
  @ApiProperty({ example: '2006-04-05' })
  @IsBusinessDate()
  drawnOn!: string;

  @ApiProperty({ type: MoneyDto })
  @NestedMoney()
  amount!: MoneyDto;

  @ApiProperty({ example: 'Airfreight of clothing, 380 lb' })
  @IsString()
  @Length(1, 1000)
  description!: string;
}

export class PaySalaryDto extends WriteDto {
  @ApiProperty({ example: '2005-01', description: 'YYYY-MM' })
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: '$property must be a month YYYY-MM' })
  period!: string;

  @ApiProperty({ example: '2005-01-31' })
  @IsBusinessDate()
  paidOn!: string;

  @ApiProperty({ type: MoneyDto, description: 'hypothetical tax withheld from the prorated gross' })
  @NestedMoney()
  hypotheticalTax!: MoneyDto;
}

export class SettleTaxEqualizationDto extends WriteDto {
  @ApiProperty({ example: 2005 })
  @IsInt()
  @Min(1900)
  @Max(2200)
  taxYear!: number;

  @ApiProperty({ type: MoneyDto })
  @NestedMoney()
  amount!: MoneyDto;

  @ApiProperty({ enum: SETTLEMENT_DIRECTIONS })
  @IsIn(SETTLEMENT_DIRECTIONS)
  direction!: (typeof SETTLEMENT_DIRECTIONS)[number];

  @ApiProperty({ example: '2006-04-15' })
  @IsBusinessDate()
  settledOn!: string;

  @ApiPropertyOptional({ example: 'Deloitte & Touche' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  provider?: string;
}

export class ApproveHousingLeaseDto extends WriteDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @IsLedgerId()
  leaseId?: string;

  @ApiProperty({ example: '2005-01-20' })
  @IsBusinessDate()
  approvedOn!: string;

  @ApiProperty({ example: '2005-02-01' })
  @IsBusinessDate()
  effectiveFrom!: string;

  @ApiProperty({ type: MoneyDto })
  @NestedMoney()
  monthlyRent!: MoneyDto;

  @ApiProperty({ type: MoneyDto, description: 'rent of comparable housing in the US, in USD' })
  @NestedMoney()
  comparableUsCap!: MoneyDto;

  @ApiPropertyOptional({ type: ExchangeRateDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ExchangeRateDto)
  exchangeRate?: ExchangeRateDto;
}

export class ObserveHostHolidayDto extends WriteDto {
  @ApiProperty({ example: '2005-02-09' })
  @IsBusinessDate()
  date!: string;

  @ApiProperty({ example: 'Spring Festival' })
  @IsString()
  @Length(1, 200)
  name!: string;
}

export class TakeVacationDto extends WriteDto {
  @ApiProperty({ example: '2005-05-02' })
  @IsBusinessDate()
  from!: string;

  @ApiProperty({ example: '2005-05-06' })
  @IsBusinessDate()
  to!: string;

  @ApiProperty({ example: 5, description: 'working days of vacation taken' })
  @IsInt()
  @Min(1)
  @Max(366)
  days!: number;
}

export class CorrectionDto extends WriteDto {
  @ApiProperty({ description: 'eventId of the event this one mends' })
  @IsUUID()
  correctsEventId!: string;

  @ApiProperty()
  @IsString()
  @Length(1, 1000)
  reason!: string;

  @ApiPropertyOptional({ description: 'true to void the event instead of replacing its fields' })
  @IsOptional()
  @IsBoolean()
  void?: boolean;

  @ApiPropertyOptional({ description: 'replacement fields of the corrected event (same names as its data)' })
  @IsOptional()
  @IsObject()
  replacement?: Record<string, unknown>;
}

/**
 * The write each correctable event came from, by its command: a correction's replacement fields are named
 * as in that write and validated by its DTO, so a correction can never store what the write would have
 * refused.
 */
export const REPLACEMENT_DTOS: Record<CommandOfEvent[CorrectableEventType], new () => WriteDto> = {
  RecordShipment: RecordShipmentDto,
  TakeHomeLeaveTrip: TakeHomeLeaveTripDto,
  ClaimExpense: ClaimExpenseDto,
  PayMiscellaneousAllowance: PayMiscellaneousAllowanceDto,
  RecordRepatriationTravel: RecordRepatriationDto,
  DepositReturnAirfreightFund: DepositReturnAirfreightFundDto,
  DrawReturnAirfreightFund: DrawReturnAirfreightFundDto,
  PaySalary: PaySalaryDto,
  SettleTaxEqualization: SettleTaxEqualizationDto,
  ApproveHousingLease: ApproveHousingLeaseDto,
  ObserveHostHoliday: ObserveHostHolidayDto,
  TakeVacation: TakeVacationDto,
  PayRelocationBonus: PayRelocationBonusDto,
};
