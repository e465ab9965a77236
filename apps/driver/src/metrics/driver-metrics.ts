import { Inject, Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry } from 'prom-client';
import { TRAINING_MODES, type TrainingMode } from '@tusk/contracts';

/** Why the driver published a task again: its worker went silent, or it was neither answered nor queued. */
export const REASSIGN_REASONS = ['silent_worker', 'lost'] as const;
export type ReassignReason = (typeof REASSIGN_REASONS)[number];

/** Seconds, from a tenth of a second (a tiny synchronous round) to an hour (a whole asynchronous job is one round). */
const ROUND_SECONDS_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

/** What the driver counts as jobs run: rounds recorded, delta bytes it averaged, tasks it published again. */
@Injectable()
export class DriverMetrics {
  private readonly rounds: Counter<'mode'>;
  private readonly roundDuration: Histogram<'mode'>;
  private readonly deltaBytes: Counter;
  private readonly reassignments: Counter<'reason'>;
  private readonly handedBack: Counter;

  constructor(@Inject(Registry) registry: Registry) {
    const registers = [registry];
    this.rounds = new Counter({
      name: 'tusk_rounds_total',
      help: 'Rounds recorded in a job history (an asynchronous or hogwild job is one round).',
      labelNames: ['mode'],
      registers,
    });
    this.roundDuration = new Histogram({
      name: 'tusk_round_duration_seconds',
      help: "Time from publishing a round's tasks to having every result.",
      labelNames: ['mode'],
      buckets: ROUND_SECONDS_BUCKETS,
      registers,
    });
    this.deltaBytes = new Counter({
      name: 'tusk_delta_received_bytes_total',
      help: 'Delta bytes read to average synchronous rounds.',
      registers,
    });
    this.reassignments = new Counter({
      name: 'tusk_task_reassignments_total',
      help: 'Tasks the driver published again: taken from a silent worker, or lost from the queue.',
      labelNames: ['reason'],
      registers,
    });
    this.handedBack = new Counter({
      name: 'tusk_tasks_handed_back_total',
      help: 'Tasks the worker holding their partition did not start within TUSK_LOCALITY_WAIT_MS, handed back to the shared queue.',
      registers,
    });
    // Every known series exists from the start at 0, so rate() and increase() see the first event.
    for (const mode of TRAINING_MODES) {
      this.rounds.inc({ mode }, 0);
      this.roundDuration.zero({ mode });
    }
    for (const reason of REASSIGN_REASONS) this.reassignments.inc({ reason }, 0);
  }

  /** Counted once per round, when the round lands in the job record. */
  roundCompleted({ mode, seconds }: { mode: TrainingMode; seconds: number }): void {
    this.rounds.inc({ mode });
    this.roundDuration.observe({ mode }, seconds);
  }

  deltaReceived(bytes: number): void {
    this.deltaBytes.inc(bytes);
  }

  tasksReassigned(reason: ReassignReason, count = 1): void {
    if (count > 0) this.reassignments.inc({ reason }, count);
  }

  tasksHandedBack(count = 1): void {
    this.handedBack.inc(count);
  }
}
