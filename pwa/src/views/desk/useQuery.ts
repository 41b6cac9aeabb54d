// Fetch-on-render for desk views: refetches when its key changes or live updates bump
// the data version; keeps the last good data on screen while refetching, and says which
// key that data was fetched for (so a view can tell stale figures from current ones).
import { useEffect, useState } from 'preact/hooks'
import { dataVersion, lastUpdated } from '../../desk/state'
import { errorText } from '../../desk/api'

export interface QueryState<T> {
  data: T | null
  /** The key `data` was fetched for: differs from the current key while a refetch runs. */
  dataKey: string | null
  error: string | null
  loading: boolean
  reload: () => void
}

export function useQuery<T>(key: string | null, fetcher: () => Promise<T>): QueryState<T> {
  const [data, setData] = useState<{ key: string; value: T } | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [loading, setLoading] = useState(false)
  const [nonce, setNonce] = useState(0)
  const version = dataVersion.value
  useEffect(() => {
    if (key === null) return
    let stale = false
    setLoading(true)
    fetcher().then(
      (d) => {
        if (stale) return
        setData({ key, value: d })
        setError(null)
        setLoading(false)
        lastUpdated.value = Date.now()
      },
      (e: unknown) => {
        if (stale) return
        setError(errorText(e))
        setLoading(false)
      },
    )
    return () => {
      stale = true
    }
    // fetcher is rebuilt each render; the key names what it fetches.
  }, [key, version, nonce])
  return { data: data?.value ?? null, dataKey: data?.key ?? null, error, loading, reload: () => setNonce((n) => n + 1) }
}
