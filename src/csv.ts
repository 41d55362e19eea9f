/**
 * RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled; lines end in
 * CRLF. Our exports feed other systems (billing, call centres), not spreadsheets, so fields are
 * written as they are.
 */
export function csvLine(fields: readonly string[]): string {
  return `${fields.map((f) => (/[",\r\n]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f)).join(',')}\r\n`;
}
