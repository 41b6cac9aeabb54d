import { useRegisterSW } from 'virtual:pwa-register/preact'
import { flush } from '../data/runtime'

/** "A new version is available": the new service worker waits until the user says so. */
export function UpdatePrompt() {
  const {
    needRefresh: [needRefresh, setNeedRefresh],
    updateServiceWorker,
  } = useRegisterSW({ immediate: true })
  if (!needRefresh) return null
  return (
    <div class="update" role="alertdialog" aria-label="Update available">
      <span>A new version of Floorwalk is available. Your unsynced work is kept.</span>
      <button type="button" class="btn small" onClick={() => void flush().then(() => updateServiceWorker(true))}>
        Update now
      </button>
      <button type="button" class="btn small secondary" onClick={() => setNeedRefresh(false)}>
        Later
      </button>
    </div>
  )
}
