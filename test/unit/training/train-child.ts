/**
 * Child process of the kill-and-resume test: trains a small ConvLSTM on the tiny dataset in the
 * folder argv[2] (resuming from its checkpoint when one exists), printing one line per finished
 * epoch, then saves the final weights to <dir>/final.vdtb.
 */
import path from 'node:path';
import { AdamW } from '../../../main/training/adamw.ts';
import { initComputeBackend } from '../../../main/compute/backend.ts';
import { ConvLstmModel } from '../../../main/models/conv-lstm.ts';
import { FeatureBuilder } from '../../../main/training/features.ts';
import { resolveRunConfig } from '../../../main/training/run-config.ts';
import { trainModel } from '../../../main/training/trainer.ts';
import { modelFolderStore, saveWeightsFile } from '../../../main/run/model-folder-store.ts';
import { makeTinyDataset } from './tiny-dataset.ts';

const dir = process.argv[2]!;
const epochs = Number(process.argv[3] ?? 4);
await initComputeBackend({ prefer: 'wasm' });
const dataset = makeTinyDataset();
const config = resolveRunConfig({
  hiddenSize: 4, windowDays: 40, warmupDays: 10, batchSize: 2, windowsPerEpoch: 4, epochs, patience: 100,
  learningRate: 0.01, inferenceChunkDays: 200, features: { dayOfYear: true, staticLayers: true, climatology: false, antecedent: false },
  periods: { record: { from: '2000-01-01', to: '2003-12-31' }, train: { from: '2000-01-01', to: '2001-12-31' }, validate: { from: '2002-01-01', to: '2002-12-31' }, test: { from: '2003-01-01', to: '2003-12-31' } },
});
const features = new FeatureBuilder(dataset, config.features);
const model = new ConvLstmModel({
  kind: 'conv-lstm', rows: dataset.grid.nrows, cols: dataset.grid.ncols, inputChannels: features.channelCount, seed: config.seed,
  hidden: config.hiddenSize, kernelSize: 3, convImpl: 'auto', inputBlock: 32,
});
const optimizer = new AdamW({ learningRate: config.learningRate, weightDecay: config.weightDecay });
await trainModel({
  model, optimizer, features, config, store: modelFolderStore(dir),
  train: dataset.splits.train, validate: dataset.splits.validate,
  log: (m) => process.stdout.write(`${m}\n`),
});
await saveWeightsFile(model, path.join(dir, 'final.vdtb'), {});
process.stdout.write('done\n');
