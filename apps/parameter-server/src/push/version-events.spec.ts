import { describe, expect, it } from '@jest/globals';
import { headers } from '@nats-io/transport-node';
import { PUSH_HEADERS, type PushReply } from '@tusk/contracts';
import type { PushRequest } from './push-request.js';
import { versionEventOf, versionPointOf } from './version-events.js';

const request: PushRequest = { partition: 2, attempt: '7-1', task: '0-0', step: 3, stream: '2/0-0', baseVersion: 10 };
const at = new Date('2026-01-01T00:00:00.000Z');
const pushHeaders = (values: Record<string, string>) => {
  const h = headers();
  for (const [name, value] of Object.entries(values)) h.set(name, value);
  return h;
};
const withMetrics = pushHeaders({ [PUSH_HEADERS.workerId]: 'host-42', [PUSH_HEADERS.metrics]: 'loss=0.25,accuracy=0.9,bad=NaN' });
const point = (reply: PushReply, h = withMetrics) => versionPointOf({ request, reply, headers: h, at });

describe('versionPointOf', () => {
  it('records an applied push with its version, worker, staleness and valid metrics', () => {
    expect(point({ accepted: true, version: 12, staleness: 1, scale: 1 })).toEqual({
      version: 12,
      at: '2026-01-01T00:00:00.000Z',
      partition: 2,
      workerId: 'host-42',
      staleness: 1,
      outcome: 'applied',
      metrics: { loss: 0.25, accuracy: 0.9 },
    });
  });

  it('tells scaled and rejected pushes apart', () => {
    expect(point({ accepted: true, version: 12, staleness: 4, scale: 0.2 })?.outcome).toBe('scaled');
    expect(point({ accepted: false, version: 11, staleness: 4, scale: 0 })).toMatchObject({ outcome: 'rejected', version: 11 });
  });

  it('has no point for a duplicate, a busy reply or an error', () => {
    expect(point({ accepted: true, version: 12, staleness: 0, scale: 1, duplicate: true })).toBeNull();
    expect(point({ accepted: false, version: 11, staleness: 0, scale: 0, busy: true })).toBeNull();
    expect(point({ accepted: false, version: -1, staleness: 0, scale: 0, error: 'kv down', retryable: true })).toBeNull();
  });

  it('leaves out a worker id it does not trust and has empty metrics without the header', () => {
    const p = point({ accepted: true, version: 1, staleness: 0, scale: 1 }, pushHeaders({ [PUSH_HEADERS.workerId]: 'x'.repeat(65) }));
    expect(p).not.toHaveProperty('workerId');
    expect(p?.metrics).toEqual({});
  });
});

describe('versionEventOf', () => {
  it('is a running event of round 0 of 1 carrying the point, with progress left to the driver', () => {
    const p = point({ accepted: true, version: 12, staleness: 0, scale: 1 })!;
    expect(versionEventOf({ jobId: 'j1', point: p })).toEqual({
      jobId: 'j1',
      type: 'version',
      status: 'running',
      round: 0,
      totalRounds: 1,
      progress: 0,
      etaSeconds: null,
      point: p,
      at: p.at,
    });
  });
});
