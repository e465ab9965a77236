import { rmSync } from 'node:fs';

const built = new URL('../../dist/scripts/local-services/index.js', import.meta.url);
const SERVICE = /nats-server|s3rver|\/dist\/apps\/|\/dist\/scripts\/launch\.js/;

/**
 * Stops the servers global-setup started and removes the run's data; fails the run if a suite left a
 * service running (it would answer the next suite that gets its port), after killing it.
 */
export default async function globalTeardown() {
  await Promise.all((globalThis.__tuskServices ?? []).map((s) => s.stop()));
  const { descendants } = await import(built.href);
  const leftovers = descendants(process.pid).filter((p) => SERVICE.test(p.cmdline));
  for (const { pid } of leftovers)
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  if (process.env.TUSK_TEST_ROOT) rmSync(process.env.TUSK_TEST_ROOT, { recursive: true, force: true });
  if (leftovers.length > 0)
    throw new Error(
      `processes left running by the suites (now killed):\n${leftovers.map((p) => `  pid ${p.pid}: ${p.cmdline}`).join('\n')}`,
    );
}
