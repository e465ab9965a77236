import { clone } from '../bodies.js';
import { evalPredict, jobBodies, jobNesting } from './bodies-and-limits.js';
import type { Generator } from './common.js';
import { uploadsNpyIdx } from './datasets-binary.js';
import { datasetJson, uploadsCsv } from './datasets.js';
import { ids } from './ids.js';
import { jobCompile, jobExtra, jobMissing, jobNumbers, jobWrongTypes } from './jobs.js';
import { jobCycle, jobHeavyModels, jobModels } from './models.js';

export { baseJob, type Ctx, type Generator } from './common.js';

/** The generator table, in the order they run; the heavy ones last so a crash there does not hide the rest. */
export const GENERATORS: Generator[] = [
  jobWrongTypes,
  jobNumbers,
  jobMissing,
  jobExtra,
  jobCompile,
  jobModels,
  jobNesting,
  jobBodies,
  datasetJson,
  uploadsCsv,
  uploadsNpyIdx,
  ids,
  evalPredict,
  jobHeavyModels,
  jobCycle,
];

export { clone };
