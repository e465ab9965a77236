import * as tf from '@tensorflow/tfjs';
import { ModelSpecError } from './model-spec-error.js';

type Shape = (number | null)[];
type Config = Record<string, unknown>;
interface LayerSpec {
  className: string;
  name: string;
  config: Config;
  inbound: string[];
}

const MAX_LAYERS = 2_000;
const camel = (key: string) => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Keras' snake_case config as tfjs' camelCase (keys and string values but names), as tfjs itself converts it. */
function camelKeys(value: unknown, key = ''): unknown {
  if (typeof value === 'string') return key === 'name' ? value : camel(value);
  if (Array.isArray(value)) return value.map((v) => camelKeys(v, key));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => (k === 'name' ? [k, v] : [camel(k), camelKeys(v, camel(k))])));
}

const size = (dims: readonly (number | null)[]) => dims.reduce<number>((a, b) => a * (b ?? 1), 1);
const last = (shape: Shape) => shape[shape.length - 1] ?? 0;

/** Weights a layer will allocate, from its config and input shape, without building it. */
function layerParams(className: string, outer: Record<string, unknown>, input: Shape): number {
  // Recurrent layers keep their settings on the cell.
  const layer = (outer.cell ?? outer) as Record<string, unknown>;
  const bias = (n: number) => (layer.useBias === false ? 0 : n);
  const channelsIn = outer.dataFormat === 'channelsFirst' ? (input[1] ?? 0) : last(input);
  const kernel = Array.isArray(layer.kernelSize) ? size(layer.kernelSize as number[]) : 1;
  const units = Number(layer.units ?? 0);
  const filters = Number(layer.filters ?? 0);
  const dm = Number(layer.depthMultiplier ?? 1);
  switch (className) {
    case 'Dense':
      return last(input) * units + bias(units);
    case 'Conv1D':
    case 'Conv2D':
    case 'Conv3D':
    case 'Conv2DTranspose':
    case 'Conv3DTranspose':
      return kernel * channelsIn * filters + bias(filters);
    case 'DepthwiseConv2D':
      return kernel * channelsIn * dm + bias(channelsIn * dm);
    case 'SeparableConv1D':
    case 'SeparableConv2D':
      return kernel * channelsIn * dm + channelsIn * dm * filters + bias(filters);
    case 'Embedding':
      return Number(layer.inputDim ?? 0) * Number(layer.outputDim ?? 0);
    case 'SimpleRNN':
      return last(input) * units + units * units + bias(units);
    case 'LSTM':
      return 4 * (last(input) * units + units * units + bias(units));
    case 'GRU':
      return 3 * (last(input) * units + units * units) + bias(3 * units * (layer.resetAfter ? 2 : 1));
    case 'BatchNormalization':
      return 4 * channelsIn;
    case 'LayerNormalization':
      return 2 * last(input);
    default:
      return 0;
  }
}

const NESTED_MODELS = new Set(['Sequential', 'Model', 'Functional']);

/** Params of a layer, looking inside Bidirectional (two copies) and TimeDistributed (per time step). */
function wrappedParams(spec: LayerSpec, layer: Record<string, unknown>, input: Shape): number {
  if (spec.className !== 'Bidirectional' && spec.className !== 'TimeDistributed') return layerParams(spec.className, layer, input);
  const inner = (spec.config.layer ?? {}) as Config;
  const innerSpec: LayerSpec = {
    className: String(inner.class_name),
    name: `${spec.name}/inner`,
    config: (inner.config ?? {}) as Config,
    inbound: [],
  };
  if (NESTED_MODELS.has(innerSpec.className)) throw new ModelSpecError('model', `layer ${spec.name} wraps a nested model`);
  const innerLayer = instantiate(innerSpec);
  if (spec.className === 'Bidirectional') return 2 * wrappedParams(innerSpec, innerLayer, input);
  return wrappedParams(innerSpec, innerLayer, [input[0], ...input.slice(2)]);
}

function layersOf(topology: Config): { functional: boolean; layers: LayerSpec[] } {
  const config = topology.config;
  const raw = Array.isArray(config) ? config : ((config as Config | undefined)?.layers as unknown[] | undefined);
  if (!Array.isArray(raw)) throw new ModelSpecError('model', 'the topology has no layers (expected config.layers)');
  if (raw.length > MAX_LAYERS) throw new ModelSpecError('model', `${raw.length} layers is over the limit of ${MAX_LAYERS}`);
  const functional = topology.class_name !== 'Sequential';
  const layers = raw.map((l, i) => {
    const layer = (l ?? {}) as Config;
    const cfg = (layer.config ?? {}) as Config;
    const name = String(layer.name ?? cfg.name ?? `layer_${i}`);
    const inbound: string[] = [];
    for (const node of (layer.inbound_nodes as unknown[] | undefined) ?? []) {
      for (const edge of Array.isArray(node) ? node : []) if (Array.isArray(edge) && typeof edge[0] === 'string') inbound.push(edge[0]);
    }
    return { className: String(layer.class_name), name, config: cfg, inbound };
  });
  return { functional, layers };
}

