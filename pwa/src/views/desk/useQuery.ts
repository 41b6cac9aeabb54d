// Fetch-on-render for desk views: refetches when its key changes or live updates bump
// the data version; keeps the last good data on screen while refetching.
import { useEffect, useState } from 'preact/hooks'
import { dataVersion, lastUpdated } from '../../desk/state'
import { errorText } from '../../desk/api'

export interface QueryState<T> {
  data: T | null
  error: string | null
  loading: boolean
  reload: () => void
}

export function useQuery<T>(key: string | null, fetcher: () => Promise<T>): QueryState<T> {
  const [data, setData] = useState<T | null>(null)
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
        setData(d)
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
  return { data, error, loading, reload: () => setNonce((n) => n + 1) }
}
