// `vegdyn leaf forward | train` on a CSV shaped like a published dataset from another lab: other
// column names, D/M/Y dates, no BLCond or Patm (site altitude instead), a single PFT, no soil
// texture. Built from the example dataset's 'Crop R' rows so that the answer is known: read
// through the mapping it must give what the same values give in the example layout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { parseCsv, formatCsv } from '../../../main/leaf/csv.ts';
import { leafForwardCsv } from '../../../main/leaf/leaf-forward.ts';
import { parseLeafCsv } from '../../../main/leaf/leaf-dataset.ts';
import { temporalSplit } from '../../../main/leaf/leaf-splits.ts';
import { pressureFromElevationKPa, DEFAULT_BL_COND } from '../../../main/leaf/leaf-derived.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const example = readFileSync(path.join(root, 'test/fixtures/leaf/example_dataset.csv'), 'utf8');
const ALTITUDE = 150;

function vegdyn(args: string[]) {
  return spawnSync(process.execPath, [path.join(root, 'bin/vegdyn.mjs'), ...args], { encoding: 'utf8', env: { ...process.env, VEGDYN_BACKEND: 'cpu' } });
}

/** The example's Crop R rows; rows 3 and 7 lack PARin and row 11 lacks CO2S (to be skipped and counted). */
function cropRows(): Record<string, string>[] {
  const [header, ...rows] = parseCsv(example);
  const recs = rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]!]))).filter((r) => r['PFT'] === 'Crop R');
  recs[3]!['PARin'] = '-9999';
  recs[7]!['PARin'] = '-9999';
  recs[11]!['CO2S'] = '-9999';
  return recs;
}

/** The same rows in the example layout, with the pressure and BLCond the mapping must derive. */
function canonical(recs: Record<string, string>[]): string {
  const cols = ['Pathway', 'Location', 'Date', 'RH', 'Tair', 'Tleaf', 'PARin', 'Patm', 'CO2S', 'VPD', 'BLCond', 'PFT'];
  return formatCsv(cols, recs.map((r) => cols.map((c) => (c === 'Patm' ? pressureFromElevationKPa(ALTITUDE) : c === 'BLCond' ? DEFAULT_BL_COND : r[c]!))));
}

/** Another lab's layout: renamed columns, dd/mm/yyyy dates, altitude, observed Photo. */
function foreign(recs: Record<string, string>[], photo: number[]): string {
  const header = ['Site', 'SampleDate', 'altitude', 'Tair_C', 'Tleaf_C', 'PARi', 'Cs', 'VpdL', 'RH_S', 'Photo'];
  return formatCsv(header, recs.map((r, i) => {
    const [m, d, y] = r['Date']!.split('/');
    return [r['Location']!, `${d!.padStart(2, '0')}/${m!.padStart(2, '0')}/${y}`, ALTITUDE, r['Tair']!, r['Tleaf']!, r['PARin']!, r['CO2S']!, r['VPD']!, r['RH']!, photo[i]!];
  }));
}

const MAPPING = [
  '--column', 'Location=Site', '--column', 'Date=SampleDate', '--column', 'elevation=altitude',
  '--column', 'Tleaf=Tleaf_C', '--column', 'PARin=PARi', '--column', 'CO2S=Cs', '--column', 'VPD=VpdL',
  '--fill', 'PFT=Crop R', '--fill', 'BLCond=default',
];

