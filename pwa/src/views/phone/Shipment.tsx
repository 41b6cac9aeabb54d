import { useMemo, useRef, useState } from 'preact/hooks'
import { actor, createDoc, me, photoQueue } from '../../data/runtime'
import { DocStatus, Field, fmtDate, Screen } from '../../ui/components'
import { navigate } from '../../ui/router'
import { useDoc } from '../../ui/useDoc'
import { useWedge } from '../../ui/useWedge'
import { canvasPng, PhotoButton, SignaturePad, Thumbs } from '../../ui/media'
import { lineTallies, MARK_LABEL, shipmentStatus, STATUS_LABEL, unexpectedEntries } from '../../lib/shipment'
import { statusesFor } from '../../lib/policy'
import { PolicyNotices } from '../../ui/PolicyNotices'
import { t } from '../../i18n'
import { buildScanIndex, resolveScan } from '../../lib/scan'
import { newId, parseQuantity, recorded } from '../../lib/ids'
import type { ShipmentDoc, SiteDoc } from '../../types/docs'
import type { AttachmentRef, Direction, Shipment } from '../../types/generated'
import { SCHEMA_VERSION } from '../../types/generated'

export function NewShipment({ slug }: { slug: string }) {
  const [direction, setDirection] = useState<Direction>('inbound')
  const [reference, setReference] = useState('')
  const [carrier, setCarrier] = useState('')
  const [tracking, setTracking] = useState('')
  const [counterparty, setCounterparty] = useState('')
  const [error, setError] = useState<string | null>(null)
  const submit = (ev: Event) => {
    ev.preventDefault()
    const a = actor()
    if (!a) return
    if (!reference.trim()) return setError(t('shipment.enterReference'))
    const init: Shipment & { type: 'shipment' } = {
      type: 'shipment',
      schema_version: SCHEMA_VERSION,
      site: slug,
      direction,
      reference: reference.trim(),
      expected_lines: [],
      entries: [],
      timeline: [{ id: newId(), status: direction === 'inbound' ? 'arrived' : 'packed', ...recorded(a) }],
    }
    if (carrier.trim()) init.carrier = carrier.trim()
    if (tracking.trim()) init.tracking_number = tracking.trim()
    if (counterparty.trim()) init.counterparty = counterparty.trim()
    const h = createDoc(init, t(direction === 'inbound' ? 'shipment.inboundTitle' : 'shipment.outboundTitle', { reference: reference.trim() }))
    navigate(`/shipment/${h.url.replace(/^automerge:/, '')}`, { replace: true })
  }
  return (
    <Screen title={t('home.logShipment')} back="/">
      <form class="stack" onSubmit={submit}>
        <div class="segmented" role="group" aria-label={t('shipment.direction')}>
          {(['inbound', 'outbound'] as const).map((d) => (
            <button type="button" key={d} class="btn seg" aria-pressed={direction === d} onClick={() => setDirection(d)}>
              {t(d === 'inbound' ? 'shipment.receivingInbound' : 'shipment.dispatchOutbound')}
            </button>
          ))}
        </div>
        <Field label={t(direction === 'inbound' ? 'shipment.poReference' : 'shipment.orderNumber')}>
          <input name="reference" required value={reference} onInput={(e) => setReference(e.currentTarget.value)} maxLength={200} />
        </Field>
        <Field label={t('shipment.carrier')}>
          <input name="carrier" value={carrier} onInput={(e) => setCarrier(e.currentTarget.value)} maxLength={200} />
        </Field>
        <Field label={t('shipment.tracking')}>
          <input name="tracking" value={tracking} onInput={(e) => setTracking(e.currentTarget.value)} maxLength={200} />
        </Field>
        <Field label={t(direction === 'inbound' ? 'shipment.supplier' : 'shipment.customer')}>
          <input name="counterparty" value={counterparty} onInput={(e) => setCounterparty(e.currentTarget.value)} maxLength={200} />
        </Field>
        {error && <p class="error" role="alert">{error}</p>}
        <button class="btn primary big" type="submit">
          {t('home.start')}
        </button>
      </form>
    </Screen>
  )
}

interface ReceiveTarget {
  lineId: string | null
  sku: string
  location: string | null
}

