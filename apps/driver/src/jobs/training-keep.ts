import type { ResultMessage } from '@tusk/contracts';

/** The validation after round r evaluates weights version r + 1 under this evaluation id. */
export const validationId = (version: number): string => `val-${version}`;

/**
 * Which results the training loop still needs once `round` rounds are done: its training rounds from
 * `round` on and the validations of later versions. Anything else is late or someone else's.
 */
export function neededForTraining(result: ResultMessage, round: number): boolean {
  if (result.kind === 'train') return result.round >= round;
  const version = /^val-(\d+)$/.exec(result.evaluationId ?? '');
  return version !== null && Number(version[1]) > round;
}
