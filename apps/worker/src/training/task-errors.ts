/** A task that can never succeed, however often it is retried. */
export class PermanentTaskError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentTaskError';
  }
}

/** The task is no longer needed (its job ended, or its round is already averaged): dropped without a result. */
export class ObsoleteTaskError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ObsoleteTaskError';
  }
}

/** The task's message left the stream while it ran: the driver gave it to another worker, or the job was cancelled. */
export class TaskSupersededError extends Error {
  constructor(task: string) {
    super(`task ${task} was reassigned or cancelled`);
    this.name = 'TaskSupersededError';
  }
}
