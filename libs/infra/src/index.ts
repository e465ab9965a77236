export * from './health/index.js';
export * from './infra.js';
export * from './metrics/index.js';
export * from './transient.js';
