export * from './load-env.js';
export * from './base-env.js';
export * from './shutdown.js';
export * from './run-service.js';
export * from './crash-policy.js';
export * from './logging/log-record.js';
export * from './logging/tusk-logger.js';
export * from './logging/console-to-logger.js';
