import { Panel } from './ui'

export function Admin() {
  return (
    <Panel title="Admin">
      <p>Coming next.</p>
    </Panel>
  )
}
