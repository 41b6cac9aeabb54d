//! The write policy (`floorwalk_shared::policy`) applied to the changes one
//! peer just delivered: which parts of the document they touched, which of
//! those the peer's user may not write, and the server-made change that puts
//! those parts back as they were. The change is kept (the change log and the
//! audit trail have it) and the document converges everywhere on the undone
//! value, because the undo is an ordinary later change every replica receives.
//!
//! Cost follows the change: only the touched members are read, before and
//! after (a document of no known type is not read at all, unless a viewer wrote it).

use std::collections::{BTreeMap, HashSet};

use automerge::{
    ActorId, Automerge, AutomergeError, ChangeHash, ObjId, ObjType, Prop, ROOT, ReadDoc, Value,
    transaction::{CommitOptions, Transactable, Transaction},
};
use floorwalk_shared::policy::{self, Author, Edit, Part, Roots, Writer};
use serde_json::{Map, Value as Json};

use super::{
    collections_of,
    json::{insert_json, put_json},
    notices::append_notices,
    read::{map_value_at, object_to_json, object_to_json_at, read_value},
    touched::{Touch, touched_members},
};

/// Actor ids of the server's undo changes start with this, so a later
/// concurrent write can be told from an undo it collides with.
const UNDO_ACTOR_PREFIX: &[u8] = b"fw-undo:";

/// An actor id for the undo changes of one loaded document.
pub fn undo_actor() -> ActorId {
    let mut bytes = UNDO_ACTOR_PREFIX.to_vec();
    bytes.extend(rand::random::<[u8; 8]>());
    ActorId::from(bytes)
}

/// Where a part lives, to put it back.
#[derive(Debug, Clone, PartialEq)]
enum Target {
    Root(String),
    MapMember {
        collection: String,
        key: String,
    },
    ListMember {
        collection: String,
        element: Option<ObjId>,
    },
}

/// One part a change wrote that its author may not write.
#[derive(Debug, Clone, PartialEq)]
pub struct Breach {
    /// The part as people read it: `title`, `lines["A-01|SKU-1"]`, `entries[id="…"]`.
    pub part: String,
    /// Why, for the person who made the change.
    pub message: String,
    /// What the change tried to leave there; `None` for a removal.
    pub attempted: Option<Json>,
    target: Target,
    before: Option<Json>,
}

/// A value of a part the author may write that collides with an earlier undo
/// (both concurrent): the author's value is put again so it wins everywhere.
#[derive(Debug, Clone, PartialEq)]
struct Settle {
    obj: ObjId,
    key: String,
    value: Json,
}

/// What a delivered change did against the policy.
#[derive(Debug, Default)]
pub struct Review {
    pub breaches: Vec<Breach>,
    settle: Vec<Settle>,
    /// The heads the breached parts are put back to.
    before: Vec<ChangeHash>,
}

impl Review {
    /// Whether an undo change must be made.
    pub fn needs_change(&self) -> bool {
        !self.breaches.is_empty() || !self.settle.is_empty()
    }
}

/// A part before and after. Where the new changes wrote a value that lost a
/// conflict (inside the part or at it), `author_view` is the part as their
/// author wrote it: that is checked too, or a refused value could surface later.
struct Touched {
    part: String,
    policy_part: (Option<String>, String),
    target: Target,
    before: Option<Json>,
    after: Option<Json>,
    author_view: Option<Json>,
}

/// Reviews what the `delivered` changes (all those since `before`) did, as `author`.
fn review(
    doc: &Automerge,
    before: &[ChangeHash],
    delivered: &[ChangeHash],
    author: &Author,
) -> Review {
    let new: HashSet<ChangeHash> = delivered.iter().copied().collect();
    if new.is_empty() {
        return Review::default();
    }
    let type_before = root_type(doc, Some(before));
    let type_now = root_type(doc, None);
    let collections = match type_before.or(type_now).map(|t| collections_of(&t)) {
        Some(collections) if !collections.is_empty() => collections,
        // A document of no known type is never flattened: nothing in it to protect,
        // except from viewers, who write nowhere. Each of its root fields is one
        // part, put back whole (a concurrent edit inside a list or map there can
        // be lost with it: acceptable for documents no report reads).
        _ if author.writer == Writer::Viewer => &[],
        _ => return Review::default(),
    };
    let root_before = root_fields(doc, Some(before), collections);
    let root_after = root_fields(doc, None, collections);
    let roots = Roots {
        before: &root_before,
        after: &root_after,
    };
    let mut parts = root_parts(doc, &new, &root_before, &root_after);
    parts.extend(member_parts(doc, before, &new, collections));
    let mut review = Review {
        before: before.to_vec(),
        ..Review::default()
    };
    for touched in parts {
        let (collection, key) = &touched.policy_part;
        let part = match collection {
            Some(collection) => Part::Member { collection, key },
            None => Part::Root(key),
        };
        let verdict = std::iter::once(touched.after.as_ref())
            .chain(touched.author_view.as_ref().map(Some))
            .find_map(|after| {
                policy::check(
                    &roots,
                    author,
                    &Edit {
                        part,
                        before: touched.before.as_ref(),
                        after,
                    },
                )
                .err()
                .map(|refusal| (refusal, after.cloned()))
            });
        match verdict {
            Some((refusal, attempted)) => review.breaches.push(Breach {
                part: touched.part,
                message: refusal.0,
                attempted,
                target: touched.target,
                before: touched.before,
            }),
            None => settle_collisions(doc, &touched.target, &new, &mut review.settle),
        }
    }
    review
}

