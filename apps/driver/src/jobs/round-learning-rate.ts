import type { JobRecord, RoundRecord, TaskMessage } from '@tusk/contracts';
import { learningRateAt, learningRatePlan, learningRateRange } from '@tusk/model';
import { roundPlan } from './round-math.js';

/**
 * The learning rate of the job's current round. Synchronous: one rate per round, the schedule's where the round starts
 * (a fractional epoch with `roundsPerEpoch`), carried by every task. Asynchronous and hogwild (one round): the tasks
 * carry the plan and the workers set the rate per step; the history records where the schedule ends and the lowest
 * and highest rate it took.
 */
export function roundLearningRate(job: JobRecord): {
  task: Pick<TaskMessage, 'learningRate' | 'learningRatePlan'>;
  record: Pick<RoundRecord, 'learningRate' | 'learningRateRange'>;
} {
  const { training, compile } = job.spec;
  const plan = learningRatePlan({ training, compile });
  if (training.mode !== 'synchronous') {
    return {
      task: { learningRatePlan: plan },
      record: { learningRate: learningRateAt(plan, training.epochs), learningRateRange: learningRateRange(plan) },
    };
  }
  const learningRate = learningRateAt(plan, roundPlan(training, job.round).startEpoch);
  return { task: { learningRate }, record: { learningRate } };
}
