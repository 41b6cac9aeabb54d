// Photos (camera capture, compressed on the phone), signatures, and showing attachments.
import { useEffect, useRef, useState } from 'preact/hooks'
import type { AttachmentRef } from '../types/generated'
import { authFetch } from '../data/session'
import { photoQueue } from '../data/runtime'
import { t } from '../i18n'

const MAX_SIDE = 1600

/** Downscale and re-encode as JPEG on the phone (a 12 MP photo becomes ~300 kB). */
export async function compressImage(file: Blob): Promise<{ bytes: ArrayBuffer; type: 'image/jpeg' }> {
  const bitmap = await createImageBitmap(file)
  const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height))
  const w = Math.max(1, Math.round(bitmap.width * scale))
  const h = Math.max(1, Math.round(bitmap.height * scale))
  const canvas = document.createElement('canvas')
  canvas.width = w
  canvas.height = h
  const ctx = canvas.getContext('2d')
  if (!ctx) throw new Error(t('photo.noCanvas'))
  ctx.drawImage(bitmap, 0, 0, w, h)
  bitmap.close?.()
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.8))
  if (!blob) throw new Error(t('photo.encodeFailed'))
  return { bytes: await blob.arrayBuffer(), type: 'image/jpeg' }
}

export function PhotoButton({ site, label, onAdded, disabled }: { site: string; label?: string; onAdded: (ref: AttachmentRef) => void; disabled?: boolean }) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const onChange = async (ev: Event) => {
    const input = ev.currentTarget as HTMLInputElement
    const files = [...(input.files ?? [])]
    input.value = ''
    if (!files.length || !photoQueue) return
    setBusy(true)
    setError(null)
    try {
      for (const f of files) {
        const { bytes, type } = await compressImage(f)
        onAdded(await photoQueue.add(bytes, type, site))
      }
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
    } finally {
      setBusy(false)
    }
  }
  return (
    <span class="photo-button">
      <label class={`btn secondary${disabled ? ' disabled' : ''}`}>
        {busy ? t('photo.saving') : (label ?? t('photo.add'))}
        <input type="file" accept="image/*" capture="environment" class="visually-hidden" onChange={onChange} disabled={disabled || busy} />
      </label>
      {error && <span class="error" role="alert">{error}</span>}
    </span>
  )
}

/** An attachment: the copy kept on this phone if there is one, else from the server. */
export function AttachmentImg({ att, alt }: { att: AttachmentRef; alt: string }) {
  const [src, setSrc] = useState<string | null>(null)
  useEffect(() => {
    let url: string | null = null
    let live = true
    ;(async () => {
      const local = await photoQueue?.get(att.sha256)
      let blob: Blob | null = null
      if (local) blob = new Blob([local.bytes], { type: local.contentType })
      else {
        try {
          const res = await authFetch(`/api/attachments/${att.sha256}`)
          if (res.ok) blob = await res.blob()
        } catch {
          /* offline and not on this phone */
        }
      }
      if (blob && live) {
        url = URL.createObjectURL(blob)
        setSrc(url)
      }
    })()
    return () => {
      live = false
      if (url) URL.revokeObjectURL(url)
    }
  }, [att.sha256])
  return src ? <img class="thumb" src={src} alt={alt} /> : <span class="thumb placeholder" aria-label={t('photo.notHere', { alt })}>…</span>
}

export function Thumbs({ photos, label }: { photos: AttachmentRef[] | undefined; label: string }) {
  if (!photos?.length) return null
  return (
    <div class="thumbs">
      {photos.map((p, i) => (
        <AttachmentImg key={p.sha256} att={p} alt={t('photo.nth', { label, n: i + 1 })} />
      ))}
    </div>
  )
}

/** A drawn signature on a canvas; "Sign with typed name" for people who cannot draw. */
export function SignaturePad({ label, onChange, typedName }: { label: string; onChange: (hasInk: boolean) => void; typedName?: string }) {
  const ref = useRef<HTMLCanvasElement>(null)
  const drawing = useRef(false)
  const last = useRef<{ x: number; y: number } | null>(null)
  const setup = () => {
    const c = ref.current
    if (!c) return null
    const ctx = c.getContext('2d')
    if (!ctx) return null
    ctx.lineWidth = 3
    ctx.lineCap = 'round'
    ctx.strokeStyle = '#0b1f33'
    return ctx
  }
  useEffect(() => {
    const c = ref.current
    if (!c) return
    const ratio = window.devicePixelRatio || 1
    const rect = c.getBoundingClientRect()
    c.width = Math.round(rect.width * ratio)
    c.height = Math.round(rect.height * ratio)
    c.getContext('2d')?.scale(ratio, ratio)
    const ctx = c.getContext('2d')
    if (ctx) {
      ctx.fillStyle = '#fff'
      ctx.fillRect(0, 0, c.width, c.height)
    }
  }, [])
  const pos = (ev: PointerEvent) => {
    const r = (ev.currentTarget as HTMLCanvasElement).getBoundingClientRect()
    return { x: ev.clientX - r.left, y: ev.clientY - r.top }
  }
  const down = (ev: PointerEvent) => {
    ;(ev.currentTarget as HTMLCanvasElement).setPointerCapture?.(ev.pointerId)
    drawing.current = true
    last.current = pos(ev)
  }
  const move = (ev: PointerEvent) => {
    if (!drawing.current) return
    const ctx = setup()
    const p = pos(ev)
    if (ctx && last.current) {
      ctx.beginPath()
      ctx.moveTo(last.current.x, last.current.y)
      ctx.lineTo(p.x, p.y)
      ctx.stroke()
      onChange(true)
    }
    last.current = p
  }
  const up = () => {
    drawing.current = false
    last.current = null
  }
  const clear = () => {
    const c = ref.current
    const ctx = c?.getContext('2d')
    if (c && ctx) {
      ctx.save()
      ctx.setTransform(1, 0, 0, 1, 0, 0)
      ctx.fillStyle = '#fff'
      ctx.fillRect(0, 0, c.width, c.height)
      ctx.restore()
    }
    onChange(false)
  }
  const typed = () => {
    const ctx = setup()
    const c = ref.current
    if (!ctx || !c || !typedName) return
    clear()
    ctx.fillStyle = '#0b1f33'
    ctx.font = 'italic 32px Georgia, serif'
    ctx.fillText(typedName, 16, c.getBoundingClientRect().height / 2 + 10)
    onChange(true)
  }
  return (
    <div class="signature">
      <canvas ref={ref} class="signature-pad" role="img" aria-label={label} data-testid="signature-pad" onPointerDown={down} onPointerMove={move} onPointerUp={up} onPointerLeave={up} />
      <div class="row">
        <button type="button" class="btn secondary" onClick={clear}>
          {t('signature.clear')}
        </button>
        {typedName && (
          <button type="button" class="btn secondary" onClick={typed}>
            {t('signature.typed')}
          </button>
        )}
      </div>
    </div>
  )
}

export function canvasPng(canvas: HTMLCanvasElement): Promise<ArrayBuffer> {
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? b.arrayBuffer().then(resolve, reject) : reject(new Error(t('signature.encodeFailed')))), 'image/png'),
  )
}