fn root_type(doc: &Automerge, at: Option<&[ChangeHash]>) -> Option<String> {
    let value = match at {
        Some(heads) => map_value_at(doc, &ROOT, "type", heads),
        None => doc
            .get(ROOT, "type")
            .ok()
            .flatten()
            .map(|(v, id)| read_value(doc, v, &id, 0)),
    };
    value.and_then(|v| v.as_str().map(str::to_string))
}

/// Root fields that are not collections.
fn root_fields(
    doc: &Automerge,
    at: Option<&[ChangeHash]>,
    collections: &[&str],
) -> Map<String, Json> {
    let keys: Vec<String> = match at {
        Some(heads) => doc.keys_at(ROOT, heads).collect(),
        None => doc.keys(ROOT).collect(),
    };
    keys.into_iter()
        .filter(|k| !collections.contains(&k.as_str()))
        .filter_map(|k| {
            let value = match at {
                Some(heads) => map_value_at(doc, &ROOT, &k, heads),
                None => member(doc, &ROOT, &k),
            };
            value.map(|v| (k, v))
        })
        .collect()
}

fn member(doc: &Automerge, obj: &ObjId, key: &str) -> Option<Json> {
    doc.get(obj, key)
        .ok()
        .flatten()
        .map(|(value, id)| read_value(doc, value, &id, 1))
}

/// The value at `key` of `obj` as the new changes' author wrote it, where it
/// differs from the value shown: at every conflicted key inside it, the value
/// the new changes wrote wins.
fn author_view(doc: &Automerge, obj: &ObjId, key: &str, new: &HashSet<ChangeHash>) -> Option<Json> {
    let mut differs = false;
    let values = doc.get_all(obj, key).ok()?;
    let (value, id) = pick(doc, values, new, &mut differs)?;
    let json = preferring(doc, value, &id, new, &mut differs, 1);
    differs.then_some(json)
}

/// Like [`author_view`], for a list element (an object of its own).
fn element_view(doc: &Automerge, element: &ObjId, new: &HashSet<ChangeHash>) -> Option<Json> {
    let mut differs = false;
    let json = preferring(
        doc,
        Value::Object(ObjType::Map),
        element,
        new,
        &mut differs,
        1,
    );
    differs.then_some(json)
}

fn pick<'a>(
    doc: &Automerge,
    values: Vec<(Value<'a>, ObjId)>,
    new: &HashSet<ChangeHash>,
    differs: &mut bool,
) -> Option<(Value<'a>, ObjId)> {
    // `get_all` lists a key's values oldest first; the one shown is the last.
    let shown = values.len().checked_sub(1)?;
    let mine = values
        .iter()
        .rposition(|(_, id)| doc.hash_for_opid(id).is_some_and(|h| new.contains(&h)));
    match mine {
        Some(i) if i != shown => {
            *differs = true;
            values.into_iter().nth(i)
        }
        _ => values.into_iter().nth(shown),
    }
}

fn preferring(
    doc: &Automerge,
    value: Value<'_>,
    id: &ObjId,
    new: &HashSet<ChangeHash>,
    differs: &mut bool,
    depth: usize,
) -> Json {
    if depth > super::read::MAX_DEPTH || !matches!(value, Value::Object(ObjType::Map)) {
        return read_value(doc, value, id, depth);
    }
    let mut map = Map::new();
    for key in doc.keys(id) {
        let values = doc.get_all(id, key.as_str()).unwrap_or_default();
        if let Some((value, child)) = pick(doc, values, new, differs) {
            map.insert(key, preferring(doc, value, &child, new, differs, depth + 1));
        }
    }
    Json::Object(map)
}

