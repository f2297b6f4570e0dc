/** The run listing as the map requests return it: copies, with missing numbers as null. */
import { runLabel, type BoxStats, type RunListing } from './run-listing.ts';

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

function boxOut(b: BoxStats | null) {
  return b && { n: Number.isFinite(b.n) ? b.n : 0, median: finite(b.median), q25: finite(b.q25), q75: finite(b.q75), whiskerLow: finite(b.whiskerLow), whiskerHigh: finite(b.whiskerHigh), min: finite(b.min), max: finite(b.max) };
}

export function runForMap(r: RunListing) {
  return {
    ...r,
    label: runLabel(r),
    failed: [...r.failed], skipped: [...r.skipped], models: [...r.models], predictions: [...r.predictions],
    periods: r.periods ? { ...r.periods } : null,
    entries: r.entries.map((e) => ({ id: e.id, label: e.label, role: e.role, nse: boxOut(e.nse), byLandCover: e.byLandCover.map((b) => ({ code: b.code, name: b.name, nse: boxOut(b.nse) })) })),
    history: Object.fromEntries(Object.entries(r.history).map(([k, h]) => [k, h.map((x) => ({ epoch: x.epoch, trainLoss: finite(x.trainLoss), valLoss: x.valLoss }))])),
    parameters: Object.fromEntries(Object.entries(r.parameters).map(([k, lp]) => [k, {
      pfts: [...lp.pfts], parameterization: lp.parameterization,
      parameters: Object.fromEntries(Object.entries(lp.parameters).map(([n, q]) => [n, { ...q, min: finite(q.min), max: finite(q.max), defaults: q.defaults.map(finite), values: q.values.map(finite),
        cells: q.cells ? { median: q.cells.median.map(finite), p05: q.cells.p05.map(finite), p95: q.cells.p95.map(finite), count: q.cells.count } : null }])),
    }])),
  };
}
