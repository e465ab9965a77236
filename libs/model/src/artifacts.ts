import * as tf from '@tensorflow/tfjs';

export interface ModelArtifactFiles {
  modelJson: Record<string, unknown>;
  weightsBin: Uint8Array;
}

/** The tfjs files (`model.json` + `weights.bin`) that `tf.loadLayersModel` opens. */
export async function toArtifactFiles(model: tf.LayersModel): Promise<ModelArtifactFiles> {
  let files: ModelArtifactFiles | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = artifacts.weightData;
      const buffer = Array.isArray(weightData) ? tf.io.concatenateArrayBuffers(weightData) : (weightData ?? new ArrayBuffer(0));
      files = {
        modelJson: {
          modelTopology: artifacts.modelTopology,
          format: 'layers-model',
          generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
          convertedBy: 'tusk',
          weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
        },
        weightsBin: new Uint8Array(buffer),
      };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!files) throw new Error('model.save produced no artifacts');
  return files;
}
