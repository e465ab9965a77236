export * from './handler-extras.js';
export * from './jetstream-context.js';
export * from './jetstream-client.js';
export * from './jetstream-server.js';
export * from './message-outcomes.js';
export * from './nats-request-context.js';
export * from './preferred-pull.js';
