// Leaf CSVs laid out by other labs: column mapping, constants, derived inputs, date formats, and
// the specific error each bad input gets (naming the row and column, or the option).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseLeafCsv, countSkipped, LeafInputError, type LeafCsvOptions } from '../../../main/leaf/leaf-dataset.ts';
import { pressureFromElevationKPa, saturationVapourPressureKPa, vpdFromRelativeHumidityKPa } from '../../../main/leaf/leaf-derived.ts';
import { CLM45_PFTS } from '../../../main/physics/pft-parameters.ts';

/** A small file in another lab's layout: D/M/Y dates, no PFT, Patm, BLCond or soil columns. */
const HEADER = 'Site,SampleDate,altitude,Tleaf_C,PARi,Cs,VpdL,RH_S,Photo';
function foreign(dates: string[], edit: (row: string[], i: number) => void = () => undefined): string {
  const rows = dates.map((d, i) => {
    const row = ['Horsham', d, '150', '21.3', '794', '374', '1.46', '32', String(10 + i)];
    edit(row, i);
    return row.join(',');
  });
  return [HEADER, ...rows].join('\n');
}
const MAP: LeafCsvOptions = {
  source: 'lab.csv',
  columns: { Location: 'Site', Date: 'SampleDate', elevation: 'altitude', Tleaf: 'Tleaf_C', PARin: 'PARi', CO2S: 'Cs', VPD: 'VpdL' },
  fill: { PFT: 'C3 grass', BLCond: 'default' },
};

function expectError(text: string, options: LeafCsvOptions, line: number | undefined, column: string | undefined, pattern: RegExp): void {
  assert.throws(() => parseLeafCsv(text, options), (err: unknown) => {
    assert.ok(err instanceof LeafInputError, `LeafInputError, got ${String(err)}`);
    assert.equal(err.line, line);
    assert.equal(err.column, column);
    assert.match(err.message, pattern);
    return true;
  });
}

test('ICAO standard atmosphere: 1500 m is 84.56 kPa, sea level 101.325 kPa (ISA table values)', () => {
  assert.ok(Math.abs(pressureFromElevationKPa(0) - 101.325) < 1e-9);
  assert.ok(Math.abs(pressureFromElevationKPa(1500) - 84.556) < 0.01, String(pressureFromElevationKPa(1500)));
  assert.ok(Math.abs(pressureFromElevationKPa(3000) - 70.109) < 0.01, String(pressureFromElevationKPa(3000)));
});

test('VPD from RH: es(25 C) = 3.168 kPa (FAO-56 table), so RH 50 % at Tleaf = Tair = 25 C gives 1.584 kPa', () => {
  assert.ok(Math.abs(saturationVapourPressureKPa(25) - 3.168) < 0.001);
  assert.ok(Math.abs(vpdFromRelativeHumidityKPa(50, 25, 25) - 1.584) < 0.001);
  // a leaf warmer than the air sees a larger deficit than the air's own
  assert.ok(vpdFromRelativeHumidityKPa(50, 27, 25) > vpdFromRelativeHumidityKPa(50, 25, 25) + 0.3);
});

test('a mapped file reads every role from its own columns, constants and derived values, and says so', () => {
  const ds = parseLeafCsv(foreign(['21/09/2010', '05/10/2010', '12/10/2010']), { ...MAP, observedColumn: 'Photo' });
  assert.equal(ds.records.length, 3);
  const r = ds.records[1]!;
  assert.equal(r.pft.name, 'C3 grass');
  assert.equal(r.location, 'Horsham');
  assert.equal(r.tLeafC, 21.3);
  assert.equal(r.co2Ppm, 374);
  assert.equal(r.blCond, 2.84);
  assert.ok(Math.abs(r.patmKPa - pressureFromElevationKPa(150)) < 1e-12);
  assert.equal(r.observedAn, 11);
  // 05/10/2010 is 5 October as D/M/Y, settled by line 2's 21/09/2010
  assert.equal(new Date(r.time).toISOString().slice(0, 10), '2010-10-05');
  assert.deepEqual(ds.report?.dateFormat, { format: 'DMY', basis: { line: 2, text: '21/09/2010' } });
  assert.equal(ds.report?.inputs['Tleaf'], "column 'Tleaf_C'");
  assert.equal(ds.report?.inputs['BLCond'], 'constant 2.84 (the stated default, --fill BLCond=default)');
  assert.match(ds.report!.inputs['Patm']!, /elevation.*standard atmosphere/);
  assert.deepEqual(ds.report?.filled, { PFT: 3, BLCond: 3, Patm: 3 });
});

