// The language override: every screen follows it at once, and this device remembers it.
import { lang, LANGS, setLang, t, type Lang } from '../i18n'

export function LanguagePicker({ desk = false }: { desk?: boolean }) {
  return (
    <label class={desk ? 'desk-field' : 'field'}>
      <span class={desk ? undefined : 'field-label'}>{t('settings.language')}</span>
      <select name="language" value={lang.value} onChange={(e) => setLang(e.currentTarget.value as Lang)}>
        {LANGS.map((l) => (
          <option key={l.id} value={l.id} lang={l.id}>
            {l.name}
          </option>
        ))}
      </select>
    </label>
  )
}
