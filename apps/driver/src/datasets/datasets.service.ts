import {
  BadRequestException,
  HttpException,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  type OnApplicationBootstrap,
  PayloadTooLargeException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { datasetManifestKey, datasetPartKey, datasetPrefix, type DatasetManifest, type PartitionEntry } from '@tusk/contracts';
import {
  buildManifest,
  DataError,
  encodePartition,
  maybeGunzip,
  maybeGunzipStream,
  parseIdx,
  parseNpy,
  partitionTable,
  removeStaleSpills,
  sha256Hex,
  spillCsv,
  spillPartitions,
  tableFromIdx,
  tableFromNpy,
  utf8Text,
  type DatasetTable,
  type TableShape,
} from '@tusk/data';
import { isTransientError } from '@tusk/infra';
import { ObjectNotFoundError } from '@tusk/storage';
import { DriverEnv } from '../driver-env.js';
import { Infra } from '@tusk/infra';
import type { CreateDatasetDto } from './create-dataset.dto.js';
import type { StagedUploads, UploadField } from './streaming-upload.interceptor.js';

/** An input object in S3 and the request field it came from (`file` for an upload, `source.file` for a registration). */
interface DatasetObject {
  key: string;
  field: string;
}
type DatasetObjects = Partial<Record<UploadField, DatasetObject>>;

const FILE_ROLES: Record<CreateDatasetDto['format'], UploadField[]> = {
  csv: ['file'],
  npy: ['features', 'labels'],
  idx: ['images', 'labels'],
};

/** Unguessable dataset ids, safe in S3 keys and NATS subjects. */
const newDatasetId = (): string => `ds-${randomBytes(12).toString('hex')}`;
const ID = /^[A-Za-z0-9_-]{1,64}$/;
const clip = (text: string) => (text.length > 300 ? `${text.slice(0, 300)}…` : text);
const unprocessable = (field: string, message: string) =>
  new UnprocessableEntityException({ statusCode: 422, error: 'Unprocessable Entity', field, message });

@Injectable()
export class DatasetsService implements OnApplicationBootstrap {
  private readonly logger = new Logger(DatasetsService.name);

  constructor(
    @Inject(Infra) private readonly infra: Infra,
    @Inject(DriverEnv) private readonly env: DriverEnv,
  ) {}

  /** A driver that crashed mid-upload left its CSV spill in the temp dir: removed at the next boot. */
  onApplicationBootstrap(): void {
    void removeStaleSpills().then((n) => n && this.logger.log(`removed ${n} CSV spill dir(s) left by a process that is gone`));
  }

  /**
   * Parses, shuffles with the seed and writes partitions + manifest; nothing stays written if anything fails.
   * Input comes from S3: uploads were staged there by StreamingUploadInterceptor, registrations name their objects.
   * CSV is streamed through a disk spill (memory stays at a chunk); npy and idx are size-checked, then read whole.
   */
  async create(dto: CreateDatasetDto, staged: StagedUploads = {}): Promise<DatasetManifest> {
    const objects: DatasetObjects = {};
    for (const [role, key] of Object.entries(dto.source ?? staged) as [UploadField, string | undefined][]) {
      if (key) objects[role] = { key, field: dto.source ? `source.${role}` : role };
    }
    for (const role of FILE_ROLES[dto.format]) {
      if (!objects[role])
        throw new BadRequestException(`format ${dto.format} needs the file field "${role}" (${FILE_ROLES[dto.format].join(', ')})`);
    }
    if (dto.format === 'csv' && !dto.labelColumns?.length) throw new BadRequestException('labelColumns is required for csv datasets');
    for (const object of Object.values(objects)) await this.checkSize(object);
    const id = newDatasetId();
    const seed = dto.seed ?? 42;
    try {
      const { table, parts } =
        dto.format === 'csv' ? await this.writeCsv(id, dto, objects.file!, seed) : await this.writeInMemory(id, dto, objects, seed);
      const manifest = buildManifest({ id, name: dto.name ?? `${dto.format} dataset`, format: dto.format, seed, table, parts });
      await this.infra.store.putJson(datasetManifestKey(id), manifest);
      return manifest;
    } catch (err) {
      await this.infra.store.deletePrefix(datasetPrefix(id)).catch(() => undefined);
      throw this.asHttpError(err);
    }
  }

  /** Streams the CSV from S3 into a disk spill, then streams each partition back to S3 with its sha256. */
  private async writeCsv(
    id: string,
    dto: CreateDatasetDto,
    object: DatasetObject,
    seed: number,
  ): Promise<{ table: TableShape; parts: PartitionEntry[] }> {
    const body = await this.open(object);
    let spill;
    try {
      const bytes = maybeGunzipStream(body, object.field, this.env.TUSK_MAX_UPLOAD_BYTES);
      spill = await spillCsv(utf8Text(bytes), { labelColumns: dto.labelColumns!, featureColumns: dto.featureColumns });
    } catch (err) {
      if (err instanceof DataError || err instanceof TypeError) throw unprocessable(object.field, clip(err.message));
      throw err;
    } finally {
      body.destroy();
    }
    try {
      const partitions = Math.min(dto.partitions ?? this.env.TUSK_DATASET_PARTITIONS, spill.rows);
      const parts: PartitionEntry[] = [];
      for (const part of spillPartitions(spill, partitions, seed)) {
        const key = datasetPartKey(id, part.index);
        const hash = createHash('sha256');
        const hashed = function* () {
          for (const chunk of part.chunks()) {
            hash.update(chunk);
            yield chunk;
          }
        };
        await this.infra.store.putStream(key, Readable.from(hashed(), { objectMode: false }));
        parts.push({ index: part.index, key, rows: part.rows, bytes: part.bytes, sha256: hash.digest('hex') });
      }
      return { table: spill, parts };
    } finally {
      await spill.remove();
    }
  }

  private async writeInMemory(
    id: string,
    dto: CreateDatasetDto,
    objects: DatasetObjects,
    seed: number,
  ): Promise<{ table: DatasetTable; parts: PartitionEntry[] }> {
    const files: Partial<Record<UploadField, Uint8Array>> = {};
    for (const [role, object] of Object.entries(objects) as [UploadField, DatasetObject][]) {
      // What is refused uncompressed is refused compressed too: no gzip bombs.
      files[role] = this.gunzip(await this.read(object), object.field);
    }
    const table =
      dto.format === 'npy'
        ? tableFromNpy({ features: parseNpy(files.features!), labels: parseNpy(files.labels!), scale: dto.scale })
        : tableFromIdx({ images: parseIdx(files.images!), labels: parseIdx(files.labels!) });
    const partitions = Math.min(dto.partitions ?? this.env.TUSK_DATASET_PARTITIONS, table.rows);
    const parts = await Promise.all(
      partitionTable({ table, partitions, seed }).map(async (part) => {
        const bytes = encodePartition(part);
        const key = datasetPartKey(id, part.index);
        await this.infra.store.putBytes(key, bytes);
        return { index: part.index, key, rows: part.rows, bytes: bytes.byteLength, sha256: sha256Hex(bytes) };
      }),
    );
    return { table, parts };
  }

  /** Parse errors become 422 (clipped: a message may quote the file, and the file may be hostile). */
  private asHttpError(err: unknown): unknown {
    if (err instanceof HttpException || isTransientError(err)) return err;
    if (err instanceof DataError || err instanceof TypeError) return unprocessable('files', clip(err.message));
    return err;
  }

  private gunzip(bytes: Uint8Array, field: string): Uint8Array {
    try {
      return maybeGunzip(bytes, field, this.env.TUSK_MAX_UPLOAD_BYTES);
    } catch (err) {
      throw unprocessable(field, `${field}: ${(err as Error).message}`);
    }
  }

  /** HEAD before reading: a missing object is 422 and one over TUSK_MAX_UPLOAD_BYTES is 413, both naming the field. */
  private async checkSize({ key, field }: DatasetObject): Promise<void> {
    const size = await this.storeCall({ key, field }, () => this.infra.store.size(key));
    const max = this.env.TUSK_MAX_UPLOAD_BYTES;
    if (size > max) {
      throw new PayloadTooLargeException({
        statusCode: 413,
        error: 'Payload Too Large',
        field,
        message: `${field}: ${key} is ${size} bytes, more than ${max} (TUSK_MAX_UPLOAD_BYTES)`,
      });
    }
  }

  private open(object: DatasetObject): Promise<Readable> {
    return this.storeCall(object, () => this.infra.store.getStream(object.key));
  }

  private read(object: DatasetObject): Promise<Uint8Array> {
    return this.storeCall(object, () => this.infra.store.getBytes(object.key));
  }

  private async storeCall<T>({ key, field }: DatasetObject, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (err instanceof ObjectNotFoundError) throw unprocessable(field, `${field}: no object ${key} in bucket ${this.infra.store.bucket}`);
      if (isTransientError(err)) throw err;
      throw unprocessable(field, `${field}: cannot read ${key}: ${clip((err as Error).message)}`);
    }
  }

  async get(id: string): Promise<DatasetManifest> {
    if (!ID.test(id)) throw new BadRequestException('id must be a dataset id');
    try {
      return await this.infra.store.getJson<DatasetManifest>(datasetManifestKey(id));
    } catch (err) {
      if (err instanceof ObjectNotFoundError) throw new NotFoundException(`dataset ${id} not found`);
      throw err;
    }
  }

  /** Like get, but a missing dataset is a 422 on the job's `datasetId` field. */
  async manifestForJob(id: string, field = 'datasetId'): Promise<DatasetManifest> {
    try {
      return await this.get(id);
    } catch (err) {
      if (err instanceof NotFoundException)
        throw new UnprocessableEntityException({
          statusCode: 422,
          error: 'Unprocessable Entity',
          field,
          message: `${field}: dataset ${id} not found`,
        });
      throw err;
    }
  }

  async list(): Promise<DatasetManifest[]> {
    const keys = (await this.infra.store.list('datasets/')).filter((k) => k.endsWith('/manifest.json'));
    const manifests = await Promise.all(keys.map((k) => this.infra.store.getJson<DatasetManifest>(k)));
    return manifests.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  async remove(id: string): Promise<void> {
    await this.get(id);
    await this.infra.store.deletePrefix(datasetPrefix(id));
  }
}
