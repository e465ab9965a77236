/** Polls a health URL until it answers 200, or throws after the timeout naming the service. */
export async function waitHealthy({
  url,
  name,
  timeoutMs,
  isAlive,
}: {
  url: string;
  name: string;
  timeoutMs: number;
  isAlive?: () => boolean;
}): Promise<unknown> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (isAlive && !isAlive()) throw new Error(`${name} exited before it became healthy`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return await res.json();
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = String((err as Error).message ?? err);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${name} was not healthy at ${url} within ${timeoutMs} ms (${last})`);
}
