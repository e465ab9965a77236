export * from './free-port.js';
export * from './managed-process.js';
export * from './nats-server.js';
export * from './s3-server.js';
