/**
 * FedAvgM (Hsu et al. 2019), applied after FedAvg: the averaged delta Δ = averaged − base feeds a server velocity
 * v ← β·v + Δ, and the next weights are base + v. Elementwise in float64, stored as float32: the weights and the
 * velocity that the next round reads are the float32 values, so a round redone after a restart gives the same bits.
 */
export function serverMomentumStep({
  base,
  averaged,
  velocity,
  beta,
}: {
  /** This round's weights. */
  base: Float32Array;
  /** base + the averaged delta: what plain FedAvg would make the next weights. */
  averaged: Float32Array;
  /** The velocity that produced `base`; null in the first round (zero). */
  velocity: Float32Array | null;
  beta: number;
}): { weights: Float32Array; velocity: Float32Array } {
  if (averaged.length !== base.length) throw new Error(`averaged weights have ${averaged.length} values, the base ${base.length}`);
  if (velocity && velocity.length !== base.length)
    throw new Error(`the velocity has ${velocity.length} values, the weights ${base.length}`);
  const nextVelocity = new Float32Array(base.length);
  const weights = new Float32Array(base.length);
  for (let i = 0; i < base.length; i++) {
    nextVelocity[i] = beta * (velocity ? velocity[i] : 0) + (averaged[i] - base[i]);
    weights[i] = base[i] + nextVelocity[i];
  }
  return { weights, velocity: nextVelocity };
}
