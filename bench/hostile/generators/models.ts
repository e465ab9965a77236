import { jsonWithRaw, mutate, nestedArrays, nestedObjects } from '../bodies.js';
import type { HostileRequest } from '../http.js';
import { baseJob, dense, jobReq, PROTO_NAMES, seq, short, withModel, type Generator } from './common.js';

// ---------------------------------------------------------------- POST /jobs: models

const LAYER_CLASSES = [
  'Foo',
  'dense',
  'Lambda',
  'TFOpLambda',
  'Function',
  'eval',
  'require',
  'process',
  'Dense\u0000',
  '../Dense',
  '',
  ...PROTO_NAMES,
];

export const jobModels: Generator = {
  name: 'jobs.models',
  make: (ctx) => {
    const out: HostileRequest[] = [];
    const add = (label: string, model: unknown, job = baseJob(ctx)) =>
      out.push(jobReq('jobs.models', label, mutate(job, ['model'], model)));
    for (const cls of LAYER_CLASSES) {
      add(`unknown layer ${short(cls)}`, seq([{ class_name: cls, config: { units: 3, batch_input_shape: [null, 4] } }]));
      add(
        `unknown layer ${short(cls)} in the middle`,
        seq([dense(8, { batch_input_shape: [null, 4] }), { class_name: cls, config: {} }, dense(3, { activation: 'softmax' })]),
      );
    }
    for (const cls of ['Sequential2', 'Model', 'Functional', 'Graph', '', null, 5, ...PROTO_NAMES]) {
      add(`model class_name ${short(cls)}`, { class_name: cls, config: { layers: [dense(3, { batch_input_shape: [null, 4] })] } });
    }
    const shapes: [string, unknown[]][] = [
      ['model {}', [{}]],
      ['no config', [{ class_name: 'Sequential' }]],
      ['config null', [{ class_name: 'Sequential', config: null }]],
      ['layers null', [seq(null as unknown as unknown[])]],
      ['layers "abc"', [seq('abc' as unknown as unknown[])]],
      ['layers []', [seq([])]],
      ['layers [null]', [seq([null])]],
      ['layers [5]', [seq([5])]],
      ['layers [{}]', [seq([{}])]],
      ['layers [[]]', [seq([[]])]],
      ['modelTopology {}', [{ modelTopology: {} }]],
      ['modelTopology "x"', [{ modelTopology: 'x' }]],
      ['modelTopology empty Sequential', [{ modelTopology: seq([]) }]],
      ['Dense without units', [seq([{ class_name: 'Dense', config: { batch_input_shape: [null, 4] } }])]],
      ['activation eval', [seq([dense(3, { batch_input_shape: [null, 4], activation: 'eval' })])]],
      ['activation constructor', [seq([dense(3, { batch_input_shape: [null, 4], activation: 'constructor' })])]],
      ['activation __proto__', [seq([dense(3, { batch_input_shape: [null, 4], activation: '__proto__' })])]],
      [
        'kernel_initializer Foo',
        [seq([dense(3, { batch_input_shape: [null, 4], activation: 'softmax', kernel_initializer: { class_name: 'Foo', config: {} } })])],
      ],
      [
        'kernel_initializer constructor',
        [
          seq([
            dense(3, {
              batch_input_shape: [null, 4],
              activation: 'softmax',
              kernel_initializer: { class_name: 'constructor', config: {} },
            }),
          ]),
        ],
      ],
      [
        'kernel_regularizer Foo',
        [seq([dense(3, { batch_input_shape: [null, 4], activation: 'softmax', kernel_regularizer: { class_name: 'Foo', config: {} } })])],
      ],
      ['dtype "string"', [seq([dense(3, { batch_input_shape: [null, 4], activation: 'softmax', dtype: 'string' })])]],
      [
        'two inputs (Functional)',
        [
          {
            class_name: 'Functional',
            config: {
              name: 'two',
              layers: [
                { class_name: 'InputLayer', name: 'a', config: { batch_input_shape: [null, 2], name: 'a' }, inbound_nodes: [] },
                { class_name: 'InputLayer', name: 'b', config: { batch_input_shape: [null, 2], name: 'b' }, inbound_nodes: [] },
                {
                  class_name: 'Concatenate',
                  name: 'c',
                  config: { name: 'c' },
                  inbound_nodes: [
                    [
                      ['a', 0, 0, {}],
                      ['b', 0, 0, {}],
                    ],
                  ],
                },
                {
                  class_name: 'Dense',
                  name: 'o',
                  config: { name: 'o', units: 3, activation: 'softmax' },
                  inbound_nodes: [[['c', 0, 0, {}]]],
                },
              ],
              input_layers: [
                ['a', 0, 0],
                ['b', 0, 0],
              ],
              output_layers: [['o', 0, 0]],
            },
          },
        ],
      ],
    ];
    for (const [label, [model]] of shapes) add(label, model);
    // Input shape against the features (4 floats per row).
    for (const shape of [[5], [3], [0], [-1], [null], ['4'], [4.5], [], [4, 0], [2, 3], [1, 1, 1, 1, 5], 'abc', null]) {
      add(
        `input shape ${short(shape)}`,
        seq([
          dense(3, { batch_input_shape: shape === null || typeof shape === 'string' ? shape : [null, ...shape], activation: 'softmax' }),
        ]),
      );
    }
    // Output units against the labels (int classes 0..2).
    for (const units of [2, 1, 0, -1, 1.5, '3', null, [3], 1e308]) {
      add(`output units ${short(units)}`, seq([dense(8, { batch_input_shape: [null, 4] }), dense(units, { activation: 'softmax' })]));
    }
    // Labels of the wrong kind for the loss.
    for (const [loss, units] of [
      ['meanSquaredError', 3],
      ['binaryCrossentropy', 3],
      ['hinge', 2],
      ['poisson', 3],
      ['categoricalHinge', 2],
      ['sparseCategoricalCrossentropy', 2],
      ['cosineProximity', 3],
      ['logcosh', 2],
    ] as const) {
      const job = mutate(baseJob(ctx), ['compile', 'loss'], loss);
      add(
        `loss ${loss} with ${units} output units`,
        seq([dense(8, { batch_input_shape: [null, 4] }), dense(units, { activation: 'softmax' })]),
        job as Record<string, unknown>,
      );
    }
    return out;
  },
};

