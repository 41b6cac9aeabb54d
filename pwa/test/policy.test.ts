// The phone's share of the write policy: which controls it offers to staff, and the
// notices of edits the server undid (whose they are, how they read, dismissal).
import { describe, expect, it, vi } from 'vitest'
import { decides, mayReprioritise, mayStepCount, mayWorkOnRun, staffMaySetStatus, statusesFor } from '../src/lib/policy'
import { noticeHint, noticesOf, noticeText, openNotices, partText } from '../src/lib/notices'
import { setLang } from '../src/i18n'
import type { CorrectiveAction, PolicyNotice } from '../src/types/generated'

const rec = (by: string) => ({ by, at: '2026-11-25T08:00:00.000Z', device: `${by}-phone` })
const event = (status: string) => ({ id: status, status, ...rec('m') }) as never

describe('shipment statuses offered', () => {
  it('staff set inbound arrived/unloading/received and outbound packed/dispatched only', () => {
    expect(['expected', 'arrived', 'unloading', 'received', 'put_away'].filter((s) => staffMaySetStatus('inbound', s as never))).toEqual(['arrived', 'unloading', 'received'])
    expect(['expected', 'packed', 'dispatched', 'delivered'].filter((s) => staffMaySetStatus('outbound', s as never))).toEqual(['packed', 'dispatched'])
  })
  it('a staff phone offers the next steps it may set; a manager every next step', () => {
    const inbound = { direction: 'inbound' as const, timeline: [event('expected')] }
    expect(statusesFor('staff', inbound)).toEqual(['arrived', 'unloading', 'received'])
    expect(statusesFor('manager', inbound)).toEqual(['arrived', 'unloading', 'received', 'put_away'])
    const dispatched = { direction: 'outbound' as const, timeline: [event('packed'), { ...event('dispatched'), at: '2026-11-25T09:00:00.000Z' }] }
    expect(statusesFor('staff', dispatched)).toEqual([])
    expect(statusesFor('admin', dispatched)).toEqual(['delivered'])
  })
})

describe('corrective actions and runs', () => {
  const action = (over: Partial<CorrectiveAction> = {}): CorrectiveAction => ({ id: 'a1', item_id: 'i1', description: 'Fix door', priority: 'medium', timeline: [], ...rec('7'), ...over })
  it('staff reprioritise only an action they raised that nobody has taken on', () => {
    expect(mayReprioritise('staff', action(), '7')).toBe(true)
    expect(mayReprioritise('staff', action(), '8')).toBe(false)
    expect(mayReprioritise('staff', action({ assignee: '9' }), '7')).toBe(false)
    expect(mayReprioritise('staff', action({ due_at: '2026-11-26T08:00:00.000Z' }), '7')).toBe(false)
    expect(mayReprioritise('staff', action({ timeline: [event('in_progress')] }), '7')).toBe(false)
    expect(mayReprioritise('manager', action({ assignee: '9' }), '1')).toBe(true)
  })
  it('staff work on a run of their own or of nobody; managers on any', () => {
    expect(mayWorkOnRun('staff', { assignee: null }, '7')).toBe(true)
    expect(mayWorkOnRun('staff', { assignee: '7' }, '7')).toBe(true)
    expect(mayWorkOnRun('staff', { assignee: '8' }, '7')).toBe(false)
    expect(mayWorkOnRun('manager', { assignee: '8' }, '7')).toBe(true)
  })
  it('staff step a count only when it is theirs or nobody’s', () => {
    expect(mayStepCount('staff', { assignees: [] }, '7')).toBe(true)
    expect(mayStepCount('staff', { assignees: ['7', '8'] }, '7')).toBe(true)
    expect(mayStepCount('staff', { assignees: ['8'] }, '7')).toBe(false)
    expect(mayStepCount('manager', { assignees: ['8'] }, '7')).toBe(true)
    expect([decides('staff'), decides('viewer'), decides('manager'), decides('admin'), decides(undefined)]).toEqual([false, false, true, true, false])
  })
})

const notice = (over: Partial<PolicyNotice>): PolicyNotice => ({
  id: 'n1', user: '7', device: 'fw-7-abc', part: 'lines["A-01|SKU-1"]', message: 'only a manager can approve counts', at: '2026-11-25T08:00:00.000Z', ...over,
})

describe('policy notices', () => {
  it('lists the well-formed notices of the signed-in user not yet dismissed, newest first', () => {
    const doc = {
      policy_notices: [
        notice({ id: 'old' }),
        notice({ id: 'other', user: '8' }),
        notice({ id: 'new', at: '2026-11-25T09:00:00.000Z' }),
        notice({ id: 'gone' }),
        { id: 'broken', user: '7' },
        'junk',
      ],
    }
    expect(noticesOf(doc).map((n) => n.id)).toEqual(['old', 'other', 'new', 'gone'])
    expect(openNotices(doc, '7', new Set(['gone'])).map((n) => n.id)).toEqual(['new', 'old'])
    expect(openNotices(doc, undefined, new Set())).toEqual([])
    expect(openNotices({}, '7', new Set())).toEqual([])
    expect(openNotices({ policy_notices: 'x' }, '7', new Set())).toEqual([])
  })
  it('says which part was put back, and why', () => {
    setLang('en')
    expect(noticeText(notice({}))).toBe('Your change to line A-01|SKU-1 was undone: only a manager can approve counts')
    expect(partText('entries[id="0b1e…"]')).toBe('an entry')
    expect(partText('timeline[id="x"]')).toBe('the status')
    expect(partText('corrective_actions[id="x"]')).toBe('a corrective action')
    expect(partText('checklist_templates["t1"]')).toBe('master data')
    expect(partText('due_at')).toBe('the due at')
    expect(partText('weird[part')).toBe('weird[part')
    expect(noticeHint('staff')).toMatch(/Ask a manager/)
    expect(noticeHint('manager')).toMatch(/name you and this device/)
    setLang('es')
    expect(noticeText(notice({}))).toBe('Se deshizo tu cambio en la línea A-01|SKU-1: only a manager can approve counts')
    setLang('en')
  })
  it('remembers a dismissal per notice id on this device', async () => {
    const store = new Map<string, string>()
    vi.stubGlobal('localStorage', { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => store.set(k, v), removeItem: (k: string) => store.delete(k) })
    vi.resetModules()
    const first = await import('../src/data/dismissed')
    first.dismissNotice('n1')
    first.dismissNotice('n1')
    expect([...first.dismissed.value]).toEqual(['n1'])
    // A reload reads them back.
    vi.resetModules()
    const again = await import('../src/data/dismissed')
    expect(again.dismissed.value.has('n1')).toBe(true)
    expect(JSON.parse(store.get('fw.dismissedNotices') ?? '[]')).toEqual(['n1'])
    vi.unstubAllGlobals()
  })
})
