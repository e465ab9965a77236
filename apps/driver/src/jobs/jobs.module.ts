import { Module } from '@nestjs/common';
import { DatasetsModule } from '../datasets/datasets.module.js';
import { Evaluator } from './evaluator.js';
import { JobEvents } from './job-events.js';
import { JobLogs } from './job-logs.js';
import { Predictor } from './predictor.js';
import { JobStore } from './job-store.js';
import { ModelArtifacts } from './model-artifacts.js';
import { JobsController } from './jobs.controller.js';
import { Checkpoints } from './checkpoints.js';
import { JobMembership } from './membership.js';
import { JobsService } from './jobs.service.js';
import { TrainingLoop } from './training-loop.js';
import { TrainingHooks } from './training-hooks.js';
import { Rounds } from './rounds.js';
import { TaskDispatcher } from './task-dispatcher.js';
import { TaskGroups } from './task-groups.js';
import { WorkerLiveness } from '../liveness/worker-liveness.js';
import { StateGauges } from '../metrics/state-gauges.js';

@Module({
  imports: [DatasetsModule],
  controllers: [JobsController],
  providers: [
    JobStore,
    JobEvents,
    WorkerLiveness,
    TaskDispatcher,
    TaskGroups,
    Rounds,
    TrainingLoop,
    JobsService,
    Evaluator,
    Predictor,
    StateGauges,
    JobLogs,
    TrainingHooks,
    ModelArtifacts,
    Checkpoints,
    JobMembership,
  ],
  exports: [JobsService, JobStore, TrainingHooks],
})
export class JobsModule {}
