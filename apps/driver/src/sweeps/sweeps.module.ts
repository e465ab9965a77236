import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module.js';
import { SweepRunner } from './sweep-runner.js';
import { SweepStore } from './sweep-store.js';
import { SweepsController } from './sweeps.controller.js';
import { SweepsService } from './sweeps.service.js';

/** Hyperparameter sweeps: sets of jobs the driver samples, runs side by side and stops early (ASHA). */
@Module({
  imports: [JobsModule],
  controllers: [SweepsController],
  providers: [SweepStore, SweepRunner, SweepsService],
})
export class SweepsModule {}
