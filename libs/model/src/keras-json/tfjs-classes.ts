import * as tf from '@tensorflow/tfjs';

/** Whether tfjs-layers registers a class of this name (layers, initializers, regularizers, constraints). */
export function tfjsHasClass(className: string): boolean {
  return Object.hasOwn(tf.serialization.SerializationMap.getMap().classNameMap, className);
}
