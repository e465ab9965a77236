import { beforeAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels, WASM_TRAINING_KERNELS } from './index.js';

/**
 * Every kernel is checked against the cpu backend on random inputs: the same function runs on 'cpu' and on
 * 'wasm' (with the kernels registered) and all outputs must agree within
 *   |wasm - cpu| <= TOL * max(1, |cpu|)   (TOL = 1e-4: absolute below 1, relative above),
 * since float32 sums over hundreds of terms reach magnitudes where 1e-4 absolute is below rounding noise.
 */
const TOL = 1e-4;

type Fn = () => tf.Tensor[];

function run(backend: string, fn: Fn): Float32Array[] {
  tf.setBackend(backend);
  return tf.tidy(fn).map((t) => {
    const values = Float32Array.from(t.dataSync());
    t.dispose();
    return values;
  });
}

/** Largest |wasm - cpu| / max(1, |cpu|) over all outputs. */
function compare(fn: Fn): number {
  const cpu = run('cpu', fn);
  const wasm = run('wasm', fn);
  expect(wasm.map((v) => v.length)).toEqual(cpu.map((v) => v.length));
  let worst = 0;
  cpu.forEach((c, i) => c.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - wasm[i][j]) / Math.max(1, Math.abs(v))))));
  return worst;
}

/** Seeded values, so both backends see identical inputs. */
const rand = (shape: number[], seed: number): tf.Tensor => tf.randomNormal(shape, 0, 1, 'float32', seed);

/** A fixed random linear functional of y, so every output element gets a distinct upstream gradient. */
const probe = (y: tf.Tensor, seed = 99): tf.Scalar => tf.sum(tf.mul(y, rand(y.shape, seed)));

const PADS = ['same', 'valid'] as const;
const STRIDES = [1, 2] as const;

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  registerWasmTrainingKernels();
  await tf.setBackend('cpu');
});

describe('registerWasmTrainingKernels', () => {
  it('registers every kernel for wasm and is idempotent', () => {
    for (const name of WASM_TRAINING_KERNELS) expect(tf.getKernel(name, 'wasm')).toBeDefined();
    const before = WASM_TRAINING_KERNELS.map((name) => tf.getKernel(name, 'wasm').kernelFunc);
    expect(registerWasmTrainingKernels()).toEqual([]);
    expect(WASM_TRAINING_KERNELS.map((name) => tf.getKernel(name, 'wasm').kernelFunc)).toEqual(before);
  });

  it('does not leak tensors across a training step', () => {
    tf.setBackend('wasm');
    const x = rand([2, 9, 9, 3], 1);
    const f = tf.variable(rand([3, 3, 3, 4], 2));
    const step = () => {
      const { value, grads } = tf.variableGrads(
        () => probe(tf.maxPool(tf.conv2d(x as tf.Tensor4D, f as tf.Variable<tf.Rank.R4>, 2, 'same'), 2, 2, 'valid')),
        [f],
      );
      tf.dispose([value, grads]);
    };
    step();
    const before = tf.memory().numTensors;
    step();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, f]);
  });
});

describe('Conv2DBackpropFilter / Conv2DBackpropInput (Conv2D gradients)', () => {
  for (const stride of STRIDES) {
    for (const pad of PADS) {
      for (const [h, w, k, cin, cout] of [
        [9, 8, 3, 3, 5],
        [10, 11, 2, 1, 4],
        [7, 7, 5, 4, 2],
      ]) {
        it(`stride ${stride}, ${pad}, ${h}x${w}x${cin} -> ${k}x${k}x${cout}`, () => {
          const fn: Fn = () => {
            const x = rand([2, h, w, cin], 1);
            const f = rand([k, k, cin, cout], 2);
            const y = tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, stride, pad);
            const dy = rand(y.shape, 3) as tf.Tensor4D;
            return [
              tf.conv2dTranspose(dy, f as tf.Tensor4D, [2, h, w, cin], stride, pad), // Conv2DBackpropInput
              ...tf.grads((a, b) => probe(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad)))([x, f]),
            ];
          };
          expect(compare(fn)).toBeLessThan(TOL);
        });
      }
    }
  }

  it('NCHW data format', () => {
    const fn: Fn = () => {
      const x = rand([2, 3, 9, 8], 1) as tf.Tensor4D;
      const dy = rand([2, 4, 5, 4], 3) as tf.Tensor4D;
      const f = rand([3, 3, 3, 4], 2) as tf.Tensor4D;
      return [
        tf
          .engine()
          .runKernel(
            'Conv2DBackpropFilter',
            { x, dy },
            { strides: 2, pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 3, 4] },
          ) as tf.Tensor,
        tf
          .engine()
          .runKernel(
            'Conv2DBackpropInput',
            { dy, filter: f },
            { strides: 2, pad: 'same', dataFormat: 'NCHW', inputShape: [2, 3, 9, 8] },
          ) as tf.Tensor,
      ];
    };
    expect(compare(fn)).toBeLessThan(TOL);
  });

  it('explicit padding', () => {
    const pad: tf.backend_util.ExplicitPadding = [
      [0, 0],
      [1, 2],
      [2, 0],
      [0, 0],
    ];
    const fn: Fn = () =>
      tf.grads((a, b) => probe(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, pad)))([rand([2, 8, 7, 3], 1), rand([3, 3, 3, 2], 2)]);
    expect(compare(fn)).toBeLessThan(TOL);
  });
});

