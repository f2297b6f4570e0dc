/** btran for the records of a leaf dataset, by source: constant 1, the seed's synthetic B, or CLM4.5. */
import * as tf from '@tensorflow/tfjs';
import { btranDefault, btranLearned, syntheticB } from '../physics/btran.ts';
import { T_FREEZE_K } from '../physics/constants.ts';
import { layerTensor, requireSoil, type LeafDataset, type LeafRecord } from './leaf-dataset.ts';

export const BTRAN_SOURCES = ['one', 'synthetic-B', 'default-B'] as const;
export type BtranSource = (typeof BTRAN_SOURCES)[number];

/** The soil inputs of the learned btran form on the top layer (the seed's synthetic setup). */
export interface TopLayerSoil {
  /** [1, N] */
  readonly wetness: tf.Tensor;
  readonly sandPct: tf.Tensor;
  readonly clayPct: tf.Tensor;
  readonly fom: tf.Tensor;
  /** [N] */
  readonly psiOpenMm: tf.Tensor;
  readonly psiCloseMm: tf.Tensor;
}

export function topLayerSoil(records: readonly LeafRecord[]): TopLayerSoil {
  return {
    wetness: layerTensor(records, 1, (l) => l.wetness),
    sandPct: layerTensor(records, 1, (l) => l.sandPct),
    clayPct: layerTensor(records, 1, (l) => l.clayPct),
    fom: layerTensor(records, 1, (l) => l.fom),
    psiOpenMm: tf.tensor1d(records.map((r) => r.psiOpenMm)),
    psiCloseMm: tf.tensor1d(records.map((r) => r.psiCloseMm)),
  };
}

/** btran [N] given B [1, N] on the top layer (root fraction 1, as the seed's single-layer runs). */
export function btranFromTopLayerB(soil: TopLayerSoil, b: tf.Tensor): tf.Tensor {
  return btranLearned({ wetness: soil.wetness, b, rootFraction: tf.onesLike(soil.wetness), psiOpenMm: soil.psiOpenMm, psiCloseMm: soil.psiCloseMm });
}

/** btran [N] of every record. */
export function btranFor(ds: LeafDataset, records: readonly LeafRecord[], source: BtranSource, src = 'leaf CSV'): tf.Tensor {
  if (source === 'one') return tf.ones([records.length]);
  if (source === 'synthetic-B') {
    requireSoil(ds, 'wetness', src);
    return tf.tidy(() => {
      const soil = topLayerSoil(records);
      return btranFromTopLayerB(soil, syntheticB(soil.sandPct, soil.clayPct, soil.fom));
    });
  }
  requireSoil(ds, 'moisture', src);
  const L = ds.soilLayers;
  return tf.tidy(() => btranDefault({
    thetaLiq: layerTensor(records, L, (l) => l.moisture),
    thetaIce: tf.zeros([L, records.length]),
    // leaf datasets carry no soil temperature; air temperature decides only whether soil is frozen
    tSoilK: tf.tile(tf.tensor2d(records.map((r) => r.tAirC + T_FREEZE_K), [1, records.length]), [L, 1]),
    sandPct: layerTensor(records, L, (l) => l.sandPct),
    clayPct: layerTensor(records, L, (l) => l.clayPct),
    fom: layerTensor(records, L, (l) => l.fom),
    rootFraction: layerTensor(records, L, (l) => l.rootFraction),
    psiOpenMm: tf.tensor1d(records.map((r) => r.psiOpenMm)),
    psiCloseMm: tf.tensor1d(records.map((r) => r.psiCloseMm)),
  }));
}
