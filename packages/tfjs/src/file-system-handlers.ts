import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';

// model.save / tf.loadLayersModel to and from a directory with pure TensorFlow.js (tfjs-node's `file://` is not
// available without native code). Same layout as tfjs-node: `model.json` (topology + weights manifest) and
// `weights.bin` (all weights, one shard).

const MODEL_JSON = 'model.json';
const WEIGHTS_BIN = 'weights.bin';

/** A save handler that also tells where it writes (used as `checkpoint_directory`). */
export interface DirectoryIOHandler extends tf.io.IOHandler {
  readonly directory: string;
}

/**
 * Writes `model.json` and `weights.bin` into `directory` (created if needed). Each file is written to a
 * temporary name and renamed, weights first, so a reader never sees a model.json without its weights.
 */
export function fileSystemSaveHandler(directory: string): DirectoryIOHandler {
  const dir = resolve(directory);
  const handler = tf.io.withSaveHandler(async (artifacts) => {
    if (artifacts.modelTopology instanceof ArrayBuffer) {
      throw new Error('fileSystemSaveHandler saves layers models (JSON topology), not binary graph models');
    }
    await mkdir(dir, { recursive: true });
    const weightData = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
    const modelJson: Record<string, unknown> = {
      modelTopology: artifacts.modelTopology,
      format: artifacts.format,
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy,
      weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? [] }],
    };
    if (artifacts.trainingConfig !== undefined) modelJson.trainingConfig = artifacts.trainingConfig;
    if (artifacts.userDefinedMetadata !== undefined) modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
    if (artifacts.signature !== undefined) modelJson.signature = artifacts.signature;
    if (artifacts.modelInitializer !== undefined) modelJson.modelInitializer = artifacts.modelInitializer;
    const suffix = `.tmp-${process.pid}`;
    await writeFile(join(dir, WEIGHTS_BIN + suffix), new Uint8Array(weightData));
    await rename(join(dir, WEIGHTS_BIN + suffix), join(dir, WEIGHTS_BIN));
    await writeFile(join(dir, MODEL_JSON + suffix), JSON.stringify(modelJson));
    await rename(join(dir, MODEL_JSON + suffix), join(dir, MODEL_JSON));
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON({ ...artifacts, weightData }) };
  });
  return Object.assign(handler, { directory: dir });
}

/** Reads what `fileSystemSaveHandler(directory)` wrote (any weights manifest with paths relative to the directory). */
export function fileSystemLoadHandler(directory: string): tf.io.IOHandler {
  const dir = resolve(directory);
  return {
    load: async () => {
      const modelJson = JSON.parse(await readFile(join(dir, MODEL_JSON), 'utf8')) as tf.io.ModelJSON;
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const specs: tf.io.WeightsManifestEntry[] = [];
        const buffers: ArrayBuffer[] = [];
        for (const group of manifest) {
          specs.push(...group.weights);
          for (const path of group.paths) {
            const bytes = await readFile(join(dir, path));
            buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
          }
        }
        return [specs, tf.io.CompositeArrayBuffer.join(buffers)];
      });
    },
  };
}
