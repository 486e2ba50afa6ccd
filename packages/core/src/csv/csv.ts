/** What a CSV cell can be given: text, numbers, dates; anything else is written as JSON. */
export type CsvValue = unknown;

/**
 * Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection"): `=`,
 * `+`, `-`, `@`, and tab and carriage return, which some spreadsheets strip before looking.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One cell, RFC 4180: quoted when it holds a quote, comma or line break (quotes doubled), and
 * defused when a spreadsheet would run it — `=HYPERLINK(…)` in a reason a user typed becomes
 * `'=HYPERLINK(…)`, shown as text. Numbers are written as they are (a negative reading is data,
 * not a formula, and never comes from free text).
 */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  let text =
    value instanceof Date
      ? value.toISOString()
      : typeof value === 'string'
        ? value
        : (JSON.stringify(value) ?? '');
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A whole CSV document: a header line, then one line per row, each ended by CRLF. */
export function toCsv(header: readonly string[], rows: Iterable<readonly CsvValue[]>): string {
  const lines = [header.map(csvCell).join(',')];
  for (const row of rows) lines.push(row.map(csvCell).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
