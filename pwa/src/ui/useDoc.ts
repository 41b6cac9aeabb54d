import { useEffect, useState } from 'preact/hooks'
import type { DocHandle } from '@automerge/automerge-repo/slim'
import { openDoc } from '../data/runtime'

export interface DocState<T> {
  doc: T | undefined
  handle: DocHandle<T> | undefined
  error: string | null
}

/** Open a document and re-render on every change (local or from the server). */
export function useDoc<T>(url: string | null | undefined): DocState<T> {
  const [state, setState] = useState<DocState<T>>({ doc: undefined, handle: undefined, error: null })
  useEffect(() => {
    if (!url) return
    let live = true
    let off = () => {}
    openDoc<T>(url)
      .then((handle) => {
        if (!live) return
        const update = () => live && setState({ doc: handle.doc() as T, handle, error: null })
        handle.on('change', update)
        off = () => handle.off('change', update)
        update()
      })
      .catch((e: unknown) => {
        if (live) setState({ doc: undefined, handle: undefined, error: e instanceof Error ? e.message : String(e) })
      })
    return () => {
      live = false
      off()
    }
  }, [url])
  return state
}
