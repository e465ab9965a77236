/** How a handler's payload reaches it: decoded JSON (the default) or the message's bytes as they came. */
export type PayloadEncoding = 'json' | 'bytes';

/** Where a pattern's messages come from, given as the `extras` of `@EventPattern` / `@MessagePattern`. */
export interface TransportExtras {
  /** A durable pull consumer of a JetStream stream, pulled one message at a time; without it, a core-NATS subscription. */
  jetstream?: { stream: string; consumer: string };
  /** The queue group of a core-NATS subscription: each message goes to one member. */
  queue?: string;
  payload?: PayloadEncoding;
}

/** Extras for a handler fed by a durable pull consumer (the pattern names the consumer's subjects, for reading only). */
export const fromConsumer = (stream: string, consumer: string, payload: PayloadEncoding = 'json'): TransportExtras => ({
  jetstream: { stream, consumer },
  payload,
});

/** Extras for a core-NATS handler that shares its subject with the other members of `queue`. */
export const inQueueGroup = (queue: string, payload: PayloadEncoding = 'json'): TransportExtras => ({ queue, payload });
