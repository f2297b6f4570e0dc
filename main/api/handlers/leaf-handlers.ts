import type { HandlersFor } from '../define.ts';
import type { leafRequests } from '../requests/leaf.ts';
import { initComputeBackend } from '../../compute/backend.ts';
import { writeFileAtomic } from '../../project/atomic-write.ts';
import { checkOutputPath, OutputPathError } from '../../project/output-path.ts';
import { InputFileError, readInputText } from '../../util/input-file.ts';
import { ApiError } from '../api-error.ts';
import { leafForwardCsv } from '../../leaf/leaf-forward.ts';
import { CLM45_PFTS } from '../../physics/pft-parameters.ts';
import { LEAF_PARAMETER_RANGES } from '../../physics/parameter-range.ts';

export const leafHandlers: HandlersFor<typeof leafRequests> = {
  'leaf.forward': async (req, ctx) => {
    // the output path is checked before any work: inside the project, never project.json
    const target = req.outCsv === undefined ? undefined
      : await checkOutputPath(req.outCsv, ctx.projectDir(), 'outCsv').catch((err: unknown) => { throw err instanceof OutputPathError ? new ApiError({ code: 'invalid-request', message: err.message, field: err.field }) : err; });
    const text = await readInputText(req.input).catch((err: unknown) => { throw err instanceof InputFileError ? new ApiError({ code: 'invalid-request', message: `input: ${err.message}`, field: 'input' }) : err; });
    await initComputeBackend();
    const { csv, result } = await leafForwardCsv(text, req.btranFrom ?? 'one', {
      source: req.input, pftMapping: req.pftMapping ?? {},
      ...(req.columns ? { columns: req.columns } : {}), ...(req.fill ? { fill: req.fill } : {}), ...(req.dateFormat ? { dateFormat: req.dateFormat } : {}),
    });
    if (target) await writeFileAtomic(target, csv);
    return { leaves: result.rows.length, iterations: result.iterations, converged: result.converged, skipped: result.skipped, skippedByReason: result.skippedByReason, inputs: { ...result.inputs }, rows: result.rows.slice(0, req.maxRows ?? 1000) };
  },
  'leaf.pfts': async () => ({
    pfts: CLM45_PFTS.map((p) => ({ ...p })),
    ranges: Object.values(LEAF_PARAMETER_RANGES).map((r) => ({ ...r })),
  }),
};
