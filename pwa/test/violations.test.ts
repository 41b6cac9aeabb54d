// The desk's list of undone edits: what they tried, as text, and the CSV export, where a
// tried value a spreadsheet would run stays text.
import { describe, expect, it } from 'vitest'
import { attemptedText, violationsCsv } from '../src/desk/violationsCsv'
import type { PolicyViolationRow } from '../src/desk/violations'

const row = (over: Partial<PolicyViolationRow>): PolicyViolationRow => ({
  site: 'north',
  document_id: 'doc1',
  doc_type: 'count_session',
  part: 'lines["A-01|SKU-1"]',
  message: 'only a manager can approve counts',
  attempted: { approval: { qty: 999 } },
  user_id: 3,
  user_email: 'staff@north.test',
  device: 'fw-3-abc',
  detected_at: '2026-11-25T08:00:00.000Z',
  ...over,
})

describe('policy violations', () => {
  it('shows what was tried: JSON, a text as it is, a removal in words', () => {
    expect(attemptedText({ qty: 999 }, 'removed')).toBe('{"qty":999}')
    expect(attemptedText('Doors: skip', 'removed')).toBe('Doors: skip')
    expect(attemptedText(null, 'removed')).toBe('removed')
    expect(attemptedText(3, 'removed')).toBe('3')
  })
  it('exports who, device, part, what they tried, why and when; formulas stay text', () => {
    const csv = violationsCsv([row({}), row({ part: 'title', attempted: '=HYPERLINK("http://evil.test","x")', message: 'only a manager can change a count session\'s title' }), row({ attempted: null, user_id: null, user_email: null })])
    const lines = csv.trimEnd().split('\r\n')
    expect(lines[0]).toBe('detected_at,site,document_id,doc_type,user_id,user_email,device,part,attempted,message')
    expect(lines[1]).toBe('2026-11-25T08:00:00.000Z,north,doc1,count_session,3,staff@north.test,fw-3-abc,"lines[""A-01|SKU-1""]","{""approval"":{""qty"":999}}",only a manager can approve counts')
    expect(lines[2]).toContain(`"'=HYPERLINK(""http://evil.test"",""x"")"`)
    expect(lines[3]).toBe('2026-11-25T08:00:00.000Z,north,doc1,count_session,,,fw-3-abc,"lines[""A-01|SKU-1""]",,only a manager can approve counts')
    expect(csv.endsWith('\r\n')).toBe(true)
  })
})
