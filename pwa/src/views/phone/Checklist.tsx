import { useEffect, useRef, useState } from 'preact/hooks'
import { actor, createDoc, me, photoQueue } from '../../data/runtime'
import { DocStatus, Field, fmtDate, Screen } from '../../ui/components'
import { navigate } from '../../ui/router'
import { useDoc } from '../../ui/useDoc'
import { canvasPng, PhotoButton, SignaturePad, Thumbs } from '../../ui/media'
import * as A from '@automerge/automerge/slim'
import { actionStatus, isFailed, missingRequired, needsAction, parseReading, responseConflictMessage, runState, snapshotOf } from '../../lib/checklist'
import { nameOf } from './Count'
import { newId, recorded, type Actor } from '../../lib/ids'
import type { ChecklistDoc, SiteDoc } from '../../types/docs'
import type { Answer, AttachmentRef, ChecklistRun, Priority, TemplateItem } from '../../types/generated'
import { SCHEMA_VERSION } from '../../types/generated'
import { t } from '../../i18n'
import { PRIORITY, statusText } from '../../ui/status'
import { PolicyNotices } from '../../ui/PolicyNotices'
import { decides, mayReprioritise, mayWorkOnRun } from '../../lib/policy'

export function StartChecklist({ slug, templateId }: { slug: string; templateId: string }) {
  const site = me.value?.sites.find((s) => s.slug === slug)
  const { doc: siteDoc } = useDoc<SiteDoc>(site?.site_document_url)
  const started = useRef(false)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    if (!siteDoc || started.current) return
    const a = actor()
    const tpl = siteDoc.checklist_templates?.[templateId]
    const snapshot = tpl ? snapshotOf(templateId, tpl) : null
    if (!a || !snapshot) {
      setError(t('checklist.templateUnavailable'))
      return
    }
    started.current = true
    const init: ChecklistRun & { type: 'checklist_run' } = {
      type: 'checklist_run',
      schema_version: SCHEMA_VERSION,
      site: slug,
      template: snapshot,
      assignee: a.userId,
      responses: {},
      notes: [],
      corrective_actions: [],
    }
    const h = createDoc(init, snapshot.name)
    navigate(`/checklist/${h.url.replace(/^automerge:/, '')}`, { replace: true })
  }, [siteDoc, templateId, slug])
  return (
    <Screen title={t('checklist.starting')} back="/">
      {error ? <p class="error">{error}</p> : <p class="muted">{t('checklist.preparing')}</p>}
    </Screen>
  )
}

function setResponse(handle: { change: (fn: (d: ChecklistDoc) => void) => void }, a: Actor, item: TemplateItem, patch: { answer?: Answer; note?: string; photo?: AttachmentRef }) {
  handle.change((d) => {
    const rec = recorded(a)
    let r = d.responses[item.id]
    if (!r) {
      if (!patch.answer) return
      d.responses[item.id] = { answer: patch.answer, photos: [], ...rec }
      r = d.responses[item.id]
    } else if (patch.answer) {
      r.answer = patch.answer
      r.by = rec.by
      r.at = rec.at
      r.device = rec.device
    }
    if (patch.note !== undefined) r.note = patch.note
    if (patch.photo) r.photos.push(patch.photo)
    // A failed item raises a corrective action (one open action per item).
    if (patch.answer && isFailed(item, patch.answer) && needsAction(d, item.id)) {
      d.corrective_actions.push({
        id: newId(),
        item_id: item.id,
        description:
          patch.answer.kind === 'number'
            ? t('checklist.failedReading', { label: item.label, value: patch.answer.value, unit: item.unit ? ` ${item.unit}` : '' })
            : t('checklist.failedItem', { label: item.label }),
        priority: 'medium',
        timeline: [],
        ...rec,
      })
    }
  })
}

type Answered = { answer: Answer; by: string; device: string }

/**
 * Both answers when two people answered this item while apart: either both created the
 * response (a conflict at the item's key) or both changed an existing one (a conflict on
 * its `answer`, paired with `by`/`device` of the same change through the op's actor).
 */
function answerConflict(doc: ChecklistDoc, itemId: string, a: Actor): string | null {
  try {
    const responses = doc.responses as unknown as A.Doc<Record<string, unknown>>
    const created = A.getConflicts(responses, itemId)
    if (created) return responseConflictMessage(Object.values(created) as unknown as Answered[], a, nameOf)
    const r = doc.responses?.[itemId] as unknown as A.Doc<Record<string, unknown>> | undefined
    const answers = r ? A.getConflicts(r, 'answer') : undefined
    if (!r || !answers) return null
    const actorOf = (opId: string) => opId.slice(opId.indexOf('@') + 1)
    const field = (name: string) => {
      const byActor = new Map<string, string>()
      for (const [op, v] of Object.entries(A.getConflicts(r, name) ?? {})) byActor.set(actorOf(op), String(v))
      return byActor
    }
    const by = field('by')
    const device = field('device')
    const list = Object.entries(answers).map(([op, answer]) => ({
      answer: answer as unknown as Answer,
      by: by.get(actorOf(op)) ?? String((r as Record<string, unknown>).by),
      device: device.get(actorOf(op)) ?? String((r as Record<string, unknown>).device),
    }))
    return responseConflictMessage(list, a, nameOf)
  } catch {
    return null
  }
}

