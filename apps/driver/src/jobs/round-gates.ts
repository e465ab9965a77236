import { Injectable } from '@nestjs/common';
import type { JobRecord } from '@tusk/contracts';

export type GateDecision = 'continue' | 'stop';
/** Asked before each round after the first: may this job go on? (A sweep's scheduler stops weak trials here.) */
export type RoundGate = (job: JobRecord) => Promise<GateDecision>;

/** Where other modules hook into the training loop without the jobs module depending on them. */
@Injectable()
export class RoundGates {
  private readonly gates: RoundGate[] = [];

  register(gate: RoundGate): void {
    this.gates.push(gate);
  }

  async decide(job: JobRecord): Promise<GateDecision> {
    for (const gate of this.gates) if ((await gate(job)) === 'stop') return 'stop';
    return 'continue';
  }
}
