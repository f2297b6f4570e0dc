/**
 * Dissolving polygons into one: the geometric union (@turf/union, on polyclip-ts). Putting the parts
 * side by side in one MultiPolygon is not a dissolve: where parts overlap (neighbouring counties
 * that share a sliver, a basin drawn twice) the cell fractions would count that area twice.
 */
import { union } from '@turf/union';

type Polygonal = GeoJSON.Polygon | GeoJSON.MultiPolygon;

/** The union of the polygons of `geometries`; null when it has no area. */
export function unionPolygons(geometries: readonly Polygonal[]): Polygonal | null {
  const parts = geometries.flatMap((g) => (g.type === 'Polygon' ? [g.coordinates] : g.coordinates));
  if (parts.length === 0) return null;
  if (parts.length === 1) return { type: 'Polygon', coordinates: parts[0]! };
  const merged = union({
    type: 'FeatureCollection',
    features: parts.map((coordinates) => ({ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates } })),
  });
  return merged ? merged.geometry : null;
}
