import { Panel } from './ui'

export function Planning() {
  return (
    <Panel title="Planning">
      <p>Coming next.</p>
    </Panel>
  )
}
