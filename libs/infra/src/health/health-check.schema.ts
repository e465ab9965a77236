// OpenAPI schema of terminus' health check result; terminus documents it itself only where it can require() swagger (CommonJS).

const UP = {
  service: { status: 'up', name: 'driver' },
  nats: { status: 'up', responseTime: 1 },
  s3: { status: 'up', responseTime: 4 },
  backend: { status: 'up', name: 'wasm' },
};
const DOWN = { nats: { status: 'down', message: 'NATS did not answer within 2 s', responseTime: 2001 } };

const indicators = (example: object) => ({
  type: 'object',
  example,
  additionalProperties: {
    type: 'object',
    required: ['status'],
    properties: {
      status: { type: 'string', enum: ['up', 'degraded', 'down'] },
      responseTime: { type: 'number', description: 'ms the check took' },
      message: { type: 'string', description: 'why it is down' },
      name: { type: 'string', description: 'service: the service; backend: the tfjs backend' },
      id: { type: 'string', description: 'service: the worker id' },
    },
    additionalProperties: true,
  },
});

export const healthCheckSchema = (outcome: 'ok' | 'error') => ({
  type: 'object',
  properties: {
    status: { type: 'string', enum: outcome === 'ok' ? ['ok', 'degraded'] : ['error', 'shutting_down'] },
    info: indicators(outcome === 'ok' ? UP : { s3: UP.s3 }),
    error: indicators(outcome === 'ok' ? {} : DOWN),
    details: indicators(outcome === 'ok' ? UP : { ...UP, ...DOWN }),
  },
});
