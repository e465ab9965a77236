import type { SweepScheduler } from '@tusk/contracts';
import { SpaceError, type TrialParams } from './search-space.js';

type Json = Record<string, unknown>;

/** `"{{units}}"` anywhere in the model JSON, replaced by the trial's `model.units` value (keeping its type). */
function fillPlaceholders(node: unknown, values: Map<string, unknown>, used: Set<string>): unknown {
  if (typeof node === 'string') {
    const name = /^\{\{([A-Za-z_][A-Za-z0-9_]*)\}\}$/.exec(node)?.[1];
    if (name && values.has(name)) {
      used.add(name);
      return values.get(name);
    }
    return node;
  }
  if (Array.isArray(node)) return node.map((n) => fillPlaceholders(n, values, used));
  if (node && typeof node === 'object')
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, fillPlaceholders(v, values, used)]));
  return node;
}

/** Sets `a.b.c` in `body`, creating objects on the way; a non-object on the way is the key's error. */
function setPath(body: Json, key: string, value: unknown): void {
  const parts = key.split('.');
  let node: Json = body;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (next === undefined) node[part] = {};
    else if (!next || typeof next !== 'object' || Array.isArray(next)) {
      throw new SpaceError(
        `space.${key}`,
        `baseJob's ${part} is ${JSON.stringify(next)}, not an object (write the optimizer as { "className": ..., "config": {} })`,
      );
    }
    node = node[part] as Json;
  }
  node[parts.at(-1)!] = value;
}

/**
 * The `POST /jobs` body of one trial: the base job with the trial's values set, its name numbered, and with
 * ASHA every trial given `maxRounds` rounds (epochs = maxRounds × localEpochs, or ⌈maxRounds / roundsPerEpoch⌉, whose
 * last epoch may add a few rounds).
 */
export function trialBody({
  baseJob,
  params,
  scheduler,
  name,
  index,
}: {
  baseJob: Json;
  params: TrialParams;
  scheduler: SweepScheduler;
  name: string;
  index: number;
}): Json {
  const body = structuredClone(baseJob);
  const placeholders = new Map(
    Object.entries(params)
      .filter(([k]) => k.startsWith('model.'))
      .map(([k, v]) => [k.slice(6), v as unknown]),
  );
  if (placeholders.size > 0) {
    const used = new Set<string>();
    body.model = fillPlaceholders(body.model, placeholders, used);
    const unused = [...placeholders.keys()].find((p) => !used.has(p));
    if (unused) throw new SpaceError(`space.model.${unused}`, `baseJob.model has no "{{${unused}}}" placeholder`);
  }
  for (const [key, value] of Object.entries(params)) if (!key.startsWith('model.')) setPath(body, key, value);
  body.name = `${name} #${index}`;
  if (scheduler.type === 'asha') {
    const training = (body.training ?? {}) as Json;
    const localEpochs = typeof training.localEpochs === 'number' ? training.localEpochs : 1;
    const roundsPerEpoch = typeof training.roundsPerEpoch === 'number' ? training.roundsPerEpoch : 1;
    body.training = { ...training, epochs: Math.ceil((scheduler.maxRounds * localEpochs) / roundsPerEpoch) };
  }
  return body;
}
