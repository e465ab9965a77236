import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Msg, Subscription } from '@nats-io/transport-node';
import { jobRecordKey, PS_QUEUE_GROUP, PUSH_HEADERS, psPushWildcard, type JobRecord, type PushReply } from '@tusk/contracts';
import { Infra } from '@tusk/infra';
import { bytesToFloat32 } from '@tusk/model';
import { JobWeights } from './job-weights.js';

const IDLE_EVICT_MS = 10 * 60 * 1000;

/**
 * Answers pushes on `tusk.ps.<job>.push` in a queue group shared by every replica: any replica can
 * serve any job, and when one dies the others carry on from KV, where every acknowledged push is.
 */
@Injectable()
export class PushService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PushService.name);
  private readonly jobs = new Map<string, Promise<JobWeights>>();
  private subscription?: Subscription;
  private evictTimer?: NodeJS.Timeout;

  constructor(@Inject(Infra) private readonly infra: Infra) {}

  onApplicationBootstrap(): void {
    this.subscription = this.infra.nc.subscribe(psPushWildcard(), { queue: PS_QUEUE_GROUP, callback: (err, msg) => {
      if (err) return this.logger.error(`push subscription: ${err.message}`);
      void this.handle(msg);
    } });
    this.evictTimer = setInterval(() => void this.evictIdle(), 60_000).unref();
    this.logger.log(`serving pushes on ${psPushWildcard()} (queue ${PS_QUEUE_GROUP})`);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.evictTimer);
    await this.subscription?.drain();
  }

  private async handle(msg: Msg): Promise<void> {
    const jobId = msg.subject.split('.')[2];
    try {
      const baseVersion = Number(msg.headers?.get(PUSH_HEADERS.baseVersion));
      if (!Number.isInteger(baseVersion) || baseVersion < 0) throw new Error(`header ${PUSH_HEADERS.baseVersion} must be a version number`);
      const deltaKey = msg.headers?.get(PUSH_HEADERS.deltaKey);
      const bytes = deltaKey ? await this.infra.blobs.get(deltaKey) : msg.data;
      const weights = await this.weightsOf(jobId);
      const reply = await weights.push(bytesToFloat32(bytes), baseVersion);
      if (deltaKey) void this.infra.blobs.delete(deltaKey).catch(() => undefined);
      msg.respond(JSON.stringify(reply));
    } catch (err) {
      this.logger.warn(`push for job ${jobId} refused: ${(err as Error).message}`);
      const reply: PushReply = { accepted: false, version: -1, staleness: 0, scale: 0, error: (err as Error).message };
      msg.respond(JSON.stringify(reply));
    }
  }

  private weightsOf(jobId: string): Promise<JobWeights> {
    let entry = this.jobs.get(jobId);
    if (!entry) {
      entry = this.load(jobId);
      this.jobs.set(jobId, entry);
      entry.catch(() => this.jobs.delete(jobId));
    }
    return entry;
  }

  private async load(jobId: string): Promise<JobWeights> {
    const record = await this.infra.buckets.jobs.get(jobRecordKey(jobId));
    if (!record || record.operation !== 'PUT') throw new Error(`job ${jobId} not found`);
    const job = record.json<JobRecord>();
    const { mode, async: spec } = job.spec.training;
    if (mode === 'synchronous' || !spec) throw new Error(`job ${jobId} is synchronous: it has no parameter server`);
    this.logger.log(`serving job ${jobId} (${mode})`);
    return JobWeights.load({ jobId, mode, spec, versions: this.infra.versions });
  }

  /** Forgets jobs nobody pushed to lately; KV still holds them if pushes resume. */
  private async evictIdle(): Promise<void> {
    for (const [jobId, entry] of this.jobs) {
      const weights = await entry.catch(() => null);
      if (!weights || Date.now() - weights.lastUsed > IDLE_EVICT_MS) this.jobs.delete(jobId);
    }
  }
}
