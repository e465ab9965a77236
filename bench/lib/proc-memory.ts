import { readFileSync, writeFileSync } from 'node:fs';

/** A `Vm*:` figure (kB) of /proc/<pid>/status in MB (1e6 bytes); NaN when unreadable. */
export function procStatusMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? (Number(m[1]) * 1024) / 1e6 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** Resets the process's peak RSS (VmHWM) to its current RSS (`echo 5 > clear_refs`); false when not allowed. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/**
 * Samples VmRSS every intervalMs until stopped; returns the highest sample, the kernel's VmHWM when stopped and
 * the highest sample of each `windowMs` window (a coarse timeline, to see which phase peaks).
 */
export function rssSampler(
  pid: number,
  intervalMs = 20,
  windowMs = 5_000,
): () => { peakSampledMb: number; hwmMb: number; timeline: number[] } {
  const start = Date.now();
  const timeline: number[] = [];
  let peak = procStatusMb(pid, 'VmRSS');
  const timer = setInterval(() => {
    const now = procStatusMb(pid, 'VmRSS');
    const w = Math.floor((Date.now() - start) / windowMs);
    if (!(timeline[w] >= now)) timeline[w] = now;
    if (now > peak) peak = now;
  }, intervalMs);
  return () => {
    clearInterval(timer);
    return {
      peakSampledMb: Math.max(peak, procStatusMb(pid, 'VmRSS')),
      hwmMb: procStatusMb(pid, 'VmHWM'),
      timeline: Array.from(timeline, (v) => v ?? Number.NaN),
    };
  };
}
