import { BadRequestException, Inject, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { datasetManifestKey, datasetPartKey, datasetPrefix, type DatasetManifest } from '@tusk/contracts';
import {
  buildManifest, DataError, encodePartition, maybeGunzip, parseCsv, parseIdx, parseNpy, partitionTable, sha256Hex,
  tableFromCsv, tableFromIdx, tableFromNpy, type DatasetTable,
} from '@tusk/data';
import { isTransientError } from '@tusk/infra';
import { ObjectNotFoundError } from '@tusk/storage';
import { DriverEnv } from '../driver-env.js';
import { Infra } from '@tusk/infra';
import type { CreateDatasetDto } from './create-dataset.dto.js';

export type DatasetFiles = Partial<Record<'file' | 'features' | 'images' | 'labels', Uint8Array>>;

const FILE_ROLES: Record<CreateDatasetDto['format'], (keyof DatasetFiles)[]> = {
  csv: ['file'],
  npy: ['features', 'labels'],
  idx: ['images', 'labels'],
};

/** Unguessable dataset ids, safe in S3 keys and NATS subjects. */
const newDatasetId = (): string => `ds-${randomBytes(12).toString('hex')}`;
const ID = /^[A-Za-z0-9_-]{1,64}$/;
const clip = (text: string) => (text.length > 300 ? `${text.slice(0, 300)}…` : text);

@Injectable()
export class DatasetsService {
  constructor(@Inject(Infra) private readonly infra: Infra, @Inject(DriverEnv) private readonly env: DriverEnv) {}

  /** Parses, shuffles with the seed and writes partitions + manifest; nothing is written if parsing fails. */
  async create(dto: CreateDatasetDto, uploaded: DatasetFiles): Promise<DatasetManifest> {
    const files = dto.source ? await this.readSource(dto) : uploaded;
    for (const role of FILE_ROLES[dto.format]) {
      if (!files[role]) throw new BadRequestException(`format ${dto.format} needs the file field "${role}" (${FILE_ROLES[dto.format].join(', ')})`);
    }
    // What is refused uncompressed is refused compressed too: no gzip bombs.
    for (const role of Object.keys(files) as (keyof DatasetFiles)[]) files[role] = this.gunzip(files[role]!, role);
    const table = this.parse(dto, files);
    const seed = dto.seed ?? 42;
    const partitions = Math.min(dto.partitions ?? this.env.TUSK_DATASET_PARTITIONS, table.rows);
    const id = newDatasetId();
    const parts = partitionTable({ table, partitions, seed });
    const entries = await Promise.all(parts.map(async (part) => {
      const bytes = encodePartition(part);
      const key = datasetPartKey(id, part.index);
      await this.infra.store.putBytes(key, bytes);
      return { index: part.index, key, rows: part.rows, bytes: bytes.byteLength, sha256: sha256Hex(bytes) };
    }));
    const manifest = buildManifest({ id, name: dto.name ?? `${dto.format} dataset`, format: dto.format, seed, table, parts: entries });
    await this.infra.store.putJson(datasetManifestKey(id), manifest);
    return manifest;
  }

  private gunzip(bytes: Uint8Array, role: string): Uint8Array {
    try {
      return maybeGunzip(bytes, role, this.env.TUSK_MAX_UPLOAD_BYTES);
    } catch (err) {
      throw new UnprocessableEntityException({ statusCode: 422, error: 'Unprocessable Entity', field: role, message: `${role}: ${(err as Error).message}` });
    }
  }

  private parse(dto: CreateDatasetDto, files: DatasetFiles): DatasetTable {
    try {
      if (dto.format === 'csv') {
        if (!dto.labelColumns?.length) throw new BadRequestException('labelColumns is required for csv datasets');
        const text = new TextDecoder('utf-8', { fatal: true }).decode(files.file!);
        return tableFromCsv(parseCsv({ text, labelColumns: dto.labelColumns, featureColumns: dto.featureColumns }));
      }
      if (dto.format === 'npy') return tableFromNpy({ features: parseNpy(files.features!), labels: parseNpy(files.labels!), scale: dto.scale });
      return tableFromIdx({ images: parseIdx(files.images!), labels: parseIdx(files.labels!) });
    } catch (err) {
      // Clipped: a message may quote the file (a CSV header), and the file may be hostile.
      if (err instanceof DataError || err instanceof TypeError) throw new UnprocessableEntityException({ statusCode: 422, error: 'Unprocessable Entity', field: 'files', message: clip(err.message) });
      throw err;
    }
  }

  private async readSource(dto: CreateDatasetDto): Promise<DatasetFiles> {
    const files: DatasetFiles = {};
    for (const [role, key] of Object.entries(dto.source ?? {}) as [keyof DatasetFiles, string][]) {
      if (!key) continue;
      try {
        files[role] = await this.infra.store.getBytes(key);
      } catch (err) {
        if (err instanceof ObjectNotFoundError) throw new UnprocessableEntityException({ statusCode: 422, error: 'Unprocessable Entity', field: `source.${role}`, message: `source.${role}: no object ${key} in bucket ${this.infra.store.bucket}` });
        if (isTransientError(err)) throw err;
        throw new UnprocessableEntityException({ statusCode: 422, error: 'Unprocessable Entity', field: `source.${role}`, message: `source.${role}: cannot read ${key}: ${clip((err as Error).message)}` });
      }
    }
    return files;
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
      if (err instanceof NotFoundException) throw new UnprocessableEntityException({ statusCode: 422, error: 'Unprocessable Entity', field, message: `${field}: dataset ${id} not found` });
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
