import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

const COLORS = [36, 33, 35, 32, 34, 31, 96, 93, 95, 92];
// One color per service name, so a restarted service keeps its color.
const colorOf = new Map<string, number>();

/** Copies a child's output line by line, each line prefixed with the service name. */
export function prefixLogs({
  name,
  streams,
  sink = process.stdout,
}: {
  name: string;
  streams: (Readable | null)[];
  sink?: NodeJS.WritableStream;
}): void {
  if (!colorOf.has(name)) colorOf.set(name, COLORS[colorOf.size % COLORS.length]);
  const useColor = 'isTTY' in sink && Boolean((sink as { isTTY?: boolean }).isTTY);
  const prefix = useColor ? `\u001b[${colorOf.get(name)}m${name.padEnd(16)}\u001b[0m| ` : `${name.padEnd(16)}| `;
  for (const stream of streams) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => sink.write(`${prefix}${line}\n`));
  }
}
