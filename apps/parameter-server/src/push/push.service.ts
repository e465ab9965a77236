import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { MsgHdrs } from '@nats-io/transport-node';
import { jobRecordKey, type JobRecord, type PushReply } from '@tusk/contracts';
import { jobContext } from '@tusk/config';
import { Infra } from '@tusk/infra';
import { bytesToFloat32 } from '@tusk/model';
import { PushMetrics } from '../metrics/push-metrics.js';
import { ParameterServerEnv } from '../ps-env.js';
import { AsynchronousWeights } from './asynchronous-weights.js';
import { HogwildWeights } from './hogwild-weights.js';
import { WeightsDiscardedError, type JobWeights, type JobWeightsOptions } from './job-weights.js';
import { parsePushRequest, PushRefusedError, type PushRequest } from './push-request.js';
import { VersionEvents, versionPointOf } from './version-events.js';

const IDLE_EVICT_MS = 10 * 60 * 1000;
/** A push whose job copy was dropped mid-way goes to a fresh copy; twice in a row means KV itself is failing. */
const MAX_REROUTES = 2;

/** Runs `fn` once, however often it is called. */
const once = <T>(fn: () => Promise<T>): (() => Promise<T>) => {
  let result: Promise<T> | undefined;
  return () => (result ??= fn());
};

/**
 * Applies the pushes that `PushController` receives on `tusk.ps.<job>.push` (a queue group shared by every
 * replica): any replica can serve any job, and when one dies the others carry on from KV, where every
 * acknowledged push is. Keeps each job's weights in memory while pushes come.
 */
@Injectable()
export class PushService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PushService.name);
  private readonly jobs = new Map<string, Promise<JobWeights>>();
  private evictTimer?: NodeJS.Timeout;

  constructor(
    @Inject(Infra) private readonly infra: Infra,
    @Inject(ParameterServerEnv) private readonly env: ParameterServerEnv,
    @Inject(PushMetrics) private readonly metrics: PushMetrics,
    @Inject(VersionEvents) private readonly versionEvents: VersionEvents,
  ) {}

  onApplicationBootstrap(): void {
    this.evictTimer = setInterval(() => void this.evictIdle(), 60_000).unref();
    this.logger.log(`at most ${this.env.TUSK_PS_MAX_QUEUE} pushes queued per job`);
  }

  onApplicationShutdown(): void {
    clearInterval(this.evictTimer);
  }

  /**
   * Answers one push; never throws. `afterReply` is called once the reply is sent, with the version event to
   * publish then, if the push moved the weights.
   */
  async answer({
    subject,
    headers,
    data,
    afterReply,
  }: {
    subject: string;
    headers?: MsgHdrs;
    data: Uint8Array;
    afterReply: (publish: () => void) => void;
  }): Promise<PushReply> {
    const jobId = subject.split('.')[2];
    let request: PushRequest | undefined;
    let reply: PushReply;
    try {
      request = parsePushRequest({ jobId, headers });
      const { deltaKey } = request;
      const load = once(async () => {
        const bytes = deltaKey ? await this.infra.blobs.get(deltaKey) : data;
        this.metrics.deltaReceived(bytes.byteLength);
        return bytesToFloat32(bytes);
      });
      reply = await this.push(jobId, request, load);
      // Answered for good: the blob is no longer needed (a busy push is sent again with the same blob).
      if (deltaKey && !reply.busy) void this.infra.blobs.delete(deltaKey).catch(() => undefined);
    } catch (err) {
      const what = request ? `push ${request.stream}#${request.step}` : 'push';
      const about = jobContext({ jobId, partition: request?.partition });
      const message = (err as Error).message;
      if (err instanceof PushRefusedError) {
        this.logger.warn(`${what} refused: ${message}`, about);
        reply = { accepted: false, version: -1, staleness: 0, scale: 0, error: message };
      } else {
        // Nothing answered for sure: the worker sends the same push again, and the ledger makes that safe.
        this.logger.error(`${what} failed: ${message}`, about);
        reply = { accepted: false, version: -1, staleness: 0, scale: 0, error: message, retryable: true };
      }
    }
    this.metrics.pushAnswered(reply);
    const point = request && versionPointOf({ request, reply, headers });
    if (point) afterReply(() => this.versionEvents.publish(jobId, point));
    return reply;
  }

  private async push(jobId: string, request: PushRequest, load: () => Promise<Float32Array>): Promise<PushReply> {
    for (let reroute = 0; ; reroute++) {
      const weights = await this.weightsOf(jobId);
      try {
        return await weights.push({ ...request, load });
      } catch (err) {
        if (!(err instanceof WeightsDiscardedError) || reroute >= MAX_REROUTES) throw err;
      }
    }
  }

  private weightsOf(jobId: string): Promise<JobWeights> {
    const existing = this.jobs.get(jobId);
    if (existing) return existing;
    const entry: Promise<JobWeights> = this.load(jobId, (err) => {
      this.logger.error(
        `dropped this replica's in-memory weights after an error; the next push reloads them from KV: ${(err as Error)?.message ?? err}`,
        (err as Error)?.stack,
        { jobId },
      );
      if (this.jobs.get(jobId) === entry) this.jobs.delete(jobId);
    });
    this.jobs.set(jobId, entry);
    entry.catch(() => {
      if (this.jobs.get(jobId) === entry) this.jobs.delete(jobId);
    });
    return entry;
  }

  private async load(jobId: string, onDiscard: JobWeightsOptions['onDiscard']): Promise<JobWeights> {
    const record = await this.infra.buckets.jobs.get(jobRecordKey(jobId));
    if (!record || record.operation !== 'PUT') throw new PushRefusedError(`job ${jobId} not found`);
    const job = record.json<JobRecord>();
    const { mode, async: spec } = job.spec.training;
    if (mode === 'synchronous' || !spec) throw new PushRefusedError(`job ${jobId} is synchronous: it has no parameter server`);
    const state = await this.infra.versions.read(jobId);
    this.logger.log(`serving the job's pushes (${mode}, version ${state.version})`, { jobId });
    const options: JobWeightsOptions = { jobId, spec, versions: this.infra.versions, maxQueue: this.env.TUSK_PS_MAX_QUEUE, onDiscard };
    return mode === 'hogwild' ? new HogwildWeights(options, state) : new AsynchronousWeights(options, state);
  }

  /** Forgets jobs nobody pushed to lately; KV still holds them if pushes resume. */
  private async evictIdle(): Promise<void> {
    for (const [jobId, entry] of this.jobs) {
      const weights = await entry.catch(() => null);
      const idle = !weights || (weights.queued === 0 && Date.now() - weights.lastUsed > IDLE_EVICT_MS);
      if (idle && this.jobs.get(jobId) === entry) this.jobs.delete(jobId);
    }
  }
}
