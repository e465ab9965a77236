import type { ResultMessage } from '@tusk/contracts';
import { bytesToFloat32, decodeFloat16, DeltaSum } from '@tusk/model';

export interface StreamedAverage {
  /** The sample-weighted mean of the deltas: the bits `averageDeltas` gives on all of them in partition order. */
  mean: Float32Array;
  /** The most deltas fetched or being fetched but not yet folded at any one time (never above `fetchAhead`). */
  peakHeld: number;
}

/** A round's results while they come in: partition p's result once the collector has accepted it. */
export interface ArrivingResults {
  count: number;
  of(partition: number): Promise<ResultMessage>;
}

/** The key a result stored its delta under; a result without one fails the round naming its partition. */
function deltaKeyOf(result: ResultMessage, round: number): string {
  if (!result.deltaKey) throw new Error(`partition ${result.partition} sent no delta in round ${round}`);
  return result.deltaKey;
}

/** Results already in, as arrivals in partition order, every one checked before any fetch starts. */
function arrived(results: readonly ResultMessage[], round: number): ArrivingResults {
  const ordered = [...results].sort((a, b) => a.partition - b.partition);
  ordered.forEach((r) => deltaKeyOf(r, round));
  return { count: ordered.length, of: (i) => Promise.resolve(ordered[i]) };
}

/**
 * FedAvg of a round's deltas without holding them all: at most `fetchAhead` are fetched or waiting at once, and
 * each is folded into a running sum in partition order, so the driver's memory is the sum plus `fetchAhead` deltas
 * whatever the number of partitions. Given results still arriving, the first `fetchAhead` deltas are fetched as
 * their results come in, while slower partitions still train; folding starts once every result is in (each
 * weight is samples / total). A missing or NaN/Inf delta fails the round naming its partition.
 */
export async function streamedAverage({
  results,
  round,
  fetchAhead,
  get,
  onFetched,
}: {
  results: readonly ResultMessage[] | ArrivingResults;
  round: number;
  fetchAhead: number;
  get: (key: string) => Promise<Uint8Array>;
  /** Told each delta's size as it arrives (the driver's delta-bytes metric). */
  onFetched?: (bytes: number) => void;
}): Promise<StreamedAverage> {
  const incoming = 'of' in results ? results : arrived(results, round);
  // Deleted once folded: a settled promise kept here would keep its delta alive to the end of the round.
  const pending = new Map<number, Promise<Uint8Array>>();
  let held = 0;
  let peakHeld = 0;
  const fetch = (i: number) => {
    held++;
    peakHeld = Math.max(peakHeld, held);
    const bytes = incoming.of(i).then(async (result) => {
      const b = await get(deltaKeyOf(result, round));
      onFetched?.(b.byteLength);
      return b;
    });
    // A fetch still in flight when an earlier partition fails the round must not become an unhandled rejection.
    bytes.catch(() => undefined);
    pending.set(i, bytes);
  };
  for (let i = 0; i < Math.min(fetchAhead, incoming.count); i++) fetch(i);
  const ordered = await Promise.all(Array.from({ length: incoming.count }, (_, i) => incoming.of(i)));
  ordered.forEach((r) => deltaKeyOf(r, round));
  const sum = new DeltaSum(ordered.reduce((n, r) => n + r.samples, 0));
  for (let i = 0; i < ordered.length; i++) {
    const { partition, samples, deltaEncoding } = ordered[i];
    const bytes = await pending.get(i)!;
    pending.delete(i);
    const delta = deltaEncoding === 'float16' ? decodeFloat16(bytes) : bytesToFloat32(bytes);
    if (!sum.add({ delta, samples })) throw new Error(`partition ${partition} sent a delta with NaN or Inf in round ${round}`);
    held--;
    if (i + fetchAhead < ordered.length) fetch(i + fetchAhead);
  }
  return { mean: sum.mean(), peakHeld };
}
