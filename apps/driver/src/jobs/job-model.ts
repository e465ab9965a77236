import type { JobSpec } from '@tusk/contracts';
import { setFlatWeights, toArtifactFiles, withBuiltModel, type BuildModelInput, type ModelArtifactFiles } from '@tusk/model';

/** What `buildModel` needs to rebuild a job's model exactly as its workers do. */
export const modelInputOf = (spec: JobSpec): BuildModelInput => ({ topology: spec.model, compile: spec.compile, seed: spec.training.seed });

/** The tfjs files (`model.json` + `weights.bin`) of the job's model holding the flat weights `flat`. */
export function artifactFilesOf(spec: JobSpec, flat: Float32Array): Promise<ModelArtifactFiles> {
  return withBuiltModel(modelInputOf(spec), (model) => {
    setFlatWeights(model, flat);
    return toArtifactFiles(model);
  });
}
