import type { MsgHdrs } from '@nats-io/transport-node';
import { ATTEMPT_ID_PATTERN, pushBlobKey, pushStreamKey, PUSH_HEADERS, PUSH_TASK_PATTERN } from '@tusk/contracts';

/** A push no replica could ever apply (malformed headers, a bad delta, an unknown job): answered with an error, never retried. */
export class PushRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PushRefusedError';
  }
}

/** What a push header says: its id (the job is in the subject) and where its delta is. */
export interface PushRequest {
  partition: number;
  attempt: string;
  task: string;
  step: number;
  /** `pushStreamKey` of (partition, task): the ledger's key for every attempt of this task. */
  stream: string;
  baseVersion: number;
  /** Set when the delta waits in the weights bucket; always `pushBlobKey` of the id. */
  deltaKey?: string;
}

const MAX_ATTEMPT_LENGTH = 40;

function wholeNumber(headers: MsgHdrs | undefined, name: string, what: string): number {
  const raw = headers?.get(name) ?? '';
  const value = Number(raw);
  if (!/^\d{1,15}$/.test(raw) || !Number.isSafeInteger(value))
    throw new PushRefusedError(`header ${name} must be ${what}, got ${JSON.stringify(raw.slice(0, 40))}`);
  return value;
}

/** Reads and checks a push's headers; a push without an id is refused, since a retry of it could be applied twice. */
export function parsePushRequest({ jobId, headers }: { jobId: string; headers: MsgHdrs | undefined }): PushRequest {
  const baseVersion = wholeNumber(headers, PUSH_HEADERS.baseVersion, 'a version number');
  const partition = wholeNumber(headers, PUSH_HEADERS.partition, 'a partition number');
  const step = wholeNumber(headers, PUSH_HEADERS.step, 'a step number');
  const attempt = headers?.get(PUSH_HEADERS.attempt) ?? '';
  if (attempt.length > MAX_ATTEMPT_LENGTH || !ATTEMPT_ID_PATTERN.test(attempt))
    throw new PushRefusedError(
      `header ${PUSH_HEADERS.attempt} must be a task attempt id (<seq>-<delivery>), got ${JSON.stringify(attempt.slice(0, 40))}`,
    );
  const task = headers?.get(PUSH_HEADERS.task) ?? '';
  if (!PUSH_TASK_PATTERN.test(task))
    throw new PushRefusedError(`header ${PUSH_HEADERS.task} must be a task id (<round>-<run>), got ${JSON.stringify(task.slice(0, 40))}`);
  const request: PushRequest = { partition, attempt, task, step, stream: pushStreamKey({ partition, task }), baseVersion };
  const deltaKey = headers?.get(PUSH_HEADERS.deltaKey);
  if (deltaKey) {
    // Only the push's own key: the parameter server deletes it afterwards, so it must never name another blob.
    const expected = pushBlobKey({ jobId, partition, attempt, step });
    if (deltaKey !== expected) throw new PushRefusedError(`header ${PUSH_HEADERS.deltaKey} must be ${expected} for this push`);
    request.deltaKey = deltaKey;
  }
  return request;
}
