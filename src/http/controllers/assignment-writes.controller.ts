import { Body, Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { assignmentNotFound } from '../../application/application-errors.js';
import { flattenValidationErrors, RequestValidationError } from '../problem/validation-error.js';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AssignmentCommand } from '../../domain/assignment/index.js';
import {
  RecordAssignmentEvent,
  type HistoryCheck,
  type WriteResult,
} from '../../application/commands/record-assignment-event.command.js';
import type { StoredEvent } from '../../event-store/event-store.port.js';
import { nameBasedUuid, newId } from '../../application/ids.js';
import type { Caller } from '../auth/api-key.guard.js';
import { CallerOf } from '../auth/caller.decorator.js';
import { Roles, WRITE } from '../auth/roles.decorator.js';
import { writeContext } from '../write-context.js';
import { AssignmentIdParam, ExpenseIdParam } from '../dto/params.js';
import {
  ApproveExpenseDto,
  ApproveHousingLeaseDto,
  ClaimExpenseDto,
  CorrectionDto,
  EndAssignmentDto,
  ExtendAssignmentDto,
  DepositReturnAirfreightFundDto,
  DrawReturnAirfreightFundDto,
  ObserveHostHolidayDto,
  PayMiscellaneousAllowanceDto,
  PaySalaryDto,
  RecordRepatriationDto,
  RecordShipmentDto,
  RejectExpenseDto,
  SettleTaxEqualizationDto,
  StartAssignmentDto,
  TakeHomeLeaveTripDto,
  TakeVacationDto,
  REPLACEMENT_DTOS,
  type WriteDto,
} from '../dto/assignment-writes.dto.js';

/**
 * Drops the envelope fields (idempotency key, source) and absent values from a validated body. `null`
 * is absent too: class-validator's @IsOptional lets it through, and it must neither reach a decision
 * (`weightLb: null` crashed the shipment rule) nor be stored in an immutable event.
 */
const fieldsOf = <T extends WriteDto>(dto: T): Omit<T, 'commandId' | 'source'> => {
  const { commandId: _c, source: _s, ...fields } = dto;
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined && v !== null)) as Omit<
    T,
    'commandId' | 'source'
  >;
};

