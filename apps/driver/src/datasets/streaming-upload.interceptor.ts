import {
  BadRequestException,
  createParamDecorator,
  HttpException,
  Inject,
  Injectable,
  Logger,
  PayloadTooLargeException,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import busboy from 'busboy';
import type { Request } from 'express';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { Infra } from '@tusk/infra';
import { DriverEnv } from '../driver-env.js';
import { UploadSlots } from './upload-slots.js';

export const UPLOAD_FIELDS = ['file', 'features', 'images', 'labels'] as const;
export type UploadField = (typeof UPLOAD_FIELDS)[number];
/** Where each uploaded file was staged in S3, by its form field. */
export type StagedUploads = Partial<Record<UploadField, string>>;
/** Uploads land here first; the interceptor deletes them when the request ends, whatever its outcome. */
export const STAGING_PREFIX = 'staging/uploads/';

type UploadRequest = Request & { stagedUploads?: StagedUploads };

/** The staging keys of the request's uploaded files (empty for a JSON body). */
export const Staged = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): StagedUploads => ctx.switchToHttp().getRequest<UploadRequest>().stagedUploads ?? {},
);

/** Reads the rest of a request body and throws it away, so an early error response reaches a client still sending. */
function drain(req: Request): Promise<void> {
  if (req.readableEnded) return Promise.resolve();
  return new Promise((resolve) => {
    req
      .once('end', resolve)
      .once('close', resolve)
      .once('error', () => resolve());
    req.resume();
  });
}

const badRequest = (message: string, field?: string) =>
  new BadRequestException({ statusCode: 400, error: 'Bad Request', message, ...(field && { field }) });

/**
 * Replaces multer's memory storage: multipart files stream into S3 staging keys as they arrive (TUSK_MAX_UPLOAD_BYTES
 * enforced on the way, 413 naming the field), form fields become the body for CreateDatasetDto's validation, and at
 * most TUSK_MAX_CONCURRENT_UPLOADS dataset creations run at once. Staged objects are deleted when the request ends.
 */
@Injectable()
export class StreamingUploadInterceptor implements NestInterceptor {
  private readonly logger = new Logger('DatasetUpload');

  constructor(
    @Inject(Infra) private readonly infra: Infra,
    @Inject(DriverEnv) private readonly env: DriverEnv,
    @Inject(UploadSlots) private readonly slots: UploadSlots,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    return from(this.run(ctx.switchToHttp().getRequest<UploadRequest>(), next));
  }

  private async run(req: UploadRequest, next: CallHandler): Promise<unknown> {
    let release: () => void;
    try {
      release = this.slots.acquire();
    } catch (err) {
      await drain(req);
      throw err;
    }
    const staged: string[] = [];
    try {
      if (req.is('multipart')) {
        const { fields, files } = await this.receive(req, staged);
        req.body = fields;
        req.stagedUploads = files;
      }
      return await lastValueFrom(next.handle(), { defaultValue: undefined });
    } finally {
      release();
      if (staged.length)
        await this.infra.store.deleteKeys(staged).catch((err) => this.logger.warn(`staged uploads not deleted: ${(err as Error).message}`));
    }
  }

  /** Parses the multipart body; resolves once every file is in S3, or rejects after the rest of the body was drained. */
  private receive(req: UploadRequest, staged: string[]): Promise<{ fields: Record<string, unknown>; files: StagedUploads }> {
    const max = this.env.TUSK_MAX_UPLOAD_BYTES;
    return new Promise((resolve, reject) => {
      let bb: busboy.Busboy;
      try {
        bb = busboy({ headers: req.headers, limits: { fileSize: max, files: UPLOAD_FIELDS.length, fields: 20, parts: 24 } });
      } catch (err) {
        void drain(req).then(() => reject(badRequest(`multipart body: ${(err as Error).message}`)));
        return;
      }
      const fields = new Map<string, string[]>();
      const files: StagedUploads = {};
      const uploads: Promise<unknown>[] = [];
      const abort = new AbortController();
      const id = randomUUID();
      let failed = false;
      const fail = (error: unknown) => {
        if (failed) return;
        failed = true;
        abort.abort();
        req.unpipe(bb);
        void drain(req)
          .then(() => Promise.allSettled(uploads))
          .then(() => reject(error));
      };
      // A throw in a busboy callback would be uncaught: every callback fails the request instead.
      const guard =
        <A extends unknown[]>(fn: (...args: A) => void) =>
        (...args: A) => {
          try {
            fn(...args);
          } catch (err) {
            fail(err);
          }
        };
      const unnamed = () => badRequest('a multipart part has no name (content-disposition: form-data; name="...")');
      bb.on(
        'field',
        guard((name: string | undefined, value: string, info: busboy.FieldInfo) => {
          if (typeof name !== 'string') return fail(unnamed());
          if (info.nameTruncated || info.valueTruncated)
            return fail(badRequest(`form field ${name.slice(0, 100)}: ${info.nameTruncated ? 'name' : 'value'} is too long`));
          fields.set(name, [...(fields.get(name) ?? []), value]);
        }),
      );
      bb.on(
        'file',
        guard((name: string | undefined, stream: Readable) => {
          if (typeof name !== 'string') {
            stream.resume();
            return fail(unnamed());
          }
          const field = UPLOAD_FIELDS.find((f) => f === name);
          if (failed || !field || files[field]) {
            stream.resume();
            if (!field)
              return fail(
                badRequest(`unexpected file field "${name.slice(0, 100)}" (expected ${UPLOAD_FIELDS.join(', ')})`, name.slice(0, 100)),
              );
            if (files[field]) return fail(badRequest(`more than one file in the field "${field}"`, field));
            return;
          }
          const key = `${STAGING_PREFIX}${id}/${field}`;
          files[field] = key;
          staged.push(key);
          stream.once('limit', () => {
            fail(
              new PayloadTooLargeException({
                statusCode: 413,
                error: 'Payload Too Large',
                field,
                message: `${field}: the file is larger than ${max} bytes (TUSK_MAX_UPLOAD_BYTES)`,
              }),
            );
          });
          uploads.push(this.infra.store.putStream(key, stream, { signal: abort.signal }).catch((err) => fail(err)));
        }),
      );
      bb.on('filesLimit', () => fail(badRequest(`too many files (at most ${UPLOAD_FIELDS.length})`)));
      bb.on('fieldsLimit', () => fail(badRequest('too many form fields (at most 20)')));
      bb.on('partsLimit', () => fail(badRequest('too many multipart parts (at most 24)')));
      bb.on('error', (err) => fail(err instanceof HttpException ? err : badRequest(`multipart body: ${(err as Error).message}`)));
      bb.on('close', () => {
        void Promise.allSettled(uploads).then(() => {
          if (failed) return;
          const body = Object.fromEntries([...fields].map(([name, values]) => [name, values.length === 1 ? values[0] : values]));
          resolve({ fields: body, files });
        });
      });
      req.pipe(bb);
    });
  }
}
