// Tells the signed-in user which of their edits to this document the server undid, and
// why, until they dismiss each notice: an undone edit must never pass unnoticed.
import { actor, me } from '../data/runtime'
import { dismissed, dismissNotice } from '../data/dismissed'
import { noticeHint, noticeText, openNotices, partText } from '../lib/notices'
import { t } from '../i18n'

export function PolicyNotices({ doc }: { doc: unknown }) {
  const open = openNotices(doc, actor()?.userId, dismissed.value)
  if (open.length === 0) return null
  const hint = noticeHint(me.value?.user.role)
  return (
    <section class="notice danger policy-notices" role="alert" aria-label={t('notice.title')} data-testid="policy-notices">
      {open.map((n) => (
        <div key={n.id} class="policy-notice" data-testid="policy-notice" data-part={n.part}>
          <p>
            <strong>{noticeText(n)}</strong>
          </p>
          <p class="small">{hint}</p>
          <button type="button" class="btn small secondary" aria-label={t('notice.dismissPart', { part: partText(n.part) })} onClick={() => dismissNotice(n.id)}>
            {t('notice.dismiss')}
          </button>
        </div>
      ))}
    </section>
  )
}
