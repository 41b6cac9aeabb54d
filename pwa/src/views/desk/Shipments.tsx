import { Panel } from './ui'

export function Shipments() {
  return (
    <Panel title="Shipments">
      <p>Coming next.</p>
    </Panel>
  )
}