/** Models far over TUSK_MAX_PARAMS, or absurdly deep: each must be refused fast, without allocating. */
export const jobHeavyModels: Generator = {
  name: 'jobs.heavy-models',
  serial: true,
  make: (ctx) => {
    const big: [string, unknown][] = [
      ['Dense 100000 on input 100000 (1e10 params)', seq([dense(100_000, { batch_input_shape: [null, 100_000] }), dense(3)])],
      [
        'Dense 100000 -> Dense 100000 on input 4 (1e10 params)',
        seq([dense(100_000, { batch_input_shape: [null, 4] }), dense(100_000), dense(3)]),
      ],
      ['Dense 2**31 on input 4', seq([dense(2 ** 31, { batch_input_shape: [null, 4] }), dense(3)])],
      // Sizes V8 can allocate (below 2**32 elements) but far over TUSK_MAX_PARAMS (5e7). Kept at a few GB:
      // a 3e9-parameter variant made the driver fill a 12 GB array (killed at 8 GB RSS while probing).
      ['Dense 3 on input 2e8 (6e8 params, 2.4 GB)', seq([dense(3, { batch_input_shape: [null, 2e8] })])],
      [
        'Embedding 1e9 x 100',
        seq([
          { class_name: 'Embedding', config: { input_dim: 1e9, output_dim: 100, batch_input_shape: [null, 4] } },
          { class_name: 'Flatten', config: {} },
          dense(3),
        ]),
      ],
      [
        'Conv2D 100000 filters on [1000,1000,100]',
        seq([
          { class_name: 'Conv2D', config: { filters: 100_000, kernel_size: [3, 3], batch_input_shape: [null, 1000, 1000, 100] } },
          { class_name: 'Flatten', config: {} },
          dense(3),
        ]),
      ],
      ['LSTM 100000 units', seq([{ class_name: 'LSTM', config: { units: 100_000, batch_input_shape: [null, 2, 2] } }, dense(3)])],
      ['Dense 20000 on input 20000 (4e8 params, 1.6 GB)', seq([dense(20_000, { batch_input_shape: [null, 20_000] }), dense(3)])],
      ['Dense 20000 -> 20000 on input 4 (4e8 params)', seq([dense(20_000, { batch_input_shape: [null, 4] }), dense(20_000), dense(3)])],
      [
        'Dense 8000 -> 8000 on input 4 (6.4e7 params, just over the limit)',
        seq([dense(8000, { batch_input_shape: [null, 4] }), dense(8000), dense(3)]),
      ],
    ];
    const out: HostileRequest[] = big.map(([label, model]) => jobReq('jobs.heavy-models', label, withModel(ctx, model)));
    // Layers nested absurdly (every variant ends in 2 units, fewer than the 3 classes).
    let nestedSeq: unknown = dense(2, { batch_input_shape: [null, 4], activation: 'softmax' });
    for (let i = 0; i < 1000; i++) nestedSeq = seq([nestedSeq]);
    out.push(jobReq('jobs.heavy-models', 'Sequential nested 1000 deep', withModel(ctx, nestedSeq)));
    let td: unknown = dense(2, { activation: 'softmax' });
    for (let i = 0; i < 2000; i++) td = { class_name: 'TimeDistributed', config: { layer: td } };
    out.push(
      jobReq(
        'jobs.heavy-models',
        'TimeDistributed nested 2000 deep',
        withModel(ctx, seq([{ ...(td as object), config: { ...(td as { config: object }).config, batch_input_shape: [null, 2, 2] } }])),
      ),
    );
    let bi: unknown = { class_name: 'LSTM', config: { units: 2 } };
    for (let i = 0; i < 500; i++) bi = { class_name: 'Bidirectional', config: { layer: bi } };
    out.push(
      jobReq(
        'jobs.heavy-models',
        'Bidirectional nested 500 deep',
        withModel(ctx, seq([{ ...(bi as object), config: { ...(bi as { config: object }).config, batch_input_shape: [null, 2, 2] } }])),
      ),
    );
    const chain = [
      dense(1, { batch_input_shape: [null, 4] }),
      ...Array.from({ length: 9_998 }, () => dense(1)),
      dense(2, { activation: 'softmax' }),
    ];
    out.push(jobReq('jobs.heavy-models', '10000 Dense(1) layers in a chain', withModel(ctx, seq(chain))));
    out.push(
      jobReq(
        'jobs.heavy-models',
        'model nested 10000 levels (plain objects)',
        jsonWithRaw(withModel(ctx, '@@N@@'), { '@@N@@': nestedObjects(10_000) }),
      ),
    );
    out.push(
      jobReq(
        'jobs.heavy-models',
        'model nested 100000 levels (plain objects)',
        jsonWithRaw(withModel(ctx, '@@N@@'), { '@@N@@': nestedObjects(100_000) }),
      ),
    );
    out.push(
      jobReq(
        'jobs.heavy-models',
        'model.config.layers nested 10000 levels of arrays',
        jsonWithRaw(withModel(ctx, { class_name: 'Sequential', config: { layers: '@@N@@' } }), { '@@N@@': nestedArrays(10_000) }),
      ),
    );
    return out;
  },
};

/**
 * A Functional model whose two layers feed each other. Found to hang the driver for good (tfjs'
 * deserialisation never returns), so it runs last: everything before it is measured on a live driver.
 */
export const jobCycle: Generator = {
  name: 'jobs.cyclic-model',
  serial: true,
  fatal: true,
  make: (ctx) => [
    jobReq(
      'jobs.cyclic-model',
      'Functional model with a cycle (x <- y <- x)',
      withModel(ctx, {
        class_name: 'Functional',
        config: {
          name: 'cyc',
          layers: [
            { class_name: 'Dense', name: 'x', config: { name: 'x', units: 4 }, inbound_nodes: [[['y', 0, 0, {}]]] },
            { class_name: 'Dense', name: 'y', config: { name: 'y', units: 4 }, inbound_nodes: [[['x', 0, 0, {}]]] },
          ],
          input_layers: [['x', 0, 0]],
          output_layers: [['y', 0, 0]],
        },
      }),
    ),
  ],
};
