import type { Msg, MsgHdrs } from '@nats-io/transport-node';
import { BaseRpcContext } from '@nestjs/microservices';

/** The context of a core-NATS request (as Nest's `NatsContext`, plus the raw message and work to run once it is answered). */
export class NatsRequestContext extends BaseRpcContext<[Msg]> {
  private readonly afterReply: (() => void)[] = [];

  constructor(args: [Msg]) {
    super(args);
  }

  getMessage(): Msg {
    return this.args[0];
  }

  getSubject(): string {
    return this.args[0].subject;
  }

  getHeaders(): MsgHdrs | undefined {
    return this.args[0].headers;
  }

  /** Runs `fn` once the reply is sent (say, an event that must not overtake the answer). */
  onReplied(fn: () => void): void {
    this.afterReply.push(fn);
  }

  /** @internal called by the server after it responded. */
  replied(): void {
    for (const fn of this.afterReply.splice(0)) fn();
  }
}
