/**
 * glibc malloc settings for the apps: large buffers (partitions, weights, deltas, the running sum) come from the
 * heap and are reused, instead of being mmapped fresh and unmapped on free. On these VMs touching fresh memory costs
 * about 3 ms per MB in page faults: a 10M-parameter round's sum and blob buffers take ~440 ms fresh and ~42 ms
 * reused (`npm run bench:fresh-memory`). The price: a process keeps its peak heap instead of returning it.
 * deploy/Dockerfile sets the same; a value already in the environment wins.
 */
export const MALLOC_ENV: Readonly<Record<string, string>> = {
  MALLOC_MMAP_THRESHOLD_: String(1024 ** 3),
  MALLOC_TRIM_THRESHOLD_: String(4 * 1024 ** 3),
};
