//! Tells people which of their edits the server undid: a short list at the
//! document's root (`policy_notices`) that the phones show to their user. It
//! travels with the document, so the phone that made the edit hears of it
//! whenever it next syncs, however long it was offline.

use automerge::{AutomergeError, ObjType, ROOT, ReadDoc, Value, transaction::Transactable};
use floorwalk_shared::policy::{MAX_NOTICES, NOTICES_KEY, PolicyNotice};

use super::{guard::Breach, json::insert_json};

/// Appends one notice per breach, keeping the newest [`MAX_NOTICES`].
pub fn append_notices<T: Transactable + ReadDoc>(
    tx: &mut T,
    breaches: &[Breach],
    user: &str,
    device: &str,
    at: &str,
) -> Result<(), AutomergeError> {
    if breaches.is_empty() {
        return Ok(());
    }
    let list = match tx.get(ROOT, NOTICES_KEY)? {
        Some((Value::Object(ObjType::List), id)) => id,
        _ => tx.put_object(ROOT, NOTICES_KEY, ObjType::List)?,
    };
    for breach in breaches {
        let notice = PolicyNotice {
            id: super::stamp::new_uuid(),
            user: user.to_string(),
            device: device.to_string(),
            part: breach.part.clone(),
            message: breach.message.clone(),
            at: at.to_string(),
        };
        let json = serde_json::to_value(&notice).unwrap_or_default();
        let end = tx.length(&list);
        insert_json(tx, &list, end, &json)?;
    }
    let extra = tx.length(&list).saturating_sub(MAX_NOTICES);
    for _ in 0..extra {
        tx.delete(&list, 0)?;
    }
    Ok(())
}
