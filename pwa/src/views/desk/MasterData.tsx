import { Panel } from './ui'

export function MasterData() {
  return (
    <Panel title="MasterData">
      <p>Coming next.</p>
    </Panel>
  )
}
