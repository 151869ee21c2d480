export * from './assignment-summary.projection.js';
