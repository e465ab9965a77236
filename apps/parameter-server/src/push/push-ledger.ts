import type { AppliedPushes, PushReply } from '@tusk/contracts';

/** Push streams (`pushStreamKey`) to what was applied for them, as stored in the weights head. */
export type PushLedger = Readonly<Record<string, AppliedPushes>>;

/** One answered push, to be recorded in the ledger. */
export interface LedgerAnswer {
  stream: string;
  step: number;
  reply: PushReply;
}

/**
 * What the ledger already answered for step `step` of `stream`, or null when the push is new. A stream's
 * pushes arrive in step order (a worker waits for each reply), so any step up to the last one is a copy.
 */
export function answeredBefore({
  ledger,
  stream,
  step,
  version,
}: {
  ledger: PushLedger | undefined;
  stream: string;
  step: number;
  version: number;
}): PushReply | null {
  const entry = ledger && Object.hasOwn(ledger, stream) ? ledger[stream] : undefined;
  if (!entry || step > entry.step) return null;
  if (step === entry.step) return { ...entry.reply, duplicate: true };
  // An older step: its reply is gone and nobody waits for it any more.
  return { accepted: false, version, staleness: 0, scale: 0, duplicate: true };
}

/**
 * The ledger after `answers` (in the order they were answered); a new object, so the persisted one stays as it was until
 * the write succeeds.
 */
export function recordAnswers(ledger: PushLedger | undefined, answers: readonly LedgerAnswer[]): PushLedger {
  const next: Record<string, AppliedPushes> = { ...ledger };
  for (const { stream, step, reply } of answers) {
    const previous = Object.hasOwn(next, stream) ? next[stream] : undefined;
    if (previous && step <= previous.step)
      throw new Error(`push ledger: step ${step} of stream ${stream} answered after step ${previous.step}`);
    const { accepted, version, staleness, scale } = reply;
    next[stream] = { step, applied: (previous?.applied ?? 0) + (accepted ? 1 : 0), reply: { accepted, version, staleness, scale } };
  }
  return next;
}

/** Pushes that moved the weights, over every stream: equals the version when every push went through the ledger. */
export const appliedTotal = (ledger: PushLedger | undefined): number => Object.values(ledger ?? {}).reduce((sum, e) => sum + e.applied, 0);
