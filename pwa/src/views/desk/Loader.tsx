// The desk is its own chunk: phones never download the charts and label code.
import { useEffect, useState } from 'preact/hooks'
import type { FunctionComponent } from 'preact'
import type { Match } from '../../ui/router'
import { t } from '../../i18n'

type DeskComponent = FunctionComponent<{ route: Match }>

let loaded: DeskComponent | null = null

export function DeskLoader({ route }: { route: Match }) {
  const [Desk, setDesk] = useState<DeskComponent | null>(() => loaded)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    if (loaded) return
    import('./Desk').then(
      (m) => {
        loaded = m.Desk
        setDesk(() => m.Desk)
      },
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    )
  }, [])
  if (error) return <p role="alert">{t('loader.error', { error })}</p>
  if (!Desk) return <p role="status">{t('loader.loading')}</p>
  return <Desk route={route} />
}
