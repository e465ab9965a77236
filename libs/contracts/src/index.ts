export * from './names/nats-names.js';
export * from './names/s3-keys.js';
export * from './dataset/dataset-manifest.js';
export * from './messages/validate-message.js';
export * from './messages/task.message.js';
export * from './messages/result.message.js';
export * from './messages/heartbeat.js';
export * from './jobs/job-record.js';
