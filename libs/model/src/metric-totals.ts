import * as tf from '@tensorflow/tfjs';

/**
 * Per-batch losses and metrics summed as tensors, weighted by batch size, then averaged: the arithmetic of fit's
 * BaseLogger (`mean: 'reciprocal'`, total × (1/seen)) or of evaluate's testLoop (`'divide'`, total / seen), so the
 * numbers match tfjs' bit for bit and no batch waits on a read.
 */
export class MetricTotals {
  private totals: tf.Scalar[] = [];
  private seen = 0;

  constructor(
    private readonly names: string[],
    private readonly mean: 'reciprocal' | 'divide',
  ) {}

  /** Adds one batch's outputs (not disposed here). */
  add(values: tf.Scalar[], size: number): void {
    const next = tf.tidy(() => this.names.map((_, i) => tf.add(this.totals[i] ?? 0, tf.mul(values[i], size)) as tf.Scalar));
    tf.dispose(this.totals);
    this.totals = next;
    this.seen += size;
  }

  /** The averages by name ({} when no batch was added), and frees the totals. */
  async read(prefix = ''): Promise<Record<string, number>> {
    if (this.seen === 0) return {};
    const means = tf.tidy(() =>
      this.totals.map((t) => (this.mean === 'reciprocal' ? tf.mul(tf.div(1, this.seen), t) : tf.div(t, this.seen))),
    );
    try {
      const values = await Promise.all(means.map((t) => t.data()));
      return Object.fromEntries(this.names.map((name, i) => [prefix + name, values[i][0]]));
    } finally {
      tf.dispose(means);
      this.dispose();
    }
  }

  dispose(): void {
    tf.dispose(this.totals);
    this.totals = [];
    this.seen = 0;
  }
}
