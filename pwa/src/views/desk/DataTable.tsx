// An accessible, sortable table: th scope, aria-sort on the sorted column, a caption,
// numbers right-aligned in the user's locale.
import type { ComponentChildren } from 'preact'
import { useState } from 'preact/hooks'
import { locale, t } from '../../i18n'

export interface Column<T> {
  key: string
  label: string
  /** The sortable value. */
  value: (row: T) => string | number | boolean | null
  /** What the cell shows (defaults to the value in the user's locale). */
  render?: (row: T) => ComponentChildren
  numeric?: boolean
}

interface Props<T> {
  caption: string
  columns: Column<T>[]
  rows: T[]
  rowKey: (row: T) => string
  rowClass?: (row: T) => string
  selected?: string | null
  empty?: string
  testId?: string
}

function show(v: string | number | boolean | null): ComponentChildren {
  if (v === null || v === undefined) return '—'
  if (typeof v === 'number') return v.toLocaleString(locale.value)
  if (typeof v === 'boolean') return t(v ? 'common.yes' : 'common.no')
  return v
}

function compare(a: string | number | boolean | null, b: string | number | boolean | null): number {
  if (a === b) return 0
  if (a === null) return 1
  if (b === null) return -1
  return a < b ? -1 : 1
}

export function DataTable<T>({ caption, columns, rows, rowKey, rowClass, selected, empty, testId }: Props<T>) {
  const [sort, setSort] = useState<{ key: string; dir: 1 | -1 } | null>(null)
  const col = sort && columns.find((c) => c.key === sort.key)
  const sorted = col ? [...rows].sort((a, b) => compare(col.value(a), col.value(b)) * sort.dir) : rows
  return (
    <div class="desk-table-wrap">
      <table class="desk-table" data-testid={testId}>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => {
              const state = sort?.key === c.key ? (sort.dir === 1 ? 'ascending' : 'descending') : 'none'
              return (
                <th key={c.key} scope="col" aria-sort={state} class={c.numeric ? 'num' : undefined}>
                  <button
                    type="button"
                    class="desk-sort"
                    onClick={() => setSort(sort?.key === c.key ? { key: c.key, dir: sort.dir === 1 ? -1 : 1 } : { key: c.key, dir: 1 })}
                  >
                    {c.label}
                    <span aria-hidden="true">{state === 'ascending' ? ' ▲' : state === 'descending' ? ' ▼' : ''}</span>
                  </button>
                </th>
              )
            })}
          </tr>
        </thead>
        <tbody>
          {sorted.length === 0 && (
            <tr>
              <td colSpan={columns.length} class="desk-empty">
                {empty ?? t('table.empty')}
              </td>
            </tr>
          )}
          {sorted.map((r) => {
            const k = rowKey(r)
            return (
              <tr key={k} data-key={k} class={[rowClass?.(r), selected === k ? 'selected' : ''].filter(Boolean).join(' ') || undefined} aria-selected={selected === undefined ? undefined : selected === k}>
                {columns.map((c) => (
                  <td key={c.key} class={c.numeric ? 'num' : undefined}>
                    {c.render ? c.render(r) : show(c.value(r))}
                  </td>
                ))}
              </tr>
            )
          })}
        </tbody>
      </table>
    </div>
  )
}