function ItemCard({ item, doc, handle, a, writable }: { item: TemplateItem; doc: ChecklistDoc; handle: { change: (fn: (d: ChecklistDoc) => void) => void }; a: Actor; writable: boolean }) {
  const r = doc.responses?.[item.id]
  const [num, setNum] = useState(r?.answer.kind === 'number' ? String(r.answer.value) : '')
  const [text, setText] = useState(r?.answer.kind === 'text' ? r.answer.text : '')
  const [note, setNote] = useState(r?.note ?? '')
  const [numError, setNumError] = useState<string | null>(null)
  const failed = isFailed(item, r?.answer)
  const conflict = answerConflict(doc, item.id, a)
  const disabled = !writable || !!doc.completed_at
  const set = (patch: { answer?: Answer; note?: string; photo?: AttachmentRef }) => setResponse(handle, a, item, patch)
  const id = `item-${item.id}`
  return (
    <li class={`card check-item${failed ? ' failed' : ''}`} data-testid="checklist-item" data-label={item.label} aria-labelledby={id}>
      <h3 id={id}>
        {item.label}
        {item.required && <span class="required" aria-label={t('checklist.required')}> *</span>}
      </h3>
      {item.kind === 'check' && (
        <div class="segmented" role="group" aria-label={t('checklist.answerOf', { label: item.label })}>
          {(['pass', 'fail', 'na'] as const).map((o) => (
            <button
              type="button"
              key={o}
              class={`btn seg seg-${o}`}
              aria-pressed={r?.answer.kind === 'check' && r.answer.outcome === o}
              disabled={disabled}
              onClick={() => set({ answer: { kind: 'check', outcome: o } })}
            >
              {t(o === 'pass' ? 'checklist.answer.pass' : o === 'fail' ? 'checklist.answer.fail' : 'checklist.answer.na')}
            </button>
          ))}
        </div>
      )}
      {item.kind === 'number' && (
        <Field label={item.unit ? t('checklist.readingIn', { unit: item.unit }) : t('checklist.reading')} hint={item.min != null || item.max != null ? t('checklist.range', { min: item.min ?? '…', max: item.max ?? '…' }) : undefined}>
          <input
            inputMode="decimal"
            value={num}
            disabled={disabled}
            onInput={(e) => setNum(e.currentTarget.value)}
            onBlur={() => {
              if (!num.trim()) return
              const v = parseReading(num)
              if (v === null) setNumError(t('checklist.enterNumber', { example: 3.5 }))
              else {
                setNumError(null)
                set({ answer: { kind: 'number', value: v } })
              }
            }}
          />
        </Field>
      )}
      {numError && <p class="error">{numError}</p>}
      {item.kind === 'text' && (
        <Field label={t('checklist.answer')}>
          <textarea value={text} disabled={disabled} onInput={(e) => setText(e.currentTarget.value)} onBlur={() => text.trim() && set({ answer: { kind: 'text', text } })} />
        </Field>
      )}
      {failed && <p class="warn-text">{t('checklist.failedRaised')}</p>}
      {conflict && (
        <p class="notice warn" role="alert" data-testid="answer-conflict">
          {conflict}
        </p>
      )}
      {r && (
        <>
          <Field label={t('checklist.note')}>
            <input value={note} disabled={disabled} onInput={(e) => setNote(e.currentTarget.value)} onBlur={() => note !== (r.note ?? '') && set({ note })} maxLength={4000} />
          </Field>
          <Thumbs photos={r.photos} label={item.label} />
          {!disabled && <PhotoButton site={doc.site} onAdded={(photo) => set({ photo })} />}
        </>
      )}
      {!r && <p class="muted small">{t('checklist.answerFirst')}</p>}
    </li>
  )
}

