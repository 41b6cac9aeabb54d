// What the phone derives from a checklist run (mirrors shared/src/checklist_run/derived.rs).
import type { Answer, ChecklistTemplate, TemplateItem, TemplateSnapshot } from '../types/generated'
import type { ChecklistDoc } from '../types/docs'
import { latestEvent } from './count'
import { t } from '../i18n'

export function isFailed(item: TemplateItem, answer: Answer | undefined): boolean {
  if (!answer) return false
  if (answer.kind === 'check') return answer.outcome === 'fail'
  if (answer.kind === 'number') {
    return (item.min != null && answer.value < item.min) || (item.max != null && answer.value > item.max)
  }
  return false
}

export function failedItems(run: Pick<ChecklistDoc, 'template' | 'responses'>): TemplateItem[] {
  return run.template.items.filter((i) => isFailed(i, run.responses?.[i.id]?.answer))
}

export function missingRequired(run: Pick<ChecklistDoc, 'template' | 'responses'>): TemplateItem[] {
  return run.template.items.filter((i) => i.required && !run.responses?.[i.id])
}

export function actionStatus(action: ChecklistDoc['corrective_actions'][number]) {
  return latestEvent(action.timeline)?.status ?? 'open'
}

/** Whether an item still needs a corrective action (failed, none open for it). */
export function needsAction(run: Pick<ChecklistDoc, 'corrective_actions'>, itemId: string): boolean {
  return !(run.corrective_actions ?? []).some((a) => a.item_id === itemId && ['open', 'in_progress'].includes(actionStatus(a)))
}

/** The snapshot of a template's latest version, which a new run keeps. */
export function snapshotOf(templateId: string, template: ChecklistTemplate): TemplateSnapshot | null {
  const latest = [...(template.versions ?? [])].sort((a, b) => b.version - a.version)[0]
  if (!latest) return null
  return {
    template_id: templateId,
    version: latest.version,
    name: template.name,
    items: latest.items.map((i) => ({ ...i })),
  }
}

/** Parse a number typed into a number item (comma or dot decimal); null if not a finite number. */
export function parseReading(text: string): number | null {
  const t = text.trim().replace(',', '.')
  if (!/^[-+]?\d+(\.\d+)?$/.test(t)) return null
  const n = Number(t)
  return Number.isFinite(n) ? n : null
}

export type RunState = 'not_started' | 'in_progress' | 'ready_to_sign' | 'completed'

export function runState(run: Pick<ChecklistDoc, 'template' | 'responses' | 'completed_at' | 'sign_off'>): RunState {
  if (run.completed_at || run.sign_off) return 'completed'
  const answered = Object.keys(run.responses ?? {}).length
  if (answered === 0) return 'not_started'
  return missingRequired(run).length === 0 ? 'ready_to_sign' : 'in_progress'
}

function describeAnswer(a: Answer): string {
  if (a.kind === 'check') return t(a.outcome === 'pass' ? 'checklist.answer.pass' : a.outcome === 'fail' ? 'checklist.answer.fail' : 'checklist.answer.na')
  if (a.kind === 'number') return String(a.value)
  return `"${a.text.length > 40 ? a.text.slice(0, 40) + '…' : a.text}"`
}

/**
 * Two people answered the same item while apart: Automerge keeps both answers (one is
 * shown, the other is a conflict). In plain words, from this person's point of view.
 */
export function responseConflictMessage(
  answers: { answer: Answer; by: string; device: string }[],
  me: { userId: string; deviceId: string },
  nameOf: (userId: string) => string,
): string | null {
  if (answers.length < 2) return null
  const distinct = new Set(answers.map((a) => JSON.stringify(a.answer)))
  if (distinct.size < 2) return null
  const mine = answers.find((a) => a.by === me.userId && a.device === me.deviceId)
  const others = answers.filter((a) => a !== mine).map((a) => t('checklist.conflict.other', { name: nameOf(a.by), answer: describeAnswer(a.answer) }))
  const head = others.join(', ')
  return mine ? t('checklist.conflict.withMine', { others: head, answer: describeAnswer(mine.answer) }) : t('checklist.conflict.others', { others: head })
}
