/**
 * The parameters of an import as data (zod schema): shared by the 'import' background job and the
 * API's import.start request, so both check the same fields the same way.
 */
import { z } from 'zod';
import { SOURCE_ROLES } from './forcing-units.ts';

const file = z.string().min(1);
const fraction = z.number().gt(0).max(1);
const soilInput = z.object({ file, scale: z.number().finite().optional(), band: z.number().int().positive().optional() }).strict();

export const importParamsSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('forcing'),
    paths: z.array(file).min(1),
    mapping: z.partialRecord(z.enum(SOURCE_ROLES), z.string().min(1)).optional(),
    units: z.record(z.string(), z.string()).optional(),
    timeStamp: z.enum(['auto', 'start', 'middle', 'end']).optional(),
    minValidFraction: fraction.optional(),
  }).strict(),
  z.object({
    kind: z.literal('lai'),
    paths: z.array(file).min(1),
    datePattern: z.string().min(1).optional(),
    scale: z.number().finite().optional(),
    offset: z.number().finite().optional(),
    nodata: z.array(z.number().finite()).optional(),
    validRange: z.tuple([z.number().finite(), z.number().finite()]).optional(),
    variable: z.string().min(1).optional(),
    minValidFraction: fraction.optional(),
  }).strict(),
  z.object({
    kind: z.literal('landcover'),
    path: file,
    band: z.number().int().positive().optional(),
    nodata: z.array(z.number().finite()).optional(),
    remap: z.record(z.string().regex(/^\d+$/), z.number().int().min(0).max(255)).optional(),
    minValidFraction: fraction.optional(),
  }).strict(),
  z.object({
    kind: z.literal('soil'),
    sand: soilInput.optional(),
    clay: soilInput.optional(),
    organic: soilInput.optional(),
    elevation: soilInput.optional(),
  }).strict(),
  z.object({
    kind: z.literal('basins'),
    path: file,
    role: z.enum(['subbasins', 'outline']).optional(),
    nameField: z.string().min(1).optional(),
    idField: z.string().min(1).optional(),
    /** keep only the feature with this name */
    feature: z.string().min(1).optional(),
    /** merge all features into one */
    dissolve: z.boolean().optional(),
  }).strict(),
]);

export type ImportParams = z.infer<typeof importParamsSchema>;
