import { render } from 'preact'
import { initializeWasm } from '@automerge/automerge-repo/slim'
import wasmUrl from '@automerge/automerge/automerge.wasm?url'
import { App } from './app'
import { start } from './data/runtime'
import { sessionStatus } from './data/session'
import './styles/app.css'
import { t } from './i18n'

async function boot(): Promise<void> {
  await initializeWasm(wasmUrl)
  if (sessionStatus.value.kind !== 'anonymous') await start()
  const root = document.getElementById('app')
  if (root) render(<App />, root)
}

boot().catch((e: unknown) => {
  const root = document.getElementById('app')
  if (root) root.textContent = t('app.startFailed', { error: e instanceof Error ? e.message : String(e) })
})
