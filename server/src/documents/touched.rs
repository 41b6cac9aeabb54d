//! Which collection members the changes since the last flatten touch, read
//! from those changes' own operations. `Automerge::diff` would say the same,
//! but it walks the whole document, and so does `parents()` through a long
//! list (it computes the element's index): a one-line change in a
//! 10,000-line session cost 40× one in a 100-line session. Here, objects the
//! new changes made are placed by those changes' own ops; only an edit inside
//! an older member (a void) asks the document where that member is.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use automerge::{
    Automerge, ChangeHash, ExpandedChange, ObjId, ObjType, Prop, ROOT, ReadDoc, Value,
    legacy::{Key, ObjectId, OpType},
};

pub enum Touch {
    /// Re-read the whole collection (it was replaced, or list elements were removed).
    Whole,
    Some {
        keys: BTreeSet<String>,
        objects: Vec<ObjId>,
    },
}

enum Member {
    Key(String),
    Object(ObjId),
    Whole,
}

/// Where an object is: inside which member of which collection, if any.
enum Place {
    Elsewhere,
    MapMember(String, String),
    ListMember(String, ObjId),
}

struct Changes<'a> {
    doc: &'a Automerge,
    /// Collection objects (`counter@actor`) → their name and type.
    collections: HashMap<String, (String, ObjType)>,
    /// Objects the new changes made → the object and key they were put at.
    made: HashMap<String, (String, Key)>,
    places: HashMap<String, Place>,
}

/// Members touched per collection, or `None` when the changes cannot be read
/// (the caller then reads everything).
pub fn touched_members(
    doc: &Automerge,
    since: &[ChangeHash],
    names: &[&str],
) -> Option<BTreeMap<String, Touch>> {
    let changes: Vec<ExpandedChange> = doc.get_changes(since).iter().map(|c| c.decode()).collect();
    let mut state = Changes {
        doc,
        collections: collection_objects(doc, names),
        made: HashMap::new(),
        places: HashMap::new(),
    };
    for change in &changes {
        for (index, op) in change.operations.iter().enumerate() {
            if let OpType::Make(_) = op.action {
                state
                    .made
                    .insert(op_id(change, index), (object(&op.obj), op.key.clone()));
            }
        }
    }
    let mut touched = BTreeMap::new();
    for change in &changes {
        for (index, op) in change.operations.iter().enumerate() {
            let obj = object(&op.obj);
            if obj == "_root" {
                // A collection put or removed at the root: read it all.
                if let Key::Map(key) = &op.key
                    && names.contains(&key.as_str())
                {
                    touched.insert(key.to_string(), Touch::Whole);
                }
                continue;
            }
            if let Some((name, kind)) = state.collections.get(&obj) {
                let member = match (kind, &op.key) {
                    (ObjType::Map, Key::Map(key)) => Member::Key(key.to_string()),
                    // A new element is a member to read; removals re-read the list.
                    (_, _) if op.insert && matches!(op.action, OpType::Make(_)) => {
                        Member::Object(doc.import(&op_id(change, index)).ok()?.0)
                    }
                    _ => Member::Whole,
                };
                add(&mut touched, name, member);
                continue;
            }
            match state.place(&obj)? {
                Place::Elsewhere => {}
                Place::MapMember(name, key) => {
                    add(&mut touched, &name.clone(), Member::Key(key.clone()))
                }
                Place::ListMember(name, id) => {
                    add(&mut touched, &name.clone(), Member::Object(id.clone()))
                }
            }
        }
    }
    Some(touched)
}

impl Changes<'_> {
    fn place(&mut self, obj: &str) -> Option<&Place> {
        if !self.places.contains_key(obj) {
            let place = self.find(obj)?;
            self.places.insert(obj.to_string(), place);
        }
        self.places.get(obj)
    }

    fn find(&self, obj: &str) -> Option<Place> {
        let mut current = obj.to_string();
        while let Some((parent, key)) = self.made.get(&current) {
            if let Some((name, kind)) = self.collections.get(parent) {
                return Some(match (kind, key) {
                    (ObjType::Map, Key::Map(key)) => {
                        Place::MapMember(name.clone(), key.to_string())
                    }
                    _ => Place::ListMember(name.clone(), self.doc.import(&current).ok()?.0),
                });
            }
            if parent == "_root" {
                return Some(Place::Elsewhere);
            }
            current = parent.clone();
        }
        // An object older than these changes: ask the document.
        let (id, _) = self.doc.import(&current).ok()?;
        let Some(path) = self.doc.parents(&id).ok()?.visible_path() else {
            // Removed from the document: its removal is itself a change that is read.
            return Some(Place::Elsewhere);
        };
        let name = match path.first() {
            Some((_, Prop::Map(name))) if self.collections.values().any(|(n, _)| n == name) => {
                name.clone()
            }
            _ => return Some(Place::Elsewhere),
        };
        Some(match path.get(1) {
            None => Place::Elsewhere,
            Some((_, Prop::Map(key))) => Place::MapMember(name, key.clone()),
            // The member is the object at that position: the next one on the path, or `current`.
            Some((_, Prop::Seq(_))) => {
                Place::ListMember(name, path.get(2).map_or(id, |(member, _)| member.clone()))
            }
        })
    }
}

fn collection_objects(doc: &Automerge, names: &[&str]) -> HashMap<String, (String, ObjType)> {
    names
        .iter()
        .filter_map(|name| match doc.get(ROOT, *name).ok()?? {
            (Value::Object(kind), id) => Some((id.to_string(), (name.to_string(), kind))),
            _ => None,
        })
        .collect()
}

fn add(touched: &mut BTreeMap<String, Touch>, name: &str, member: Member) {
    let entry = touched
        .entry(name.to_string())
        .or_insert_with(|| Touch::Some {
            keys: BTreeSet::new(),
            objects: Vec::new(),
        });
    let Touch::Some { keys, objects } = entry else {
        return;
    };
    match member {
        Member::Key(key) => {
            keys.insert(key);
        }
        Member::Object(id) => {
            if !objects.contains(&id) {
                objects.push(id);
            }
        }
        Member::Whole => *entry = Touch::Whole,
    }
}

/// `counter@actor`, as `ObjId` displays and `Automerge::import` reads.
fn object(obj: &ObjectId) -> String {
    match obj {
        ObjectId::Root => "_root".into(),
        ObjectId::Id(id) => id.to_string(),
    }
}

/// The id of the `index`th operation of `change`.
fn op_id(change: &ExpandedChange, index: usize) -> String {
    format!(
        "{}@{}",
        change.start_op.get() + index as u64,
        change.actor_id
    )
}
