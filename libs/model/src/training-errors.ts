/** A training call got arguments it cannot use (batch size, rows, seed parts, split). */
export class TrainingArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainingArgumentError';
  }
}

/** Training or evaluation stopped between batches because its AbortSignal fired; a trained model keeps the batches done. */
export class TrainingAbortedError extends Error {
  constructor(
    readonly batchesDone: number,
    readonly batches: number,
    options?: ErrorOptions,
  ) {
    super(`aborted after ${batchesDone} of ${batches} batches`, options);
    this.name = 'TrainingAbortedError';
  }
}

/** The model is already being trained (by fit or by another seeded loop waiting at a yield). */
export class ModelBusyError extends Error {
  constructor() {
    super('the model is already training: one fit or seeded training loop at a time');
    this.name = 'ModelBusyError';
  }
}

/** withSeededRandom was given a function that returned a promise: the swap cannot cover asynchronous code. */
export class AsyncSeededRandomError extends Error {
  constructor() {
    super('withSeededRandom needs a synchronous function: code after an await would run with Math.random replaced or restored at random');
    this.name = 'AsyncSeededRandomError';
  }
}
