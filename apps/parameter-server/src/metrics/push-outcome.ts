import type { PushReply } from '@tusk/contracts';

export const PUSH_OUTCOMES = ['applied', 'scaled', 'stale_rejected', 'duplicate', 'busy', 'refused', 'failed'] as const;
/** How a push was answered: one label value of `tusk_pushes_total`. */
export type PushOutcome = (typeof PUSH_OUTCOMES)[number];

/**
 * Classifies a reply: `refused` is an error a resend cannot cure (a malformed push, a closed head),
 * `failed` one it can (the worker sends the same push again); `duplicate` and `busy` applied nothing.
 */
export function pushOutcome(reply: PushReply): PushOutcome {
  if (reply.error) return reply.retryable ? 'failed' : 'refused';
  if (reply.busy) return 'busy';
  if (reply.duplicate) return 'duplicate';
  if (!reply.accepted) return 'stale_rejected';
  return reply.scale === 1 ? 'applied' : 'scaled';
}

/** Whether the reply's staleness was measured against the weights (a new push decided now, not a copy or a refusal). */
export const measuredStaleness = (outcome: PushOutcome): boolean =>
  outcome === 'applied' || outcome === 'scaled' || outcome === 'stale_rejected';
