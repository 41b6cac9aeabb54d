// Keyboard-wedge scanners, captured globally: every printable key is held for a moment;
// a fast burst ending in Enter is a scan (it never lands in the focused field), slower
// keys are given back to the field that had focus.
import { useEffect, useRef } from 'preact/hooks'
import { WedgeDetector } from '../lib/scan'

function insertText(target: Element | null, text: string): void {
  if (!text) return
  const el = target as HTMLInputElement | HTMLTextAreaElement | null
  if (!el || !('value' in el) || el.readOnly || el.disabled) return
  el.focus()
  // execCommand keeps the browser's undo stack and fires a real input event.
  const ok = typeof document.execCommand === 'function' && document.execCommand('insertText', false, text)
  if (!ok) {
    const start = el.selectionStart ?? el.value.length
    const end = el.selectionEnd ?? el.value.length
    el.setRangeText(text, start, end, 'end')
    el.dispatchEvent(new Event('input', { bubbles: true }))
  }
}

function isTextField(el: Element | null): boolean {
  if (!el) return false
  if (el instanceof HTMLTextAreaElement) return true
  if (el instanceof HTMLInputElement) return !['checkbox', 'radio', 'button', 'submit', 'file', 'range', 'color'].includes(el.type)
  return (el as HTMLElement).isContentEditable
}

export function useWedge(onScan: (code: string) => void, enabled = true): void {
  const cb = useRef(onScan)
  cb.current = onScan
  useEffect(() => {
    if (!enabled) return
    const det = new WedgeDetector()
    let target: Element | null = null
    let timer: ReturnType<typeof setTimeout> | undefined
    const release = (text: string) => {
      if (target && isTextField(target)) insertText(target, text)
    }
    const onKey = (ev: KeyboardEvent) => {
      if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.isComposing) return
      const now = performance.now()
      if (ev.key === 'Enter') {
        const r = det.enter(now)
        clearTimeout(timer)
        if (r.kind === 'scan') {
          ev.preventDefault()
          ev.stopPropagation()
          cb.current(r.code)
        } else if (r.kind === 'release') {
          release(r.text)
        }
        return
      }
      if (ev.key.length !== 1) return
      // Only hold keys headed for a text field or for nothing; buttons keep Space etc.
      const active = document.activeElement
      if (active && !isTextField(active) && active !== document.body && ev.key === ' ') return
      if (!det.pending) target = active
      const r = det.key(ev.key, now)
      ev.preventDefault()
      if (r.kind === 'release') {
        release(r.text)
        target = document.activeElement
      }
      clearTimeout(timer)
      timer = setTimeout(() => {
        const idle = det.idle(performance.now())
        if (idle.kind === 'release') release(idle.text)
      }, 60)
    }
    window.addEventListener('keydown', onKey, true)
    return () => {
      window.removeEventListener('keydown', onKey, true)
      clearTimeout(timer)
    }
  }, [enabled])
}
