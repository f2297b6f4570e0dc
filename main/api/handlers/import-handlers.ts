/**
 * Handlers of the import requests (main/api/requests/import.ts): the work runs in the 'import'
 * job (main/run/import-job.ts), off the main loop.
 */
import type { HandlersFor } from '../define.ts';
import type { importRequests } from '../requests/import.ts';
import { saveImportUpload } from '../../run/import-upload.ts';

export const importHandlers: HandlersFor<typeof importRequests> = {
  'import.start': async (req, ctx) => {
    const projectDir = ctx.projectDir();
    return { jobId: ctx.startJob('import', { projectDir, dryRun: req.dryRun ?? false, params: req.params }) };
  },
  'import.upload': async (req, ctx) => saveImportUpload(ctx.projectDir(), req.name, req.base64),
};
