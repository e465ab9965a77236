export * from './free-port.js';
export * from './managed-process.js';
export * from './nats-info.js';
export * from './nats-server.js';
export * from './port-owner.js';
export * from './s3-server.js';
export * from './start-on-free-port.js';
export * from './process-tree.js';
