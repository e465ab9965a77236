import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { ObjectNotFoundError } from '@tusk/storage';
import { Infra } from '@tusk/infra';

/** Reads a trained model's files from S3, a missing one as 404. */
@Injectable()
export class ModelArtifacts {
  constructor(@Inject(Infra) private readonly infra: Infra) {}

  async read(jobId: string, key: string): Promise<Uint8Array> {
    try {
      return await this.infra.store.getBytes(key);
    } catch (err) {
      if (err instanceof ObjectNotFoundError) throw new NotFoundException(`the model of job ${jobId} is missing from S3`);
      throw err;
    }
  }
}