describe('DepthwiseConv2dNativeBackpropFilter / ...Input (DepthwiseConv2D gradients)', () => {
  for (const stride of STRIDES) {
    for (const pad of PADS) {
      for (const multiplier of [1, 2]) {
        it(`stride ${stride}, ${pad}, channel multiplier ${multiplier}`, () => {
          const fn: Fn = () =>
            tf.grads((a, b) => probe(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad)))([
              rand([2, 9, 8, 3], 1),
              rand([3, 3, 3, multiplier], 2),
            ]);
          expect(compare(fn)).toBeLessThan(TOL);
        });
      }
    }
  }
});

describe('MaxPoolGrad (wasm 4.22 own kernel is wrong for channels > 1)', () => {
  const cases: Array<[number[], number, number, 'same' | 'valid']> = [
    [[2, 6, 6, 3], 2, 2, 'valid'],
    [[2, 7, 7, 3], 2, 2, 'same'],
    [[2, 7, 6, 4], 3, 2, 'same'],
    [[2, 8, 8, 2], 3, 1, 'valid'],
    [[2, 9, 9, 3], 3, 3, 'valid'],
  ];
  for (const [shape, size, stride, pad] of cases) {
    it(`${shape.join('x')}, pool ${size}, stride ${stride}, ${pad}`, () => {
      const fn: Fn = () => [tf.grad((a) => probe(tf.maxPool(a as tf.Tensor4D, size, stride, pad)))(rand(shape, 1))];
      expect(compare(fn)).toBeLessThan(TOL);
    });
  }

  it('after ReLU (ties at 0 go to the first pixel of the window, as on cpu)', () => {
    const fn: Fn = () => [tf.grad((a) => probe(tf.maxPool(tf.relu(a) as tf.Tensor4D, 2, 2, 'valid')))(rand([2, 6, 6, 3], 1))];
    expect(compare(fn)).toBeLessThan(TOL);
  });
});

describe('UnsortedSegmentSum (gather / Embedding gradient)', () => {
  it('sums duplicate ids and drops out-of-range ids', () => {
    const fn: Fn = () => [tf.unsortedSegmentSum(rand([10, 4], 1), tf.tensor1d([0, 2, 2, 5, -1, 7, 5, 0, 9, 3], 'int32'), 8)];
    expect(compare(fn)).toBeLessThan(TOL);
  });

  it('gather gradient with 2-D indices', () => {
    const fn: Fn = () =>
      tf.grads((e) =>
        probe(
          tf.gather(
            e,
            tf.tensor2d(
              [
                [0, 2, 2],
                [5, 9, 0],
              ],
              [2, 3],
              'int32',
            ),
          ),
        ),
      )([rand([10, 4], 1)]);
    expect(compare(fn)).toBeLessThan(TOL);
  });
});

describe('fast paths of BatchMatMul / Sum / Mean', () => {
  it('matMul with transposeA / transposeB, batched and not', () => {
    const fn: Fn = () => [
      tf.matMul(rand([7, 5], 1), rand([7, 3], 2), true, false),
      tf.matMul(rand([5, 7], 1), rand([3, 7], 2), false, true),
      tf.matMul(rand([7, 5], 1), rand([3, 7], 2), true, true),
      tf.matMul(rand([2, 7, 5], 1), rand([2, 3, 7], 2), true, true),
    ];
    expect(compare(fn)).toBeLessThan(TOL);
  });

  it('sum / mean over leading axes, keepDims and not; other axes fall through', () => {
    const fn: Fn = () => {
      const x = rand([4, 5, 6, 3], 1);
      return [
        tf.sum(x, [0, 1, 2]),
        tf.mean(x, [0, 1]),
        tf.sum(x, [1, 0], true),
        tf.mean(x, 0, true),
        tf.sum(x, [1, 2]),
        tf.sum(x),
        tf.mean(x, -1),
      ];
    };
    expect(compare(fn)).toBeLessThan(TOL);
  });
});

