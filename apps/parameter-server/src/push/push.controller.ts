import { Controller, Inject } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import { PS_QUEUE_GROUP, psPushWildcard, type PushReply } from '@tusk/contracts';
import { inQueueGroup, NatsRequestContext } from '@tusk/messaging';
import { PushService } from './push.service.js';

/**
 * The parameter server's one message handler: a push on `tusk.ps.<job>.push` (headers: its id, base version and
 * metrics; body: the delta's bytes, or empty with a blob key), answered with a `PushReply`. Every replica is in one
 * queue group, so each push reaches one of them; the version event goes out only after the reply.
 */
@Controller()
export class PushController {
  constructor(@Inject(PushService) private readonly pushes: PushService) {}

  @MessagePattern<string>(psPushWildcard(), inQueueGroup(PS_QUEUE_GROUP, 'bytes'))
  push(@Payload() data: Uint8Array, @Ctx() ctx: NatsRequestContext): Promise<PushReply> {
    return this.pushes.answer({ subject: ctx.getSubject(), headers: ctx.getHeaders(), data, afterReply: (fn) => ctx.onReplied(fn) });
  }
}