fn root_parts(
    doc: &Automerge,
    new: &HashSet<ChangeHash>,
    before: &Map<String, Json>,
    after: &Map<String, Json>,
) -> Vec<Touched> {
    let keys: std::collections::BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    keys.into_iter()
        .filter_map(|key| {
            let view = author_view(doc, &ROOT, key, new);
            (before.get(key) != after.get(key) || view.is_some()).then(|| Touched {
                part: key.clone(),
                policy_part: (None, key.clone()),
                target: Target::Root(key.clone()),
                before: before.get(key).cloned(),
                after: after.get(key).cloned(),
                author_view: view,
            })
        })
        .collect()
}

fn collection(doc: &Automerge, name: &str) -> Option<(ObjType, ObjId)> {
    match doc.get(ROOT, name).ok()?? {
        (Value::Object(kind @ (ObjType::Map | ObjType::List)), id) => Some((kind, id)),
        _ => None,
    }
}

fn member_parts(
    doc: &Automerge,
    before: &[ChangeHash],
    new: &HashSet<ChangeHash>,
    collections: &[&str],
) -> Vec<Touched> {
    let touched = touched_members(doc, before, collections).unwrap_or_else(|| {
        collections
            .iter()
            .map(|name| (name.to_string(), Touch::Whole))
            .collect()
    });
    let mut parts = Vec::new();
    for (name, touch) in touched {
        let Some((kind, obj)) = collection(doc, &name) else {
            // The collection itself was replaced or removed: compare it whole.
            parts.extend(whole_collection(doc, before, &name, None));
            continue;
        };
        match (kind, touch) {
            (_, Touch::Whole) => parts.extend(whole_collection(doc, before, &name, Some(&obj))),
            (_, Touch::Some { keys, objects }) => {
                for key in keys {
                    let was = collection_at(doc, &name, before)
                        .and_then(|(_, b)| map_value_at(doc, &b, &key, before));
                    let view = author_view(doc, &obj, &key, new);
                    parts.push(Touched {
                        part: format!("{name}[{}]", Json::from(key.as_str())),
                        policy_part: (Some(name.clone()), key.clone()),
                        target: Target::MapMember {
                            collection: name.clone(),
                            key: key.clone(),
                        },
                        before: was,
                        after: member(doc, &obj, &key),
                        author_view: view,
                    });
                }
                for element in objects {
                    let after = object_to_json(doc, &element);
                    let made_now = doc
                        .hash_for_opid(&element)
                        .is_some_and(|h| new.contains(&h));
                    let was = (!made_now).then(|| object_to_json_at(doc, &element, before));
                    let view = element_view(doc, &element, new);
                    let mut part = list_part(&name, Some(element), was, Some(after));
                    part.author_view = view;
                    parts.push(part);
                }
            }
        }
    }
    parts
        .into_iter()
        .filter(|p| p.before != p.after || p.author_view.is_some())
        .collect()
}

fn collection_at(doc: &Automerge, name: &str, heads: &[ChangeHash]) -> Option<(ObjType, ObjId)> {
    match doc.get_at(ROOT, name, heads).ok()?? {
        (Value::Object(kind @ (ObjType::Map | ObjType::List)), id) => Some((kind, id)),
        _ => None,
    }
}

fn list_part(
    name: &str,
    element: Option<ObjId>,
    before: Option<Json>,
    after: Option<Json>,
) -> Touched {
    let key = after
        .as_ref()
        .or(before.as_ref())
        .and_then(|v| v.get("id"))
        .and_then(Json::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| {
            element
                .as_ref()
                .map_or_else(String::new, |e| format!("@{e}"))
        });
    Touched {
        part: format!("{name}[id={}]", Json::from(key.as_str())),
        policy_part: (Some(name.to_string()), key),
        target: Target::ListMember {
            collection: name.to_string(),
            element,
        },
        before,
        after,
        author_view: None,
    }
}

