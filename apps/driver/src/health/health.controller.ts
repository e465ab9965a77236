import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import * as tf from '@tensorflow/tfjs';
import { Infra } from '@tusk/infra';
import { Public } from '../auth/public.decorator.js';

@Controller('health')
export class HealthController {
  constructor(@Inject(Infra) private readonly infra: Infra) {}

  /** Really checks NATS and S3; 503 when either is down so orchestrators stop routing here. */
  @Public()
  @Get()
  async health(@Res({ passthrough: true }) res: Response) {
    const { nats, s3 } = await this.infra.health();
    const ok = nats && s3;
    res.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: ok ? 'ok' : 'degraded', service: 'driver', nats, s3, backend: tf.getBackend() };
  }
}
