import { Panel } from './ui'

export function Checklists() {
  return (
    <Panel title="Checklists">
      <p>Coming next.</p>
    </Panel>
  )
}
