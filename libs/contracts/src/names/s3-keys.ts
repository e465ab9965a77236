/** Object keys in the one S3 bucket (see README, "S3 layout"). */
export const datasetPrefix = (datasetId: string): string => `datasets/${datasetId}/`;
export const datasetManifestKey = (datasetId: string): string => `datasets/${datasetId}/manifest.json`;
export const datasetPartKey = (datasetId: string, part: number): string => `datasets/${datasetId}/part-${part}.bin`;
export const modelPrefix = (jobId: string): string => `models/${jobId}/`;
export const modelJsonKey = (jobId: string): string => `models/${jobId}/model.json`;
export const modelWeightsKey = (jobId: string): string => `models/${jobId}/weights.bin`;
/** A job's checkpoints: one tfjs artifact (`model.json` + `weights.bin`) per kept round. */
export const checkpointsPrefix = (jobId: string): string => `checkpoints/${jobId}/`;
export const checkpointJsonKey = (jobId: string, round: number): string => `checkpoints/${jobId}/round-${round}/model.json`;
export const checkpointWeightsKey = (jobId: string, round: number): string => `checkpoints/${jobId}/round-${round}/weights.bin`;
