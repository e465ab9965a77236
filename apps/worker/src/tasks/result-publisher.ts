import { Inject, Injectable } from '@nestjs/common';
import { resultMessageId, resultSubject, type ResultMessage } from '@tusk/contracts';
import { JetStreamClientProxy } from '@tusk/messaging';

/** Stores a task's result in the results stream; its msgID dedupes a result published twice after a redelivery. */
@Injectable()
export class ResultPublisher {
  constructor(@Inject(JetStreamClientProxy) private readonly client: JetStreamClientProxy) {}

  async publish(result: ResultMessage): Promise<void> {
    await this.client.publishToStream(resultSubject(result.jobId), result, { msgID: resultMessageId(result) });
  }
}
