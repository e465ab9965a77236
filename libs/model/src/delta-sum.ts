import type { WeightedDelta } from './delta.js';

/**
 * `averageDeltas` one delta at a time: the same float64 products and sums in the order `add` is called, so
 * folding in partition order gives the very same bits while only the running sum stays in memory.
 */
export class DeltaSum {
  private sum?: Float64Array;

  /** `totalSamples`: the samples of every delta that will be added (each one's weight is samples / total). */
  constructor(private readonly totalSamples: number) {
    if (!(totalSamples > 0)) throw new Error('deltas carry no samples');
  }

  /**
   * Adds one delta; false when it held a NaN or ±Infinity (the sum is then poisoned and must be dropped). The check
   * rides along the sum's own pass: `v * 0` is 0 for every finite value and NaN otherwise.
   */
  add({ delta, samples }: WeightedDelta): boolean {
    this.sum ??= new Float64Array(delta.length);
    const sum = this.sum;
    if (delta.length !== sum.length) throw new Error(`delta has ${delta.length} values, expected ${sum.length}`);
    const w = samples / this.totalSamples;
    let probe = 0;
    for (let i = 0; i < sum.length; i++) {
      const v = delta[i];
      sum[i] += v * w;
      probe += v * 0;
    }
    return probe === 0;
  }

  /** The sample-weighted mean of what was added, as float32. */
  mean(): Float32Array {
    if (!this.sum) throw new Error('no deltas to average');
    return Float32Array.from(this.sum);
  }
}
