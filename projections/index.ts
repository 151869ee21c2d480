import type { AnyProjection } from './projection.js';
import { assignmentEntitlementsProjection } from './assignment-entitlements/index.js';
import { assignmentSummaryProjection } from './assignment-summary/index.js';
import { auditTimelineProjection } from './audit-timeline/index.js';
import { deadlinesProjection } from './deadlines/index.js';

export * from './projection.js';
export * from './shared/known-at.js';
export * from './assignment-entitlements/index.js';
export * from './assignment-summary/index.js';
export * from './audit-timeline/index.js';
export * from './deadlines/index.js';

/** Every projection the runner keeps, each keyed by assignment id. */
export const ALL_PROJECTIONS: readonly AnyProjection[] = [
  assignmentEntitlementsProjection,
  assignmentSummaryProjection,
  auditTimelineProjection,
  deadlinesProjection,
];
