import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { CreateJobDto } from './create-job.dto.js';

/** A `POST /jobs` body that class-validator refused: its messages, each led by the property path it names. */
export class JobBodyError extends Error {
  constructor(
    readonly messages: string[],
    readonly field: string,
  ) {
    super(messages.join('; '));
    this.name = 'JobBodyError';
  }
}

/** Messages as Nest's ValidationPipe words them: `training.epochs must not be less than 1`. */
function messagesOf(errors: ValidationError[], parent = ''): { field: string; message: string }[] {
  return errors.flatMap((e) => {
    const path = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) => ({
      field: path,
      message: parent && !m.startsWith(parent) ? `${parent}.${m}` : m,
    }));
    return [...own, ...messagesOf(e.children ?? [], path)];
  });
}

/**
 * Validates a job body built in the driver (a sweep's trial) exactly as the global ValidationPipe validates
 * `POST /jobs`: whitelist, no unknown properties, nested DTOs.
 */
export async function validateJobBody(body: Record<string, unknown>): Promise<CreateJobDto> {
  const dto = plainToInstance(CreateJobDto, body);
  const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    const found = messagesOf(errors);
    throw new JobBodyError(
      found.map((f) => f.message),
      found[0].field,
    );
  }
  return dto;
}
