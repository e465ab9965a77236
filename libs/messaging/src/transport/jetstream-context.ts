import type { JsMsg } from '@nats-io/jetstream';
import type { MsgHdrs } from '@nats-io/transport-node';
import { BaseRpcContext } from '@nestjs/microservices';

/** What became of a JetStream message: set once, by the handler (through the context), its filter or the server. */
export type MessageOutcome = 'ack' | 'nak' | 'term' | 'left';

type JetStreamContextArgs = [JsMsg, AbortSignal];

/**
 * The context of a message from a JetStream pull consumer, as `NatsContext` is for core NATS: the message itself
 * (headers, delivery info) and what to do with it. The server acks a message whose handler returned and naks one
 * whose handler threw, unless the handler or an exception filter settled it here first.
 */
export class JetStreamContext extends BaseRpcContext<JetStreamContextArgs> {
  private settledAs?: MessageOutcome;

  constructor(args: JetStreamContextArgs) {
    super(args);
  }

  getMessage(): JsMsg {
    return this.args[0];
  }

  getSubject(): string {
    return this.args[0].subject;
  }

  getHeaders(): MsgHdrs | undefined {
    return this.args[0].headers;
  }

  /** Which delivery of the message this is, 1 for the first. */
  getDeliveryCount(): number {
    return this.args[0].info.deliveryCount;
  }

  getStreamSequence(): number {
    return this.args[0].info.streamSequence;
  }

  /** Aborted once the message has left the stream (deleted to reassign or cancel it): its work is no longer wanted. */
  getSignal(): AbortSignal {
    return this.args[1];
  }

  get outcome(): MessageOutcome | undefined {
    return this.settledAs;
  }

  /** Acks and waits for the server to confirm; a failed confirmation (the message is gone) is reported, not thrown. */
  async ack(): Promise<boolean> {
    if (!this.settle('ack')) return false;
    return this.getMessage().ackAck();
  }

  /** Hands the message back for redelivery after `delayMs`. */
  nak(delayMs?: number): void {
    if (this.settle('nak')) this.getMessage().nak(delayMs);
  }

  /**
   * Never delivers the message again (poison, obsolete, or answered for good with a failure). The reason is for
   * the caller's log: nats-server before 2.10.4 ignores a `+TERM` that carries one, and the message comes back.
   */
  term(_reason?: string): void {
    if (this.settle('term')) this.getMessage().term();
  }

  /** Answers nothing: the message already left the stream, so there is nothing to ack. */
  leave(): void {
    this.settle('left');
  }

  private settle(outcome: MessageOutcome): boolean {
    if (this.settledAs) return false;
    this.settledAs = outcome;
    return true;
  }
}
