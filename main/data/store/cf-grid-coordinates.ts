/**
 * The lat/lon coordinate variables (as HDF5 dimension scales) and the `crs` grid-mapping variable
 * that make a NetCDF4 file on the project grid readable with the right georeference by GDAL,
 * xarray and Panoply. Shared by the dataset store and the NetCDF export.
 */
import type { Dataset as H5Dataset, File as H5File } from 'h5wasm/node';
import { cellLat, cellLon, type GridSpec } from '../grid.ts';
import { WGS84_WKT } from './cf-conventions.ts';

// every attribute written here is a fixed ASCII constant: fixed-length strings (NC_CHAR)
function text(obj: H5Dataset, name: string, value: string): void {
  obj.create_attribute(name, value, null, `S${Math.max(1, value.length)}`);
}

function num(obj: H5Dataset, name: string, value: number): void {
  obj.create_attribute(name, Float64Array.of(value), null, '<d');
}

/** Writes `lat` (ascending, south to north, as CF and GDAL expect), `lon` and `crs` (EPSG:4326). */
export function writeGridCoordinates(f: H5File, grid: GridSpec): void {
  const lat = f.create_dataset({ name: 'lat', data: Float64Array.from({ length: grid.nrows }, (_, j) => cellLat(grid, grid.nrows - 1 - j)) });
  lat.make_scale('lat');
  text(lat, 'standard_name', 'latitude');
  text(lat, 'long_name', 'latitude of the cell centre');
  text(lat, 'units', 'degrees_north');
  text(lat, 'axis', 'Y');
  const lon = f.create_dataset({ name: 'lon', data: Float64Array.from({ length: grid.ncols }, (_, i) => cellLon(grid, i)) });
  lon.make_scale('lon');
  text(lon, 'standard_name', 'longitude');
  text(lon, 'long_name', 'longitude of the cell centre');
  text(lon, 'units', 'degrees_east');
  text(lon, 'axis', 'X');
  const crs = f.create_dataset({ name: 'crs', data: new Int32Array([0]), shape: [] });
  text(crs, 'grid_mapping_name', 'latitude_longitude');
  num(crs, 'longitude_of_prime_meridian', 0);
  num(crs, 'semi_major_axis', 6378137);
  num(crs, 'inverse_flattening', 298.257223563);
  text(crs, 'crs_wkt', WGS84_WKT);
  text(crs, 'spatial_ref', WGS84_WKT);
  text(crs, 'epsg_code', 'EPSG:4326');
}