function ReceiveForm({ target, doc, handle, onDone }: { target: ReceiveTarget; doc: ShipmentDoc; handle: { change: (fn: (d: ShipmentDoc) => void) => void }; onDone: () => void }) {
  const [good, setGood] = useState('')
  const [damaged, setDamaged] = useState('0')
  const [location, setLocation] = useState(target.location ?? '')
  const [note, setNote] = useState('')
  const [photos, setPhotos] = useState<AttachmentRef[]>([])
  const [error, setError] = useState<string | null>(null)
  const save = () => {
    const a = actor()
    const q = parseQuantity(good || '0')
    const dq = parseQuantity(damaged || '0')
    if (!a) return
    if (q === null || dq === null) return setError(t('shipment.wholeNumbers'))
    if (q + dq === 0) return setError(t('shipment.howMany'))
    if (dq > 0 && photos.length === 0 && !note.trim()) return setError(t('shipment.damageEvidence'))
    handle.change((d) => {
      const e: ShipmentDoc['entries'][number] = { id: newId(), sku: target.sku, qty: q, damaged_qty: dq, photos: photos.map((p) => ({ ...p })), ...recorded(a) }
      if (target.lineId) e.expected_line = target.lineId
      if (location.trim()) e.location = location.trim()
      if (note.trim()) e.note = note.trim()
      d.entries.push(e)
    })
    onDone()
  }
  return (
    <div class="card stack receive-form" data-testid="receive-form">
      <h3>
        {target.sku} {target.lineId ? '' : t('shipment.notOnListShort')}
      </h3>
      <Field label={t(doc.direction === 'inbound' ? 'shipment.goodReceived' : 'shipment.goodShipped')}>
        <input name="good" inputMode="numeric" value={good} onInput={(e) => setGood(e.currentTarget.value.replace(/\D/g, ''))} />
      </Field>
      <Field label={t('shipment.damagedUnits')}>
        <input name="damaged" inputMode="numeric" value={damaged} onInput={(e) => setDamaged(e.currentTarget.value.replace(/\D/g, ''))} />
      </Field>
      <Field label={t(doc.direction === 'inbound' ? 'shipment.putAwayLocation' : 'shipment.pickedFrom')}>
        <input name="location" value={location} onInput={(e) => setLocation(e.currentTarget.value)} autoCapitalize="characters" />
      </Field>
      <Field label={t('checklist.note')}>
        <input name="entry-note" value={note} onInput={(e) => setNote(e.currentTarget.value)} maxLength={4000} />
      </Field>
      <Thumbs photos={photos} label={t('shipment.damage')} />
      <PhotoButton site={doc.site} label={t('shipment.damagePhoto')} onAdded={(p) => setPhotos([...photos, p])} />
      {error && <p class="error" role="alert">{error}</p>}
      <div class="row">
        <button type="button" class="btn primary" onClick={save}>
          {t('shipment.saveLine')}
        </button>
        <button type="button" class="btn secondary" onClick={onDone}>
          {t('common.cancel')}
        </button>
      </div>
    </div>
  )
}

