import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TokenGuard } from './auth/token.guard.js';
import { DashboardModule } from './dashboard/dashboard.module.js';
import { DatasetsModule } from './datasets/datasets.module.js';
import type { DriverEnv } from './driver-env.js';
import { HealthModule } from './health/health.module.js';
import { InfraModule } from './infra/infra.module.js';
import { JobsModule } from './jobs/jobs.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { SweepsModule } from './sweeps/sweeps.module.js';
import { WorkerRegistry } from './workers/worker-registry.js';
import { WorkersController } from './workers/workers.controller.js';

@Module({})
export class AppModule {
  static forRoot(env: DriverEnv): DynamicModule {
    return {
      module: AppModule,
      imports: [InfraModule.forRoot(env), HealthModule, MetricsModule, DatasetsModule, JobsModule, SweepsModule, DashboardModule.forRoot()],
      controllers: [WorkersController],
      providers: [{ provide: APP_GUARD, useClass: TokenGuard }, WorkerRegistry],
    };
  }
}
