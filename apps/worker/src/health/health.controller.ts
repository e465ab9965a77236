import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import * as tf from '@tensorflow/tfjs';
import { Infra } from '@tusk/infra';
import { WORKER_IDENTITY, type WorkerIdentity } from '../worker-identity.js';

@Controller('health')
export class HealthController {
  constructor(@Inject(Infra) private readonly infra: Infra, @Inject(WORKER_IDENTITY) private readonly identity: WorkerIdentity) {}

  /** 200 when NATS and S3 both answer, else 503: what compose and the launcher poll. */
  @Get()
  async health(@Res({ passthrough: true }) res: Response) {
    const { nats, s3 } = await this.infra.health();
    res.status(nats && s3 ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: nats && s3 ? 'ok' : 'degraded', service: 'worker', id: this.identity.id, nats, s3, backend: tf.getBackend() };
  }
}
