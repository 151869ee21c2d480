export * from './events.js';
export * from './commands.js';
export * from './errors.js';
export * from './policy.js';
export * from './state.js';
export { decide } from './decide.js';
export { decider } from './decider.js';
export { CORRECTION_FIELDS, type FieldKind } from './decisions/corrections.js';
export type { Decider } from '../shared/decider.js';
