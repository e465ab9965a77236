/** A model or compile setting that cannot work; `field` names the request field for the 422. */
export class ModelSpecError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'ModelSpecError';
  }
}
