/**
 * Which source variables can feed each NLDAS-2 forcing variable, how they are recognised (NLDAS-2
 * name, common aliases, CF standard_name), and how their units convert, step by step, to the
 * quantities that are then aggregated to days.
 */
import { ImportError } from './errors.ts';

/** Source roles: the seven forcings plus the inputs they can be derived from. */
export const SOURCE_ROLES = ['Rainf', 'Tair', 'PSurf', 'Qair', 'RelHum', 'VapPres', 'DewPoint', 'LWdown', 'SWdown', 'Wind', 'Wind_E', 'Wind_N'] as const;
export type SourceRole = (typeof SOURCE_ROLES)[number];

/** Variable names recognised per role (exact, case-sensitive), NLDAS-2 names first. */
export const ROLE_NAMES: Readonly<Record<SourceRole, readonly string[]>> = {
  Rainf: ['Rainf', 'APCP', 'pr', 'precip', 'prcp', 'tp'],
  Tair: ['Tair', 'TMP', 'tas', 't2m', 'tmean', 'air_temperature'],
  PSurf: ['PSurf', 'PRES', 'ps', 'sp', 'pres'],
  Qair: ['Qair', 'SPFH', 'huss', 'q2m'],
  RelHum: ['RH', 'hurs', 'rh', 'rhum'],
  VapPres: ['vp', 'vap', 'e'],
  DewPoint: ['d2m', 'tdew', 'dewpoint'],
  LWdown: ['LWdown', 'DLWRF', 'rlds', 'strd', 'lwdown'],
  SWdown: ['SWdown', 'DSWRF', 'rsds', 'ssrd', 'swdown'],
  Wind: ['Wind', 'sfcWind', 'wind', 'ws', 'si10'],
  Wind_E: ['Wind_E', 'UGRD', 'uas', 'u10'],
  Wind_N: ['Wind_N', 'VGRD', 'vas', 'v10'],
};

export const ROLE_STANDARD_NAMES: Readonly<Record<SourceRole, readonly string[]>> = {
  Rainf: ['precipitation_flux', 'precipitation_amount', 'lwe_precipitation_rate', 'lwe_thickness_of_precipitation_amount'],
  Tair: ['air_temperature'],
  PSurf: ['surface_air_pressure', 'air_pressure'],
  Qair: ['specific_humidity'],
  RelHum: ['relative_humidity'],
  VapPres: ['water_vapor_partial_pressure_in_air'],
  DewPoint: ['dew_point_temperature'],
  LWdown: ['surface_downwelling_longwave_flux_in_air', 'surface_downwelling_longwave_flux'],
  SWdown: ['surface_downwelling_shortwave_flux_in_air', 'surface_downwelling_shortwave_flux'],
  Wind: ['wind_speed'],
  Wind_E: ['eastward_wind'],
  Wind_N: ['northward_wind'],
};

/**
 * A step conversion: value in source units -> value in the step quantity. For precipitation the
 * step quantity is the amount that fell during the step (kg m-2); for everything else it is the
 * instantaneous or step-mean value in the target unit. `dtSeconds` is the time step length.
 */
export interface UnitConversion {
  readonly label: string;
  readonly apply: (v: number, dtSeconds: number) => number;
  /** the values are already in the target unit (the importer then skips the per-value pass) */
  readonly unchanged?: boolean;
}

export function canonicalUnits(u: string): string {
  return u.trim().toLowerCase().replace(/\*\*/g, '').replace(/\^/g, '').replace(/\s+/g, ' ').replace(/°/g, 'deg');
}

const K = (label: string, apply: (v: number, dt: number) => number): UnitConversion => ({ label, apply });
const same = (u: string): UnitConversion => ({ label: `${u} (unchanged)`, apply: (v) => v, unchanged: true });

const TEMPERATURE: Record<string, UnitConversion> = {
  k: same('K'), kelvin: same('K'), 'deg k': same('K'), degk: same('K'),
  degc: K('degC -> K (+273.15)', (v) => v + 273.15), 'deg c': K('degC -> K (+273.15)', (v) => v + 273.15), c: K('degC -> K (+273.15)', (v) => v + 273.15),
  celsius: K('degC -> K (+273.15)', (v) => v + 273.15), deg_c: K('degC -> K (+273.15)', (v) => v + 273.15), degrees_c: K('degC -> K (+273.15)', (v) => v + 273.15),
  '[c]': K('degC -> K (+273.15)', (v) => v + 273.15), '[k]': same('K'),
  degf: K('degF -> K', (v) => ((v - 32) * 5) / 9 + 273.15), 'deg f': K('degF -> K', (v) => ((v - 32) * 5) / 9 + 273.15),
};
const PRESSURE: Record<string, UnitConversion> = {
  pa: same('Pa'), '[pa]': same('Pa'),
  hpa: K('hPa -> Pa (x100)', (v) => v * 100), mb: K('mb -> Pa (x100)', (v) => v * 100), mbar: K('mbar -> Pa (x100)', (v) => v * 100), millibar: K('millibar -> Pa (x100)', (v) => v * 100),
  kpa: K('kPa -> Pa (x1000)', (v) => v * 1000),
};
const FLUX: Record<string, UnitConversion> = {
  'w m-2': same('W m-2'), 'w/m2': same('W m-2'), 'w m2': same('W m-2'), 'w/m-2': same('W m-2'), '[w/(m2)]': same('W m-2'),
  'j m-2': K('J m-2 per step -> W m-2 (/ step seconds)', (v, dt) => v / dt), 'j/m2': K('J m-2 per step -> W m-2 (/ step seconds)', (v, dt) => v / dt),
};
const SPEED: Record<string, UnitConversion> = {
  'm s-1': same('m s-1'), 'm/s': same('m s-1'), '[m/s]': same('m s-1'), 'm s**-1': same('m s-1'),
  'km/h': K('km/h -> m s-1 (/3.6)', (v) => v / 3.6), 'km h-1': K('km/h -> m s-1 (/3.6)', (v) => v / 3.6),
};

