import type { NatsConnection } from '@nats-io/transport-node';
import { jobLogSubject, type JobLogLine } from '@tusk/contracts';

/**
 * Publishes job log lines on `tusk.logs.<job>` with core NATS (the logs stream captures them): fire and
 * forget, and dropped while NATS is away, so logging never waits on, fails with, or queues up behind NATS.
 */
export class JobLogPublisher {
  private connected = true;

  constructor(private readonly nc: NatsConnection) {
    void this.followStatus();
  }

  publish(line: JobLogLine): void {
    if (!this.connected || this.nc.isClosed() || this.nc.isDraining()) return;
    try {
      this.nc.publish(jobLogSubject(line.jobId), JSON.stringify(line));
    } catch {
      // A line lost is better than a caller failed: the line is on stdout too.
    }
  }

  private async followStatus(): Promise<void> {
    for await (const s of this.nc.status()) {
      if (s.type === 'disconnect') this.connected = false;
      else if (s.type === 'reconnect') this.connected = true;
    }
  }
}
