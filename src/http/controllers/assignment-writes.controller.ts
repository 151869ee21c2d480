import { Body, Controller, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CommandBus } from '@nestjs/cqrs';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { assignmentNotFound } from '../../application/application-errors.js';
import { flattenValidationErrors, RequestValidationError } from '../problem/validation-error.js';
import { EVENTS, isCorrectableType, type AssignmentCommand } from '../../domain/assignment/index.js';
import {
  RecordAssignmentEvent,
  type HistoryCheck,
  type WriteResult,
} from '../../application/commands/record-assignment-event.command.js';
import type { StoredEvent } from '../../event-store/event-store.port.js';
import { nameBasedUuid, newId } from '../../application/ids.js';
import { Call, WriteRoute, type WriteCall } from '../write-route.js';
import { writeContext } from '../write-context.js';
import { AssignmentIdParam, ExceptionIdParam, ExpenseIdParam } from '../dto/params.js';
import {
  ApproveExceptionDto,
  DeclineExceptionDto,
  RequestExceptionDto,
} from '../dto/exception-writes.dto.js';
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
  PayRelocationBonusDto,
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
@Controller('assignments')
export class AssignmentWritesController {
  constructor(private readonly commands: CommandBus) {}

  @WriteRoute('', { does: 'Start an assignment', records: ['StartAssignment'] })
  start(@Body() body: StartAssignmentDto, @Call() call: WriteCall) {
    const context = writeContext(call.req, call.caller, body);
    const explicitKey = call.req.headers['idempotency-key'] ?? body.commandId;
    const assignmentId =
      body.assignmentId ?? (explicitKey ? nameBasedUuid('assignment', context.commandId) : newId());
    const { policy, ...rest } = fieldsOf(body);
    const data = { ...rest, assignmentId, ...(policy ? { policy: fieldsOfPlain(policy) } : {}) };
    return this.run(assignmentId, { type: 'StartAssignment', data }, context, call);
  }

  @WriteRoute(':assignmentId/extensions', { does: 'Extend the assignment', records: ['ExtendAssignment'] })
  extend(@Param() p: AssignmentIdParam, @Body() body: ExtendAssignmentDto, @Call() call: WriteCall) {
    return this.record(p, body, call, { type: 'ExtendAssignment', data: fieldsOf(body) });
  }

  @WriteRoute(':assignmentId/shipments', {
    does: 'Record a shipment',
    records: ['RecordShipment'],
    clause: 'clause 4',
  })
  ship(@Param() p: AssignmentIdParam, @Body() body: RecordShipmentDto, @Call() call: WriteCall) {
    const data = {
      ...fieldsOf(body),
      shipmentId: body.shipmentId ?? newId(),
      ...(body.weight ? { weight: fieldsOfPlain(body.weight) } : {}),
    };
    return this.record(p, body, call, { type: 'RecordShipment', data });
  }

  @WriteRoute(':assignmentId/home-leave-trips', {
    does: 'Record a home-leave trip',
    records: ['TakeHomeLeaveTrip'],
    clause: 'clause 10',
  })
  trip(@Param() p: AssignmentIdParam, @Body() body: TakeHomeLeaveTripDto, @Call() call: WriteCall) {
    return this.record(p, body, call, {
      type: 'TakeHomeLeaveTrip',
      data: { ...fieldsOf(body), tripId: body.tripId ?? newId() },
    });
  }

  @WriteRoute(':assignmentId/expenses', { does: 'Claim an expense', records: ['ClaimExpense'] })
  claim(@Param() p: AssignmentIdParam, @Body() body: ClaimExpenseDto, @Call() call: WriteCall) {
    return this.record(p, body, call, {
      type: 'ClaimExpense',
      data: { ...fieldsOf(body), expenseId: body.expenseId ?? newId() },
    });
  }

  @WriteRoute(':assignmentId/expenses/:expenseId/approval', {
    does: 'Approve an expense',
    records: ['ApproveExpense'],
  })
  approve(@Param() p: ExpenseIdParam, @Body() body: ApproveExpenseDto, @Call() call: WriteCall) {
    return this.record(p, body, call, {
      type: 'ApproveExpense',
      data: { ...fieldsOf(body), expenseId: p.expenseId },
    });
  }

