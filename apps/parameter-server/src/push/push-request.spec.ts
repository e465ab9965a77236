import { describe, expect, it } from '@jest/globals';
import { headers } from '@nats-io/transport-node';
import { pushBlobKey, PUSH_HEADERS } from '@tusk/contracts';
import { parsePushRequest } from './push-request.js';

const pushHeaders = (values: Partial<Record<keyof typeof PUSH_HEADERS, string>>) => {
  const h = headers();
  for (const [name, value] of Object.entries({
    baseVersion: '3',
    workerId: 'w',
    partition: '1',
    attempt: '17-2',
    task: '0-1',
    step: '4',
    ...values,
  })) {
    if (value !== '') h.set(PUSH_HEADERS[name as keyof typeof PUSH_HEADERS], value);
  }
  return h;
};

describe('parsePushRequest', () => {
  it('reads the push id, its stream and the base version', () => {
    expect(parsePushRequest({ jobId: 'j1', headers: pushHeaders({}) })).toEqual({
      partition: 1,
      attempt: '17-2',
      task: '0-1',
      step: 4,
      stream: '1/0-1',
      baseVersion: 3,
    });
  });

  it('refuses a push without an id, naming the header', () => {
    expect(() => parsePushRequest({ jobId: 'j1', headers: pushHeaders({ partition: '' }) })).toThrow(
      'header Tusk-Partition must be a partition number, got ""',
    );
    expect(() => parsePushRequest({ jobId: 'j1', headers: pushHeaders({ step: '-1' }) })).toThrow(
      'header Tusk-Step must be a step number, got "-1"',
    );
    expect(() => parsePushRequest({ jobId: 'j1', headers: pushHeaders({ attempt: 'x/y' }) })).toThrow(
      'header Tusk-Attempt must be a task attempt id (<seq>-<delivery>), got "x/y"',
    );
    expect(() => parsePushRequest({ jobId: 'j1', headers: pushHeaders({ task: '' }) })).toThrow(
      'header Tusk-Task must be a task id (<round>-<run>), got ""',
    );
    expect(() => parsePushRequest({ jobId: 'j1', headers: undefined })).toThrow(
      'header Tusk-Base-Version must be a version number, got ""',
    );
  });

  it("accepts only the push's own blob key, so a push can never make the parameter server delete another blob", () => {
    const own = pushBlobKey({ jobId: 'j1', partition: 1, attempt: '17-2', step: 4 });
    expect(parsePushRequest({ jobId: 'j1', headers: pushHeaders({ deltaKey: own }) }).deltaKey).toBe(own);
    expect(() => parsePushRequest({ jobId: 'j1', headers: pushHeaders({ deltaKey: 'w.j2.0' }) })).toThrow(
      `header Tusk-Delta-Key must be ${own} for this push`,
    );
  });
});
