/** btran for the records of a leaf dataset, by source: constant 1, the seed's synthetic B, or CLM4.5. */
import * as tf from '@tensorflow/tfjs';
import { btranDefault, btranLearned, syntheticB } from '../physics/btran.ts';
import { T_FREEZE_K } from '../physics/constants.ts';
import { layerTensor, requireSoil, type LeafDataset, type LeafRecord } from './leaf-dataset.ts';
import type { BtranSource } from './btran-sources.ts';

export { BTRAN_SOURCES, type BtranSource } from './btran-sources.ts';

/** The soil inputs of the learned btran form on the first L layers. */
export interface LayerSoil {
  /** [L, N] */
  readonly wetness: tf.Tensor;
  readonly sandPct: tf.Tensor;
  readonly clayPct: tf.Tensor;
  readonly fom: tf.Tensor;
  /** root fraction r_(i+1); ones when L = 1 (the seed's single-layer runs) */
  readonly rootFraction: tf.Tensor;
  /** [N] */
  readonly psiOpenMm: tf.Tensor;
  readonly psiCloseMm: tf.Tensor;
}

/** Soil of the first `layers` layers of each record ([L, N] tensors). */
export function layerSoil(records: readonly LeafRecord[], layers = 1): LayerSoil {
  return {
    wetness: layerTensor(records, layers, (l) => l.wetness),
    sandPct: layerTensor(records, layers, (l) => l.sandPct),
    clayPct: layerTensor(records, layers, (l) => l.clayPct),
    fom: layerTensor(records, layers, (l) => l.fom),
    rootFraction: layers === 1 ? tf.ones([1, records.length]) : layerTensor(records, layers, (l) => l.rootFraction),
    psiOpenMm: tf.tensor1d(records.map((r) => r.psiOpenMm)),
    psiCloseMm: tf.tensor1d(records.map((r) => r.psiCloseMm)),
  };
}

/** btran [N] given B [L, N], one value per soil layer. */
export function btranFromLayerB(soil: LayerSoil, b: tf.Tensor): tf.Tensor {
  return btranLearned({ wetness: soil.wetness, b, rootFraction: soil.rootFraction, psiOpenMm: soil.psiOpenMm, psiCloseMm: soil.psiCloseMm });
}

/** btran [N] of every record. */
export function btranFor(ds: LeafDataset, records: readonly LeafRecord[], source: BtranSource, src = 'leaf CSV'): tf.Tensor {
  if (source === 'one') return tf.ones([records.length]);
  if (source === 'synthetic-B') {
    requireSoil(ds, 'wetness', src);
    return tf.tidy(() => {
      const soil = layerSoil(records, 1);
      return btranFromLayerB(soil, syntheticB(soil.sandPct, soil.clayPct, soil.fom));
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
