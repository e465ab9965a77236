import { describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { PartitionCache } from './partition-cache.js';
import type { PartitionTensors } from './partition-tensors.js';

const part = (bytes: number): PartitionTensors => ({ x: tf.zeros([2, 2]), y: tf.zeros([2]), rows: 2, bytes });

describe('PartitionCache (lru-cache with a byte budget)', () => {
  it('evicts the least recently used partitions past the budget and disposes their tensors', async () => {
    const cache = new PartitionCache(100);
    const loads: string[] = [];
    const get = (key: string, bytes = 40) => cache.getOrLoad({ key, label: `ds/${key}`, load: async () => (loads.push(key), part(bytes)) });
    const a = await get('a');
    const b = await get('b');
    expect((await get('a')).x).toBe(a.x); // a is now more recent than b
    const c = await get('c');
    expect(cache.labels()).toEqual(['ds/a', 'ds/c']);
    expect(b.x.isDisposed && b.y.isDisposed).toBe(true);
    expect(a.x.isDisposed || c.x.isDisposed).toBe(false);
    expect(loads).toEqual(['a', 'b', 'c']);
    cache.clear();
    expect(a.x.isDisposed && c.y.isDisposed).toBe(true);
    expect(cache.labels()).toEqual([]);
  });

  it('keeps a partition bigger than the whole budget, alone', async () => {
    const cache = new PartitionCache(100);
    const small = await cache.getOrLoad({ key: 's', label: 'ds/s', load: async () => part(10) });
    const big = await cache.getOrLoad({ key: 'b', label: 'ds/b', load: async () => part(1000) });
    expect(cache.labels()).toEqual(['ds/b']);
    expect(small.x.isDisposed).toBe(true);
    expect(big.x.isDisposed).toBe(false);
    expect((await cache.getOrLoad({ key: 'b', label: 'ds/b', load: async () => part(1000) })).x).toBe(big.x);
    cache.clear();
  });

  it('serves two concurrent loads of one key the same tensors and disposes the extra copy', async () => {
    const cache = new PartitionCache(100);
    const made: PartitionTensors[] = [];
    const load = async () => {
      await new Promise((r) => setTimeout(r, 5));
      const p = part(10);
      made.push(p);
      return p;
    };
    const [first, second] = await Promise.all([
      cache.getOrLoad({ key: 'k', label: 'ds/k', load }),
      cache.getOrLoad({ key: 'k', label: 'ds/k', load }),
    ]);
    expect(second.x).toBe(first.x);
    expect(made).toHaveLength(2);
    expect(made.filter((p) => p.x.isDisposed)).toHaveLength(1);
    expect(first.x.isDisposed).toBe(false);
    cache.clear();
  });
});
