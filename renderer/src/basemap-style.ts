/**
 * The offline basemap: a MapLibre style whose only sources are GeoJSON outlines bundled from
 * resources/basemap/basemap.json (prepared from the us-atlas and world-atlas packages). No tiles,
 * no glyphs, no sprites: nothing is ever fetched from the network.
 */
import type { StyleSpecification } from 'maplibre-gl';
import basemap from '../../resources/basemap/basemap.json';

export const BASEMAP_ATTRIBUTION = 'Outlines: US Census (us-atlas), Natural Earth (world-atlas)';

export function basemapStyle(): StyleSpecification {
  return {
    version: 8,
    name: 'VegDyn offline basemap',
    sources: {
      land: { type: 'geojson', data: basemap.land as GeoJSON.FeatureCollection, attribution: BASEMAP_ATTRIBUTION },
      countryBorders: { type: 'geojson', data: basemap.countryBorders as GeoJSON.MultiLineString },
      stateBorders: { type: 'geojson', data: basemap.stateBorders as GeoJSON.MultiLineString },
      countyBorders: { type: 'geojson', data: basemap.countyBorders as GeoJSON.MultiLineString },
    },
    layers: [
      { id: 'water', type: 'background', paint: { 'background-color': '#d4e4ee' } },
      { id: 'land', type: 'fill', source: 'land', paint: { 'fill-color': '#f2efe9', 'fill-outline-color': '#b9b4aa' } },
      {
        id: 'county-borders', type: 'line', source: 'countyBorders', minzoom: 5,
        paint: { 'line-color': '#b5aea3', 'line-width': 0.6 },
      },
      { id: 'state-borders', type: 'line', source: 'stateBorders', paint: { 'line-color': '#7d766c', 'line-width': 1.2 } },
      { id: 'country-borders', type: 'line', source: 'countryBorders', paint: { 'line-color': '#5d574f', 'line-width': 1.4 } },
    ],
  };
}
