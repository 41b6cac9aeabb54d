// Site picker and date range (presets and custom days) of the desk's top bar.
import { custom, me, preset, range, setCustom, setPreset, setSite, site } from '../../desk/state'
import { isDay, type Preset } from '../../desk/range'
import { fmtDay } from '../../desk/format'
import { t, type MessageKey } from '../../i18n'

const PRESETS: { id: Preset; label: MessageKey }[] = [
  { id: 'today', label: 'range.today' },
  { id: '7d', label: 'range.7d' },
  { id: '30d', label: 'range.30d' },
  { id: 'quarter', label: 'range.quarter' },
  { id: 'custom', label: 'range.custom' },
]

export function SitePicker() {
  const m = me.value
  return (
    <label class="desk-field">
      <span>{t('filters.site')}</span>
      <select name="site" value={site.value} onChange={(e) => setSite((e.currentTarget as HTMLSelectElement).value)}>
        {(m?.sites.length ?? 0) > 1 && <option value="all">{t('filters.allSites')}</option>}
        {m?.sites.map((s) => (
          <option key={s.slug} value={s.slug}>
            {s.name}
          </option>
        ))}
      </select>
    </label>
  )
}

export function RangePicker() {
  const r = range.value
  return (
    <div class="desk-range" role="group" aria-label={t('range.label')}>
      {PRESETS.map((p) => (
        <button key={p.id} type="button" class="btn small secondary" aria-pressed={preset.value === p.id} onClick={() => setPreset(p.id)}>
          {t(p.label)}
        </button>
      ))}
      {preset.value === 'custom' && (
        <>
          <label class="desk-field">
            <span>{t('range.from')}</span>
            <input
              type="date"
              name="from"
              value={custom.value.from}
              max={custom.value.to}
              onChange={(e) => {
                const v = (e.currentTarget as HTMLInputElement).value
                if (isDay(v)) setCustom({ ...custom.value, from: v })
              }}
            />
          </label>
          <label class="desk-field">
            <span>{t('range.to')}</span>
            <input
              type="date"
              name="to"
              value={custom.value.to}
              min={custom.value.from}
              onChange={(e) => {
                const v = (e.currentTarget as HTMLInputElement).value
                if (isDay(v)) setCustom({ ...custom.value, to: v })
              }}
            />
          </label>
        </>
      )}
      <span class="desk-range-days" data-testid="range-days" data-from={r.from} data-to={r.to}>
        {fmtDay(r.from)} – {fmtDay(r.to)}
      </span>
    </div>
  )
}
