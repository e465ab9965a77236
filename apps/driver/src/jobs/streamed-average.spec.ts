import { describe, expect, it } from '@jest/globals';
import type { ResultMessage } from '@tusk/contracts';
import { seededRandom } from '@tusk/data';
import { averageDeltas, decodeFloat16, encodeFloat16, float32ToBytes } from '@tusk/model';
import { streamedAverage, type ArrivingResults } from './streamed-average.js';

interface Stored {
  result: ResultMessage;
  bytes: Uint8Array;
  delta: Float32Array;
}

/** P results with uneven samples and their stored deltas, every third one float16-encoded, listed out of order. */
function round({ partitions, length, seed }: { partitions: number; length: number; seed: number }): Stored[] {
  const random = seededRandom(seed);
  const stored = Array.from({ length: partitions }, (_, partition): Stored => {
    const raw = Float32Array.from({ length }, () => (random() - 0.5) * 10 ** Math.floor(random() * 6 - 4));
    const float16 = partition % 3 === 2;
    const bytes = float16 ? encodeFloat16(raw) : float32ToBytes(raw);
    const result = {
      jobId: 'j1',
      kind: 'train',
      round: 0,
      partition,
      workerId: 'w',
      attempt: `${partition + 1}-1`,
      backend: 'cpu',
      ok: true,
      samples: 1 + Math.floor(random() * 3000),
      deltaKey: `d.j1.0.${partition}`,
      deltaEncoding: float16 ? 'float16' : 'float32',
      metrics: {},
      seconds: 1,
    } satisfies ResultMessage;
    return { result, bytes, delta: float16 ? decodeFloat16(bytes) : raw };
  });
  return [...stored].reverse();
}

/** A KV stand-in that answers after a random few ms and counts the gets in flight at once. */
function slowStore(stored: Stored[], seed: number) {
  const random = seededRandom(seed);
  const byKey = new Map(stored.map((s) => [s.result.deltaKey!, s.bytes]));
  const counts = { inFlight: 0, maxInFlight: 0, gets: 0 };
  const get = async (key: string): Promise<Uint8Array> => {
    counts.gets++;
    counts.maxInFlight = Math.max(counts.maxInFlight, ++counts.inFlight);
    await new Promise((r) => setTimeout(r, Math.floor(random() * 4)));
    counts.inFlight--;
    const bytes = byKey.get(key);
    if (!bytes) throw new Error(`no ${key}`);
    return bytes;
  };
  return { get, counts };
}

describe('streamedAverage', () => {
  it('gives the bits averageDeltas gives on every delta in partition order, counting the bytes received', async () => {
    const stored = round({ partitions: 11, length: 1537, seed: 5 });
    const { get } = slowStore(stored, 1);
    let received = 0;
    const { mean } = await streamedAverage({
      results: stored.map((s) => s.result),
      round: 0,
      fetchAhead: 3,
      get,
      onFetched: (bytes) => (received += bytes),
    });
    const inOrder = [...stored].sort((a, b) => a.result.partition - b.result.partition);
    const expected = averageDeltas(inOrder.map((s) => ({ delta: s.delta, samples: s.result.samples })));
    expect(Buffer.from(float32ToBytes(mean)).equals(Buffer.from(float32ToBytes(expected)))).toBe(true);
    expect(received).toBe(stored.reduce((n, s) => n + s.bytes.byteLength, 0));
  });

  it.each([2, 16, 64])('holds at most fetchAhead deltas at once with %i partitions', async (partitions) => {
    const stored = round({ partitions, length: 64, seed: partitions });
    const { get, counts } = slowStore(stored, partitions);
    const { peakHeld } = await streamedAverage({ results: stored.map((s) => s.result), round: 0, fetchAhead: 4, get });
    expect(counts.gets).toBe(partitions);
    expect(peakHeld).toBe(Math.min(4, partitions));
    expect(counts.maxInFlight).toBeLessThanOrEqual(4);
    // The fetches do overlap: the window is used, not just allowed.
    expect(counts.maxInFlight).toBeGreaterThan(1);
  });

  it('fails on a NaN delta naming its partition, with later fetches still in flight or failing', async () => {
    const stored = round({ partitions: 6, length: 32, seed: 9 });
    const poisoned = stored.find((s) => s.result.partition === 1)!;
    poisoned.result.deltaEncoding = 'float32';
    poisoned.bytes = float32ToBytes(Float32Array.from({ length: 32 }, (_, i) => (i === 7 ? NaN : 0)));
    stored.find((s) => s.result.partition === 2)!.result.deltaKey = 'd.j1.0.gone';
    const { get, counts } = slowStore(stored, 2);
    await expect(streamedAverage({ results: stored.map((s) => s.result), round: 4, fetchAhead: 3, get })).rejects.toThrow(
      'partition 1 sent a delta with NaN or Inf in round 4',
    );
    expect(counts.gets).toBeLessThan(6);
    await new Promise((r) => setTimeout(r, 10));
  });

  it('fetches the first deltas while later results are still coming in, and gives the same bits', async () => {
    const stored = round({ partitions: 5, length: 257, seed: 11 });
    const inOrder = [...stored].sort((a, b) => a.result.partition - b.result.partition);
    const { get, counts } = slowStore(stored, 4);
    const fromList = await streamedAverage({ results: stored.map((s) => s.result), round: 0, fetchAhead: 2, get });
    counts.gets = 0;
    let releaseLast!: () => void;
    const lastIn = new Promise<void>((resolve) => (releaseLast = resolve));
    const results: ArrivingResults = {
      count: inOrder.length,
      // Every result is in at once but the last partition's, which waits for the test to release it.
      of: async (p) => {
        if (p === inOrder.length - 1) await lastIn;
        return inOrder[p].result;
      },
    };
    const averaging = streamedAverage({ results, round: 0, fetchAhead: 2, get });
    await new Promise((r) => setTimeout(r, 20));
    // The window's two deltas are fetched before the straggler's result arrives; nothing is folded or fetched beyond it.
    expect(counts.gets).toBe(2);
    releaseLast();
    const { mean } = await averaging;
    expect(counts.gets).toBe(5);
    expect(Buffer.from(float32ToBytes(mean)).equals(Buffer.from(float32ToBytes(fromList.mean)))).toBe(true);
  });

  it('fails before fetching anything when a result carries no delta', async () => {
    const stored = round({ partitions: 3, length: 8, seed: 3 });
    delete stored[0].result.deltaKey;
    const { get, counts } = slowStore(stored, 3);
    await expect(streamedAverage({ results: stored.map((s) => s.result), round: 2, fetchAhead: 2, get })).rejects.toThrow(
      `partition ${stored[0].result.partition} sent no delta in round 2`,
    );
    expect(counts.gets).toBe(0);
  });
});
