import { createHash } from 'node:crypto';

/** A trial's job id follows from the sweep and the trial: a driver that restarts finds the job it created, never a second one. */
export const trialJobId = (sweepId: string, index: number): string =>
  `job-${createHash('sha256').update(`${sweepId}/${index}`).digest('hex').slice(0, 32)}`;
