// The browser-safe entry of the contracts: the index pulls in class-validator, which the dashboard bundle leaves out.
import { FINAL_STATUSES, type JobStatus } from '@tusk/contracts/jobs';
import type { SweepStatus } from '@tusk/contracts';

/** A job (or trial) status after which nothing changes: succeeded, failed, cancelled or stopped. */
export const isFinalStatus = (status: string): status is JobStatus => FINAL_STATUSES.includes(status as JobStatus);

/** A sweep is final once it is no longer `running` (SWEEP_STATUSES has no other live status). */
export const isFinalSweepStatus = (status: SweepStatus | string): boolean => status !== 'running';
