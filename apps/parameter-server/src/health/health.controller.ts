import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Infra } from '@tusk/infra';

@Controller('health')
export class HealthController {
  constructor(@Inject(Infra) private readonly infra: Infra) {}

  /** 200 when NATS and S3 both answer, else 503. */
  @Get()
  async health(@Res({ passthrough: true }) res: Response) {
    const { nats, s3 } = await this.infra.health();
    res.status(nats && s3 ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: nats && s3 ? 'ok' : 'degraded', service: 'parameter-server', nats, s3 };
  }
}