/// Every member of a collection before and after (a removal or a replacement).
fn whole_collection(
    doc: &Automerge,
    before: &[ChangeHash],
    name: &str,
    now: Option<&ObjId>,
) -> Vec<Touched> {
    let was = collection_at(doc, name, before)
        .map(|(_, obj)| object_to_json_at(doc, &obj, before))
        .unwrap_or(Json::Null);
    let is = now.map_or(Json::Null, |obj| object_to_json(doc, obj));
    match (&was, &is) {
        (Json::Array(_), _) | (_, Json::Array(_)) => {
            let by_id = |list: &Json| -> BTreeMap<String, Json> {
                list.as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|m| Some((m.get("id")?.as_str()?.to_string(), m.clone())))
                    .collect()
            };
            let (was, is) = (by_id(&was), by_id(&is));
            let elements = list_elements(doc, now);
            was.keys()
                .chain(is.keys().filter(|k| !was.contains_key(*k)))
                .map(|id| {
                    list_part(
                        name,
                        elements.get(id).cloned(),
                        was.get(id).cloned(),
                        is.get(id).cloned(),
                    )
                })
                .collect()
        }
        _ => {
            let empty = Map::new();
            let (was, is) = (
                was.as_object().unwrap_or(&empty),
                is.as_object().unwrap_or(&empty),
            );
            let keys: std::collections::BTreeSet<&String> = was.keys().chain(is.keys()).collect();
            keys.into_iter()
                .map(|key| Touched {
                    part: format!("{name}[{}]", Json::from(key.as_str())),
                    policy_part: (Some(name.to_string()), key.clone()),
                    target: Target::MapMember {
                        collection: name.to_string(),
                        key: key.clone(),
                    },
                    before: was.get(key).cloned(),
                    after: is.get(key).cloned(),
                    author_view: None,
                })
                .collect()
        }
    }
}

/// The element objects of a list, by their `id` field.
fn list_elements(doc: &Automerge, list: Option<&ObjId>) -> BTreeMap<String, ObjId> {
    let Some(list) = list else {
        return BTreeMap::new();
    };
    (0..doc.length(list))
        .filter_map(|i| doc.get(list, i).ok().flatten())
        .filter_map(|(_, element)| {
            let id = member(doc, &element, "id")?.as_str()?.to_string();
            Some((id, element))
        })
        .collect()
}

/// Inside a part the author may write, finds keys where their new value
/// collides with an undo made concurrently (`Settle`).
fn settle_collisions(
    doc: &Automerge,
    target: &Target,
    new: &HashSet<ChangeHash>,
    out: &mut Vec<Settle>,
) {
    let (obj, key) = match target {
        Target::Root(key) => (ROOT, key.clone()),
        Target::MapMember { collection: c, key } => match collection(doc, c) {
            Some((_, obj)) => (obj, key.clone()),
            None => return,
        },
        Target::ListMember {
            element: Some(element),
            ..
        } => {
            settle_inside(doc, element, new, out, 0);
            return;
        }
        Target::ListMember { element: None, .. } => return,
    };
    settle_key(doc, &obj, &key, new, out, 0);
}

fn settle_key(
    doc: &Automerge,
    obj: &ObjId,
    key: &str,
    new: &HashSet<ChangeHash>,
    out: &mut Vec<Settle>,
    depth: usize,
) {
    let values = doc.get_all(obj, key).unwrap_or_default();
    let undone = values.iter().any(|(_, id)| is_undo(id));
    let mine = values
        .iter()
        .find(|(_, id)| doc.hash_for_opid(id).is_some_and(|h| new.contains(&h)));
    if let (true, Some((value, id))) = (values.len() > 1 && undone, mine) {
        out.push(Settle {
            obj: obj.clone(),
            key: key.to_string(),
            value: read_value(doc, value.clone(), id, 1),
        });
        return;
    }
    if let Some((Value::Object(ObjType::Map), id)) = values.last() {
        settle_inside(doc, id, new, out, depth + 1);
    }
}

fn settle_inside(
    doc: &Automerge,
    obj: &ObjId,
    new: &HashSet<ChangeHash>,
    out: &mut Vec<Settle>,
    depth: usize,
) {
    if depth > 8 {
        return;
    }
    for key in doc.keys(obj) {
        settle_key(doc, obj, &key, new, out, depth);
    }
}

fn is_undo(id: &ObjId) -> bool {
    match id {
        ObjId::Id(_, actor, _) => actor.to_bytes().starts_with(UNDO_ACTOR_PREFIX),
        ObjId::Root => false,
    }
}

/// Reviews the `delivered` changes (every change since `before`; the caller
/// knows them from applying them) as `author` and, where needed, makes the
/// undo change (as `undo_actor`, telling the author through the document's
/// notices). Returns the breaches; the document is unchanged when there are none.
pub fn enforce(
    doc: &mut Automerge,
    before: &[ChangeHash],
    delivered: &[ChangeHash],
    author: &Author,
    undo_actor: &ActorId,
    now_ms: i64,
) -> Result<Vec<Breach>, AutomergeError> {
    let review = review(doc, before, delivered, author);
    if !review.needs_change() {
        return Ok(Vec::new());
    }
    let device = author
        .devices
        .first()
        .map(String::as_str)
        .unwrap_or_default();
    let at = crate::time::rfc3339_millis(now_ms);
    let previous = doc.get_actor().clone();
    doc.set_actor(undo_actor.clone());
    let made = doc.transact_with::<_, _, AutomergeError, _>(
        |_| {
            CommitOptions::default()
                .with_message("floorwalk: undo what the write policy refuses")
                .with_time(now_ms / 1000)
        },
        |tx| {
            undo(tx, &review)?;
            append_notices(tx, &review.breaches, author.user_id, device, &at)
        },
    );
    doc.set_actor(previous);
    made.map_err(|failure| failure.error)?;
    Ok(review.breaches)
}

