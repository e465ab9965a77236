/** A delta and the number of samples it was trained on: the weight it gets when averaged. */
export interface WeightedDelta {
  delta: Float32Array;
  samples: number;
}

/** `after - before`, what a worker sends instead of its whole weights. */
export function computeDelta(before: Float32Array, after: Float32Array): Float32Array {
  if (before.length !== after.length) throw new Error(`delta of mismatched lengths ${before.length} and ${after.length}`);
  const out = new Float32Array(after.length);
  for (let i = 0; i < out.length; i++) out[i] = after[i] - before[i];
  return out;
}

/**
 * Sample-weighted mean of the workers' deltas (FedAvg), so a larger partition counts for more. The driver averages
 * with DeltaSum (the same float64 arithmetic, one delta at a time); this stays as the independent reference that the
 * bit-identity specs compare DeltaSum and streamedAverage against.
 */
export function averageDeltas(deltas: WeightedDelta[]): Float32Array {
  if (deltas.length === 0) throw new Error('no deltas to average');
  const length = deltas[0].delta.length;
  const total = deltas.reduce((n, d) => n + d.samples, 0);
  if (total <= 0) throw new Error('deltas carry no samples');
  // Accumulate in float64 so the order of arrival cannot change the result.
  const sum = new Float64Array(length);
  for (const { delta, samples } of deltas) {
    if (delta.length !== length) throw new Error(`delta has ${delta.length} values, expected ${length}`);
    const w = samples / total;
    for (let i = 0; i < length; i++) sum[i] += delta[i] * w;
  }
  return Float32Array.from(sum);
}

/** `base + scale * delta` as a new buffer. */
export function applyDelta(base: Float32Array, delta: Float32Array, scale = 1): Float32Array {
  if (base.length !== delta.length) throw new Error(`delta has ${delta.length} values, weights have ${base.length}`);
  const out = new Float32Array(base.length);
  for (let i = 0; i < out.length; i++) out[i] = base[i] + scale * delta[i];
  return out;
}

/** True when any value is NaN or ±Infinity: such a delta would poison the model. */
export function hasNonFinite(values: Float32Array): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return true;
  return false;
}
