import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { HandlersFor } from '../define.ts';
import type { leafRequests } from '../requests/leaf.ts';
import { initComputeBackend } from '../../compute/backend.ts';
import { writeFileAtomic } from '../../project/atomic-write.ts';
import { leafForwardCsv } from '../../leaf/leaf-forward.ts';
import { CLM45_PFTS } from '../../physics/pft-parameters.ts';
import { LEAF_PARAMETER_RANGES } from '../../physics/parameter-range.ts';

export const leafHandlers: HandlersFor<typeof leafRequests> = {
  'leaf.forward': async (req) => {
    await initComputeBackend();
    const text = await readFile(req.input, 'utf8');
    const { csv, result } = leafForwardCsv(text, req.btranFrom ?? 'one', {
      source: req.input, pftMapping: req.pftMapping ?? {},
      ...(req.columns ? { columns: req.columns } : {}), ...(req.fill ? { fill: req.fill } : {}), ...(req.dateFormat ? { dateFormat: req.dateFormat } : {}),
    });
    if (req.outCsv) await writeFileAtomic(path.resolve(req.outCsv), csv);
    return { leaves: result.rows.length, iterations: result.iterations, converged: result.converged, skipped: result.skipped, skippedByReason: result.skippedByReason, inputs: { ...result.inputs }, rows: result.rows.slice(0, req.maxRows ?? 1000) };
  },
  'leaf.pfts': async () => ({
    pfts: CLM45_PFTS.map((p) => ({ ...p })),
    ranges: Object.values(LEAF_PARAMETER_RANGES).map((r) => ({ ...r })),
  }),
};
