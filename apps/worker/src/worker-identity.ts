import { hostname } from 'node:os';

export const WORKER_IDENTITY = Symbol('WORKER_IDENTITY');

export interface WorkerIdentity {
  id: string;
  backend: string;
}

/** `<hostname>-<pid>` with anything a KV key cannot hold replaced. */
export const defaultWorkerId = (): string => `${hostname()}-${process.pid}`.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 64);
