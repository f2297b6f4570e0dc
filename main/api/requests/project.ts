import { z } from 'zod';
import { defineRequest } from '../define.ts';

export const projectInfoSchema = z.object({
  dir: z.string(),
  name: z.string(),
  schemaVersion: z.number().int(),
  createdAt: z.string(),
  modifiedAt: z.string(),
  description: z.string(),
});

export const recentProjectSchema = z.object({ dir: z.string(), name: z.string(), openedAt: z.string() });

export const projectRequests = {
  'project.create': defineRequest({
    description: 'Create a new project folder (must be empty or absent) and open it.',
    request: z.object({
      dir: z.string().min(1), name: z.string().min(1).optional(), description: z.string().optional(),
      /** the project's grid (run/create-project.ts): one of bbox, gridFrom, basin or an uploaded file; absent = the first forcing import's */
      grid: z.object({
        bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]).optional(),
        resolution: z.number().positive().optional(),
        origin: z.tuple([z.number(), z.number()]).optional(),
        gridFrom: z.string().min(1).optional(),
        basin: z.string().min(1).optional(),
        feature: z.string().min(1).optional(),
        /** web mode: the file's bytes, used as gridFrom or basin */
        file: z.object({ name: z.string().min(1), base64: z.string().min(1), use: z.enum(['grid-from', 'basin']) }).strict().optional(),
      }).strict().optional(),
    }).strict(),
    /** notes: what the grid was made from and its size (e.g. 'grid: 17 x 11 cells of 0.125 deg, ...') */
    response: projectInfoSchema.extend({ notes: z.array(z.string()) }),
  }),
  'project.open': defineRequest({
    description: 'Open an existing project folder; a folder without project.json or with a newer schema is refused.',
    request: z.object({ dir: z.string().min(1) }).strict(),
    response: projectInfoSchema,
  }),
  'project.info': defineRequest({
    description: 'The open project.',
    request: z.object({}).strict(),
    response: projectInfoSchema,
  }),
  'project.update': defineRequest({
    description: 'Rename the open project or change its description (written atomically).',
    request: z.object({ name: z.string().min(1).optional(), description: z.string().optional() }).strict(),
    response: projectInfoSchema,
  }),
  'project.recent': defineRequest({
    description: 'Recently opened projects, newest first.',
    request: z.object({}).strict(),
    response: z.object({ projects: z.array(recentProjectSchema) }),
  }),
} as const;
