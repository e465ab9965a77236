import { permutation, seededRandom } from '@tusk/data';
import type { TrainingMode } from '@tusk/contracts';

export const FAULT_KINDS = ['kill-worker', 'kill-driver', 'kill-ps', 'kill-nats', 'stop-worker', 's3-outage'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface Fault {
  kind: FaultKind;
  /** When it strikes, from the job's submission. */
  atMs: number;
  /** Which worker or parameter server (by index); unused for the driver, nats-server and S3. */
  target: number;
  /** How long the service stays dead, stopped or unreachable before it is restarted or resumed. */
  downMs: number;
}

export interface ChaosRun {
  index: number;
  mode: TrainingMode;
  /** The job's seed: synchronous runs compare against a fault-free run with the same seed. */
  seed: number;
  faults: Fault[];
}

export interface ScheduleOptions {
  seed: number;
  runs: number;
  workers: number;
  parameterServers: number;
  /** A stopped worker stays stopped longer than this (the ack wait), so its task must move. */
  ackWaitMs: number;
  /** Faults strike within this long after submission (the length of a fault-free job). */
  windowMs: number;
}

const MODES: TrainingMode[] = ['synchronous', 'asynchronous', 'hogwild'];
/** Synchronous runs draw their job seed from this few, so each needs one fault-free reference run. */
const JOB_SEEDS = [1, 2];

/**
 * The faults of every run, drawn from one seed so that any run can be replayed: each run's first
 * fault walks through every kind in turn (every kind is exercised), a second one is random.
 */
export function chaosSchedule(options: ScheduleOptions): ChaosRun[] {
  const random = seededRandom(options.seed);
  const between = (lo: number, hi: number) => Math.round(lo + random() * (hi - lo));
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const kindOrder = Array.from(permutation(FAULT_KINDS.length, options.seed), (i) => FAULT_KINDS[i]);
  const fault = (kind: FaultKind): Fault => ({
    kind,
    atMs: between(500, options.windowMs),
    target: kind === 'kill-ps' ? between(0, options.parameterServers - 1) : between(0, options.workers - 1),
    downMs:
      kind === 'stop-worker'
        ? options.ackWaitMs + between(1_000, 3_000)
        : kind === 's3-outage'
          ? between(1_500, 4_000)
          : between(300, 2_500),
  });
  return Array.from({ length: options.runs }, (_, index) => {
    const faults = [fault(kindOrder[index % kindOrder.length])];
    if (random() < 0.5) faults.push(fault(pick(FAULT_KINDS)));
    return { index, mode: MODES[index % MODES.length], seed: pick(JOB_SEEDS), faults: faults.sort((a, b) => a.atMs - b.atMs) };
  });
}

/** One line per run, printed before it starts, so a failing run can be read and replayed. */
export function describeRun(run: ChaosRun): string {
  const faults = run.faults.map((f) => {
    const who = f.kind.endsWith('worker') || f.kind === 'kill-ps' ? ` #${f.target}` : '';
    const what =
      f.kind === 'stop-worker'
        ? `stopped for ${(f.downMs / 1000).toFixed(1)} s`
        : f.kind === 's3-outage'
          ? `for ${(f.downMs / 1000).toFixed(1)} s`
          : `restarted after ${(f.downMs / 1000).toFixed(1)} s`;
    return `at ${(f.atMs / 1000).toFixed(1)} s ${f.kind}${who} ${what}`;
  });
  return `run ${run.index + 1}: ${run.mode} seed ${run.seed}; ${faults.join('; ')}`;
}