test('leaf forward and leaf train read another lab\'s single-PFT CSV through --column / --fill / --date-format', { timeout: 180_000 }, async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-leaf-foreign-'));
  try {
    await tf.setBackend('cpu');
    const recs = cropRows();
    const reference = (await leafForwardCsv(canonical(recs), 'one')).result;
    assert.equal(reference.rows.length, 82);
    const anByLine = new Map(reference.rows.map((r) => [r.line, r.an]));
    // observed An: the reference model's x 0.9 (NaN -> empty for the skipped rows)
    const photo = recs.map((_, i) => anByLine.get(i + 2) ?? Number.NaN).map((v) => v * 0.9);
    const file = path.join(dir, 'lab.csv');
    writeFileSync(file, foreign(recs, photo));

    const out = path.join(dir, 'out.csv');
    const f = vegdyn(['leaf', 'forward', '--input', file, '--out', out, ...MAPPING, '--column', 'Tair=Tair_C', '--date-format', 'DMY']);
    assert.equal(f.status, 0, f.stderr);
    assert.match(f.stdout, /82 leaves solved on cpu/);
    assert.match(f.stderr, /skipped 3 rows:\n {2}2 x missing value, column 'PARi' \(first: line 5\)\n {2}1 x missing value, column 'Cs' \(first: line 13\)/);
    assert.match(f.stderr, /Patm: from elevation \(ICAO standard atmosphere/);
    assert.match(f.stderr, /BLCond: constant 2\.84/);
    const rows = parseCsv(readFileSync(out, 'utf8')).slice(1);
    assert.equal(rows.length, 82);
    for (const row of rows) {
      const want = anByLine.get(Number(row[0]));
      assert.ok(want !== undefined && Math.abs(Number(row[4]) - want) <= 1e-6 * Math.abs(want), `line ${row[0]}: An ${row[4]} vs ${want}`);
    }

    // train: one PFT (no one-hot crash), no soil (btran = 1 asked for), dates inferred as D/M/Y
    const runDir = path.join(dir, 'run');
    const t = vegdyn(['leaf', 'train', '--input', file, '--formulation', 'v-bdef', '--btran-from', 'one', '--epochs', '4', '--observed-column', 'Photo', '--run-dir', runDir, ...MAPPING, '--column', 'Tair=Tair_C']);
    assert.equal(t.status, 0, t.stderr);
    assert.match(t.stdout, /dates: DMY \(inferred from line 2: 21\/09\/2010\)/);
    assert.match(t.stdout, /skipped 3 rows:/);
    assert.match(t.stdout, /^ {2}Crop R +\d+\.\d\d +100\.7/m);
    // the temporal split is the one the example layout's M/D/Y dates give: no row moved by a misread date
    const expected = temporalSplit(parseLeafCsv(canonical(recs)).records, 0.8);
    const preds = parseCsv(readFileSync(path.join(runDir, 'predictions.csv'), 'utf8')).slice(1);
    assert.equal(preds.filter((p) => p[1] === 'train').length, expected.train.length);
    assert.equal(preds.filter((p) => p[1] === 'test').length, expected.test.length);
    assert.ok(expected.test.length > 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('leaf commands refuse bad foreign input with the specific reason', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-leaf-foreign-'));
  try {
    const file = path.join(dir, 'lab.csv');
    writeFileSync(file, 'Site,SampleDate,altitude,Tleaf_C,PARi,Cs,VpdL,Photo\nA,03/04/2020,150,21,800,380,1.2,10\nA,05/04/2020,150,22,900,380,1.3,11\n');
    const out = path.join(dir, 'o.csv');
    const ambiguous = vegdyn(['leaf', 'forward', '--input', file, '--out', out, ...MAPPING]);
    assert.equal(ambiguous.status, 1);
    assert.match(ambiguous.stderr, /lab\.csv: line 2, column 'SampleDate': date '03\/04\/2020' is ambiguous/);
    const badFormat = vegdyn(['leaf', 'forward', '--input', file, '--out', out, '--date-format', 'YMD']);
    assert.equal(badFormat.status, 1);
    assert.match(badFormat.stderr, /--date-format must be one of ISO, DMY, MDY \(got 'YMD'\)/);
    const noSoil = vegdyn(['leaf', 'train', '--input', file, '--formulation', 'vdef-bdef', '--date-format', 'DMY', ...MAPPING]);
    assert.equal(noSoil.status, 1);
    assert.match(noSoil.stderr, /vdef-bdef computes the CLM4\.5 btran from soil, but the file has no soil columns.*--btran-from one/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