/** Orders a functional model's layers so that every layer comes after its inputs; refuses cycles. */
function topologicalOrder(layers: LayerSpec[]): LayerSpec[] {
  const byName = new Map(layers.map((l) => [l.name, l]));
  for (const l of layers) {
    const unknown = l.inbound.find((n) => !byName.has(n));
    if (unknown) throw new ModelSpecError('model', `layer ${l.name} takes its input from ${unknown}, which is not a layer of the model`);
  }
  const ordered: LayerSpec[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  for (const start of layers) {
    const stack: { layer: LayerSpec; next: number }[] = [{ layer: start, next: 0 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top.next === 0) {
        if (state.get(top.layer.name) === 'done') {
          stack.pop();
          continue;
        }
        state.set(top.layer.name, 'visiting');
      }
      if (top.next < top.layer.inbound.length) {
        const dep = byName.get(top.layer.inbound[top.next++])!;
        if (state.get(dep.name) === 'visiting')
          throw new ModelSpecError('model', `layers ${dep.name} and ${top.layer.name} feed each other: the graph has a cycle`);
        if (state.get(dep.name) !== 'done') stack.push({ layer: dep, next: 0 });
      } else {
        state.set(top.layer.name, 'done');
        ordered.push(top.layer);
        stack.pop();
      }
    }
  }
  return ordered;
}

function inputShapeOf(config: Config): Shape | null {
  const c = camelKeys(config) as Config;
  if (Array.isArray(c.batchInputShape)) return c.batchInputShape as Shape;
  if (Array.isArray(c.inputShape)) return [null, ...(c.inputShape as Shape)];
  if (typeof c.inputDim === 'number' && c.inputDim > 0) return [null, c.inputDim];
  return null;
}

/** Instantiates a layer from its config without building it (no weights are allocated). */
function instantiate(spec: LayerSpec): Record<string, unknown> & { computeOutputShape(s: Shape | Shape[]): Shape | Shape[] } {
  const classes = tf.serialization.SerializationMap.getMap().classNameMap;
  const entry = Object.hasOwn(classes, spec.className) ? classes[spec.className] : undefined;
  if (!entry) throw new ModelSpecError('model', `unknown layer class "${spec.className}" (layer ${spec.name})`);
  const [cls, fromConfig] = entry;
  try {
    return fromConfig(cls, camelKeys(spec.config) as tf.serialization.ConfigDict) as never;
  } catch (err) {
    throw new ModelSpecError('model', `layer ${spec.name} (${spec.className}): ${(err as Error).message.split('\n')[0]}`);
  }
}

/**
 * Checks a topology before tfjs builds it, which allocates every weight at once: refuses cycles,
 * unknown inputs and models whose weights would exceed `maxParams`, in microseconds and without memory.
 */
export function preflightTopology(topology: Config, { maxParams }: { maxParams: number }): { params: number } {
  const { functional, layers } = layersOf(topology);
  const ordered = functional ? topologicalOrder(layers) : layers;
  const shapes = new Map<string, Shape>();
  let current: Shape | null = null;
  let params = 0;
  for (const spec of ordered) {
    if (spec.className === 'InputLayer') {
      const shape = inputShapeOf(spec.config);
      if (!shape) throw new ModelSpecError('model', `input layer ${spec.name} has no batch_input_shape`);
      shapes.set(spec.name, shape);
      current = shape;
      continue;
    }
    if (NESTED_MODELS.has(spec.className))
      throw new ModelSpecError('model', `layer ${spec.name} is a nested ${spec.className}; give its layers in the outer model`);
    const inputs = functional ? spec.inbound.map((n) => shapes.get(n)!) : [inputShapeOf(spec.config) ?? current];
    if (inputs.length === 0 || inputs.some((s) => !s))
      throw new ModelSpecError(
        'model',
        `the input shape of layer ${spec.name} is unknown: give the first layer batch_input_shape or input_shape`,
      );
    const layer = instantiate(spec);
    const input = inputs.length === 1 ? inputs[0]! : (inputs as Shape[]);
    params += wrappedParams(spec, layer, inputs[0]!);
    if (!Number.isFinite(params) || params > maxParams)
      throw new ModelSpecError('model', `more than ${maxParams} parameters (TUSK_MAX_PARAMS) by layer ${spec.name}`);
    let output: Shape | Shape[];
    try {
      output = layer.computeOutputShape(input);
    } catch (err) {
      throw new ModelSpecError(
        'model',
        `layer ${spec.name} (${spec.className}) cannot take input of shape ${JSON.stringify(input)}: ` +
          `${(err as Error).message.split('\n')[0]}`,
      );
    }
    current = (Array.isArray(output[0]) ? output[0] : output) as Shape;
    shapes.set(spec.name, current);
  }
  return { params };
}
