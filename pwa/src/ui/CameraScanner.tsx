import { useEffect, useRef, useState } from 'preact/hooks'
import { getDetector } from './camera'
import { t } from '../i18n'

/** Continuous camera scanning: stays open and reports each code as it comes into view. */
export function CameraScanner({ onScan, onClose }: { onScan: (code: string) => void; onClose: () => void }) {
  const video = useRef<HTMLVideoElement>(null)
  const [error, setError] = useState<string | null>(null)
  const [last, setLast] = useState<string | null>(null)
  const cb = useRef(onScan)
  cb.current = onScan
  useEffect(() => {
    let stream: MediaStream | null = null
    let stopped = false
    // A code counts again only after it has left the view: holding the camera over
    // one label must not keep adding to the count.
    let lastCode = ''
    let lastSeenAt = 0
    ;(async () => {
      try {
        const detector = await getDetector()
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false })
        if (stopped || !video.current) return
        video.current.srcObject = stream
        await video.current.play()
        const tick = async () => {
          if (stopped || !video.current) return
          try {
            if (video.current.readyState >= 2) {
              const found = await detector.detect(video.current)
              const code = found[0]?.rawValue
              const now = Date.now()
              if (code && (code !== lastCode || now - lastSeenAt > 800)) {
                lastCode = code
                setLast(code)
                navigator.vibrate?.(60)
                cb.current(code)
              }
              if (code) lastSeenAt = now
            }
          } catch {
            /* a frame that could not be read */
          }
          setTimeout(tick, 120)
        }
        void tick()
      } catch (e) {
        setError(e instanceof Error ? t('scan.cameraUnavailableBecause', { reason: e.message }) : t('scan.cameraUnavailable'))
      }
    })()
    return () => {
      stopped = true
      stream?.getTracks().forEach((track) => track.stop())
    }
  }, [])
  return (
    <div class="camera" role="region" aria-label={t('scan.cameraRegion')}>
      {error ? <p class="error" role="alert">{error}</p> : <video ref={video} class="camera-video" muted playsInline aria-label={t('scan.cameraView')} />}
      <div class="row">
        <span class="muted" aria-live="polite">{last ? t('scan.last', { code: last }) : t('scan.point')}</span>
        <button type="button" class="btn secondary" onClick={onClose}>
          {t('scan.closeCamera')}
        </button>
      </div>
    </div>
  )
}

/**
 * Decode a barcode from a still photo: the fallback where live camera video is not
 * allowed (some iOS home-screen apps) and a way to read a label that is hard to reach.
 */
export function ScanFromPhoto({ onScan, onError }: { onScan: (code: string) => void; onError: (text: string) => void }) {
  const [busy, setBusy] = useState(false)
  const onChange = async (ev: Event) => {
    const input = ev.currentTarget as HTMLInputElement
    const file = input.files?.[0]
    input.value = ''
    if (!file) return
    setBusy(true)
    try {
      const detector = await getDetector()
      const bitmap = await createImageBitmap(file)
      const found = await detector.detect(bitmap)
      bitmap.close?.()
      if (found.length === 0) onError(t('scan.noneInPhoto'))
      for (const f of found) onScan(f.rawValue)
    } catch (e) {
      onError(t('scan.photoUnreadable', { reason: e instanceof Error ? e.message : String(e) }))
    } finally {
      setBusy(false)
    }
  }
  return (
    <label class="btn secondary">
      {busy ? t('scan.reading') : t('scan.photo')}
      <input type="file" accept="image/*" capture="environment" class="visually-hidden" data-testid="scan-photo-input" onChange={onChange} disabled={busy} />
    </label>
  )
}
