import { connect, type NatsConnection } from '@nats-io/transport-node';

export interface NatsOptions {
  url: string;
  name: string;
  user?: string;
  pass?: string;
  timeoutMs?: number;
}

/** Connects with unlimited reconnects, so a restarted nats-server costs a pause, not the service. */
export async function connectNats({ url, name, user, pass, timeoutMs = 10_000 }: NatsOptions): Promise<NatsConnection> {
  return connect({
    servers: url.split(',').map((s) => s.trim()),
    name,
    user,
    pass,
    timeout: timeoutMs,
    reconnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    waitOnFirstConnect: false,
  });
}

/** True when the server answers a round trip within the timeout: what health checks report. */
export async function natsIsHealthy(nc: NatsConnection, timeoutMs = 2_000): Promise<boolean> {
  if (nc.isClosed()) return false;
  try {
    await Promise.race([nc.flush(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs).unref())]);
    return true;
  } catch {
    return false;
  }
}
