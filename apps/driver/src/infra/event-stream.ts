import { Inject, Injectable } from '@nestjs/common';
import { Infra } from '@tusk/infra';

/** A live feed of one subject's messages, decoded from JSON, until `close()`. */
export interface EventFeed<T> extends AsyncIterable<T> {
  close(): void;
}

/**
 * Follows the core-NATS event subjects (job and sweep progress) for the SSE endpoints, so controllers see
 * events, not the connection. A core subscription outlives NATS reconnects; it ends when NATS goes for good.
 */
@Injectable()
export class EventStream {
  constructor(@Inject(Infra) private readonly infra: Infra) {}

  /** Starts listening at once: follow first, then read the current state, and no event falls between the two. */
  follow<T>(subject: string): EventFeed<T> {
    const sub = this.infra.nc.subscribe(subject);
    return {
      close: () => sub.unsubscribe(),
      async *[Symbol.asyncIterator]() {
        for await (const m of sub) yield m.json<T>();
      },
    };
  }
}
