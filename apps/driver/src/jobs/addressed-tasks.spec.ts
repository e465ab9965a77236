import { describe, expect, it } from '@jest/globals';
import type { TaskMessage } from '@tusk/contracts';
import { AddressedTasks } from './addressed-tasks.js';

const task = (partition: number) => ({ jobId: 'j', kind: 'train', round: 2, partition }) as TaskMessage;

describe('AddressedTasks', () => {
  it('gives a task back once its wait is over or its worker is gone, and says when the next one is due', () => {
    const book = new AddressedTasks(3000);
    book.remember(task(0), { workerId: 'w1', seq: 7, at: 1_000 });
    book.remember(task(1), { workerId: 'w2', seq: 8, at: 2_000 });
    const all = [task(0), task(1), task(2)];
    expect(book.overdue(all, { now: 3_999 })).toEqual([]);
    expect(book.msUntilDue(all, 3_999)).toBe(1);
    expect(book.overdue(all, { now: 4_000 })).toEqual([{ task: task(0), addressed: { workerId: 'w1', seq: 7, at: 1_000 } }]);
    // A worker gone needs no waiting for.
    expect(book.overdue(all, { now: 2_500, gone: (id) => id === 'w2' }).map((o) => o.task.partition)).toEqual([1]);
    book.forget(task(0));
    expect(book.msUntilDue(all, 4_000)).toBe(1_000);
    expect(book.overdue([task(0)], { now: 10_000 })).toEqual([]);
    expect(book.msUntilDue([task(2)], 0)).toBe(Infinity);
  });
});
