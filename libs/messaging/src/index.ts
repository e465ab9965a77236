export * from './connect-nats.js';
export * from './streams.js';
export * from './buckets.js';
export * from './blob-store.js';
export * from './versioned-weights.js';
export * from './kv-purge.js';
export * from './job-log-publisher.js';
export * from './transport/index.js';
