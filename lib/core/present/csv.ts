/**
 * RFC 4180 CSV (pure): quotes fields containing commas, quotes or line breaks. A text cell that a
 * spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return) is
 * neutralised as OWASP recommends: prefixed with a single quote, so it shows as text. Numbers, and
 * text that is exactly a number ("-0.012"), stay as they are: they cannot be formulas.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const NUMBER = /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

export function csvField(v: unknown): string {
  if (v === null || v === undefined) return "";
  let s = v instanceof Date ? v.toISOString() : Array.isArray(v) ? v.join(";") : String(v);
  if (typeof v !== "number" && FORMULA_START.test(s) && !NUMBER.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv<T extends Record<string, unknown>>(rows: readonly T[], columns: readonly (keyof T & string)[]): string {
  const lines = [columns.join(",")];
  for (const r of rows) lines.push(columns.map((c) => csvField(r[c])).join(","));
  return lines.join("\r\n") + "\r\n";
}