const ROLE_UNITS: Readonly<Record<SourceRole, Record<string, UnitConversion>>> = {
  Rainf: {
    'kg m-2 s-1': K('kg m-2 s-1 x step seconds', (v, dt) => v * dt), 'kg/m2/s': K('kg m-2 s-1 x step seconds', (v, dt) => v * dt),
    'kg m-2s-1': K('kg m-2 s-1 x step seconds', (v, dt) => v * dt), 'mm s-1': K('mm s-1 x step seconds', (v, dt) => v * dt), 'mm/s': K('mm s-1 x step seconds', (v, dt) => v * dt),
    'mm h-1': K('mm h-1 x step hours', (v, dt) => (v * dt) / 3600), 'mm/h': K('mm h-1 x step hours', (v, dt) => (v * dt) / 3600), 'mm hr-1': K('mm h-1 x step hours', (v, dt) => (v * dt) / 3600), 'mm/hr': K('mm h-1 x step hours', (v, dt) => (v * dt) / 3600),
    'mm d-1': K('mm d-1 x step days', (v, dt) => (v * dt) / 86400), 'mm/day': K('mm d-1 x step days', (v, dt) => (v * dt) / 86400), 'mm day-1': K('mm d-1 x step days', (v, dt) => (v * dt) / 86400), 'kg m-2 d-1': K('kg m-2 d-1 x step days', (v, dt) => (v * dt) / 86400), 'mm/d': K('mm d-1 x step days', (v, dt) => (v * dt) / 86400),
    'kg m-2': same('kg m-2 per step'), 'kg/m2': same('kg m-2 per step'), mm: same('mm per step'), '[kg/(m2)]': same('kg m-2 per step'),
    m: K('m per step -> kg m-2 (x1000)', (v) => v * 1000),
  },
  Tair: TEMPERATURE,
  DewPoint: TEMPERATURE,
  PSurf: PRESSURE,
  VapPres: PRESSURE,
  Qair: {
    'kg kg-1': same('kg kg-1'), 'kg/kg': same('kg kg-1'), '1': same('kg kg-1'), '[kg/kg]': same('kg kg-1'), '': same('kg kg-1'),
    'g kg-1': K('g kg-1 -> kg kg-1 (/1000)', (v) => v / 1000), 'g/kg': K('g kg-1 -> kg kg-1 (/1000)', (v) => v / 1000),
  },
  RelHum: {
    '%': same('%'), percent: same('%'), '[%]': same('%'),
    '1': K('fraction -> % (x100)', (v) => v * 100), fraction: K('fraction -> % (x100)', (v) => v * 100),
  },
  LWdown: FLUX,
  SWdown: FLUX,
  Wind: SPEED,
  Wind_E: SPEED,
  Wind_N: SPEED,
};

export function unitConversion(file: string, variable: string, role: SourceRole, units: string | undefined): UnitConversion {
  if (units === undefined) {
    throw new ImportError(file, `has no 'units' attribute; give them explicitly (expected one of: ${Object.keys(ROLE_UNITS[role]).filter((u) => u !== '').join(', ')})`, variable);
  }
  const conv = ROLE_UNITS[role][canonicalUnits(units)];
  if (!conv) {
    throw new ImportError(file, `has units '${units}', which VegDyn cannot convert for ${role} (expected one of: ${Object.keys(ROLE_UNITS[role]).filter((u) => u !== '').join(', ')})`, variable);
  }
  return conv;
}

/** Saturation vapour pressure over water (Pa) at T (K): Bolton (1980). */
export function saturationVapourPressure(tK: number): number {
  const tc = tK - 273.15;
  return 611.2 * Math.exp((17.67 * tc) / (tc + 243.5));
}

/** Specific humidity (kg/kg) from vapour pressure e and pressure p (Pa). */
export function specificHumidity(e: number, p: number): number {
  return (0.622 * e) / (p - 0.378 * e);
}
