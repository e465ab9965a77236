import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { routeConsoleTo } from './console-to-logger.js';
import { TuskLogger } from './tusk-logger.js';

describe('routeConsoleTo', () => {
  const saved = { log: console.log, info: console.info, warn: console.warn, error: console.error, debug: console.debug };
  afterEach(() => {
    Object.assign(console, saved);
    jest.restoreAllMocks();
  });

  it('turns console output into JSON records, one line each', () => {
    const lines: string[] = [];
    for (const stream of [process.stdout, process.stderr]) {
      jest
        .spyOn(stream, 'write')
        .mockImplementation((chunk: string | Uint8Array) => lines.push(...String(chunk).split('\n').filter(Boolean)) > 0);
    }
    routeConsoleTo(new TuskLogger({ service: 'worker', format: 'json', level: 'log', instance: 'worker-1' }));
    console.warn('\n====\nHi, looks like you are running TensorFlow.js in Node.js %s\n====', 'cpu');
    console.error('bad', { code: 7 });
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      {
        time: expect.any(String),
        level: 'warn',
        service: 'worker',
        instance: 'worker-1',
        context: 'console',
        message: '====\nHi, looks like you are running TensorFlow.js in Node.js cpu\n====',
      },
      { time: expect.any(String), level: 'error', service: 'worker', instance: 'worker-1', context: 'console', message: 'bad { code: 7 }' },
    ]);
  });
});
