import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { timeSeriesCsv, writeTimeSeriesCsv } from '../../../main/export/csv.ts';

/** A small RFC 4180 reader, independent of the writer, to check the round trip. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; }
    else if (ch === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++; }
    else field += ch;
  }
  assert.equal(field, '', 'file ends with CRLF');
  return rows;
}

test('timeSeriesCsv: header, NaN as empty, RFC 4180 quoting, CRLF', () => {
  const text = timeSeriesCsv({
    dates: ['2001-01-01', '2001-01-02', '2001-01-03'],
    series: [
      { name: 'LAI, observed', values: [1.25, NaN, 3] },
      { name: 'model "A"', values: new Float32Array([0.1, 0.2, NaN]) },
      { name: 'plain', values: [-0.5, 1e-9, 123456789] },
    ],
  });
  assert.ok(text.endsWith('\r\n'));
  assert.equal(text.split('\r\n')[0], 'date,"LAI, observed","model ""A""",plain');
  const rows = parseCsv(text);
  assert.deepEqual(rows[0], ['date', 'LAI, observed', 'model "A"', 'plain']);
  assert.deepEqual(rows[1], ['2001-01-01', '1.25', '0.1', '-0.5']);
  assert.deepEqual(rows[2], ['2001-01-02', '', '0.2', '1e-9']);
  assert.deepEqual(rows[3], ['2001-01-03', '3', '', '123456800']);
  assert.equal(rows.length, 4);
});

test('timeSeriesCsv: a series of the wrong length is refused by name', () => {
  assert.throws(() => timeSeriesCsv({ dates: ['a', 'b'], series: [{ name: 'short', values: [1] }] }), /series 'short' has 1 values for 2 dates/);
});

test('writeTimeSeriesCsv writes the file atomically with the same text', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vegdyn-csv-'));
  try {
    const spec = { dates: ['2001-01-01'], series: [{ name: 'x', values: [Math.fround(0.1)] }] };
    await writeTimeSeriesCsv(path.join(dir, 'x.csv'), spec);
    assert.equal(readFileSync(path.join(dir, 'x.csv'), 'utf8'), 'date,x\r\n2001-01-01,0.1\r\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
