// A cell starting with = + - @ (or a tab or CR before one) is run as a formula by Excel, LibreOffice
// and Google Sheets when the CSV is opened: `=HYPERLINK(...)` in a participant's name would
// become a live link or worse (OWASP, "CSV Injection": https://owasp.org/www-community/attacks/CSV_Injection).
// Such text cells get a leading apostrophe, which spreadsheets show as plain text.
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell: RFC 4180 quoting (a field with a comma, quote or line break is quoted and its
 * quotes doubled) after the formula guard for text. Numbers are written as numbers.
 * @example csvField("=1+1") === "'=1+1"; csvField('a,"b"') === '"a,""b"""'
 */
export function csvField(value: string | number | null): string {
  if (value === null) return "";
  const text = typeof value === "string" && FORMULA_START.test(value) ? `'${value}` : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