export function ShipmentView({ url }: { url: string }) {
  const { doc, handle, error } = useDoc<ShipmentDoc>(url)
  const site = me.value?.sites.find((s) => s.slug === doc?.site)
  const { doc: siteDoc } = useDoc<SiteDoc>(site?.site_document_url)
  const index = useMemo(() => buildScanIndex(siteDoc?.items ?? {}, siteDoc?.locations ?? {}), [siteDoc])
  const writable = !!site?.writable
  const a = actor()
  const [target, setTarget] = useState<ReceiveTarget | null>(null)
  const [sku, setSku] = useState('')
  const [message, setMessage] = useState<string | null>(null)
  const [podName, setPodName] = useState('')
  const [inked, setInked] = useState(false)
  const [podError, setPodError] = useState<string | null>(null)
  const padHost = useRef<HTMLDivElement>(null)

  const startFor = (code: string) => {
    if (!doc) return
    const scan = resolveScan(code, index)
    const s = scan.kind === 'item' ? scan.sku : code.trim()
    if (!s) return
    const line = doc.expected_lines.find((l) => l.sku === s)
    setTarget({ lineId: line?.id ?? null, sku: s, location: line?.location ?? null })
    setMessage(scan.kind === 'unknown' ? t('shipment.unknownItem', { code: s }) : null)
  }
  useWedge((code) => startFor(code), writable && !!doc && !target)

  if (error) return <Screen title={t('shipment.title')} back="/"><p class="error">{t('checklist.unavailable', { error })}</p></Screen>
  if (!doc || !handle || !a) return <Screen title={t('shipment.title')} back="/"><p class="muted">{t('common.loading')}</p></Screen>

  const status = shipmentStatus(doc)
  const tallies = lineTallies(doc)
  const extras = unexpectedEntries(doc)
  const setField = (field: 'carrier' | 'tracking_number' | 'reference', value: string) => {
    const v = value.trim()
    if ((doc[field] ?? '') === v) return
    if (field === 'reference' && !v) return
    handle.change((d) => {
      if (v) d[field] = v
      else delete d[field]
    })
  }
  const advance = (s: ShipmentDoc['timeline'][number]['status']) =>
    handle.change((d) => {
      d.timeline.push({ id: newId(), status: s, ...recorded(a) })
    })
  const voidEntry = (id: string) =>
    handle.change((d) => {
      const e = d.entries.find((x) => x.id === id)
      if (e && !e.void) e.void = { ...recorded(a), reason: 'undo' }
    })
  const signPod = async () => {
    setPodError(null)
    const canvas = padHost.current?.querySelector('canvas')
    if (!podName.trim()) return setPodError(t('shipment.enterSigner'))
    if (!canvas || !inked) return setPodError(t('checklist.signFirst'))
    if (!photoQueue) return
    const signature = await photoQueue.add(await canvasPng(canvas), 'image/png', doc.site)
    handle.change((d) => {
      d.proof_of_delivery = { name: podName.trim(), signature, ...recorded(a) }
    })
  }
  const myEntries = doc.entries.filter((e) => !e.void && e.by === a.userId)

  return (
    <Screen title={t(doc.direction === 'inbound' ? 'shipment.inboundTitle' : 'shipment.outboundTitle', { reference: doc.reference })} back="/" actions={<DocStatus url={url} />}>
      <PolicyNotices doc={doc} />
      <section class="stack" aria-labelledby="details-h">
        <h2 id="details-h">{t('shipment.details')}</h2>
        <Field label={t('shipment.reference')}>
          <input defaultValue={doc.reference} disabled={!writable} onBlur={(e) => setField('reference', e.currentTarget.value)} />
        </Field>
        <Field label={t('shipment.carrier')}>
          <input name="carrier" defaultValue={doc.carrier ?? ''} disabled={!writable} onBlur={(e) => setField('carrier', e.currentTarget.value)} />
        </Field>
        <Field label={t('shipment.tracking')}>
          <input name="tracking" defaultValue={doc.tracking_number ?? ''} disabled={!writable} onBlur={(e) => setField('tracking_number', e.currentTarget.value)} />
        </Field>
        {doc.counterparty && <p class="muted">{t(doc.direction === 'inbound' ? 'shipment.supplierIs' : 'shipment.customerIs', { name: doc.counterparty })}</p>}
      </section>

      <section aria-labelledby="tl-h">
        <h2 id="tl-h">{t('common.status', { status: t(STATUS_LABEL[status]) })}</h2>
        <ol class="timeline" data-testid="timeline">
          {[...doc.timeline]
            .sort((x, y) => (x.at < y.at ? -1 : 1))
            .map((e) => (
              <li key={e.id}>
                {t(STATUS_LABEL[e.status])} · {fmtDate(e.at)}
                {e.note ? ` · ${e.note}` : ''}
              </li>
            ))}
        </ol>
        {writable && (
          <div class="row wrap">
            {statusesFor(me.value?.user.role, doc).map((s, i) => (
              <button type="button" key={s} class={`btn ${i === 0 ? 'primary' : 'secondary'}`} onClick={() => advance(s)}>
                {t(MARK_LABEL[s])}
              </button>
            ))}
          </div>
        )}
      </section>

      <section aria-labelledby="lines-h">
        <h2 id="lines-h">{t(doc.direction === 'inbound' ? 'shipment.receiving' : 'shipment.shipping')}</h2>
        {tallies.length > 0 && (
          <ul class="cards">
            {tallies.map((line) => (
              <li key={line.lineId} class="card" data-testid="shipment-line">
                <div class="line-main">
                  <strong>{Object.values(siteDoc?.items ?? {}).find((i) => i.sku === line.sku)?.name ?? line.sku}</strong>
                  <span class="muted small">{line.sku}</span>
                </div>
                <p class="small">
                  {t('shipment.goodOfExpected', { good: line.handled, expected: line.expected })}
                  {line.damaged > 0 && <span class="chip chip-error"> {t('shipment.damagedN', { qty: line.damaged })}</span>}
                  {line.over > 0 && <span class="chip chip-warn"> {t('shipment.overN', { qty: line.over })}</span>}
                  {line.short > 0 && <span class="chip chip-warn"> {t('shipment.shortN', { qty: line.short })}</span>}
                </p>
                {writable && (
                  <button type="button" class="btn secondary" onClick={() => setTarget({ lineId: line.lineId, sku: line.sku, location: line.location })}>
                    {t(doc.direction === 'inbound' ? 'shipment.receiveSku' : 'shipment.shipSku', { sku: line.sku })}
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
        {target && <ReceiveForm key={`${target.lineId}-${target.sku}`} target={target} doc={doc} handle={handle} onDone={() => setTarget(null)} />}
        {writable && !target && (
          <form
            class="row"
            onSubmit={(e) => {
              e.preventDefault()
              startFor(sku)
              setSku('')
            }}
          >
            <label class="grow">
              <span class="visually-hidden">{t('shipment.scanItem')}</span>
              <input name="sku" placeholder={t('shipment.scanItemPlaceholder')} value={sku} onInput={(e) => setSku(e.currentTarget.value)} />
            </label>
            <button class="btn secondary" type="submit">
              {t('shipment.add')}
            </button>
          </form>
        )}
        {message && <p class="muted">{message}</p>}
        {extras.length > 0 && (
          <>
            <h3>{t('shipment.notOnList')}</h3>
            <ul class="cards">
              {extras.map((e) => (
                <li key={e.id} class="card small">
                  {e.damaged_qty ? t('shipment.entryGoodDamaged', { sku: e.sku, good: e.qty, damaged: e.damaged_qty }) : t('shipment.entryGood', { sku: e.sku, good: e.qty })}
                </li>
              ))}
            </ul>
          </>
        )}
        {myEntries.length > 0 && (
          <details>
            <summary>{t('shipment.myEntries', { count: myEntries.length })}</summary>
            <ul class="cards">
              {myEntries.map((e) => (
                <li key={e.id} class="card small" data-testid="shipment-entry">
                  {t('shipment.entryGoodDamaged', { sku: e.sku, good: e.qty, damaged: e.damaged_qty })}{e.location ? ` → ${e.location}` : ''}
                  {e.note ? ` · ${e.note}` : ''}
                  <Thumbs photos={e.photos} label={e.sku} />
                  {writable && (
                    <button type="button" class="btn small secondary" onClick={() => voidEntry(e.id)}>
                      {t('shipment.undo')}
                    </button>
                  )}
                </li>
              ))}
            </ul>
          </details>
        )}
      </section>

      <section aria-labelledby="pod-h" class="stack">
        <h2 id="pod-h">{t('shipment.pod')}</h2>
        {doc.proof_of_delivery ? (
          <div class="card" data-testid="pod-signed">
            <p>
              {t('shipment.signedBy', { name: doc.proof_of_delivery.name, when: fmtDate(doc.proof_of_delivery.at) })}
            </p>
            <Thumbs photos={[doc.proof_of_delivery.signature]} label={t('checklist.signature')} />
          </div>
        ) : (
          writable && (
            <>
              <Field label={t('shipment.signerName')}>
                <input name="pod-name" value={podName} onInput={(e) => setPodName(e.currentTarget.value)} maxLength={200} />
              </Field>
              <div ref={padHost}>
                <SignaturePad label={t('shipment.podSignature')} onChange={setInked} typedName={podName} />
              </div>
              {podError && <p class="error" role="alert">{podError}</p>}
              <button type="button" class="btn primary" onClick={() => void signPod()}>
                {t('shipment.saveSignature')}
              </button>
            </>
          )
        )}
      </section>
    </Screen>
  )
}
