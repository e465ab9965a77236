import type { AsyncSpec } from '@tusk/contracts';

export interface StaleDecision {
  stale: boolean;
  accept: boolean;
  scale: number;
}

/**
 * Bounded staleness: a delta computed `staleness` versions ago is fine within `maxStaleness`;
 * beyond it, it is rejected (the worker pulls and retries) or applied scaled by 1/(1 + staleness).
 */
export function decideStaleness(staleness: number, spec: Pick<AsyncSpec, 'maxStaleness' | 'stalePolicy'>): StaleDecision {
  if (spec.maxStaleness === null || staleness <= spec.maxStaleness) return { stale: false, accept: true, scale: 1 };
  if (spec.stalePolicy === 'reject') return { stale: true, accept: false, scale: 0 };
  return { stale: true, accept: true, scale: 1 / (1 + staleness) };
}
