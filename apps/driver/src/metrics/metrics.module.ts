import { Controller, Global, Module } from '@nestjs/common';
import { Registry } from 'prom-client';
import { createMetricsRegistry, MetricsController } from '@tusk/infra';
import { Public } from '../auth/public.decorator.js';
import { DriverMetrics } from './driver-metrics.js';

/** `/metrics` needs no token, like `/health`: Prometheus scrapes it without credentials (README: Observability). */
@Public()
@Controller('metrics')
export class PublicMetricsController extends MetricsController {}

/** The driver's registry and its metrics, for any module to record into. */
@Global()
@Module({
  controllers: [PublicMetricsController],
  providers: [{ provide: Registry, useFactory: () => createMetricsRegistry({ service: 'driver' }) }, DriverMetrics],
  exports: [Registry, DriverMetrics],
})
export class MetricsModule {}
