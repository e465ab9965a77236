import { ValidateBy, type ValidationOptions } from 'class-validator';

const NATS_SERVER = /^(nats|tls|wss?):\/\/[^\s,]+$/;

/** The servers of a comma-separated NATS_URL, blanks around commas dropped. */
export const natsServers = (value: string): string[] => value.split(',').map((s) => s.trim());

/** A comma-separated list of one or more NATS server URLs (nats://, tls://, ws(s)://): a cluster's seed servers. */
export function IsNatsUrlList(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isNatsUrlList',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && natsServers(value).every((s) => NATS_SERVER.test(s)),
        defaultMessage: () => 'must be a nats:// URL, or several separated by commas (each a nats:// URL)',
      },
    },
    options,
  );
}
