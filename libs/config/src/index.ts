export * from './load-env.js';
export * from './base-env.js';
export * from './shutdown.js';
export * from './run-service.js';
