import type { Decider } from '../shared/decider.js';
import type { AssignmentCommand } from './commands.js';
import { decide } from './decide.js';
import type { AssignmentEvent, Envelope } from './events.js';
import { evolve, initialState, type AssignmentState } from './state.js';

export const decider: Decider<
  AssignmentCommand,
  AssignmentEvent,
  AssignmentState,
  Envelope<AssignmentEvent>
> = {
  decide,
  evolve,
  initialState,
};
