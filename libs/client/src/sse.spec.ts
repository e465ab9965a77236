import { describe, expect, it } from '@jest/globals';
import { SseParser } from './sse.js';

describe('SseParser', () => {
  it('yields the JSON of each data line once a blank line ends the event', () => {
    const p = new SseParser();
    expect(p.push('data: {"status":"running","round":1}\n')).toEqual([]);
    expect(p.push('\n')).toEqual([{ status: 'running', round: 1 }]);
    expect(p.push('data: {"round":2}\n\ndata: {"round":3}\n\n')).toEqual([{ round: 2 }, { round: 3 }]);
  });

  it('joins lines split across chunks, in the middle of a field or a line ending', () => {
    const p = new SseParser();
    expect(p.push('da')).toEqual([]);
    expect(p.push('ta: {"a"')).toEqual([]);
    expect(p.push(':1}\r')).toEqual([]);
    expect(p.push('\n\r\n')).toEqual([{ a: 1 }]);
  });

  it('accepts \\r\\n and \\r line endings', () => {
    expect(new SseParser().push('data: {"x":1}\r\n\r\ndata: {"x":2}\r\r')).toEqual([{ x: 1 }, { x: 2 }]);
  });

  it('skips comments, event/id/retry fields, and keeps data without the optional space', () => {
    const p = new SseParser();
    expect(p.push(': keep-alive\n\nevent: message\nid: 7\nretry: 1000\ndata:{"ok":true}\n\n')).toEqual([{ ok: true }]);
  });

  it('joins several data lines with a newline and passes non-JSON through as text', () => {
    expect(new SseParser().push('data: [1,\ndata: 2]\n\ndata: hello\n\n')).toEqual([[1, 2], 'hello']);
  });

  it('flushes an event the stream ended without closing', () => {
    const p = new SseParser();
    expect(p.push('data: {"last":true}')).toEqual([]);
    expect(p.end()).toEqual([{ last: true }]);
    expect(p.end()).toEqual([]);
  });
});
