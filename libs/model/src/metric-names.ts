import type * as tf from '@tensorflow/tfjs';
import { internalsOf } from './layers-model-internals.js';

/** tfjs says `acc`; Keras users read `accuracy`. */
export const kerasMetricName = (name: string): string => name.replace(/^acc$/, 'accuracy').replace(/^val_acc$/, 'val_accuracy');

/** Loss and metrics under the names a round records them (fit's names, `kerasMetricName`); with `validates`, `val_` of each too. */
export function roundMetricNames({ model, validates }: { model: tf.LayersModel; validates: boolean }): string[] {
  const names = internalsOf(model).getDedupedMetricsNames().map(kerasMetricName);
  return validates ? [...names, ...names.map((n) => `val_${n}`)] : names;
}

/** Every name of a metrics record as Keras reports it (see kerasMetricName). */
export const kerasMetricNames = (metrics: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(metrics).map(([name, value]) => [kerasMetricName(name), value]));
