import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import * as tf from '@tensorflow/tfjs';
import { Infra } from '../infra.js';

/** Which process answers /health: `service` (driver, worker, parameter-server) and, for a worker, its id. */
export interface HealthIdentity {
  service: string;
  id?: string;
  /** The service computes with tfjs (driver, worker): its backend is checked too. The parameter server only adds floats. */
  tfjs?: boolean;
}
export const HEALTH_IDENTITY = Symbol('tusk health identity');
const CACHE_MS = 1_000;

/** Terminus indicators for what every Tusk service depends on: NATS, S3 and its tfjs backend. */
@Injectable()
export class TuskHealthIndicators {
  constructor(
    @Inject(Infra) private readonly infra: Infra,
    @Inject(HealthIndicatorService) private readonly indicators: HealthIndicatorService,
    @Inject(HEALTH_IDENTITY) private readonly identity: HealthIdentity,
  ) {}

  /** Always up when it answers: says which process did (the launcher and tests check they reached the right one). */
  service = (): HealthIndicatorResult<'service'> =>
    this.indicators.check('service').up({ name: this.identity.service, ...(this.identity.id ? { id: this.identity.id } : {}) });

  /** A NATS flush round trip within 2 s; polls within a second share one (cheap under load: bench:load polls /health). */
  nats = () =>
    this.indicators
      .check('nats')
      .attempt(async () => {
        if (!(await this.infra.natsIsHealthy())) throw new Error('NATS did not answer within 2 s');
      })
      .cacheFor(CACHE_MS);

  /** A HeadBucket on the service's bucket within 2 s, shared the same way. */
  s3 = () =>
    this.indicators
      .check('s3')
      .attempt(async () => {
        if (!(await this.infra.s3IsHealthy())) throw new Error('S3 did not answer HeadBucket within 2 s');
      })
      .cacheFor(CACHE_MS);

  /** The tfjs backend the process computes on (wasm, cpu, tensorflow), chosen at boot by selectBackend. */
  backend = (): HealthIndicatorResult<'backend'> => {
    const name = tf.getBackend();
    return name ? this.indicators.check('backend').up({ name }) : this.indicators.check('backend').down('no tfjs backend is set');
  };

  all() {
    return this.identity.tfjs ? [this.service, this.nats, this.s3, this.backend] : [this.service, this.nats, this.s3];
  }
}
