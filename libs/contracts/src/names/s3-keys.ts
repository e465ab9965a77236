/** Object keys in the one S3 bucket (see README, "S3 layout"). */
export const datasetPrefix = (datasetId: string): string => `datasets/${datasetId}/`;
export const datasetManifestKey = (datasetId: string): string => `datasets/${datasetId}/manifest.json`;
export const datasetPartKey = (datasetId: string, part: number): string => `datasets/${datasetId}/part-${part}.bin`;
export const modelPrefix = (jobId: string): string => `models/${jobId}/`;
export const modelJsonKey = (jobId: string): string => `models/${jobId}/model.json`;
export const modelWeightsKey = (jobId: string): string => `models/${jobId}/weights.bin`;