export function ChecklistView({ url }: { url: string }) {
  const { doc, handle, error } = useDoc<ChecklistDoc>(url)
  const a = actor()
  const site = me.value?.sites.find((s) => s.slug === doc?.site)
  const role = me.value?.user.role
  // Staff work only on a run of their own (the write policy undoes anything else).
  const writable = !!site?.writable && !!doc && !!a && mayWorkOnRun(role, doc, a.userId)
  const [name, setName] = useState(a?.displayName ?? '')
  const [inked, setInked] = useState(false)
  const [signError, setSignError] = useState<string | null>(null)
  const padHost = useRef<HTMLDivElement>(null)

  if (error) return <Screen title={t('checklist.title')} back="/"><p class="error">{t('checklist.unavailable', { error })}</p></Screen>
  if (!doc || !handle || !a) return <Screen title={t('checklist.title')} back="/"><p class="muted">{t('common.loading')}</p></Screen>
  const missing = missingRequired(doc)
  const state = runState(doc)

  const signOff = async () => {
    setSignError(null)
    if (missing.length) {
      setSignError(t('checklist.requiredFirst', { items: missing.map((m) => m.label).join(', ') }))
      return
    }
    if (!name.trim()) return setSignError(t('checklist.enterName'))
    const canvas = padHost.current?.querySelector('canvas')
    if (!canvas || !inked) return setSignError(t('checklist.signFirst'))
    if (!photoQueue) return
    const bytes = await canvasPng(canvas)
    const image = await photoQueue.add(bytes, 'image/png', doc.site)
    handle.change((d) => {
      const rec = recorded(a)
      d.sign_off = { name: name.trim(), method: { kind: 'signature', image }, ...rec }
      d.completed_at = rec.at
    })
  }

  const setPriority = (id: string, p: Priority) =>
    handle.change((d) => {
      const act = d.corrective_actions.find((x) => x.id === id)
      if (act) act.priority = p
    })

  return (
    <Screen title={doc.template.name} back="/" actions={<DocStatus url={url} />}>
      <PolicyNotices doc={doc} />
      {!!site?.writable && !writable && <p class="notice">{t('checklist.notYours')}</p>}
      <p class="row wrap">
        <span class="chip">{statusText(state)}</span>
        {doc.due_at && <span class="chip">{t('home.due', { when: fmtDate(doc.due_at) })}</span>}
        {doc.location && <span class="chip">{t('checklist.at', { location: doc.location })}</span>}
      </p>
      <ul class="cards">
        {doc.template.items.map((item) => (
          <ItemCard key={item.id} item={item} doc={doc} handle={handle} a={a} writable={writable} />
        ))}
      </ul>
      {doc.corrective_actions.length > 0 && (
        <section aria-labelledby="ca-h">
          <h2 id="ca-h">{t('checklist.actions')}</h2>
          <ul class="cards">
            {doc.corrective_actions.map((c) => (
              <li key={c.id} class="card" data-testid="corrective-action">
                <p>{c.description}</p>
                <p class="muted small">{t('common.status', { status: statusText(actionStatus(c)) })}</p>
                {writable && (decides(role) || !doc.completed_at) && mayReprioritise(role, c, a.userId) ? (
                  <Field label={t('checklist.priority')}>
                    <select value={c.priority} onChange={(e) => setPriority(c.id, e.currentTarget.value as Priority)}>
                      {(['low', 'medium', 'high', 'urgent'] as const).map((p) => (
                        <option key={p} value={p}>
                          {t(PRIORITY[p])}
                        </option>
                      ))}
                    </select>
                  </Field>
                ) : (
                  <p class="small" data-testid="action-priority">
                    {t('checklist.priorityIs', { priority: t(PRIORITY[c.priority]) })}
                  </p>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
      <section aria-labelledby="sign-h" class="stack">
        <h2 id="sign-h">{t('checklist.signOffTitle')}</h2>
        {doc.sign_off ? (
          <div class="card" data-testid="signed-off">
            <p>
              {t('checklist.signedBy', { name: doc.sign_off.name, when: fmtDate(doc.sign_off.at) })}
            </p>
            {doc.sign_off.method.kind === 'signature' && <Thumbs photos={[doc.sign_off.method.image]} label={t('checklist.signature')} />}
          </div>
        ) : (
          writable && (
            <>
              {missing.length > 0 && (
                <p class="notice" data-testid="missing-required">
                  {t('checklist.stillRequired', { items: missing.map((m) => m.label).join(', ') })}
                </p>
              )}
              <Field label={t('checklist.yourName')}>
                <input value={name} onInput={(e) => setName(e.currentTarget.value)} maxLength={200} />
              </Field>
              <div ref={padHost}>
                <SignaturePad label={t('checklist.signatureLabel')} onChange={setInked} typedName={name} />
              </div>
              {signError && (
                <p class="error" role="alert">
                  {signError}
                </p>
              )}
              <button type="button" class="btn primary big" onClick={() => void signOff()} aria-disabled={missing.length > 0}>
                {t('checklist.signOff')}
              </button>
            </>
          )
        )}
      </section>
    </Screen>
  )
}
