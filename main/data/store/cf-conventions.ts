/**
 * CF metadata of the variables VegDyn stores (CF Conventions 1.8 standard names and canonical
 * units; cf. https://cfconventions.org/Data/cf-standard-names/current/build/cf-standard-name-table.html).
 */
import type { ForcingName } from '../dataset.ts';

export interface CfVariable {
  readonly standardName: string;
  readonly longName: string;
  readonly units: string;
  /** CF cell_methods: how the daily value summarises the day */
  readonly cellMethods: string;
}

export const FORCING_CF: Readonly<Record<ForcingName, CfVariable>> = Object.freeze({
  Rainf: { standardName: 'precipitation_amount', longName: 'daily total precipitation (rain and snow, liquid water equivalent)', units: 'kg m-2', cellMethods: 'time: sum' },
  Tair: { standardName: 'air_temperature', longName: 'daily mean near-surface (2 m) air temperature', units: 'K', cellMethods: 'time: mean' },
  PSurf: { standardName: 'surface_air_pressure', longName: 'daily mean surface pressure', units: 'Pa', cellMethods: 'time: mean' },
  Qair: { standardName: 'specific_humidity', longName: 'daily mean near-surface (2 m) specific humidity', units: 'kg kg-1', cellMethods: 'time: mean' },
  LWdown: { standardName: 'surface_downwelling_longwave_flux_in_air', longName: 'daily mean downward longwave radiation at the surface', units: 'W m-2', cellMethods: 'time: mean' },
  SWdown: { standardName: 'surface_downwelling_shortwave_flux_in_air', longName: 'daily mean downward shortwave radiation at the surface', units: 'W m-2', cellMethods: 'time: mean' },
  Wind: { standardName: 'wind_speed', longName: 'daily mean near-surface (10 m) wind speed', units: 'm s-1', cellMethods: 'time: mean' },
});

export const LAI_CF: CfVariable = Object.freeze({ standardName: 'leaf_area_index', longName: 'leaf area index', units: '1', cellMethods: 'time: mean' });

/** The time reference of every time coordinate VegDyn writes. */
export const TIME_REFERENCE = '1981-01-01';
export const TIME_UNITS = `days since ${TIME_REFERENCE} 00:00:00`;
export const TIME_CALENDAR = 'standard';

/** Fill value of floating-point variables (CF _FillValue; NaN in memory). */
export const FLOAT_FILL = -9999;

/** OGC WKT of EPSG:4326 (WGS 84 geographic), for the grid-mapping variable. */
export const WGS84_WKT =
  'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],' +
  'PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],' +
  'AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]';
