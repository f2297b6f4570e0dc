/**
 * Where each input of a leaf CSV comes from: the file's column of the role's own name (the
 * example-dataset layout), a column the user maps to the role (`--column Tleaf=T_leaf`), or a
 * constant the user gives (`--fill Patm=85.2`), which also stands in for a row's missing value.
 * Pressure can come from the site elevation and VPD from relative humidity (see leaf-derived.ts).
 */
import { LeafInputError } from './leaf-input-error.ts';
import { DEFAULT_BL_COND } from './leaf-derived.ts';

/** Roles with one column each; soil roles carry a layer number (soil_clay_0, SMC_1, r1, ...). */
export const LEAF_ROLES = [
  'PFT', 'Pathway', 'Location', 'Date', 'Tleaf', 'Tair', 'PARin', 'CO2S', 'Patm', 'elevation', 'VPD', 'RH',
  'BLCond', 'LAI', 'An', 'vcmax_CLM45', 'medslope', 'epsi_o', 'epsi_c',
] as const;
export const LEAF_LAYER_ROLES = ['soil_clay_N', 'soil_sand_N', 'soil_OM_N', 'SM_N', 'SMC_N', 'rN (root fraction, N from 1)'] as const;

/** roles whose values are text; every other role is a number */
const TEXT_ROLES = new Set(['PFT', 'Pathway', 'Location', 'Date']);

/** Values that mean "missing" in the leaf datasets seen so far. */
export const MISSING = new Set(['', '-9999', '-9999.0', '-9999.00', 'NA', 'N/A', 'NaN', 'nan', 'null']);

const BY_LOWER = new Map<string, string>(LEAF_ROLES.map((r) => [r.toLowerCase(), r]));
const LAYERED = /^(soil_clay|soil_sand|soil_om|sm|smc)_(\d+)$/i;
const LAYER_NAME: Record<string, string> = { soil_clay: 'soil_clay', soil_sand: 'soil_sand', soil_om: 'soil_OM', sm: 'SM', smc: 'SMC' };

/** The canonical spelling of a role name (case-insensitive), or undefined when it is no role. */
export function canonicalRole(name: string): string | undefined {
  const n = name.trim();
  const fixed = BY_LOWER.get(n.toLowerCase());
  if (fixed) return fixed;
  const layered = LAYERED.exec(n);
  if (layered) return `${LAYER_NAME[layered[1]!.toLowerCase()]}_${Number(layered[2])}`;
  const root = /^r(\d+)$/i.exec(n);
  return root && Number(root[1]) >= 1 ? `r${Number(root[1])}` : undefined;
}

function roleList(): string {
  return [...LEAF_ROLES, ...LEAF_LAYER_ROLES].join(', ');
}

export interface LeafColumnOptions {
  /** role -> the file's column holding it */
  readonly columns?: Readonly<Record<string, string>>;
  /** role -> constant, used where the file has no such column or the row's value is missing */
  readonly fill?: Readonly<Record<string, string | number>>;
}

/** One value of a row and where it came from. */
export interface RoleValue {
  readonly text: string;
  /** true when it is the user's constant */
  readonly filled: boolean;
}

/** The resolved inputs of one file: which column (or constant) each role reads. */
export class LeafColumns {
  private readonly index = new Map<string, number>();
  private readonly name = new Map<string, string>();
  private readonly constants = new Map<string, string>();
  /** roles whose constant is the stated default (--fill BLCond=default) */
  private readonly defaulted = new Set<string>();
  /** rows whose value came from a constant, by role */
  readonly filledRows = new Map<string, number>();

