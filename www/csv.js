// CSV text as RFC 4180 writes it (comma-separated, CRLF line ends, a field with a comma, a
// quote or a line break in double quotes, a quote doubled), for spreadsheets: a cell that a
// spreadsheet would run as a formula (one starting with =, +, -, @, a tab or a carriage
// return) gets a leading apostrophe, as OWASP advises against CSV injection.

const FORMULA = /^[=+\-@\t\r]/;

/** One field: empty for undefined or null, guarded against formulas, quoted when needed. */
function field(value) {
  let text = value === undefined || value === null ? "" : String(value);
  if (FORMULA.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The CSV text of `rows` (arrays of values), each record ended by CRLF. */
export function csv(rows) {
  return rows.map((row) => `${row.map(field).join(",")}\r\n`).join("");
}
