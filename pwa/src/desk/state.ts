// Dashboard state shared by every desk view: who is logged in, the chosen site and
// date range, and a version number that bumps whenever live updates say figures moved.
import { computed, signal } from '@preact/signals'
import { currentSession, fetchMe, type Me } from '../data/session'
import { dayOf, isDay, presetRange, type DateRange, type Preset } from './range'
import type { SiteScope } from './api'

const KEY = 'fw.desk'

interface Saved {
  site: SiteScope
  preset: Preset
  custom: DateRange
}

function load(): Saved {
  const today = dayOf(Date.now())
  const fallback: Saved = { site: 'all', preset: '7d', custom: presetRange('7d', today) }
  try {
    const raw = localStorage.getItem(KEY)
    const s = raw ? ({ ...fallback, ...(JSON.parse(raw) as Partial<Saved>) } as Saved) : fallback
    if (!isDay(s.custom.from) || !isDay(s.custom.to)) s.custom = fallback.custom
    const cached = currentSession()?.me
    if (cached?.sites.length === 1) s.site = cached.sites[0].slug
    return s
  } catch {
    return fallback
  }
}

const saved = load()

/** Who is logged in: the cached /api/me first (figures start loading at once), then fresh. */
export const me = signal<Me | null>(currentSession()?.me ?? null)
export const meError = signal<string | null>(null)
export const site = signal<SiteScope>(saved.site)
export const preset = signal<Preset>(saved.preset)
export const custom = signal<DateRange>(saved.custom)

/** Bumped (debounced) when the server reports a change at a site in view. */
export const dataVersion = signal(0)
/** When the figures on screen were last fetched (ms). */
export const lastUpdated = signal<number | null>(null)

export type LiveState = { kind: 'connecting' } | { kind: 'live' } | { kind: 'lost'; retryAt: number; reason: string }
export const live = signal<LiveState>({ kind: 'connecting' })

export const today = signal(dayOf(Date.now()))

export const range = computed<DateRange>(() => (preset.value === 'custom' ? custom.value : presetRange(preset.value, today.value)))

function persist(): void {
  localStorage.setItem(KEY, JSON.stringify({ site: site.value, preset: preset.value, custom: custom.value }))
}

export function setSite(s: SiteScope): void {
  site.value = s
  persist()
}

export function setPreset(p: Preset): void {
  if (p === 'custom' && preset.value !== 'custom') custom.value = range.value
  preset.value = p
  persist()
}

export function setCustom(r: DateRange): void {
  custom.value = r
  preset.value = 'custom'
  persist()
}

export async function loadMe(): Promise<void> {
  try {
    const m = await fetchMe()
    me.value = m
    meError.value = null
    if (m.sites.length === 1) setSite(m.sites[0].slug)
    else if (site.value !== 'all' && !m.sites.some((s) => s.slug === site.value)) setSite('all')
  } catch (e) {
    meError.value = e instanceof Error ? e.message : String(e)
  }
}

/** The user's role at a site: the per-site role when the server gives one, else the account role. */
export function roleAt(m: Me | null, slug: string): string {
  if (!m) return 'viewer'
  const s = m.sites.find((x) => x.slug === slug) as ({ role?: string } & Me['sites'][number]) | undefined
  return s?.role ?? m.user.role
}

/** Managers and admins act (approve, plan, import); staff and viewers only read here. */
export function canAct(m: Me | null, slug: string): boolean {
  const r = roleAt(m, slug)
  return r === 'manager' || r === 'admin'
}

/** Admins (at any site, or by account) see the administration view. */
export function isAdmin(m: Me | null): boolean {
  return !!m && (m.user.role === 'admin' || m.sites.some((s) => roleAt(m, s.slug) === 'admin'))
}

/** Whether the user can act at every site of the current scope. */
export const canActHere = computed(() => {
  const m = me.value
  if (!m) return false
  const slugs = site.value === 'all' ? m.sites.map((s) => s.slug) : [site.value]
  return slugs.length > 0 && slugs.every((s) => canAct(m, s))
})

let bumpTimer: ReturnType<typeof setTimeout> | null = null

/** A change at `changedSite`: refetch (once per 400 ms burst) if it is in view. */
export function noteChange(changedSite: string | null): void {
  if (changedSite && site.value !== 'all' && changedSite !== site.value) return
  if (bumpTimer) return
  bumpTimer = setTimeout(() => {
    bumpTimer = null
    dataVersion.value++
  }, 400)
}
