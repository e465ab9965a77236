import { velocityKey, weightsKey } from '@tusk/contracts';
import type { BlobStore } from '@tusk/messaging';
import { bytesToFloat32, float32ToBytes, serverMomentumStep } from '@tusk/model';

/**
 * FedAvgM on a round's FedAvg result: reads the round's weights and the velocity that produced them (none in round
 * 0), stores the new velocity beside the next weights version (`v.<job>.<version>`, so it survives a driver restart
 * and a redone round reads the same one) and returns the next weights.
 */
export async function withServerMomentum({
  blobs,
  jobId,
  round,
  beta,
  averaged,
}: {
  blobs: BlobStore;
  jobId: string;
  round: number;
  beta: number;
  averaged: Uint8Array;
}): Promise<Uint8Array> {
  const [base, velocity] = await Promise.all([
    blobs.get(weightsKey(jobId, round)),
    round === 0 ? Promise.resolve(null) : blobs.get(velocityKey(jobId, round)),
  ]);
  const step = serverMomentumStep({
    base: bytesToFloat32(base),
    averaged: bytesToFloat32(averaged),
    velocity: velocity ? bytesToFloat32(velocity) : null,
    beta,
  });
  await blobs.put(velocityKey(jobId, round + 1), float32ToBytes(step.velocity));
  return float32ToBytes(step.weights);
}