  @WriteRoute(':assignmentId/expenses/:expenseId/rejection', {
    does: 'Reject an expense',
    records: ['RejectExpense'],
  })
  reject(@Param() p: ExpenseIdParam, @Body() body: RejectExpenseDto, @Call() call: WriteCall) {
    return this.record(p, body, call, {
      type: 'RejectExpense',
      data: { ...fieldsOf(body), expenseId: p.expenseId },
    });
  }

  @WriteRoute(':assignmentId/allowances/miscellaneous', {
    does: 'Pay the miscellaneous allowance',
    records: ['PayMiscellaneousAllowance'],
    clause: 'clause 9',
  })
  allowance(
    @Param() p: AssignmentIdParam,
    @Body() body: PayMiscellaneousAllowanceDto,
    @Call() call: WriteCall,
  ) {
    return this.record(p, body, call, { type: 'PayMiscellaneousAllowance', data: fieldsOf(body) });
  }

  @WriteRoute(':assignmentId/allowances/relocation-bonus', {
    does: 'Pay the relocation bonus',
    records: ['PayRelocationBonus'],
  })
  relocationBonus(
    @Param() p: AssignmentIdParam,
    @Body() body: PayRelocationBonusDto,
    @Call() call: WriteCall,
  ) {
    return this.record(p, body, call, { type: 'PayRelocationBonus', data: fieldsOf(body) });
  }

  @WriteRoute(':assignmentId/end', { does: 'End the assignment', records: ['EndAssignment'] })
  end(@Param() p: AssignmentIdParam, @Body() body: EndAssignmentDto, @Call() call: WriteCall) {
    return this.record(p, body, call, { type: 'EndAssignment', data: fieldsOf(body) });
  }

  @WriteRoute(':assignmentId/repatriation', {
    does: 'Record the repatriation travel',
    records: ['RecordRepatriationTravel'],
  })
  repatriate(@Param() p: AssignmentIdParam, @Body() body: RecordRepatriationDto, @Call() call: WriteCall) {
    return this.record(p, body, call, { type: 'RecordRepatriationTravel', data: fieldsOf(body) });
  }

  @WriteRoute(':assignmentId/funds/return-airfreight/deposits', {
    does: 'Deposit into the return airfreight fund',
    records: ['DepositReturnAirfreightFund'],
  })
  deposit(
    @Param() p: AssignmentIdParam,
    @Body() body: DepositReturnAirfreightFundDto,
    @Call() call: WriteCall,
  ) {
    return this.record(p, body, call, { type: 'DepositReturnAirfreightFund', data: fieldsOf(body) });
  }

  @WriteRoute(':assignmentId/funds/return-airfreight/draws', {
    does: 'Draw from the return airfreight fund',
    records: ['DrawReturnAirfreightFund'],
  })
  draw(@Param() p: AssignmentIdParam, @Body() body: DrawReturnAirfreightFundDto, @Call() call: WriteCall) {
    return this.record(p, body, call, { type: 'DrawReturnAirfreightFund', data: fieldsOf(body) });
  }

  @WriteRoute(':assignmentId/salary-payments', {
    does: 'Post a monthly salary payment',
    records: ['PaySalary'],
    clause: 'clause 2',
  })
  salary(@Param() p: AssignmentIdParam, @Body() body: PaySalaryDto, @Call() call: WriteCall) {
    return this.record(p, body, call, { type: 'PaySalary', data: fieldsOf(body) });
  }

  @WriteRoute(':assignmentId/tax-equalization-settlements', {
    does: 'Record a tax equalization settlement',
    records: ['SettleTaxEqualization'],
    clause: 'clauses 1 and 3',
  })
  tax(@Param() p: AssignmentIdParam, @Body() body: SettleTaxEqualizationDto, @Call() call: WriteCall) {
    return this.record(p, body, call, { type: 'SettleTaxEqualization', data: fieldsOf(body) });
  }

