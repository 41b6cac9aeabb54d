// The site's master data (locations, items, templates) from its automerge document.
import type { SiteMaster } from '../../types/generated'
import { useDoc } from '../../ui/useDoc'
import { me } from '../../desk/state'

export function useSiteDoc(slug: string | null) {
  const url = slug ? (me.value?.sites.find((s) => s.slug === slug)?.site_document_url ?? null) : null
  return useDoc<SiteMaster>(url)
}

export function singleSite(siteScope: string): string | null {
  if (siteScope !== 'all') return siteScope
  const sites = me.value?.sites ?? []
  return sites.length === 1 ? sites[0].slug : null
}