/// Puts every breached part back as it was before, and re-puts every
/// author's value that collided with an earlier undo.
fn undo(tx: &mut Transaction<'_>, review: &Review) -> Result<(), AutomergeError> {
    let heads = &review.before;
    for breach in &review.breaches {
        let before = breach.before.as_ref();
        match &breach.target {
            Target::Root(key) => restore(tx, heads, &ROOT, key, before)?,
            Target::MapMember { collection: c, key } => {
                if let Some(obj) = collection_in(tx, c, ObjType::Map)? {
                    restore(tx, heads, &obj, key, before)?;
                }
            }
            Target::ListMember {
                collection: c,
                element,
            } => restore_element(tx, heads, c, element.as_ref(), before)?,
        }
    }
    for settle in &review.settle {
        put_json(tx, &settle.obj, &settle.key, &settle.value)?;
    }
    Ok(())
}

/// The collection `name` at the root, made if it is gone (an undone removal).
fn collection_in(
    tx: &mut Transaction<'_>,
    name: &str,
    kind: ObjType,
) -> Result<Option<ObjId>, AutomergeError> {
    match tx.get(ROOT, name)? {
        Some((Value::Object(k), id)) if k == kind => Ok(Some(id)),
        _ => Ok(Some(tx.put_object(ROOT, name, kind)?)),
    }
}

/// The value at `key` of the map `obj` becomes `before` again (gone if `None`).
/// Inside an object that was there before, field by field, so concurrent edits
/// of its other fields stay; a value the change put in place of another is
/// replaced whole, so the undo is the newest write at that key.
fn restore(
    tx: &mut Transaction<'_>,
    heads: &[ChangeHash],
    obj: &ObjId,
    key: &str,
    before: Option<&Json>,
) -> Result<(), AutomergeError> {
    let current = tx.get_all(obj, key)?;
    let was = tx.get_at(obj, key, heads)?.map(|(_, id)| id);
    match (before, current.as_slice()) {
        (None, []) => Ok(()),
        (None, _) => tx.delete(obj, key),
        (Some(Json::Object(fields)), [(Value::Object(ObjType::Map), id)])
            if was.as_ref() == Some(id) =>
        {
            restore_fields(tx, heads, &id.clone(), fields)
        }
        (Some(value), [(v, id)]) if read_value(tx, v.clone(), id, 1) == *value => Ok(()),
        (Some(value), _) => put_json(tx, obj, key, value),
    }
}

fn restore_fields(
    tx: &mut Transaction<'_>,
    heads: &[ChangeHash],
    obj: &ObjId,
    fields: &Map<String, Json>,
) -> Result<(), AutomergeError> {
    let extra: Vec<String> = tx.keys(obj).filter(|k| !fields.contains_key(k)).collect();
    for key in extra {
        tx.delete(obj, key.as_str())?;
    }
    for (key, value) in fields {
        restore(tx, heads, obj, key, Some(value))?;
    }
    Ok(())
}

fn restore_element(
    tx: &mut Transaction<'_>,
    heads: &[ChangeHash],
    name: &str,
    element: Option<&ObjId>,
    before: Option<&Json>,
) -> Result<(), AutomergeError> {
    let Some(list) = collection_in(tx, name, ObjType::List)? else {
        return Ok(());
    };
    let index = element.and_then(|element| {
        (0..tx.length(&list)).find(|i| {
            tx.get(&list, *i)
                .ok()
                .flatten()
                .is_some_and(|(_, id)| &id == element)
        })
    });
    match (before, index) {
        (None, Some(index)) => tx.delete(&list, Prop::Seq(index)),
        (None, None) => Ok(()),
        (Some(Json::Object(fields)), Some(index)) => match tx.get(&list, index)? {
            Some((Value::Object(ObjType::Map), id)) => restore_fields(tx, heads, &id, fields),
            _ => Ok(()),
        },
        // Removed: it comes back, at the end (list members are found by their `id`).
        (Some(value), _) => {
            let at = tx.length(&list);
            insert_json(tx, &list, at, value)
        }
    }
}

#[cfg(test)]
#[path = "guard_tests.rs"]
mod tests;