  @WriteRoute(':assignmentId/housing-leases', {
    does: 'Approve a housing lease',
    records: ['ApproveHousingLease'],
    clause: 'clause 8',
  })
  lease(@Param() p: AssignmentIdParam, @Body() body: ApproveHousingLeaseDto, @Call() call: WriteCall) {
    return this.record(p, body, call, {
      type: 'ApproveHousingLease',
      data: { ...fieldsOf(body), leaseId: body.leaseId ?? newId() },
    });
  }

  @WriteRoute(':assignmentId/host-holidays', {
    does: 'Record a host holiday observed',
    records: ['ObserveHostHoliday'],
    clause: 'clause 7',
  })
  holiday(@Param() p: AssignmentIdParam, @Body() body: ObserveHostHolidayDto, @Call() call: WriteCall) {
    return this.record(p, body, call, { type: 'ObserveHostHoliday', data: fieldsOf(body) });
  }

  @WriteRoute(':assignmentId/vacations', {
    does: 'Record vacation taken',
    records: ['TakeVacation'],
    clause: 'clause 7',
  })
  vacation(@Param() p: AssignmentIdParam, @Body() body: TakeVacationDto, @Call() call: WriteCall) {
    return this.record(p, body, call, { type: 'TakeVacation', data: fieldsOf(body) });
  }

  @WriteRoute(':assignmentId/exceptions', {
    does: 'Request an exception to a cap',
    records: ['RequestException'],
  })
  requestException(
    @Param() p: AssignmentIdParam,
    @Body() body: RequestExceptionDto,
    @Call() call: WriteCall,
  ) {
    return this.record(p, body, call, {
      type: 'RequestException',
      data: { ...fieldsOf(body), exceptionId: body.exceptionId ?? newId() },
    });
  }

  @WriteRoute(':assignmentId/exceptions/:exceptionId/approval', {
    does: 'Approve an exception to a cap',
    records: ['ApproveException'],
  })
  approveException(@Param() p: ExceptionIdParam, @Body() body: ApproveExceptionDto, @Call() call: WriteCall) {
    return this.record(p, body, call, {
      type: 'ApproveException',
      data: { ...fieldsOf(body), exceptionId: p.exceptionId },
    });
  }

  @WriteRoute(':assignmentId/exceptions/:exceptionId/decline', {
    does: 'Decline an exception to a cap',
    records: ['DeclineException'],
  })
  declineException(@Param() p: ExceptionIdParam, @Body() body: DeclineExceptionDto, @Call() call: WriteCall) {
    return this.record(p, body, call, {
      type: 'DeclineException',
      data: { ...fieldsOf(body), exceptionId: p.exceptionId },
    });
  }

  @WriteRoute(':assignmentId/corrections', {
    does: 'Correct or void an earlier event',
    records: ['CorrectEvent', 'VoidEvent'],
  })
  correct(@Param() p: AssignmentIdParam, @Body() body: CorrectionDto, @Call() call: WriteCall) {
    const check: HistoryCheck | undefined =
      !body.void && body.replacement
        ? (history) => validateReplacement(p.assignmentId, body, history)
        : undefined;
    const { correctsEventId, reason } = body;
    const command: AssignmentCommand = body.void
      ? { type: 'VoidEvent', data: { correctsEventId, reason } }
      : { type: 'CorrectEvent', data: { correctsEventId, reason, replacement: body.replacement ?? {} } };
    return this.run(p.assignmentId, command, writeContext(call.req, call.caller, body), call, check);
  }

  private record(params: AssignmentIdParam, body: WriteDto, call: WriteCall, command: AssignmentCommand) {
    return this.run(params.assignmentId, command, writeContext(call.req, call.caller, body), call);
  }

  private async run(
    assignmentId: string,
    command: AssignmentCommand,
    context: ReturnType<typeof writeContext>,
    { res }: WriteCall,
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
  const dto =
    corrected && isCorrectableType(corrected.type)
      ? REPLACEMENT_DTOS[EVENTS[corrected.type].command]
      : undefined;
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
