// Checklist template editing on the site document: a new template, or a new version of
// one (runs keep the snapshot of the version they used). Plain functions, unit-tested.
import type { ChecklistTemplate, TemplateItem } from '../types/generated'
import { t } from '../i18n'

export interface DraftItem {
  id: string
  label: string
  kind: TemplateItem['kind']
  required: boolean
  unit: string
  min: string
  max: string
}

export function draftOf(items: TemplateItem[]): DraftItem[] {
  return items.map((i) => ({ id: i.id, label: i.label, kind: i.kind, required: i.required, unit: i.unit ?? '', min: i.min?.toString() ?? '', max: i.max?.toString() ?? '' }))
}

/** The template items of a draft, or the first problem found. */
export function itemsOf(draft: DraftItem[]): { items: TemplateItem[] } | { error: string } {
  if (!draft.length) return { error: t('tpl.error.noItems') }
  const items: TemplateItem[] = []
  for (const [n, d] of draft.entries()) {
    if (!d.label.trim()) return { error: t('tpl.error.noLabel', { n: n + 1 }) }
    const item: TemplateItem = { id: d.id, label: d.label.trim(), kind: d.kind, required: d.required }
    if (d.kind === 'number') {
      const min = d.min.trim() === '' ? null : Number(d.min)
      const max = d.max.trim() === '' ? null : Number(d.max)
      if ((min !== null && Number.isNaN(min)) || (max !== null && Number.isNaN(max))) return { error: t('tpl.error.notNumbers', { n: n + 1 }) }
      if (min !== null && max !== null && min > max) return { error: t('tpl.error.minAboveMax', { n: n + 1 }) }
      if (d.unit.trim()) item.unit = d.unit.trim()
      if (min !== null) item.min = min
      if (max !== null) item.max = max
    }
    items.push(item)
  }
  return { items }
}

/** Appends a version (numbered after the last) to a template, in place. */
export function addVersion(t: ChecklistTemplate, items: TemplateItem[], at: string): number {
  const version = (t.versions[t.versions.length - 1]?.version ?? 0) + 1
  t.versions.push({ version, published_at: at, items })
  return version
}
