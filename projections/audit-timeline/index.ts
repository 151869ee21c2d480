export * from './audit-timeline.projection.js';
