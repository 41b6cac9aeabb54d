// Translations: ICU MessageFormat catalogues (en.json is the source, es.json must have
// every key; test/i18n.test.ts checks both), formatted by intl-messageformat, which uses
// Intl.PluralRules, Intl.NumberFormat and Intl.DateTimeFormat of the chosen locale. The
// language comes from the browser, or from the picker (remembered in localStorage).
// Server error messages are shown as the server wrote them (English).
import { computed, signal } from '@preact/signals'
import { IntlMessageFormat, type PrimitiveType } from 'intl-messageformat'
import en from './en.json'
import es from './es.json'

export type MessageKey = keyof typeof en
export type Lang = 'en' | 'es'

/** The languages offered, each named in itself (a picker's convention: not translated). */
export const LANGS: readonly { id: Lang; name: string }[] = [
  { id: 'en', name: 'English' },
  { id: 'es', name: 'Español' },
]

export const CATALOGUES: Record<Lang, Record<MessageKey, string>> = { en, es }

const KEY = 'fw.lang'

function isLang(s: string | null | undefined): s is Lang {
  return LANGS.some((l) => l.id === s)
}

/** The saved choice if any, else the first of the browser's languages we have, else English. */
export function pickLang(preferred: readonly string[], saved: string | null): Lang {
  if (isLang(saved)) return saved
  for (const tag of preferred) {
    const base = tag.toLowerCase().split('-')[0]
    if (isLang(base)) return base
  }
  return 'en'
}

/** The locale for numbers and dates: the browser's own variant of the language (es-MX), else the language. */
export function formatLocale(lang: Lang, preferred: readonly string[]): string {
  return preferred.find((tag) => tag.toLowerCase().split('-')[0] === lang) ?? lang
}

function browserLanguages(): readonly string[] {
  if (typeof navigator === 'undefined') return []
  return navigator.languages?.length ? navigator.languages : [navigator.language].filter(Boolean)
}

function savedLang(): string | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage.getItem(KEY)
  } catch {
    return null
  }
}

export const lang = signal<Lang>(pickLang(browserLanguages(), savedLang()))
/** BCP 47 tag that every Intl formatter of the app uses. */
export const locale = computed(() => formatLocale(lang.value, browserLanguages()))

function markDocument(l: Lang): void {
  if (typeof document !== 'undefined') document.documentElement.lang = l
}
markDocument(lang.value)

/** The picker's choice: used at once everywhere, and remembered on this device. */
export function setLang(l: Lang): void {
  try {
    if (typeof localStorage !== 'undefined') localStorage.setItem(KEY, l)
  } catch {
    /* private mode: the choice lasts for this page */
  }
  lang.value = l
  markDocument(l)
}

export type MessageValues = Record<string, PrimitiveType>

const formats = new Map<string, IntlMessageFormat>()

/** The message `key` in the current language, with `values` put in. */
export function t(key: MessageKey, values?: MessageValues): string {
  const l = lang.value
  const tag = locale.value
  const id = `${tag}\u0000${key}`
  let f = formats.get(id)
  if (!f) {
    f = new IntlMessageFormat(CATALOGUES[l][key] ?? en[key] ?? key, tag)
    formats.set(id, f)
  }
  return String(f.format(values))
}
