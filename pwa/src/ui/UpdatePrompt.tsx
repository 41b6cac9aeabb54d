import { useRegisterSW } from 'virtual:pwa-register/preact'
import { flush } from '../data/runtime'
import { t } from '../i18n'

/** "A new version is available": the new service worker waits until the user says so. */
export function UpdatePrompt() {
  const {
    needRefresh: [needRefresh, setNeedRefresh],
    updateServiceWorker,
  } = useRegisterSW({ immediate: true })
  if (!needRefresh) return null
  return (
    <div class="update" role="alertdialog" aria-label={t('update.label')}>
      <span>{t('update.text')}</span>
      <button type="button" class="btn small" onClick={() => void flush().then(() => updateServiceWorker(true))}>
        {t('update.now')}
      </button>
      <button type="button" class="btn small secondary" onClick={() => setNeedRefresh(false)}>
        {t('update.later')}
      </button>
    </div>
  )
}
