import { ValidationPipe } from '@nestjs/common';
import { TerminateMessage } from '@tusk/messaging';

/**
 * Validates a task as `parseMessage` does (unknown fields stripped, anything invalid refused) into a `TaskMessage`;
 * a task that fails can never succeed, so its message is terminated.
 */
export const taskValidationPipe = new ValidationPipe({
  transform: true,
  whitelist: true,
  forbidUnknownValues: true,
  exceptionFactory: (errors) => {
    const detail = errors.map((e) => `${e.property}: ${Object.values(e.constraints ?? { nested: 'invalid' }).join(', ')}`);
    return new TerminateMessage(`TaskMessage: ${detail.join('; ')}`);
  },
});
