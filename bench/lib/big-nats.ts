import { prefixLogs } from '../../scripts/cluster/prefix-logs.js';
import { startNatsServer, type LocalNats } from '../../scripts/local-services/index.js';

/** A nats-server with JetStream and a large max payload (and optionally a larger per-client pending limit). */
export async function startBigPayloadNats({
  storeDir,
  maxPayload,
  maxPendingBytes,
  logSink,
}: {
  storeDir: string;
  maxPayload: number;
  maxPendingBytes?: number;
  logSink?: NodeJS.WritableStream;
}): Promise<LocalNats> {
  const nats = await startNatsServer({ storeDir, maxPayload, maxPendingBytes });
  if (logSink) prefixLogs({ name: 'nats', streams: [nats.process.child.stdout, nats.process.child.stderr], sink: logSink });
  return nats;
}
