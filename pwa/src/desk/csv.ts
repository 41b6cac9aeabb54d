// CSV the dashboard builds itself (draft purchase orders, KPI tables, history): ISO dates
// and plain numbers with a dot, RFC 4180 quoting, CRLF line ends, and no cell a
// spreadsheet would run as a formula.

export type CsvCell = string | number | boolean | null | undefined

/** What a spreadsheet reads as the start of a formula (OWASP, CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/
/** A plain decimal number ("-3", "+2.5"): a spreadsheet reads it as a number, never a formula. */
const PLAIN_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/

/**
 * One cell. A text starting with `=`, `+`, `-`, `@`, tab or carriage return gets a leading
 * `'` and is quoted, so a spreadsheet shows it as text (an item named
 * `=HYPERLINK(…)` stays a name); numbers, negative ones included, stay numbers.
 */
export function csvCell(v: CsvCell): string {
  if (v === null || v === undefined) return ''
  const s = String(v)
  if (typeof v !== 'number' && FORMULA_START.test(s) && !PLAIN_NUMBER.test(s)) return quote(`'${s}`)
  return /[",\r\n]/.test(s) || s !== s.trim() ? quote(s) : s
}

function quote(s: string): string {
  return `"${s.replace(/"/g, '""')}"`
}

export function toCsv(header: string[], rows: CsvCell[][]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n'
}

/** Offers a file (a built CSV, or a response's body) as a download. */
export function offerDownload(filename: string, data: Blob | string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(typeof data === 'string' ? new Blob([data], { type }) : data)
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
