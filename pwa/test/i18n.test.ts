// The catalogues: the same keys in every language, messages that parse with the same
// placeholders, every key used in the code present and every key present used, and no
// hard-coded text left in the views (JSX text, or text in a label-like attribute).
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { IntlMessageFormat } from 'intl-messageformat'
import { CATALOGUES, formatLocale, LANGS, pickLang, setLang, t, type Lang } from '../src/i18n'

const SRC = path.resolve(__dirname, '../src')
const langs = LANGS.map((l) => l.id)

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f)
    if (statSync(p).isDirectory()) return p.endsWith('generated') ? [] : sources(p)
    return /\.tsx?$/.test(p) ? [p] : []
  })
}
const files = sources(SRC).map((p) => ({ p, rel: path.relative(SRC, p), text: readFileSync(p, 'utf8') }))

/** The argument names a message uses (plural/select branches included). */
function argumentsOf(message: string, lang: Lang): string[] {
  const names = new Set<string>()
  const walk = (els: unknown[]) => {
    for (const el of els as { type: number; value?: unknown; options?: Record<string, { value: unknown[] }>; children?: unknown[] }[]) {
      if (el.type !== 0 && el.type !== 7 && typeof el.value === 'string') names.add(el.value)
      for (const o of Object.values(el.options ?? {})) walk(o.value)
      if (el.children) walk(el.children)
    }
  }
  walk(new IntlMessageFormat(message, lang).getAst())
  return [...names].sort()
}

describe('message catalogues', () => {
  const en = CATALOGUES.en
  it.each(langs)('%s has exactly the keys of every other catalogue', (lang) => {
    for (const other of langs) {
      const missing = Object.keys(CATALOGUES[other]).filter((k) => !(k in CATALOGUES[lang]))
      expect(missing, `keys of ${other} missing in ${lang}`).toEqual([])
    }
  })
  it.each(langs)('every %s message parses and uses the placeholders of the English one', (lang) => {
    const wrong = Object.entries(CATALOGUES[lang]).filter(([k, m]) => JSON.stringify(argumentsOf(m, lang)) !== JSON.stringify(argumentsOf(en[k as keyof typeof en], 'en')))
    expect(wrong.map(([k]) => k)).toEqual([])
  })
  it('has no empty message', () => {
    for (const lang of langs) expect(Object.entries(CATALOGUES[lang]).filter(([, m]) => !m.trim()).map(([k]) => `${lang}:${k}`)).toEqual([])
  })
  it('has every key the code names, and names every key it has', () => {
    const keyLike = /['"`]([a-z][a-zA-Z]*(?:\.[a-zA-Z0-9_]+)+)['"`]/g
    const used = new Set(files.flatMap((f) => [...f.text.matchAll(keyLike)].map((m) => m[1])))
    const called = files.flatMap((f) => [...f.text.matchAll(/\bt\(\s*['"`]([^'"`]+)['"`]/g)].map((m) => `${f.rel}: ${m[1]}`))
    expect(called.filter((c) => !(c.split(': ')[1] in en))).toEqual([])
    expect(Object.keys(en).filter((k) => !used.has(k))).toEqual([])
  })
})

/** Attributes whose text a person reads or hears. */
const TEXT_ATTRIBUTES = new Set(['aria-label', 'title', 'placeholder', 'alt', 'label', 'hint', 'aria-description', 'aria-valuetext', 'caption', 'empty', 'text'])

function literalText(e: ts.Expression): string | null {
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return e.text
  if (ts.isTemplateExpression(e)) return [e.head.text, ...e.templateSpans.map((x) => x.literal.text)].join('')
  return null
}

describe('views', () => {
  it('have no hard-coded text (it all comes from the catalogues)', () => {
    const found: string[] = []
    for (const f of files.filter((x) => x.p.endsWith('.tsx'))) {
      const sf = ts.createSourceFile(f.p, f.text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX)
      const at = (n: ts.Node) => `${f.rel}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1}`
      const visit = (n: ts.Node) => {
        if (ts.isJsxText(n) && /\p{L}/u.test(n.text)) found.push(`${at(n)} text "${n.text.trim()}"`)
        if (ts.isJsxAttribute(n) && TEXT_ATTRIBUTES.has(n.name.getText()) && n.initializer) {
          const init = n.initializer
          const lit = ts.isStringLiteral(init) ? init : ts.isJsxExpression(init) && init.expression && (ts.isStringLiteral(init.expression) || ts.isNoSubstitutionTemplateLiteral(init.expression) || ts.isTemplateExpression(init.expression)) ? init.expression : null
          const raw = lit ? (ts.isTemplateExpression(lit) ? [lit.head.text, ...lit.templateSpans.map((s) => s.literal.text)].join('') : (lit as ts.StringLiteral).text) : ''
          if (/\p{L}{2}/u.test(raw)) found.push(`${at(n)} ${n.name.getText()}="${raw}"`)
        }
        if (ts.isPropertyAssignment(n) && TEXT_ATTRIBUTES.has(n.name.getText())) {
          const raw = literalText(n.initializer)
          if (raw && /\p{L}{2}/u.test(raw) && !(raw in CATALOGUES.en)) found.push(`${at(n)} ${n.name.getText()}: "${raw}"`)
        }
        if (ts.isJsxExpression(n) && n.expression && (ts.isStringLiteral(n.expression) || ts.isNoSubstitutionTemplateLiteral(n.expression)) && /\p{L}{2}/u.test(n.expression.text) && !ts.isJsxAttribute(n.parent)) found.push(`${at(n)} {"${n.expression.text}"}`)
        ts.forEachChild(n, visit)
      }
      visit(sf)
    }
    expect(found).toEqual([])
  })
})

describe('language choice', () => {
  it('takes the saved choice, else the first browser language we have, else English', () => {
    expect(pickLang(['es-MX', 'en'], null)).toBe('es')
    expect(pickLang(['de-DE', 'es'], null)).toBe('es')
    expect(pickLang(['de-DE'], null)).toBe('en')
    expect(pickLang(['es-ES'], 'en')).toBe('en')
    expect(pickLang(['en-US'], 'xx')).toBe('en')
  })
  it("formats in the browser's own variant of the chosen language", () => {
    expect(formatLocale('es', ['es-MX', 'en-US'])).toBe('es-MX')
    expect(formatLocale('es', ['en-US'])).toBe('es')
    expect(formatLocale('en', ['en-GB'])).toBe('en-GB')
  })
  it('plurals and numbers follow the language', () => {
    setLang('es')
    try {
      expect(t('sync.summary.changes', { changes: 1 })).toBe('1 cambio')
      expect(t('sync.summary.changes', { changes: 1200 })).toBe('1200 cambios')
    } finally {
      setLang('en')
    }
    expect(t('sync.summary.changes', { changes: 1 })).toBe('1 change')
    expect(t('sync.summary.changes', { changes: 1200 })).toBe('1,200 changes')
  })
})
