//! Small tools the actions share: reading the document they act on, refusing
//! with a reason, writing entries in the shapes the shared schema expects.

use automerge::{
    ObjId, ObjType, ROOT, ReadDoc, transaction::Transactable, transaction::Transaction,
};
use floorwalk_shared::{Document, DomainEnum, validate};
use serde_json::Value;

use crate::{documents::json::put_json, documents::read::object_to_json};

/// Why an action was not applied; nothing was changed.
#[derive(Debug)]
pub enum ActionRefused {
    /// The request names something malformed (400).
    Invalid(String),
    /// The document's state does not allow it (409).
    State(String),
    /// It names something the document does not have (404).
    NotFound(String),
}

impl From<automerge::AutomergeError> for ActionRefused {
    fn from(err: automerge::AutomergeError) -> Self {
        ActionRefused::State(format!("the document could not be changed: {err}"))
    }
}

/// The document as the shared schema reads it. Actions refuse documents that
/// do not validate: deciding on a broken document would hide its problems.
pub fn read_document(tx: &Transaction<'_>) -> Result<Document, ActionRefused> {
    validate(&object_to_json(tx, &ROOT)).map_err(|problems| {
        let first = problems
            .first()
            .map(ToString::to_string)
            .unwrap_or_default();
        ActionRefused::State(format!(
            "the document has {} validation problem(s), e.g. {first}; fix it on the phone first",
            problems.len()
        ))
    })
}

/// Parses one word of a closed set, naming the accepted ones when it is not.
pub fn parse_word<T: DomainEnum>(text: &str, field: &str) -> Result<T, ActionRefused> {
    T::parse(text).ok_or_else(|| {
        let accepted: Vec<&str> = T::ALL.iter().map(|v| v.as_str()).collect();
        ActionRefused::Invalid(format!(
            "{field}: {text:?} is not a {}; use one of {}",
            T::WHAT,
            accepted.join(", ")
        ))
    })
}

/// The map at `parent[key]`, created if absent.
pub fn map_at(tx: &mut Transaction<'_>, parent: &ObjId, key: &str) -> Result<ObjId, ActionRefused> {
    match tx.get(parent, key)? {
        Some((automerge::Value::Object(ObjType::Map), id)) => Ok(id),
        Some(_) => Err(ActionRefused::State(format!(
            "{key} is not a map in this document"
        ))),
        None => Ok(tx.put_object(parent, key, ObjType::Map)?),
    }
}

/// The list at `parent[key]`, created if absent.
pub fn list_at(
    tx: &mut Transaction<'_>,
    parent: &ObjId,
    key: &str,
) -> Result<ObjId, ActionRefused> {
    match tx.get(parent, key)? {
        Some((automerge::Value::Object(ObjType::List), id)) => Ok(id),
        Some(_) => Err(ActionRefused::State(format!(
            "{key} is not a list in this document"
        ))),
        None => Ok(tx.put_object(parent, key, ObjType::List)?),
    }
}

/// Appends `value` to the list `list`.
pub fn append(tx: &mut Transaction<'_>, list: &ObjId, value: &Value) -> Result<(), ActionRefused> {
    let end = tx.length(list);
    crate::documents::json::insert_json(tx, list, end, value)?;
    Ok(())
}

/// Sets `obj[key]`, or deletes it for `null`.
pub fn put(
    tx: &mut Transaction<'_>,
    obj: &ObjId,
    key: &str,
    value: &Value,
) -> Result<(), ActionRefused> {
    if value.is_null() {
        if tx.get(obj, key)?.is_some() {
            tx.delete(obj, key)?;
        }
    } else {
        put_json(tx, obj, key, value)?;
    }
    Ok(())
}

/// Tells "absent" from "null" in a JSON patch: `None` leaves a field alone,
/// `Some(None)` clears it.
pub mod patch {
    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de>,
    {
        Option::<T>::deserialize(deserializer).map(Some)
    }
}
