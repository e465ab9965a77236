import { freePort } from './free-port.js';
import { PortTakenError } from './port-owner.js';

/**
 * Runs `start` on the given port, else on a free one, and again on another free one when some other
 * process took it between freePort() and the bind (freePort only knows it was free a moment ago).
 */
export async function startOnFreePort<T>({
  port,
  start,
  attempts = 5,
}: {
  port?: number;
  start: (port: number) => Promise<T>;
  attempts?: number;
}): Promise<T> {
  if (port !== undefined) return start(port);
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(await freePort());
    } catch (err) {
      if (!(err instanceof PortTakenError) || attempt >= attempts) throw err;
    }
  }
}