test('VPD is derived from RH when mapped instead; a derived VPD at or below zero skips the row, counted', () => {
  const columns = { ...MAP.columns, RH: 'RH_S' } as Record<string, string>;
  delete columns['VPD'];
  const text = foreign(['21/09/2010', '22/09/2010'], (row, i) => { if (i === 1) row[7] = '100'; });
  const ds = parseLeafCsv(text, { ...MAP, columns });
  assert.equal(ds.records.length, 1);
  assert.ok(Math.abs(ds.records[0]!.vpdKPa - vpdFromRelativeHumidityKPa(32, 21.3, 21.3)) < 1e-12);
  assert.deepEqual(countSkipped(ds.skipped), [{ column: 'RH_S', reason: 'VPD from RH is not positive (leaf at or below the dew point of the air)', rows: 1, firstLine: 3 }]);
});

test('a --fill stands in for missing values of an existing column and is counted; skipped rows are counted by reason', () => {
  const text = foreign(['21/09/2010', '22/09/2010', '23/09/2010', '24/09/2010', '25/09/2010'], (row, i) => {
    if (i === 1) row[6] = 'NA'; // VpdL
    if (i === 2 || i === 3) row[4] = ''; // PARi
    if (i === 4) row[5] = '-9999'; // Cs
  });
  const ds = parseLeafCsv(text, MAP);
  assert.equal(ds.records.length, 1);
  assert.deepEqual(countSkipped(ds.skipped), [
    { column: 'PARi', reason: 'missing value', rows: 2, firstLine: 4 },
    { column: 'VpdL', reason: 'missing value', rows: 1, firstLine: 3 },
    { column: 'Cs', reason: 'missing value', rows: 1, firstLine: 6 },
  ]);
  const filled = parseLeafCsv(text, { ...MAP, fill: { ...MAP.fill, VPD: 1.2 } });
  assert.equal(filled.records.length, 2);
  assert.equal(filled.records[1]!.vpdKPa, 1.2);
  assert.equal(filled.report?.filled['VPD'], 1);
  assert.equal(filled.report?.inputs['VPD'], "column 'VpdL', missing values filled with 1.2");
});

test('dates: an ambiguous file without a format is refused naming the row; a stated format reads it', () => {
  const text = foreign(['03/04/2020', '05/04/2020']);
  expectError(text, MAP, 2, 'SampleDate', /'03\/04\/2020' is ambiguous.*--date-format DMY or MDY/);
  assert.equal(new Date(parseLeafCsv(text, { ...MAP, dateFormat: 'DMY' }).records[0]!.time).toISOString().slice(0, 10), '2020-04-03');
  assert.equal(new Date(parseLeafCsv(text, { ...MAP, dateFormat: 'MDY' }).records[0]!.time).toISOString().slice(0, 10), '2020-03-04');
});

