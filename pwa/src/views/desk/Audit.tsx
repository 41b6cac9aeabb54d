import { Panel } from './ui'

export function Audit({ id }: { id?: string }) {
  return (
    <Panel title="Audit trail">
      <p>Coming next{id ? ` for ${id}` : ''}.</p>
    </Panel>
  )
}
