// The desk is its own chunk: phones never download the charts and label code.
import { useEffect, useState } from 'preact/hooks'
import type { FunctionComponent } from 'preact'
import type { Match } from '../../ui/router'

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
  if (error) return <p role="alert">The dashboard could not load ({error}). Check the connection and reload the page.</p>
  if (!Desk) return <p role="status">Loading the dashboard…</p>
  return <Desk route={route} />
}
