import { useMemo, useState } from 'preact/hooks'
import { actor, me } from '../../data/runtime'
import { DocStatus, Field, Screen } from '../../ui/components'
import { useDoc } from '../../ui/useDoc'
import { useWedge } from '../../ui/useWedge'
import { CameraScanner, ScanFromPhoto } from '../../ui/CameraScanner'
import { buildScanIndex, resolveScan } from '../../lib/scan'
import {
  allLineKeys,
  conflictMessage,
  entriesByLine,
  countStatus,
  currentPass,
  lineKey,
  lineView,
  liveEntries,
  locationsInScope,
  REASON_CODES,
  shouldPromptRecount,
  toleranceFor,
  type LineView,
} from '../../lib/count'
import { newId, parseQuantity, recorded, type Actor } from '../../lib/ids'
import type { CountDoc, SiteDoc } from '../../types/docs'
import type { ReasonCode } from '../../types/generated'
import { t, type MessageKey } from '../../i18n'
import { statusText } from '../../ui/status'
import { PolicyNotices } from '../../ui/PolicyNotices'
import { decides, mayStepCount } from '../../lib/policy'

/** Lines listed before "Show all": a count can have tens of thousands. */
const LINE_PAGE = 100

const STATUS_TEXT: Record<LineView['status'], MessageKey> = {
  todo: 'count.line.todo',
  counted: 'count.line.counted',
  conflict: 'count.line.conflict',
  recount: 'count.line.recount',
  approved: 'count.line.approved',
}

interface Draft {
  location: string | null
  sku: string | null
  qty: string
}

function loadDraft(url: string): Draft {
  try {
    return { location: null, sku: null, qty: '', ...(JSON.parse(localStorage.getItem(`fw.draft.${url}`) ?? '{}') as Partial<Draft>) }
  } catch {
    return { location: null, sku: null, qty: '' }
  }
}

export function nameOf(userId: string): string {
  const m = me.value
  if (m && String(m.user.id) === userId) return m.user.display_name || t('count.you')
  return t('count.anotherPerson', { id: userId })
}

