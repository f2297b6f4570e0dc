#!/usr/bin/env node
// Prepares the offline basemap the renderer bundles: outlines from the installed us-atlas and
// world-atlas TopoJSON packages (public domain / ISC, Natural Earth and US Census data), converted
// to GeoJSON, county borders kept only around the Upper Colorado River Basin, coordinates rounded.
// Run: node resources/basemap/prepare-basemap.mjs  -> resources/basemap/basemap.json
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { feature, mesh } from 'topojson-client';

const require = createRequire(import.meta.url);
const load = (p) => JSON.parse(readFileSync(require.resolve(p), 'utf8'));

const states = load('us-atlas/states-10m.json');
const counties = load('us-atlas/counties-10m.json');
const world = load('world-atlas/countries-110m.json');

/** region whose county borders are kept (degrees): the UCRB with a generous margin */
const COUNTY_BOX = [-118, 32, -99, 47];

const round = (x) => Math.round(x * 1e4) / 1e4;
function roundCoords(c) {
  return typeof c[0] === 'number' ? [round(c[0]), round(c[1])] : c.map(roundCoords);
}
function roundGeom(g) {
  return { type: g.type, coordinates: roundCoords(g.coordinates) };
}
function inBox([x, y]) {
  return x >= COUNTY_BOX[0] && x <= COUNTY_BOX[2] && y >= COUNTY_BOX[1] && y <= COUNTY_BOX[3];
}

const countyLines = mesh(counties, counties.objects.counties, (a, b) => a !== b);
const keptCountyLines = countyLines.coordinates.filter((line) => line.some(inBox));

const out = {
  source: 'us-atlas 3 (US Census cartographic boundaries 1:10m) and world-atlas 2 (Natural Earth 1:110m)',
  land: {
    type: 'FeatureCollection',
    features: feature(world, world.objects.countries).features.map((f) => ({
      type: 'Feature', properties: { name: f.properties.name }, geometry: roundGeom(f.geometry),
    })).filter((f) => f.geometry.coordinates.length > 0),
  },
  countryBorders: roundGeom(mesh(world, world.objects.countries, (a, b) => a !== b)),
  stateBorders: roundGeom(mesh(states, states.objects.states, (a, b) => a !== b)),
  countyBorders: roundGeom({ type: 'MultiLineString', coordinates: keptCountyLines }),
};
const target = new URL('./basemap.json', import.meta.url);
writeFileSync(target, JSON.stringify(out));
console.log(`wrote ${target.pathname} (${(JSON.stringify(out).length / 1024).toFixed(0)} KiB)`);
