/** Base class of every libs/data error, so the HTTP layer can map the whole family to 422 with one check. */
export class DataError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DataError';
  }
}

/** An uploaded file (IDX, NPY, CSV) is malformed or holds values a dataset cannot use. */
export class DatasetFormatError extends DataError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DatasetFormatError';
  }
}

/** A request parameter (column names, partition count, seed, scale) does not fit the dataset. */
export class DatasetArgumentError extends DataError {
  constructor(message: string) {
    super(message);
    this.name = 'DatasetArgumentError';
  }
}

/** A stored partition blob is corrupt or does not match its manifest. */
export class PartitionFormatError extends DataError {
  constructor(message: string) {
    super(message);
    this.name = 'PartitionFormatError';
  }
}
