import { pushStreamKey, pushTaskId, type JobRecord, type WeightsHead } from '@tusk/contracts';

/** What one chaos run found; a run passes when nothing here is wrong. */
export interface RunVerdict {
  /** Synchronous: every round's weights equal the fault-free run's (undefined for other modes). */
  identical?: boolean;
  /** Asynchronous and hogwild: pushes applied other than exactly once, and counts that do not add up. */
  duplicates: number;
  lost: boolean;
  stuck: boolean;
  /** Services whose health check did not answer 200 once the run was over. */
  down: string[];
  /** Faults that struck before the job finished. */
  midJob: number;
  problems: string[];
}

/** A synchronous run against the fault-free run with the same seed: bit-identical weights round by round. */
export function checkSynchronous({ job, reference }: { job: JobRecord; reference: JobRecord }): Pick<RunVerdict, 'identical' | 'problems'> {
  const got = job.history.map((r) => r.weightsSha256);
  const want = reference.history.map((r) => r.weightsSha256);
  const first = want.findIndex((digest, i) => got[i] !== digest);
  if (got.length === want.length && first === -1) return { identical: true, problems: [] };
  return {
    identical: false,
    problems: [
      `round ${first + 1}: weights ${got[first]?.slice(0, 12) ?? 'missing'} differ from the fault-free run's ${want[first]?.slice(0, 12)}`,
    ],
  };
}

/**
 * An asynchronous or hogwild run against the parameter server's ledger (written with each version):
 * the versions are the applied pushes, no stream applied more pushes than it sent, and every attempt
 * whose result the job used had each acknowledged push applied exactly once.
 */
export function checkAsynchronous({
  job,
  head,
}: {
  job: JobRecord;
  head: WeightsHead | null;
}): Pick<RunVerdict, 'duplicates' | 'problems'> {
  const problems: string[] = [];
  if (!head) return { duplicates: 1, problems: ['the job has no weights head'] };
  const ledger = head.ledger ?? {};
  const applied = Object.values(ledger).reduce((n, s) => n + s.applied, 0);
  if (applied !== head.version) problems.push(`version ${head.version} but the ledger holds ${applied} applied pushes`);
  if (job.pushStats?.version !== head.version)
    problems.push(`the job froze version ${job.pushStats?.version} but the head is at ${head.version}`);
  for (const [stream, s] of Object.entries(ledger)) {
    if (s.applied > s.step + 1) problems.push(`stream ${stream} applied ${s.applied} pushes in ${s.step + 1} steps`);
  }
  // An asynchronous job has one round of tasks (round 0, never resumed); each task's attempts share one push stream.
  for (const w of job.history[0]?.workers ?? []) {
    const stream = ledger[pushStreamKey({ partition: w.partition, task: pushTaskId({ round: 0 }) })];
    if (!stream) problems.push(`partition ${w.partition}: not in the ledger`);
    else if (stream.applied !== w.pushes)
      problems.push(`partition ${w.partition} (attempt ${w.attempt}): ${w.pushes} pushes reported, ${stream.applied} applied`);
  }
  return { duplicates: problems.length, problems };
}
