import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { healthCheckSchema } from './health-check.schema.js';
import { TuskHealthIndicators } from './health-indicators.js';

/**
 * `GET /health`: terminus' `{status, info, error, details}` over service, nats, s3 and backend; 503 when NATS or S3
 * is down, so orchestrators (compose healthchecks, the launcher) stop routing to the process.
 */
@Controller('health')
export class HealthController {
  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(TuskHealthIndicators) private readonly indicators: TuskHealthIndicators,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOkResponse({ description: 'NATS and S3 answer', schema: healthCheckSchema('ok') })
  @ApiServiceUnavailableResponse({ description: 'NATS or S3 does not answer', schema: healthCheckSchema('error') })
  check() {
    return this.health.check(this.indicators.all());
  }
}
