export * from './deadlines.projection.js';
