import { describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { preflightTopology } from './topology-preflight.js';

const dense = (units: number, extra: Record<string, unknown> = {}) => ({ class_name: 'Dense', config: { units, ...extra } });
const sequential = (...layers: unknown[]) => ({ class_name: 'Sequential', config: { name: 's', layers } });
const LIMIT = { maxParams: 50_000_000 };

describe('preflightTopology', () => {
  it('counts what tfjs would build, for a CNN and an RNN', async () => {
    await tf.setBackend('cpu');
    const cnn = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3 }),
        tf.layers.batchNormalization(),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2 }),
        tf.layers.separableConv2d({ filters: 8, kernelSize: 3 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 10 }),
      ],
    });
    const rnn = tf.sequential({
      layers: [
        tf.layers.embedding({ inputDim: 100, outputDim: 8, inputLength: 5 }),
        tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 6, returnSequences: true }) as never }),
        tf.layers.gru({ units: 4 }),
        tf.layers.dense({ units: 2 }),
      ],
    });
    for (const model of [cnn, rnn]) {
      expect(preflightTopology(model.toJSON(null, false) as never, LIMIT).params).toBe(model.countParams());
      model.dispose();
    }
  });

  it('refuses a model over the parameter limit before allocating anything', () => {
    const huge = sequential(dense(3, { batch_input_shape: [null, 200_000_000] }));
    const before = tf.memory().numBytes;
    expect(() => preflightTopology(huge, LIMIT)).toThrow('model: more than 50000000 parameters (TUSK_MAX_PARAMS) by layer');
    expect(tf.memory().numBytes).toBe(before);
  });

  it('refuses a functional graph with a cycle, and an input from nowhere', () => {
    const layer = (name: string, from: string) => ({
      class_name: 'Dense',
      name,
      config: { name, units: 2 },
      inbound_nodes: [[[from, 0, 0, {}]]],
    });
    const input = { class_name: 'InputLayer', name: 'in', config: { name: 'in', batch_input_shape: [null, 4] }, inbound_nodes: [] };
    const cyclic = {
      class_name: 'Model',
      config: { layers: [input, layer('x', 'y'), layer('y', 'x')], input_layers: [['in', 0, 0]], output_layers: [['y', 0, 0]] },
    };
    expect(() => preflightTopology(cyclic, LIMIT)).toThrow(/feed each other: the graph has a cycle/);
    const dangling = { class_name: 'Model', config: { layers: [input, layer('x', 'ghost')] } };
    expect(() => preflightTopology(dangling, LIMIT)).toThrow(
      'model: layer x takes its input from ghost, which is not a layer of the model',
    );
  });

  it('names an unknown layer class and a nested model', () => {
    expect(() => preflightTopology(sequential({ class_name: 'Lambda', config: { batch_input_shape: [null, 4] } }), LIMIT)).toThrow(
      'model: unknown layer class "Lambda"',
    );
    expect(() => preflightTopology(sequential({ class_name: '__proto__', config: { batch_input_shape: [null, 4] } }), LIMIT)).toThrow(
      'model: unknown layer class "__proto__"',
    );
    expect(() => preflightTopology(sequential({ class_name: 'Sequential', config: { layers: [] } }), LIMIT)).toThrow(/nested Sequential/);
  });
});
