import type { TrainingMode, TrainingSpec } from '@tusk/contracts';
import { ModelSpecError } from '@tusk/model';
import type { TrainingDto } from './dto/create-job.dto.js';

type ElasticFields = Pick<TrainingSpec, 'minWorkers' | 'maxWorkers' | 'workerWaitSeconds'>;

/** `minWorkers`, `maxWorkers` and `workerWaitSeconds` as stored (absent when not asked for), checked against each other. */
export function elasticFields({ dto, mode, partitions }: { dto: TrainingDto; mode: TrainingMode; partitions: number }): ElasticFields {
  const { minWorkers, maxWorkers, workerWaitSeconds } = dto;
  const given = (['minWorkers', 'maxWorkers', 'workerWaitSeconds'] as const).find((k) => dto[k] !== undefined);
  if (given && mode !== 'synchronous')
    throw new ModelSpecError(`training.${given}`, 'applies to synchronous jobs only (asynchronous workers train whole partitions)');
  if (minWorkers !== undefined && minWorkers > partitions)
    throw new ModelSpecError('training.minWorkers', `at most the job's ${partitions} partitions: more workers would have nothing to train`);
  if (minWorkers !== undefined && maxWorkers !== undefined && minWorkers > maxWorkers)
    throw new ModelSpecError('training.minWorkers', `more than maxWorkers (${maxWorkers})`);
  if (workerWaitSeconds !== undefined && minWorkers === undefined)
    throw new ModelSpecError('training.workerWaitSeconds', 'bounds the wait for minWorkers: set minWorkers too');
  return {
    ...(minWorkers !== undefined ? { minWorkers } : {}),
    ...(maxWorkers !== undefined ? { maxWorkers } : {}),
    ...(workerWaitSeconds !== undefined ? { workerWaitSeconds } : {}),
  };
}
