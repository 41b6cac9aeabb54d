// Typed calls to the reporting and manager APIs (see /api/openapi.json and the contract).
import { ApiError, authFetch, getJson, readError } from '../data/session'
import { offerDownload } from './csv'
import { t } from '../i18n'
import type { DateRange } from './range'
import type { KpiReport, KpiTrend, Page } from '../types/generated/api'

// What the reports answer: generated from the server's types (ts-rs).
export type { Figure, FigureValue, KpiReport, KpiTrend, Page, TrendFigure, TrendPoint } from '../types/generated/api'

/** Which sites a request covers: one slug, or every site of the user. */
export type SiteScope = string | 'all'

export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v))
  const s = q.toString()
  return s ? `?${s}` : ''
}

export function siteParam(site: SiteScope): string | undefined {
  return site === 'all' ? undefined : site
}

export function fetchKpis(site: SiteScope, range: DateRange): Promise<KpiReport> {
  return getJson<KpiReport>(`/api/reports/kpis${query({ site: siteParam(site), from: range.from, to: range.to })}`)
}

/** Every KPI per sub-period of the range, in one call (at most 12 points). */
export function fetchTrend(site: SiteScope, range: DateRange): Promise<KpiTrend> {
  return getJson<KpiTrend>(`/api/reports/kpis/trend${query({ site: siteParam(site), from: range.from, to: range.to })}`)
}

export interface ListParams {
  site: SiteScope
  from?: string
  to?: string
  status?: string
  document?: string
  limit?: number
  offset?: number
}

export function listPath(list: string, p: ListParams, format?: 'csv'): string {
  return `/api/reports/${list}${query({ site: siteParam(p.site), from: p.from, to: p.to, status: p.status, document: p.document, limit: p.limit, offset: p.offset, format })}`
}

export function fetchList<T>(list: string, p: ListParams): Promise<Page<T>> {
  return getJson<Page<T>>(listPath(list, p))
}

export async function sendJson<T>(path: string, method: string, body: unknown): Promise<T> {
  const res = await authFetch(path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  if (!res.ok) throw await readError(res)
  const text = await res.text()
  return (text ? JSON.parse(text) : {}) as T
}

/** Fetches a CSV with the access token and offers it as a download. */
export async function downloadCsv(path: string, filename: string): Promise<void> {
  const res = await authFetch(path)
  if (!res.ok) throw await readError(res)
  offerDownload(filename, await res.blob())
}

export function errorText(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 403) return t('desk.error.forbidden', { message: e.message })
    if (e.status === 404) return t('desk.error.notFound', { message: e.message })
    return e.message
  }
  if (e instanceof TypeError) return t('desk.error.unreachable')
  return e instanceof Error ? e.message : String(e)
}
