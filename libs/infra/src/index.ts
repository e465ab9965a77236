export * from './infra.js';
export * from './transient.js';
