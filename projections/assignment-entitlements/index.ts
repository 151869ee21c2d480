export * from './assignment-entitlements.projection.js';
export * from './assignment-entitlements.query.js';
export type * from './assignment-entitlements.view.js';