/** Every write of the contract: validate, turn into a domain command, run the command cycle. */
@ApiTags('writes')
@ApiBearerAuth()
@ApiHeader({ name: 'Idempotency-Key', required: false, description: 'same key + same body = same answer' })
@ApiHeader({ name: 'If-Match', required: false, description: 'the stream revision last seen; stale = 409' })
@Roles(...WRITE)
@Controller('assignments')
export class AssignmentWritesController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Start an assignment (AssignmentStarted)' })
  async start(
    @Body() body: StartAssignmentDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) res: FastifyReply,
    @CallerOf() caller: Caller,
  ) {
    const context = writeContext(req, caller, body);
    const explicitKey = req.headers['idempotency-key'] ?? body.commandId;
    const assignmentId =
      body.assignmentId ?? (explicitKey ? nameBasedUuid('assignment', context.commandId) : newId());
    const { policy, ...rest } = fieldsOf(body);
    const command: AssignmentCommand = {
      type: 'StartAssignment',
      data: { ...rest, assignmentId, ...(policy ? { policy: fieldsOfPlain(policy) } : {}) },
    };
    return this.run(assignmentId, command, context, res);
  }

  @Post(':assignmentId/extensions')
  @HttpCode(201)
  @ApiOperation({ summary: 'Extend the assignment (AssignmentExtended)' })
  extend(
    @Param() p: AssignmentIdParam,
    @Body() body: ExtendAssignmentDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) res: FastifyReply,
    @CallerOf() caller: Caller,
  ) {
    return this.record(p, { type: 'ExtendAssignment', data: fieldsOf(body) }, body, req, res, caller);
  }

  @Post(':assignmentId/shipments')
  @HttpCode(201)
  @ApiOperation({ summary: 'Record a shipment (ShipmentRecorded), clause 4' })
  ship(
    @Param() p: AssignmentIdParam,
    @Body() body: RecordShipmentDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) res: FastifyReply,
    @CallerOf() caller: Caller,
  ) {
    const data = { ...fieldsOf(body), shipmentId: body.shipmentId ?? newId() };
    if (body.weight) data.weight = fieldsOfPlain(body.weight);
    return this.record(p, { type: 'RecordShipment', data }, body, req, res, caller);
  }

  @Post(':assignmentId/home-leave-trips')
  @HttpCode(201)
  @ApiOperation({ summary: 'Record a home-leave trip (HomeLeaveTripTaken), clause 10' })
  trip(
    @Param() p: AssignmentIdParam,
    @Body() body: TakeHomeLeaveTripDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) res: FastifyReply,
    @CallerOf() caller: Caller,
  ) {
    const data = { ...fieldsOf(body), tripId: body.tripId ?? newId() };
    return this.record(p, { type: 'TakeHomeLeaveTrip', data }, body, req, res, caller);
  }

  @Post(':assignmentId/expenses')
  @HttpCode(201)
  @ApiOperation({ summary: 'Claim an expense (ExpenseClaimed)' })
  claim(
    @Param() p: AssignmentIdParam,
    @Body() body: ClaimExpenseDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) res: FastifyReply,
    @CallerOf() caller: Caller,
  ) {
    const data = { ...fieldsOf(body), expenseId: body.expenseId ?? newId() };
    return this.record(p, { type: 'ClaimExpense', data }, body, req, res, caller);
  }

  @Post(':assignmentId/expenses/:expenseId/approval')
  @HttpCode(201)
  @ApiOperation({ summary: 'Approve an expense (ExpenseApproved)' })
  approve(
    @Param() p: ExpenseIdParam,
    @Body() body: ApproveExpenseDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) res: FastifyReply,
    @CallerOf() caller: Caller,
  ) {
    const data = { ...fieldsOf(body), expenseId: p.expenseId };
    return this.record(p, { type: 'ApproveExpense', data }, body, req, res, caller);
  }

  @Post(':assignmentId/expenses/:expenseId/rejection')
  @HttpCode(201)
  @ApiOperation({ summary: 'Reject an expense (ExpenseRejected)' })
  reject(
    @Param() p: ExpenseIdParam,
    @Body() body: RejectExpenseDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) res: FastifyReply,
    @CallerOf() caller: Caller,
  ) {
    const data = { ...fieldsOf(body), expenseId: p.expenseId };
    return this.record(p, { type: 'RejectExpense', data }, body, req, res, caller);
  }

  @Post(':assignmentId/allowances/miscellaneous')
  @HttpCode(201)
  @ApiOperation({ summary: 'Pay the miscellaneous allowance (MiscellaneousAllowancePaid), clause 9' })
  allowance(
    @Param() p: AssignmentIdParam,
    @Body() body: PayMiscellaneousAllowanceDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) res: FastifyReply,
    @CallerOf() caller: Caller,
  ) {
    return this.record(
      p,
      { type: 'PayMiscellaneousAllowance', data: fieldsOf(body) },
      body,
      req,
      res,
      caller,
    );
  }

  @Post(':assignmentId/end')
  @HttpCode(201)
  @ApiOperation({ summary: 'End the assignment (AssignmentEnded)' })
  end(
    @Param() p: AssignmentIdParam,
    @Body() body: EndAssignmentDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) res: FastifyReply,
    @CallerOf() caller: Caller,
  ) {
    return this.record(p, { type: 'EndAssignment', data: fieldsOf(body) }, body, req, res, caller);
  }

  @Post(':assignmentId/repatriation')
  @HttpCode(201)
  @ApiOperation({ summary: 'Record the repatriation travel (RepatriationTravelled)' })
  repatriate(
    @Param() p: AssignmentIdParam,
    @Body() body: RecordRepatriationDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) res: FastifyReply,
    @CallerOf() caller: Caller,
  ) {
    return this.record(p, { type: 'RecordRepatriationTravel', data: fieldsOf(body) }, body, req, res, caller);
  }

  @Post(':assignmentId/funds/return-airfreight/deposits')
  @HttpCode(201)
  @ApiOperation({ summary: 'Deposit into the return airfreight fund (ReturnAirfreightFundDeposited)' })
  deposit(
    @Param() p: AssignmentIdParam,
    @Body() body: DepositReturnAirfreightFundDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) res: FastifyReply,
    @CallerOf() caller: Caller,
  ) {
    const data = fieldsOf(body);
    return this.record(p, { type: 'DepositReturnAirfreightFund', data }, body, req, res, caller);
  }

  @Post(':assignmentId/funds/return-airfreight/draws')
  @HttpCode(201)
  @ApiOperation({ summary: 'Draw from the return airfreight fund (ReturnAirfreightFundDrawn)' })
  draw(
    @Param() p: AssignmentIdParam,
    @Body() body: DrawReturnAirfreightFundDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) res: FastifyReply,
    @CallerOf() caller: Caller,
  ) {
    const data = fieldsOf(body);
    return this.record(p, { type: 'DrawReturnAirfreightFund', data }, body, req, res, caller);
  }

  @Post(':assignmentId/salary-payments')
  @HttpCode(201)
  @ApiOperation({ summary: 'Post a monthly salary payment (SalaryPaid), clause 2' })
  salary(
    @Param() p: AssignmentIdParam,
    @Body() body: PaySalaryDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) res: FastifyReply,
    @CallerOf() caller: Caller,
  ) {
    return this.record(p, { type: 'PaySalary', data: fieldsOf(body) }, body, req, res, caller);
  }

  @Post(':assignmentId/tax-equalization-settlements')
  @HttpCode(201)
  @ApiOperation({ summary: 'Record a tax equalization settlement (TaxEqualizationSettled), clauses 1 and 3' })
  tax(
    @Param() p: AssignmentIdParam,
    @Body() body: SettleTaxEqualizationDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) res: FastifyReply,
    @CallerOf() caller: Caller,
  ) {
    return this.record(p, { type: 'SettleTaxEqualization', data: fieldsOf(body) }, body, req, res, caller);
  }

  @Post(':assignmentId/housing-leases')
  @HttpCode(201)
  @ApiOperation({ summary: 'Approve a housing lease (HousingLeaseApproved), clause 8' })
  lease(
    @Param() p: AssignmentIdParam,
    @Body() body: ApproveHousingLeaseDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) res: FastifyReply,
    @CallerOf() caller: Caller,
  ) {
    const data = { ...fieldsOf(body), leaseId: body.leaseId ?? newId() };
    return this.record(p, { type: 'ApproveHousingLease', data }, body, req, res, caller);
  }

  @Post(':assignmentId/host-holidays')
  @HttpCode(201)
  @ApiOperation({ summary: 'Record a host holiday observed (HostHolidayObserved), clause 7' })
  holiday(
    @Param() p: AssignmentIdParam,
    @Body() body: ObserveHostHolidayDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) res: FastifyReply,
    @CallerOf() caller: Caller,
  ) {
    return this.record(p, { type: 'ObserveHostHoliday', data: fieldsOf(body) }, body, req, res, caller);
  }

  @Post(':assignmentId/vacations')
  @HttpCode(201)
  @ApiOperation({ summary: 'Record vacation taken (VacationTaken), clause 7' })
  vacation(
    @Param() p: AssignmentIdParam,
    @Body() body: TakeVacationDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) res: FastifyReply,
    @CallerOf() caller: Caller,
  ) {
    return this.record(p, { type: 'TakeVacation', data: fieldsOf(body) }, body, req, res, caller);
  }

  @Post(':assignmentId/corrections')
  @HttpCode(201)
  @ApiOperation({ summary: 'Correct or void an earlier event (EventCorrected / EventVoided)' })
  async correct(
    @Param() p: AssignmentIdParam,
    @Body() body: CorrectionDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) res: FastifyReply,
    @CallerOf() caller: Caller,
  ) {
    const check: HistoryCheck | undefined =
      !body.void && body.replacement
        ? (history) => validateReplacement(p.assignmentId, body, history)
        : undefined;
    const command: AssignmentCommand = body.void
      ? { type: 'VoidEvent', data: { correctsEventId: body.correctsEventId, reason: body.reason } }
      : {
          type: 'CorrectEvent',
          data: {
            correctsEventId: body.correctsEventId,
            reason: body.reason,
            replacement: body.replacement ?? {},
          },
        };
    return this.run(p.assignmentId, command, writeContext(req, caller, body), res, check);
  }

  private record(
    params: AssignmentIdParam,
    command: AssignmentCommand,
    body: WriteDto,
    req: FastifyRequest,
    res: FastifyReply,
    caller: Caller,
  ) {
    return this.run(params.assignmentId, command, writeContext(req, caller, body), res);
  }

  private async run(
    assignmentId: string,
    command: AssignmentCommand,
    context: ReturnType<typeof writeContext>,
    res: FastifyReply,
    check?: HistoryCheck,
  ): Promise<Omit<WriteResult, 'replayed'>> {
    const { replayed, ...result } = await this.commands.execute(
      new RecordAssignmentEvent(assignmentId, command, context, check),
    );
    res.header('ETag', `"${result.revision}"`);
    res.header('Location', `/assignments/${encodeURIComponent(assignmentId)}`);
    if (replayed) res.header('Idempotent-Replayed', 'true');
    return result;
  }
}

