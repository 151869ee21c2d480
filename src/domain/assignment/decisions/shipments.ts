import { Decimal } from 'decimal.js';
import { isDecimalString } from '../../shared/money.js';
import { toWeight, type Weight } from '../../shared/weight.js';
import type { RecordShipmentData } from '../commands.js';
import type { EventData, ShipmentRecorded } from '../events.js';
import { violation } from '../errors.js';
import { countedContainers, policyInForce, type AssignmentState } from '../state.js';
import { compact, invalid, requireNotEnded, requireStarted } from './guards.js';

const weightOf = (command: RecordShipmentData): Weight => {
  const { weightLb, weight } = command;
  if ((weightLb === undefined) === (weight === undefined)) invalid('Give exactly one of weightLb and weight');
  const value = weightLb ?? weight!.value;
  const unit = weightLb !== undefined ? 'lb' : weight!.unit;
  if (!isDecimalString(value) || !new Decimal(value).gt(0))
    invalid('A shipment weight must be more than zero');
  if (unit !== 'lb' && unit !== 'kg') invalid(`Unknown weight unit ${String(unit)}`);
  return toWeight(value, unit);
};

/** The shipment's data, every clause-4 limit checked against the other shipments in the state. */
export const shipmentData = (
  command: RecordShipmentData,
  state: AssignmentState,
): EventData<'ShipmentRecorded'> => {
  requireStarted(state);
  const policy = policyInForce(state)!;
  const weight = weightOf(command);
  const weightLb = new Decimal(weight.lb);
  if (state.shipments[command.shipmentId]) {
    violation('SHIPMENT.DUPLICATE_ID', `Shipment ${command.shipmentId} is already recorded`);
  }
  if (command.mode === 'air' && (command.containers !== undefined || command.containerSize !== undefined)) {
    invalid('An air shipment has no containers');
  }
  if (command.containers !== undefined && (!Number.isInteger(command.containers) || command.containers < 1)) {
    invalid('containers must be a whole number of at least 1');
  }

  if (command.direction === 'outbound' && command.mode === 'air') {
    const limit = new Decimal(policy.outboundAirLimitLb);
    const total = weightLb.plus(state.outboundAirLb);
    if (total.gt(limit) && !command.exceptionApprovedBy?.trim()) {
      violation(
        'SHIPMENT.OUTBOUND_AIR_LIMIT_EXCEEDED',
        `Outbound airfreight would reach ${total.toFixed()} lb, above the ${limit.toFixed()} lb limit in force, without an approved exception`,
        { details: { limitLb: limit.toFixed(), usedLb: state.outboundAirLb, requestedLb: weight.lb } },
      );
    }
  }
  if (command.direction === 'outbound' && command.mode === 'sea') {
    const requested = countedContainers(command.containers);
    if (state.containersUsed + requested > policy.outboundContainerLimit) {
      violation(
        'SHIPMENT.CONTAINER_LIMIT_EXCEEDED',
        `Outbound sea freight is limited to ${policy.outboundContainerLimit} container(s); ${state.containersUsed} used, ${requested} requested`,
        {
          details: {
            containerLimit: policy.outboundContainerLimit,
            containersUsed: state.containersUsed,
            requested,
          },
        },
      );
    }
  }
  if (command.direction === 'return') {
    const cap = new Decimal(state.returnCapLb);
    const total = weightLb.plus(state.returnUsedLb);
    if (total.gt(cap)) {
      violation(
        'SHIPMENT.RETURN_CAP_EXCEEDED',
        `Return shipments would reach ${total.toFixed()} lb, above the cap of ${cap.toFixed()} lb (outbound ${state.outboundTotalLb} lb + ${policy.returnAllowanceOverOutboundLb} lb)`,
        { details: { capLb: cap.toFixed(), usedLb: state.returnUsedLb, requestedLb: weight.lb } },
      );
    }
  }

  return compact({
    shipmentId: command.shipmentId,
    direction: command.direction,
    mode: command.mode,
    shippedOn: command.shippedOn,
    weight,
    containers: command.mode === 'sea' ? countedContainers(command.containers) : undefined,
    containerSize: command.containerSize,
    exceptionApprovedBy: command.exceptionApprovedBy,
  });
};

export const recordShipment = (command: RecordShipmentData, state: AssignmentState): ShipmentRecorded => {
  if (command.direction === 'outbound') requireNotEnded(state, 'An outbound shipment', '4');
  else requireStarted(state);
  return { type: 'ShipmentRecorded', data: shipmentData(command, state) };
};
