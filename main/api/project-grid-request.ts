/**
 * project.create with a grid: the request's choice (a box, a file path, or in web mode an uploaded
 * file) handed to run/create-project.ts. A choice the engine cannot use (a bad box, an unreadable
 * file, a grid over the backend's limit) is the request's fault: an invalid-request naming 'grid'.
 */
import { mkdtempSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApiError } from './api-error.ts';
import { CreateProjectError, createProjectWithGrid, type CreatedProject, type GridChoice } from '../run/create-project.ts';
import { GridDefinitionError } from '../data/grid-definition.ts';
import { ImportError } from '../data/importers/errors.ts';
import { saveUpload } from '../run/import-upload.ts';

export interface GridRequest {
  readonly bbox?: [number, number, number, number] | undefined;
  readonly resolution?: number | undefined;
  readonly origin?: [number, number] | undefined;
  readonly gridFrom?: string | undefined;
  readonly basin?: string | undefined;
  readonly feature?: string | undefined;
  readonly file?: { readonly name: string; readonly base64: string; readonly use: 'grid-from' | 'basin' } | undefined;
}

export async function createProjectFromRequest(dir: string, options: { name?: string | undefined; description?: string | undefined }, req: GridRequest): Promise<CreatedProject> {
  const scratch = req.file ? mkdtempSync(path.join(os.tmpdir(), 'vegdyn-newproject-')) : undefined;
  try {
    let upload: string | undefined;
    if (req.file && scratch) {
      // the same checks (name, base64, size) as the import panel's uploads, into a scratch folder: no project folder exists yet
      try {
        upload = (await saveUpload(scratch, req.file.name, req.file.base64)).path;
      } catch (err) {
        throw new ApiError({ code: 'invalid-request', message: (err as Error).message, field: 'grid.file' });
      }
    }
    const choice: GridChoice = {
      ...(req.bbox ? { bbox: req.bbox } : {}),
      ...(req.resolution !== undefined ? { resolution: req.resolution } : {}),
      ...(req.origin ? { origin: req.origin } : {}),
      ...(req.gridFrom ? { gridFrom: req.gridFrom } : upload && req.file?.use === 'grid-from' ? { gridFrom: upload } : {}),
      ...(req.basin ? { basin: req.basin } : upload && req.file?.use === 'basin' ? { basin: upload } : {}),
      ...(req.feature ? { feature: req.feature } : {}),
    };
    const probe = async () => (await import('../compute/backend.ts')).initComputeBackend().then((r) => r.chosen);
    return await createProjectWithGrid(dir, { ...(options.name !== undefined ? { name: options.name } : {}), ...(options.description !== undefined ? { description: options.description } : {}), ...choice }, probe);
  } catch (err) {
    if (err instanceof CreateProjectError || err instanceof GridDefinitionError || err instanceof ImportError) {
      const msg = uploadName(err.message, req);
      throw new ApiError({ code: 'invalid-request', message: msg, field: 'grid' });
    }
    throw err;
  } finally {
    if (scratch) await fs.rm(scratch, { recursive: true, force: true });
  }
}

/** Messages name the uploaded file by its own name, not the scratch copy. */
function uploadName(message: string, req: GridRequest): string {
  return req.file ? message.replace(/\/[^\s:']*vegdyn-newproject-[^/\s]+\/[^\s:']+/g, `'${req.file.name}'`) : message;
}