export function CountView({ url }: { url: string }) {
  const { doc, handle, error } = useDoc<CountDoc>(url)
  const site = me.value?.sites.find((s) => s.slug === doc?.site)
  const { doc: siteDoc } = useDoc<SiteDoc>(site?.site_document_url)
  const index = useMemo(() => buildScanIndex(siteDoc?.items ?? {}, siteDoc?.locations ?? {}), [siteDoc])
  const [draft, setDraftState] = useState<Draft>(() => loadDraft(url))
  const [manual, setManual] = useState('')
  const [note, setNote] = useState('')
  const [reason, setReason] = useState<ReasonCode | ''>('')
  const [camera, setCamera] = useState(false)
  const [message, setMessage] = useState<{ text: string; kind: 'ok' | 'error' } | null>(null)
  const [prompt, setPrompt] = useState<{ qty: number; expected: number } | null>(null)
  const [showAll, setShowAll] = useState(false)
  const a = actor()
  const writable = !!site?.writable
  const role = me.value?.user.role

  const setDraft = (d: Draft) => {
    setDraftState(d)
    localStorage.setItem(`fw.draft.${url}`, JSON.stringify(d))
  }

  const itemName = (sku: string) => Object.values(siteDoc?.items ?? {}).find((i) => i.sku === sku)?.name ?? sku

  /** Append my count of a line (voiding my earlier count of the same pass: it is replaced). */
  const saveCount = (location: string, sku: string, qty: number, opts: { force?: boolean } = {}): boolean => {
    if (!handle || !doc || !a) return false
    const key = lineKey(location, sku)
    const view = lineView(doc, key, a)
    if (!opts.force && shouldPromptRecount(view.expected, qty, toleranceFor(siteDoc, sku), doc.blind)) {
      setPrompt({ qty, expected: view.expected as number })
      return false
    }
    writeEntry(location, sku, qty, a)
    return true
  }

  const writeEntry = (location: string, sku: string, qty: number, who: Actor) => {
    if (!handle || !doc) return
    const key = lineKey(location, sku)
    const pass = currentPass(doc, key)
    const planned = !!doc.lines?.[key]
    // A line's reason is the manager's decision (the write policy): a counter's reason
    // travels with their entry, as for a found item.
    const onLine = planned && decides(role)
    const noteText = [note.trim(), !onLine && reason ? `Reason: ${reason}` : ''].filter(Boolean).join(' · ')
    handle.change((d) => {
      const rec = recorded(who)
      d.entries.forEach((e) => {
        if (!e.void && e.location === location && e.sku === sku && e.count_index === pass && e.by === who.userId && e.device === who.deviceId) {
          e.void = { ...rec, reason: 'replaced by a new count' }
        }
      })
      const entry: CountDoc['entries'][number] = { id: newId(), location, sku, qty, count_index: pass, ...rec }
      if (noteText) entry.note = noteText
      d.entries.push(entry)
      if (countStatus(d) === 'open' && mayStepCount(role, d, who.userId)) d.timeline.push({ id: newId(), status: 'counting', ...rec })
      if (onLine && reason) {
        const line = d.lines[key]
        line.reason = reason
        if (note.trim()) line.reason_note = note.trim()
      }
    })
    setMessage({ text: t('count.saved', { item: itemName(sku), qty, location }), kind: 'ok' })
    setNote('')
    setReason('')
    setPrompt(null)
  }

  /** Save what is on the keypad for the current item, if anything. */
  const commitDraft = (): boolean => {
    if (!draft.location || !draft.sku) return true
    const qty = parseQuantity(draft.qty)
    if (qty === null) return true
    return saveCount(draft.location, draft.sku, qty)
  }

  const onScan = (raw: string) => {
    const target = resolveScan(raw, index)
    if (target.kind === 'location') {
      if (draft.sku && draft.qty && !commitDraft()) return
      setDraft({ location: target.code, sku: null, qty: '' })
      setMessage({ text: t('count.location', { code: target.code }), kind: 'ok' })
      return
    }
    if (target.kind === 'item') {
      if (!draft.location) {
        setMessage({ text: t('count.locationFirst', { item: target.item.name }), kind: 'error' })
        return
      }
      if (draft.sku === target.sku) {
        const n = (parseQuantity(draft.qty) ?? 0) + 1
        setDraft({ ...draft, qty: String(n) })
        setMessage({ text: t('count.scanned', { item: target.item.name, qty: n }), kind: 'ok' })
        return
      }
      if (draft.sku && draft.qty && !commitDraft()) return
      setDraft({ location: draft.location, sku: target.sku, qty: '1' })
      setMessage({ text: t('count.scanned', { item: target.item.name, qty: 1 }), kind: 'ok' })
      return
    }
    setMessage({ text: t('count.unknownCode', { code: target.code }), kind: 'error' })
  }
  useWedge(onScan, writable && !!doc)

  const undoLast = () => {
    if (!handle || !doc || !a) return
    const mine = liveEntries(doc).filter((e) => e.by === a.userId && e.device === a.deviceId)
    const last = mine.sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : 0)).pop()
    if (!last) return
    // If that entry replaced my earlier count of the line, bring the earlier count back
    // (as a new entry: nothing is ever deleted or un-voided).
    const replaced = doc.entries
      .filter((e) => e.void?.reason === 'replaced by a new count' && e.void.at === last.at && e.by === a.userId && e.device === a.deviceId && e.location === last.location && e.sku === last.sku && e.count_index === last.count_index)
      .sort((x, y) => (x.at < y.at ? -1 : 1))
      .pop()
    handle.change((d) => {
      const rec = recorded(a)
      const e = d.entries.find((x) => x.id === last.id)
      if (e && !e.void) e.void = { ...rec, reason: 'undo' }
      if (replaced) {
        const back: CountDoc['entries'][number] = { id: newId(), location: replaced.location, sku: replaced.sku, qty: replaced.qty, count_index: replaced.count_index, ...rec, note: 'restored by undo' }
        d.entries.push(back)
      }
    })
    setMessage({ text: t('count.undone', { item: itemName(last.sku), qty: last.qty, location: last.location }), kind: 'ok' })
  }

  const finish = () => {
    if (!handle || !a) return
    if (draft.sku && draft.qty && !commitDraft()) return
    handle.change((d) => {
      d.timeline.push({ id: newId(), status: 'review', ...recorded(a) })
    })
    setDraft({ location: null, sku: null, qty: '' })
  }

  if (error) return <Screen title={t('count.title')} back="/"><p class="error">{t('count.unavailable', { error })}</p></Screen>
  if (!doc || !a) return <Screen title={t('count.title')} back="/"><p class="muted">{t('common.loading')}</p></Screen>

  const locations = locationsInScope(doc, siteDoc)
  const keys = allLineKeys(doc)
  const byLine = entriesByLine(doc)
  const views = new Map(keys.map((k) => [k, lineView(doc, k, a, byLine)]))
  const viewOf = (k: string) => views.get(k) ?? lineView(doc, k, a, byLine)
  const status = countStatus(doc)
  const here = draft.location
    ? [...new Set([...keys.filter((k) => k.startsWith(`${draft.location}|`)), ...(draft.sku ? [lineKey(draft.location, draft.sku)] : [])])]
    : []
  const current = draft.location && draft.sku ? viewOf(lineKey(draft.location, draft.sku)) : null
  const conflictsAll = [...views.values()].filter((v) => v.status === 'conflict')
  const recountsAll = [...views.values()].filter((v) => v.status === 'recount')
  const listed = draft.location ? here : keys
  const shown = showAll ? listed : listed.slice(0, LINE_PAGE)

  return (
    <Screen title={doc.title} back="/" actions={<DocStatus url={url} />}>
      <p class="row wrap">
        <span class="chip">{t('common.status', { status: statusText(status) })}</span>
        {doc.blind && <span class="chip">{t('count.blind')}</span>}
        <span class="chip">{t('count.entries', { count: liveEntries(doc).length })}</span>
      </p>
      {!writable && <p class="notice">{t('count.readOnly')}</p>}
      <PolicyNotices doc={doc} />
      {conflictsAll.length > 0 && (
        <div class="notice warn" role="alert" data-testid="conflicts">
          {conflictsAll.map((v) => (
            <p key={v.key} data-testid="conflict-message">
              <strong>{v.location} · {itemName(v.sku)}:</strong> {conflictMessage(v, a, nameOf)}
            </p>
          ))}
        </div>
      )}
      {recountsAll.length > 0 && (
        <div class="notice" role="status">
          {recountsAll.map((v) => (
            <p key={v.key}>{t('count.recountRequested', { location: v.location, item: itemName(v.sku), pass: v.pass })}</p>
          ))}
        </div>
      )}
      {message && (
        <p class={message.kind === 'error' ? 'error' : 'success'} role={message.kind === 'error' ? 'alert' : 'status'} data-testid="scan-message">
          {message.text}
        </p>
      )}

      <section aria-labelledby="loc-h">
        <div class="row">
          <h2 id="loc-h" class="grow">{draft.location ? t('count.at', { location: draft.location }) : t('count.pickLocation')}</h2>
          {draft.location && (
            <button type="button" class="btn secondary small" onClick={() => (draft.sku && draft.qty && !commitDraft() ? undefined : setDraft({ location: null, sku: null, qty: '' }))}>
              {t('count.changeLocation')}
            </button>
          )}
        </div>
        {!draft.location && (
          <div class="grid-buttons">
            {locations.map((l) => (
              <button type="button" key={l.code} class="btn secondary" onClick={() => onScan(l.code)}>
                {l.code}
                {l.name ? ` · ${l.name}` : ''}
              </button>
            ))}
            {locations.length === 0 && <p class="muted">{t('count.noLocations')}</p>}
          </div>
        )}
      </section>

      {camera && writable && <CameraScanner onScan={onScan} onClose={() => setCamera(false)} />}

      {current && (
        <section class="current card" aria-labelledby="cur-h" data-testid="current-line">
          <h2 id="cur-h">
            {itemName(current.sku)} <span class="muted small">{current.sku}</span>
          </h2>
          {!current.planned && <p class="chip">{t('count.found')}</p>}
          {!doc.blind && current.expected !== null && <p class="muted">{t('count.expected', { qty: current.expected })}</p>}
          {current.pass > 1 && <p class="notice">{t('count.recountPass', { pass: current.pass })}</p>}
          <div class="qty-row">
            <button type="button" class="btn big" aria-label={t('count.minusOne')} onClick={() => setDraft({ ...draft, qty: String(Math.max(0, (parseQuantity(draft.qty) ?? 0) - 1)) })}>
              −
            </button>
            <label>
              <span class="visually-hidden">{t('count.quantity')}</span>
              <input class="qty" name="qty" inputMode="numeric" pattern="[0-9]*" value={draft.qty} onInput={(e) => setDraft({ ...draft, qty: e.currentTarget.value.replace(/\D/g, '') })} aria-label={t('count.quantity')} />
            </label>
            <button type="button" class="btn big" aria-label={t('count.plusOne')} onClick={() => setDraft({ ...draft, qty: String((parseQuantity(draft.qty) ?? 0) + 1) })}>
              +
            </button>
          </div>
          <Field label={t('count.reasonCode')}>
            <select value={reason} onChange={(e) => setReason(e.currentTarget.value as ReasonCode | '')} name="reason">
              <option value="">{t('common.none')}</option>
              {REASON_CODES.map((r) => (
                <option key={r.code} value={r.code}>
                  {t(r.label)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('count.note')}>
            <input name="note" value={note} onInput={(e) => setNote(e.currentTarget.value)} maxLength={4000} />
          </Field>
          {prompt && (
            <div class="notice warn" role="alertdialog" aria-label={t('count.recountPrompt')}>
              <p>
                {t('count.promptText', { qty: prompt.qty, expected: prompt.expected })}
              </p>
              <div class="row">
                <button type="button" class="btn secondary" onClick={() => { setPrompt(null); setDraft({ ...draft, qty: '' }) }}>
                  {t('count.again')}
                </button>
                <button type="button" class="btn primary" onClick={() => draft.location && draft.sku && saveCount(draft.location, draft.sku, prompt.qty, { force: true })}>
                  {t('count.saveAnyway', { qty: prompt.qty })}
                </button>
              </div>
            </div>
          )}
          <button
            type="button"
            class="btn primary big"
            disabled={parseQuantity(draft.qty) === null}
            onClick={() => {
              if (commitDraft()) setDraft({ ...draft, sku: null, qty: '' })
            }}
          >
            {t('count.save')}
          </button>
        </section>
      )}

      {writable && (
        <section aria-labelledby="scan-h" class="stack">
          <h2 id="scan-h">{draft.location ? t('count.scanItems') : t('count.scan')}</h2>
          <p class="muted small">{t('count.scanHint')}</p>
          <div class="row wrap">
            <button type="button" class="btn secondary" onClick={() => setCamera(!camera)} aria-pressed={camera}>
              {camera ? t('count.cameraOn') : t('count.scanCamera')}
            </button>
            <ScanFromPhoto onScan={onScan} onError={(text) => setMessage({ text, kind: 'error' })} />
          </div>
          <form
            class="row"
            onSubmit={(e) => {
              e.preventDefault()
              if (manual.trim()) onScan(manual.trim())
              setManual('')
            }}
          >
            <label class="grow">
              <span class="visually-hidden">{t('count.typeCode')}</span>
              <input name="manual-code" placeholder={t('count.codePlaceholder')} value={manual} onInput={(e) => setManual(e.currentTarget.value)} autoComplete="off" autoCapitalize="characters" />
            </label>
            <button type="submit" class="btn secondary">
              {t('count.enter')}
            </button>
          </form>
        </section>
      )}


      {writable && (
        <div class="row">
          <button type="button" class="btn secondary" onClick={undoLast}>
            {t('count.undo')}
          </button>
          {status !== 'review' && status !== 'closed' && mayStepCount(role, doc, a.userId) && (
            <button type="button" class="btn secondary" onClick={finish}>
              {t('count.finish')}
            </button>
          )}
        </div>
      )}

      <section aria-labelledby="lines-h">
        <h2 id="lines-h">{draft.location ? t('count.linesAt', { location: draft.location }) : t('count.allLines')}</h2>
        <ul class="lines" data-testid="lines">
          {shown.map((k) => {
            const v = viewOf(k)
            const msg = conflictMessage(v, a, nameOf)
            return (
              <li key={k} class={`line line-${v.status}`} data-testid="line" data-key={k} data-status={v.status}>
                <div class="line-main">
                  <span>
                    <strong>{v.location}</strong> · {itemName(v.sku)}
                  </span>
                  <span class={`chip chip-line-${v.status}`}>{t(STATUS_TEXT[v.status])}</span>
                </div>
                <div class="line-meta muted small">
                  {v.mine ? t('count.mine', { qty: v.mine.qty }) : t('count.notMine')}
                  {v.agreed !== null && v.entries.length > 1 ? ` · ${t('count.agreed', { qty: v.agreed })}` : ''}
                  {!doc.blind && v.expected !== null ? ` · ${t('count.expectedShort', { qty: v.expected })}` : ''}
                  {!v.planned ? ` · ${t('count.foundShort')}` : ''}
                </div>
                {msg && <p class="warn-text">{msg}</p>}
              </li>
            )
          })}
        </ul>
        {shown.length < listed.length && (
          <button type="button" class="btn secondary" onClick={() => setShowAll(true)}>
            {t('count.showAll', { count: listed.length })}
          </button>
        )}
      </section>
    </Screen>
  )
}
