import { Inject, Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry } from 'prom-client';
import type { PushReply } from '@tusk/contracts';
import { measuredStaleness, PUSH_OUTCOMES, pushOutcome } from './push-outcome.js';

/** Versions a delta was behind; 0 is the common case, beyond 64 the delta is all but noise. */
const STALENESS_BUCKETS = [0, 1, 2, 4, 8, 16, 32, 64];

/** What the parameter server reports: every push answered, by outcome, how stale it was, the delta bytes read. */
@Injectable()
export class PushMetrics {
  private readonly pushes: Counter<'outcome'>;
  private readonly staleness: Histogram;
  private readonly deltaBytes: Counter;

  constructor(@Inject(Registry) registry: Registry) {
    const registers = [registry];
    this.pushes = new Counter({
      name: 'tusk_pushes_total',
      help: 'Pushes answered, by outcome (stale_rejected and refused are the rejected ones).',
      labelNames: ['outcome'],
      registers,
    });
    this.staleness = new Histogram({
      name: 'tusk_push_staleness_versions',
      help: "Versions the weights had moved past a push's base version when it was decided.",
      buckets: STALENESS_BUCKETS,
      registers,
    });
    this.deltaBytes = new Counter({
      name: 'tusk_delta_received_bytes_total',
      help: 'Delta bytes read to apply pushes (inline or from a blob).',
      registers,
    });
    for (const outcome of PUSH_OUTCOMES) this.pushes.inc({ outcome }, 0);
  }

  pushAnswered(reply: PushReply): void {
    const outcome = pushOutcome(reply);
    this.pushes.inc({ outcome });
    if (measuredStaleness(outcome)) this.staleness.observe(reply.staleness);
  }

  deltaReceived(bytes: number): void {
    this.deltaBytes.inc(bytes);
  }
}
