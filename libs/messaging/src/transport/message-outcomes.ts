import { RpcException } from '@nestjs/microservices';

/** What a handler error asks the JetStream server to do; it travels through Nest's exception filters as an RpcException's error. */
export interface OutcomeError {
  outcome: 'nak' | 'term';
  message: string;
  delayMs?: number;
}

export function isOutcomeError(error: unknown): error is OutcomeError {
  const outcome = (error as OutcomeError | null)?.outcome;
  return outcome === 'nak' || outcome === 'term';
}

/** Thrown from a handler: the message is never delivered again. */
export class TerminateMessage extends RpcException {
  constructor(message: string) {
    super({ outcome: 'term', message } satisfies OutcomeError);
  }
}

/** Thrown from a handler: the message is handed back and delivered again after `delayMs`. */
export class RetryMessage extends RpcException {
  constructor(message: string, delayMs?: number) {
    super({ outcome: 'nak', message, delayMs } satisfies OutcomeError);
  }
}

/** The default wait before a failed message is delivered again: 1 s doubling per delivery, at most 30 s. */
export const retryBackoffMs = (deliveryCount: number): number => Math.min(30_000, 1_000 * 2 ** (Math.max(1, deliveryCount) - 1));
