// CSV import of master data: POST /api/sites/{slug}/import/{items|locations}?mode=
// with the file as text/csv; a row-by-row report either way.
import { authFetch, readError } from '../data/session'
import { t } from '../i18n'

export type ImportKind = 'items' | 'locations'
export type ImportMode = 'all_or_nothing' | 'valid_only'

export interface ImportReport {
  imported: number
  skipped: number
  errors: { row: number; column?: string; message: string }[]
}

export async function importCsv(slug: string, kind: ImportKind, mode: ImportMode, csv: string): Promise<{ ok: boolean; report: ImportReport }> {
  const res = await authFetch(`/api/sites/${encodeURIComponent(slug)}/import/${kind}?mode=${mode}`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv })
  if (res.ok || res.status === 422) {
    const body = (await res.json()) as Partial<ImportReport> & { message?: string }
    if (res.ok || Array.isArray(body.errors)) return { ok: res.ok, report: { imported: body.imported ?? 0, skipped: body.skipped ?? 0, errors: body.errors ?? [] } }
    throw Object.assign(new Error(body.message ?? t('import.refused')), { status: res.status })
  }
  throw await readError(res)
}

export const IMPORT_HEADERS: Record<ImportKind, string> = {
  items: 'sku,name,barcodes,unit,unit_cost_minor,min,reorder_point,max,supplier',
  locations: 'code,name,parent_code,kind',
}
