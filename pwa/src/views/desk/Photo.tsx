// A photo attachment fetched with the access token (content-addressed by SHA-256).
import { useEffect, useState } from 'preact/hooks'
import { authFetch } from '../../data/session'
import { t } from '../../i18n'

export interface PhotoRef {
  sha256: string
  content_type: string
  size: number
}

export function Photo({ site, photo, alt }: { site: string; photo: PhotoRef; alt: string }) {
  const [src, setSrc] = useState<string | null>(null)
  const [failed, setFailed] = useState(false)
  useEffect(() => {
    let url: string | null = null
    let live = true
    authFetch(`/api/attachments/${photo.sha256}?site=${encodeURIComponent(site)}`)
      .then(async (res) => {
        if (!res.ok) throw new Error(String(res.status))
        url = URL.createObjectURL(await res.blob())
        if (live) setSrc(url)
      })
      .catch(() => live && setFailed(true))
    return () => {
      live = false
      if (url) URL.revokeObjectURL(url)
    }
  }, [photo.sha256, site])
  if (failed) return <span class="hint">{t('photo.notOnServer')}</span>
  if (!src) return <span class="hint">{t('photo.loading')}</span>
  return (
    <a href={src} target="_blank" rel="noreferrer">
      <img class="desk-photo" src={src} alt={alt} />
    </a>
  )
}