describe('layer gradients through tf.layers (all trainable weights and the input)', () => {
  const layerCases: Array<[string, () => tf.layers.Layer, number[]]> = [
    ['Conv2D 3x3 stride 2 same', () => tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same' }), [2, 9, 9, 3]],
    ['Conv2D 3x3 valid relu', () => tf.layers.conv2d({ filters: 5, kernelSize: 3, activation: 'relu' }), [2, 8, 8, 2]],
    ['DepthwiseConv2D', () => tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same' }), [2, 8, 8, 3]],
    ['SeparableConv2D', () => tf.layers.separableConv2d({ filters: 4, kernelSize: 3, strides: 2 }), [2, 9, 9, 3]],
    ['Conv1D', () => tf.layers.conv1d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same' }), [2, 11, 3]],
    ['Conv2DTranspose', () => tf.layers.conv2dTranspose({ filters: 3, kernelSize: 3, strides: 2, padding: 'same' }), [2, 5, 5, 4]],
    ['MaxPooling2D', () => tf.layers.maxPooling2d({ poolSize: 2 }), [2, 6, 6, 3]],
    ['AveragePooling2D', () => tf.layers.averagePooling2d({ poolSize: 2, padding: 'same' }), [2, 7, 7, 3]],
    ['BatchNormalization', () => tf.layers.batchNormalization(), [4, 5, 5, 3]],
    ['Dense', () => tf.layers.dense({ units: 6, activation: 'relu' }), [5, 7]],
    ['LSTM', () => tf.layers.lstm({ units: 4, returnSequences: true }), [2, 5, 3]],
    ['GRU', () => tf.layers.gru({ units: 4 }), [2, 5, 3]],
  ];
  for (const [name, make, shape] of layerCases) {
    it(name, () => {
      let weights: Float32Array[] | null = null;
      const fn: Fn = () => {
        const input = tf.input({ shape: shape.slice(1) });
        const model = tf.model({ inputs: input, outputs: make().apply(input) as tf.SymbolicTensor });
        // Same initial weights on both backends: copy the first backend's values into the second model.
        if (weights === null) weights = model.getWeights().map((w) => Float32Array.from(w.dataSync()));
        else model.setWeights(model.getWeights().map((w, i) => tf.tensor(weights![i], w.shape)));
        const x = rand(shape, 1);
        const vars = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
        const forward = (a: tf.Tensor) => probe(model.apply(a, { training: true }) as tf.Tensor);
        const dx = tf.grad(forward)(x);
        if (vars.length === 0) return [forward(x), dx];
        const { value, grads } = tf.variableGrads(() => forward(x), vars);
        return [value, dx, ...vars.map((v) => grads[v.name])];
      };
      expect(compare(fn)).toBeLessThan(TOL);
    });
  }

  it('Embedding', () => {
    let table: Float32Array | null = null;
    const fn: Fn = () => {
      const layer = tf.layers.embedding({ inputDim: 10, outputDim: 4 });
      const ids = tf.tensor2d(
        [
          [1, 3, 3, 9],
          [0, 1, 7, 3],
        ],
        [2, 4],
      );
      layer.build(ids.shape);
      if (table === null) table = Float32Array.from(layer.getWeights()[0].dataSync());
      else layer.setWeights([tf.tensor(table, [10, 4])]);
      const v = (layer.trainableWeights[0] as unknown as { val: tf.Variable }).val;
      const { grads } = tf.variableGrads(() => probe(layer.apply(ids) as tf.Tensor), [v]);
      return [grads[v.name]];
    };
    expect(compare(fn)).toBeLessThan(TOL);
  });
});

describe('a small CNN trains on wasm like on cpu', () => {
  it('one SGD step gives the same weights', async () => {
    const build = () => {
      const m = tf.sequential({
        layers: [
          tf.layers.conv2d({
            inputShape: [12, 12, 1],
            filters: 4,
            kernelSize: 3,
            activation: 'relu',
            kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
          }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.conv2d({
            filters: 6,
            kernelSize: 3,
            activation: 'relu',
            kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
          }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
        ],
      });
      m.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
      return m;
    };
    const after: Record<string, Float32Array[]> = {};
    for (const backend of ['cpu', 'wasm']) {
      tf.setBackend(backend);
      const m = build();
      const x = rand([8, 12, 12, 1], 5);
      const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7], 'int32'), 10);
      await m.trainOnBatch(x, y);
      after[backend] = m.getWeights().map((w) => Float32Array.from(w.dataSync()));
      tf.dispose([x, y]);
      m.dispose();
    }
    let worst = 0;
    after.cpu.forEach((c, i) => c.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - after.wasm[i][j]) / Math.max(1, Math.abs(v))))));
    expect(worst).toBeLessThan(TOL);
  });
});
