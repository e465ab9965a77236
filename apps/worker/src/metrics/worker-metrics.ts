import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, Registry } from 'prom-client';

/** What a worker reports about itself; its registry labels every series with `worker`. */
@Injectable()
export class WorkerMetrics {
  private readonly samplesPerSecond: Gauge;
  private readonly deltaBytes: Counter;
  private readonly redeliveries: Counter;

  constructor(@Inject(Registry) registry: Registry) {
    const registers = [registry];
    this.samplesPerSecond = new Gauge({
      name: 'tusk_worker_samples_per_second',
      help: 'Samples per second of the last task this worker finished (epochs included).',
      registers,
    });
    this.deltaBytes = new Counter({
      name: 'tusk_delta_sent_bytes_total',
      help: 'Delta bytes this worker produced: synchronous deltas stored, asynchronous pushes sent.',
      registers,
    });
    this.redeliveries = new Counter({
      name: 'tusk_task_redeliveries_total',
      help: 'Tasks this worker received that had been delivered before (a retry, or another worker went silent).',
      registers,
    });
  }

  taskFinished(samplesPerSecond: number): void {
    this.samplesPerSecond.set(samplesPerSecond);
  }

  deltaSent(bytes: number): void {
    this.deltaBytes.inc(bytes);
  }

  /** Called with every delivery; counts the ones that are not the task's first. */
  taskDelivered(deliveryCount: number): void {
    if (deliveryCount > 1) this.redeliveries.inc();
  }
}
