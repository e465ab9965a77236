import { ModelSpecError } from '../model-spec-error.js';
import { isKerasObject, isObject } from './envelope.js';

type Edge = [string, number, number, Record<string, unknown>];

const isTensorRef = (v: unknown): boolean => isKerasObject(v) && v.class_name === '__keras_tensor__';
const holdsTensor = (v: unknown): boolean =>
  isTensorRef(v) || (Array.isArray(v) ? v.some(holdsTensor) : isObject(v) && Object.values(v).some(holdsTensor));

function edgeOf(ref: unknown, kwargs: Record<string, unknown>, path: string, layer: string): Edge {
  const history = isTensorRef(ref) ? (ref as { config?: { keras_history?: unknown } }).config?.keras_history : undefined;
  if (!Array.isArray(history) || typeof history[0] !== 'string' || typeof history[1] !== 'number' || typeof history[2] !== 'number') {
    throw new ModelSpecError(path, `layer ${layer} is called on something other than a layer's output (only Keras tensors are supported)`);
  }
  return [history[0], history[1], history[2], kwargs];
}

/**
 * One call of a layer in Keras 3 form, `{ args: [tensor or [tensors]], kwargs }` with `__keras_tensor__`
 * history entries, as the Keras 2 form tfjs reads: `[[layer, nodeIndex, tensorIndex, kwargs], ...]`.
 */
function keras2Node(node: unknown, path: string, layer: string): unknown {
  if (Array.isArray(node)) return node;
  if (!isObject(node) || !Array.isArray(node.args))
    throw new ModelSpecError(path, `layer ${layer} has an inbound node tfjs-layers cannot read`);
  const kwargs = isObject(node.kwargs) ? node.kwargs : {};
  const tensorKwarg = Object.keys(kwargs).find((k) => holdsTensor(kwargs[k]));
  if (tensorKwarg)
    throw new ModelSpecError(
      `${path}.kwargs.${tensorKwarg}`,
      `layer ${layer} takes a tensor as ${tensorKwarg}; tfjs-layers takes tensors as inputs only`,
    );
  if (node.args.length !== 1)
    throw new ModelSpecError(
      `${path}.args`,
      `layer ${layer} is called with ${node.args.length} positional arguments; tfjs-layers takes one (a tensor or a list of tensors)`,
    );
  const first = node.args[0];
  const refs = Array.isArray(first) ? first : [first];
  return refs.map((ref, i) => edgeOf(ref, kwargs, `${path}.args[0]${Array.isArray(first) ? `[${i}]` : ''}`, layer));
}

export function keras2InboundNodes(nodes: unknown, path: string, layer: string): unknown {
  if (nodes === undefined) return undefined;
  if (!Array.isArray(nodes)) throw new ModelSpecError(path, `layer ${layer}: inbound_nodes must be a list`);
  return nodes.map((n, i) => keras2Node(n, `${path}[${i}]`, layer));
}

/** Keras 3 writes a model's only input or output flat (`["x", 0, 0]`); tfjs expects a list of them. */
export function layerRefList(refs: unknown): unknown {
  return Array.isArray(refs) && typeof refs[0] === 'string' ? [refs] : refs;
}
