/**
 * One CSV field (RFC 4180), safe to open in a spreadsheet. Every CSV kentra
 * writes goes through here.
 *
 * Formula injection: a cell that starts with `=`, `+`, `-`, `@`, a tab or a
 * carriage return is read as a formula by Excel, LibreOffice and Google Sheets
 * (`=HYPERLINK(...)` leaks data, `=cmd|...` ran programs). Following OWASP's
 * guidance (https://owasp.org/www-community/attacks/CSV_Injection) such a cell
 * gets a leading single quote, and a cell holding a quote, separator or line
 * break is quoted with its quotes doubled. The values come from RoleBindings,
 * object names and Entra display names: anyone who can name a thing can put a
 * formula there.
 */
const formulaStart = /^[=+\-@\t\r]/;
const needsQuotes = /[",\r\n]/;

export function csvField(value: string): string {
  const neutral = formulaStart.test(value) ? `'${value}` : value;
  return needsQuotes.test(neutral) ? `"${neutral.replaceAll('"', '""')}"` : neutral;
}

/** One CSV record: fields joined by commas (the caller adds the CRLF). */
export function csvRecord(fields: readonly string[]): string {
  return fields.map(csvField).join(',');
}
