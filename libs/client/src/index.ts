export * from './client.js';
export * from './errors.js';
export * from './follow.js';
export * from './progress.js';
export * from './sse.js';
export * from './status.js';
export * from './types.js';
