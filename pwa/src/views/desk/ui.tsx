// Small building blocks of the desk views.
import type { ComponentChildren } from 'preact'
import { useState } from 'preact/hooks'
import { downloadCsv, errorText } from '../../desk/api'
import { t } from '../../i18n'

export function Panel({ title, children, actions, id }: { title: string; children: ComponentChildren; actions?: ComponentChildren; id?: string }) {
  return (
    <section class="desk-panel" aria-labelledby={id ? `${id}-h` : undefined}>
      <header class="desk-panel-head">
        <h2 id={id ? `${id}-h` : undefined}>{title}</h2>
        {actions && <div class="desk-panel-actions">{actions}</div>}
      </header>
      {children}
    </section>
  )
}

export function ErrorNote({ error, onRetry }: { error: string | null; onRetry?: () => void }) {
  if (!error) return null
  return (
    <div class="desk-error" role="alert">
      <span>{error}</span>
      {onRetry && (
        <button class="btn small secondary" type="button" onClick={onRetry}>
          {t('ui.tryAgain')}
        </button>
      )}
    </div>
  )
}

export function Loading({ loading }: { loading: boolean }) {
  return loading ? <span class="desk-loading" role="status">{t('common.loading')}</span> : null
}

/** Downloads the server's CSV of a report (with the filters of the view). */
export function CsvButton({ path, filename, label }: { path: string; filename: string; label?: string }) {
  const [error, setError] = useState<string | null>(null)
  return (
    <>
      <button
        class="btn small secondary"
        type="button"
        onClick={() => {
          setError(null)
          downloadCsv(path, filename).catch((e: unknown) => setError(errorText(e)))
        }}
      >
        {label ?? t('ui.exportCsv')}
      </button>
      <ErrorNote error={error} />
    </>
  )
}

export function Chip({ children, tone }: { children: ComponentChildren; tone?: 'ok' | 'warn' | 'danger' }) {
  return <span class={`chip${tone ? ` desk-chip-${tone}` : ''}`}>{children}</span>
}
