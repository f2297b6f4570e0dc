/** Minimal RFC 4180 CSV reading and writing (quoted fields, embedded commas and quotes). */

/** Parses CSV text into rows of fields. Lines starting with '#' before the header are comments. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let field = '';
  let row: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') { field += '"'; i++; } else quoted = false;
      } else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field); field = '';
      rows.push(row); row = [];
    } else field += ch;
  }
  if (field !== '' || row.length > 0) { row.push(field); rows.push(row); }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

function quote(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Formats a header and rows as CSV text (numbers to 8 significant digits, enough for float32 values). */
export function formatCsv(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const lines = [header.map(quote).join(',')];
  for (const r of rows) lines.push(r.map((v) => (typeof v === 'number' ? (Number.isFinite(v) ? String(Number(v.toPrecision(8))) : '') : quote(v))).join(','));
  return `${lines.join('\n')}\n`;
}