  constructor(header: readonly string[], options: LeafColumnOptions, private readonly source: string, headerLine: number) {
    const at = new Map(header.map((h, i) => [h.trim(), i]));
    for (const [h, i] of at) {
      const role = canonicalRole(h);
      if (role && h === role) { this.index.set(role, i); this.name.set(role, h); }
    }
    const mapped = new Set<string>();
    for (const [key, column] of Object.entries(options.columns ?? {})) {
      const role = canonicalRole(key);
      if (!role) throw new LeafInputError(source, undefined, undefined, `--column ${key}=${column}: '${key}' is not an input role (roles: ${roleList()})`);
      if (mapped.has(role)) throw new LeafInputError(source, undefined, undefined, `--column ${key}=${column}: role ${role} is mapped twice`);
      mapped.add(role);
      const i = at.get(column.trim());
      if (i === undefined) throw new LeafInputError(source, headerLine, column, `--column ${role}=${column}: the file has no column '${column}' (its columns: ${header.map((h) => h.trim()).join(', ')})`);
      this.index.set(role, i);
      this.name.set(role, column.trim());
    }
    for (const [key, value] of Object.entries(options.fill ?? {})) {
      const role = canonicalRole(key);
      if (!role) throw new LeafInputError(source, undefined, undefined, `--fill ${key}=${value}: '${key}' is not an input role (roles: ${roleList()})`);
      const text = String(value).trim();
      if (text === '') throw new LeafInputError(source, undefined, undefined, `--fill ${role}: the value is empty`);
      if (!TEXT_ROLES.has(role) && !(role === 'BLCond' && text === 'default') && !Number.isFinite(Number(text))) {
        throw new LeafInputError(source, undefined, undefined, `--fill ${role}=${text}: not a number${role === 'BLCond' ? " (or 'default')" : ''}`);
      }
      // 'default' is resolved here so that every later reader sees a number
      const isDefault = role === 'BLCond' && text === 'default';
      this.constants.set(role, isDefault ? String(DEFAULT_BL_COND) : text);
      if (isDefault) this.defaulted.add(role);
    }
  }

  /** whether the role has a column or a constant */
  has(role: string): boolean {
    return this.index.has(role) || this.constants.has(role);
  }

  hasColumn(role: string): boolean {
    return this.index.has(role);
  }

  constant(role: string): string | undefined {
    return this.constants.get(role);
  }

  /** The column name to cite in messages: the file's column, or the --fill option. */
  label(role: string): string {
    return this.name.get(role) ?? (this.constants.has(role) ? `--fill ${role}` : role);
  }

  /** Where the role comes from, for the read report. */
  describe(role: string): string | undefined {
    const c = this.name.get(role);
    const k = this.constants.has(role) ? `${this.constants.get(role)}${this.defaulted.has(role) ? ' (the stated default, --fill BLCond=default)' : ''}` : undefined;
    if (c !== undefined) return `column '${c}'${k !== undefined ? `, missing values filled with ${k}` : ''}`;
    return k !== undefined ? `constant ${k}` : undefined;
  }

  /** The row's value of a role (trimmed), the constant where the column lacks it, or undefined. */
  value(fields: readonly string[], role: string): RoleValue | undefined {
    const s = this.peek(fields, role);
    if (s !== undefined) return { text: s, filled: false };
    const k = this.constants.get(role);
    if (k === undefined) return undefined;
    this.filledRows.set(role, (this.filledRows.get(role) ?? 0) + 1);
    return { text: k, filled: true };
  }

  /** The row's own text of a role (no constant, nothing counted), undefined when missing. */
  peek(fields: readonly string[], role: string): string | undefined {
    const i = this.index.get(role);
    const s = i === undefined ? undefined : (fields[i] ?? '').trim();
    return s === undefined || MISSING.has(s) ? undefined : s;
  }

  /** A numeric value, undefined when missing; throws naming the line and column when it is not a number. */
  number(fields: readonly string[], role: string, line: number): number | undefined {
    const v = this.value(fields, role);
    if (v === undefined) return undefined;
    const n = Number(v.text);
    if (!Number.isFinite(n)) throw new LeafInputError(this.source, line, this.label(role), `'${v.text}' is not a number`);
    return n;
  }
}