test('dates: D/M/Y is never read as M/D (no month overflow); impossible, mixed and unparseable dates are refused', () => {
  // stated M/D/Y on a day/month file: month 21 does not exist, named at its row
  expectError(foreign(['01/09/2010', '21/09/2010']), { ...MAP, dateFormat: 'MDY' }, 3, 'SampleDate', /'21\/09\/2010' read as M\/D\/Y: month 21 does not exist/);
  expectError(foreign(['21/09/2010', '31/04/2010']), MAP, 3, 'SampleDate', /day 31 does not exist in month 4 of 2010/);
  expectError(foreign(['21/09/2010', '09/21/2010']), MAP, 3, 'SampleDate', /can only be month\/day but line 2's '21\/09\/2010' can only be day\/month/);
  expectError(foreign(['21/09/2010', 'Sept 22']), MAP, 3, 'SampleDate', /'Sept 22' is not a date \(expected D\/M\/YYYY\)/);
  expectError(foreign(['21/09/2010']), { ...MAP, dateFormat: 'ISO' }, 2, 'SampleDate', /not an ISO date/);
  // ISO dates need no format; a time of day after the date is ignored
  const iso = parseLeafCsv(foreign(['2010-09-21', '2010-10-05 13:45']), MAP);
  assert.deepEqual(iso.records.map((r) => new Date(r.time).toISOString().slice(0, 10)), ['2010-09-21', '2010-10-05']);
});

test('inputs the file lacks are refused with the options that supply them; nothing is defaulted unasked', () => {
  const noBl = { ...MAP, fill: { PFT: 'C3 grass' } };
  expectError(foreign(['21/09/2010']), noBl, 1, 'BLCond', /required column is missing.*--fill BLCond=default \(2\.84\)/);
  const noElev = { ...MAP, columns: { ...MAP.columns } as Record<string, string> };
  delete noElev.columns['elevation'];
  expectError(foreign(['21/09/2010']), noElev, 1, 'Patm', /--fill elevation=METRES/);
  expectError(foreign(['21/09/2010']), { ...MAP, fill: { BLCond: 3 } }, 1, 'PFT', /--fill PFT=NAME/);
});

test('bad mappings and constants name the option and list what is accepted', () => {
  expectError(foreign(['21/09/2010']), { ...MAP, columns: { ...MAP.columns, Tleef: 'Tleaf_C' } }, undefined, undefined, /--column Tleef=Tleaf_C: 'Tleef' is not an input role \(roles: PFT, .*Tleaf.*soil_clay_N/);
  expectError(foreign(['21/09/2010']), { ...MAP, columns: { ...MAP.columns, Tair: 'T_air' } }, 1, 'T_air', /the file has no column 'T_air' \(its columns: Site, SampleDate, altitude/);
  expectError(foreign(['21/09/2010']), { ...MAP, fill: { ...MAP.fill, Patm: 'high' } }, undefined, undefined, /--fill Patm=high: not a number/);
  expectError(foreign(['21/09/2010'], (row) => { row[2] = '12000'; }), MAP, 2, 'altitude', /elevation 12000 m is outside/);
  const rhOnly = { ...MAP.columns, RH: 'RH_S' } as Record<string, string>;
  delete rhOnly['VPD'];
  expectError(foreign(['21/09/2010'], (row) => { row[7] = '140'; }), { ...MAP, columns: rhOnly }, 2, 'RH_S', /relative humidity 140 is outside 0..100 %/);
});

test('the unknown-PFT error lists every accepted CLM4.5 name and the mapping option', () => {
  const text = foreign(['21/09/2010']).replace('Site,', 'Species,').replace('Horsham,', 'Wheat,');
  const columns = { ...MAP.columns, PFT: 'Species' } as Record<string, string>;
  delete columns['Location'];
  assert.throws(() => parseLeafCsv(text, { ...MAP, columns, fill: { BLCond: 'default' } }), (err: unknown) => {
    assert.ok(err instanceof LeafInputError);
    assert.equal(err.line, 2);
    assert.equal(err.column, 'Species');
    for (const p of CLM45_PFTS) assert.ok(err.message.includes(p.name), `${p.name} missing from: ${err.message}`);
    assert.match(err.message, /--pft-map 'Wheat=CLM45_PFT'/);
    return true;
  });
  assert.equal(parseLeafCsv(text, { ...MAP, columns, fill: { BLCond: 'default' }, pftMapping: { Wheat: 'Crop R' } }).records[0]!.pft.name, 'Crop R');
});

test('the example dataset still parses unchanged without options (M/D/Y settled by its own dates)', () => {
  const ds = parseLeafCsv(readFileSync(new URL('../../fixtures/leaf/example_dataset.csv', import.meta.url), 'utf8'));
  assert.equal(ds.records.length, 446);
  assert.equal(ds.report?.dateFormat?.format, 'MDY');
  assert.equal(new Date(ds.records[2]!.time).toISOString().slice(0, 10), '2010-10-05');
});
