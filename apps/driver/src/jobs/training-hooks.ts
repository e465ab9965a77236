import { Injectable } from '@nestjs/common';
import type { JobRecord } from '@tusk/contracts';

export type GateDecision = 'continue' | 'stop';
/** Asked before each round after the first: may this job go on? (A sweep's scheduler stops weak trials here.) */
export type RoundGate = (job: JobRecord) => Promise<GateDecision>;

/** Where other modules hook into the training loop without the jobs module depending on them. */
@Injectable()
export class TrainingHooks {
  private readonly gates: RoundGate[] = [];
  private readonly endListeners: ((jobId: string) => void)[] = [];

  registerGate(gate: RoundGate): void {
    this.gates.push(gate);
  }

  /** Called whenever a job's training loop ends (succeeded, stopped, failed, cancelled, or the driver stopping). */
  onEnded(listener: (jobId: string) => void): void {
    this.endListeners.push(listener);
  }

  async decide(job: JobRecord): Promise<GateDecision> {
    for (const gate of this.gates) if ((await gate(job)) === 'stop') return 'stop';
    return 'continue';
  }

  ended(jobId: string): void {
    for (const listener of this.endListeners) listener(jobId);
  }
}
