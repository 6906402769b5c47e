/** One CSV record (RFC 4180: quote a field with a comma, quote or line break; CRLF at the end). */
export function csvLine(fields: readonly (string | number | null)[]): string {
  return `${fields.map((value) => {
    if (value === null) return "";
    const text = String(value);
    // A leading =, +, - or @ makes a spreadsheet run a formula: prefix a quote (OWASP CSV injection).
    const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  }).join(",")}\r\n`;
}
