/**
 * The btran sources a leaf run can use, in a module of its own (no tfjs) so the CLI can list them
 * in its help text without loading the model.
 */
export const BTRAN_SOURCES = ['one', 'synthetic-B', 'default-B'] as const;
export type BtranSource = (typeof BTRAN_SOURCES)[number];
