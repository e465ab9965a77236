import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DatasetUpload } from '@tusk/client';
import { parseIdx } from '@tusk/data';

/** Where Debian's `dataset-fashion-mnist` package puts the original IDX downloads. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';
export const FASHION_MNIST_HINT = 'Fashion-MNIST not found: sudo apt-get install dataset-fashion-mnist';
export const FASHION_MNIST_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

export type Split = 'train' | 't10k';

export interface SplitFiles {
  images: string;
  labels: string;
}

export interface FashionMnistFiles {
  dir: string;
  train: SplitFiles;
  test: SplitFiles;
}

/** A split decoded for local use: pixels scaled by 1/255 into [rows, 784] and class ids. */
export interface DecodedSplit {
  rows: number;
  /** Pixels per image (28 * 28). */
  rowSize: number;
  images: Float32Array;
  labels: Int32Array;
}

export class FashionMnistMissingError extends Error {
  constructor(readonly missing: string[]) {
    super(`${FASHION_MNIST_HINT} (missing: ${missing.join(', ')})`);
    this.name = 'FashionMnistMissingError';
  }
}

const splitFiles = (dir: string, split: Split): SplitFiles => ({
  images: join(dir, `${split}-images-idx3-ubyte.gz`),
  labels: join(dir, `${split}-labels-idx1-ubyte.gz`),
});

/** The four IDX files (gzipped, as published), or a FashionMnistMissingError naming the missing ones. */
export function locateFashionMnist(dir = process.env.FASHION_MNIST_DIR ?? FASHION_MNIST_DIR): FashionMnistFiles {
  const files = { dir, train: splitFiles(dir, 'train'), test: splitFiles(dir, 't10k') };
  const missing = [files.train.images, files.train.labels, files.test.images, files.test.labels].filter((f) => !existsSync(f));
  if (missing.length > 0) throw new FashionMnistMissingError(missing);
  return files;
}

/** The raw (still gzipped) bytes of a split, as uploaded to `POST /datasets`. */
export function readSplitBytes(files: SplitFiles): { images: Uint8Array; labels: Uint8Array } {
  return { images: readFileSync(files.images), labels: readFileSync(files.labels) };
}

/** `POST /datasets` of a split's IDX files as they are on disk (gzipped is fine). */
export function idxUpload(files: SplitFiles, options: { name: string; partitions: number; seed?: number }): DatasetUpload {
  const { images, labels } = readSplitBytes(files);
  return {
    format: 'idx',
    ...options,
    images: { data: images, filename: 'images.idx.gz' },
    labels: { data: labels, filename: 'labels.idx.gz' },
  };
}

/** Decodes a split with the same IDX parser the driver uses, scaling pixels by 1/255 like the workers. */
export function decodeSplit(files: SplitFiles): DecodedSplit {
  const { images: imageBytes, labels: labelBytes } = readSplitBytes(files);
  const images = parseIdx(imageBytes);
  const labels = parseIdx(labelBytes);
  if (images.data instanceof BigInt64Array || labels.data instanceof BigInt64Array)
    throw new Error(`${files.images}: 64-bit IDX data is not expected in Fashion-MNIST`);
  const imageData = images.data;
  const labelData = labels.data;
  const rows = images.shape[0];
  if (labels.shape[0] !== rows) throw new Error(`${files.images} has ${rows} images but ${files.labels} has ${labels.shape[0]} labels`);
  const rowSize = images.shape.slice(1).reduce((a, b) => a * b, 1);
  const pixels = new Float32Array(images.data.length);
  for (let i = 0; i < pixels.length; i++) pixels[i] = imageData[i] / 255;
  return { rows, rowSize, images: pixels, labels: Int32Array.from(labelData) };
}

/** The files, or null after printing how to install them: what every Fashion-MNIST script does first. */
export function fashionMnistOrHint(): FashionMnistFiles | null {
  try {
    return locateFashionMnist();
  } catch (err) {
    if (!(err instanceof FashionMnistMissingError)) throw err;
    console.error(FASHION_MNIST_HINT);
    return null;
  }
}
