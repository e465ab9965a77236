import { Inject, Injectable, Logger } from '@nestjs/common';
import type { MsgHdrs } from '@nats-io/transport-node';
import { encodeMessage, eventSubject, PUSH_HEADERS, type JobEvent, type PushReply, type VersionPoint } from '@tusk/contracts';
import { Infra } from '@tusk/infra';
import { parsePushMetrics } from './push-metrics.js';
import type { PushRequest } from './push-request.js';

/** Worker ids are `<hostname>-<pid>` made KV-safe (see the worker's identity); anything else is left out of the point. */
const WORKER_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The curve point of a push this replica answered; null when the answer moved nothing new (duplicate, busy, refused, failed). */
export function versionPointOf({
  request,
  reply,
  headers,
  at = new Date(),
}: {
  request: PushRequest;
  reply: PushReply;
  headers: MsgHdrs | undefined;
  at?: Date;
}): VersionPoint | null {
  if (reply.error !== undefined || reply.busy || reply.duplicate) return null;
  const workerId = headers?.get(PUSH_HEADERS.workerId) ?? '';
  return {
    version: reply.version,
    at: at.toISOString(),
    partition: request.partition,
    ...(WORKER_ID.test(workerId) ? { workerId } : {}),
    staleness: reply.staleness,
    outcome: !reply.accepted ? 'rejected' : reply.scale < 1 ? 'scaled' : 'applied',
    metrics: parsePushMetrics(headers?.get(PUSH_HEADERS.metrics)),
  };
}

/**
 * The `version` event of a point. An asynchronous or hogwild job trains in one round (round 0 of 1) while it
 * pushes; the progress and ETA are the driver's to tell (its `progress` events), so they stay at 0 and unknown here.
 */
export const versionEventOf = ({ jobId, point }: { jobId: string; point: VersionPoint }): JobEvent => ({
  jobId,
  type: 'version',
  status: 'running',
  round: 0,
  totalRounds: 1,
  progress: 0,
  etaSeconds: null,
  point,
  at: point.at,
});

/** Publishes a `version` event on `tusk.events.<job>` for each push answered: the driver keeps the curve, clients draw it live. */
@Injectable()
export class VersionEvents {
  private readonly logger = new Logger(VersionEvents.name);

  constructor(@Inject(Infra) private readonly infra: Infra) {}

  /** Fire-and-forget after the reply went out: a lost event costs one curve point, never the push. */
  publish(jobId: string, point: VersionPoint): void {
    try {
      this.infra.nc.publish(eventSubject(jobId), encodeMessage(versionEventOf({ jobId, point })));
    } catch (err) {
      this.logger.debug(`job ${jobId}: version event ${point.version} not sent: ${(err as Error).message}`);
    }
  }
}