/**
 * A replacement is checked by the DTO of the write that recorded the corrected event, found in the
 * history the command handler read for this write (an event's type is the same before and after upcasting).
 */
const validateReplacement = async (
  assignmentId: string,
  body: CorrectionDto,
  history: readonly StoredEvent[],
): Promise<void> => {
  if (history.length === 0) throw assignmentNotFound(assignmentId);
  const corrected = history.find((e) => e.eventId === body.correctsEventId);
  const dto = corrected ? REPLACEMENT_DTOS[corrected.type as keyof typeof REPLACEMENT_DTOS] : undefined;
  if (!dto) return; // unknown or not correctable: the decider refuses it with its clause
  const replacement = body.replacement as Record<string, unknown>;
  const envelope = ['commandId', 'source'].filter((field) => field in replacement);
  const errors = await validate(plainToInstance(dto, replacement), {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    skipMissingProperties: true,
    validationError: { target: false, value: false },
  });
  const fieldErrors = [
    ...envelope.map((field) => ({
      field: `replacement.${field}`,
      messages: [`${field} is not a field of the event`],
    })),
    ...flattenValidationErrors(errors, 'replacement'),
  ];
  if (fieldErrors.length > 0) throw new RequestValidationError(fieldErrors);
};

/** A nested DTO instance as plain data, without undefined or null members. */
const fieldsOfPlain = <T extends object>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null)) as T;
