// Printable barcode labels (Code 128 or QR) for locations and items, drawn by bwip-js
// (loaded only when labels are shown).
import { useEffect, useState } from 'preact/hooks'
import { t } from '../../i18n'

export interface LabelSpec {
  code: string
  title: string
}

export function Labels({ labels, symbology }: { labels: LabelSpec[]; symbology: 'code128' | 'qrcode' }) {
  const [svgs, setSvgs] = useState<string[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    let live = true
    import('bwip-js/browser').then(
      (bwip) => {
        if (!live) return
        try {
          setSvgs(labels.map((l) => bwip.toSVG({ bcid: symbology, text: l.code, scale: 2, height: symbology === 'code128' ? 12 : undefined, includetext: symbology === 'code128', textxalign: 'center' })))
        } catch (e) {
          setError(e instanceof Error ? e.message : String(e))
        }
      },
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    )
    return () => {
      live = false
    }
  }, [labels.map((l) => l.code).join('\n'), symbology])
  if (error) return <p class="desk-error">{t('labels.error', { error })}</p>
  if (!svgs) return <p role="status">{t('labels.drawing')}</p>
  return (
    <div class="desk-labels" data-testid="labels">
      {labels.map((l, i) => (
        <figure class="desk-label" key={l.code}>
          <img alt={t(symbology === 'qrcode' ? 'labels.qrFor' : 'labels.code128For', { code: l.code })} src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svgs[i])}`} />
          <figcaption>
            <strong>{l.code}</strong> {l.title}
          </figcaption>
        </figure>
      ))}
    </div>
  )
}
