//! Random offline edits by several devices, and a record of what they wrote:
//! the oracle the flattened rows are checked against.

use std::collections::{BTreeMap, BTreeSet};

use automerge::{ActorId, AutoCommit, ObjId, ROOT, ReadDoc};
use floorwalk::{
    documents::json::{insert_json, put_json, read_string},
    time::rfc3339_millis,
};
use rand::{Rng, rngs::StdRng, seq::IndexedRandom};
use serde_json::{Value, json};

use super::base::{
    CHECK_ITEMS, FOUND_LINE, Kind, LOCATIONS, NUMBER_ITEM, PLANNED_LINES, SHIPMENT_LINES, extend,
};

pub struct Device {
    pub docs: BTreeMap<Kind, AutoCommit>,
    /// Checklist answers this device has seen: its own and those merged in.
    known: BTreeSet<usize>,
}

/// One checklist answer; `superseded` are the answers to the same item its
/// device had seen (a put overwrites every value it sees, conflicts included).
pub struct Answer {
    pub item: String,
    pub answer: Value,
    superseded: BTreeSet<usize>,
}

#[derive(Default)]
pub struct Written {
    pub count_entries: BTreeSet<String>,
    pub voided_entries: BTreeSet<String>,
    pub movements: BTreeSet<String>,
    pub voided_movements: BTreeSet<String>,
    pub shipment_entries: BTreeSet<String>,
    pub answers: Vec<Answer>,
}

impl Written {
    pub fn answered_items(&self) -> BTreeSet<String> {
        self.answers.iter().map(|a| a.item.clone()).collect()
    }

    /// Items whose surviving (never overwritten) answers disagree: Automerge
    /// keeps those as a conflict, which must reach the manager.
    pub fn conflicting_items(&self) -> BTreeSet<String> {
        let overwritten: BTreeSet<usize> = self
            .answers
            .iter()
            .flat_map(|a| a.superseded.iter().copied())
            .collect();
        let mut surviving: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
        for (i, answer) in self.answers.iter().enumerate() {
            if !overwritten.contains(&i) {
                surviving
                    .entry(&answer.item)
                    .or_default()
                    .insert(answer.answer.to_string());
            }
        }
        surviving
            .into_iter()
            .filter(|(_, answers)| answers.len() > 1)
            .map(|(item, _)| item.to_string())
            .collect()
    }
}

pub struct Offline {
    pub devices: Vec<Device>,
    pub written: Written,
}

/// 2–5 devices fork the bases and edit offline; now and then two of them
/// sync (one merges the other), as phones passing through signal do.
pub fn edit_offline(rng: &mut StdRng, bases: &BTreeMap<Kind, AutoCommit>) -> Offline {
    let count = rng.random_range(2..=5);
    let devices = (0..count)
        .map(|d| Device {
            docs: bases
                .iter()
                .map(|(kind, base)| {
                    let actor = ActorId::from(vec![d as u8 + 1; 16]);
                    (*kind, base.clone().fork().with_actor(actor))
                })
                .collect(),
            known: BTreeSet::new(),
        })
        .collect();
    let mut offline = Offline {
        devices,
        written: Written::default(),
    };
    let steps = rng.random_range(6..=28);
    for step in 0..steps {
        let d = rng.random_range(0..count);
        let mut edit = Edit {
            rng,
            step,
            device: d,
            offline: &mut offline,
        };
        match edit.rng.random_range(0..100) {
            0..25 => edit.count_entry(),
            25..35 => edit.void_entry(),
            35..40 => edit.request_recount(),
            40..52 => edit.stock_movement(),
            52..57 => edit.void_movement(),
            57..67 => edit.shipment_entry(),
            67..70 => edit.shipment_event(),
            70..88 => edit.checklist_answer(),
            _ => edit.meet(),
        }
    }
    for device in &mut offline.devices {
        for doc in device.docs.values_mut() {
            doc.commit();
        }
    }
    offline
}

/// 2026-11-25T08:00:00Z, the first step's time.
const FIRST_EDIT_MS: i64 = 1_795_593_600_000;

struct Edit<'a> {
    rng: &'a mut StdRng,
    step: usize,
    device: usize,
    offline: &'a mut Offline,
}

impl Edit<'_> {
    fn id(&self) -> String {
        format!("00000000-0000-4000-8000-{:012x}", 0x1000 + self.step)
    }

    /// Who, when, on which device: every step is 3 h 7 s after the last, so a
    /// document's edits fall on several days (what the KPI rollups are kept per).
    fn recorded(&self) -> Value {
        let at = rfc3339_millis(FIRST_EDIT_MS + self.step as i64 * (3 * 3_600_000 + 7_000));
        json!({"by": format!("user-{}", self.device), "at": at,
               "device": format!("device-{}", self.device)})
    }

    fn doc(&mut self, kind: Kind) -> &mut AutoCommit {
        self.offline.devices[self.device]
            .docs
            .get_mut(&kind)
            .expect("every device has every kind")
    }

    fn append(&mut self, kind: Kind, list: &str, value: Value) {
        let doc = self.doc(kind);
        let (_, obj) = doc.get(ROOT, list).expect("get").expect("list");
        let at = doc.length(&obj);
        insert_json(doc, &obj, at, &value).expect("insert");
        doc.commit();
    }

    fn with_recorded(&self, mut value: Value) -> Value {
        extend(&mut value, &self.recorded());
        value
    }

    fn count_entry(&mut self) {
        let lines = [PLANNED_LINES[0], PLANNED_LINES[1], FOUND_LINE];
        let (location, sku) = *lines.choose(self.rng).expect("lines");
        // Few distinct quantities, so devices often agree and often do not.
        let qty = self.rng.random_range(3..=5);
        let pass = if self.rng.random_bool(0.25) { 2 } else { 1 };
        let id = self.id();
        let entry = self.with_recorded(json!({"id": id, "location": location, "sku": sku,
            "qty": qty, "count_index": pass}));
        self.append(Kind::CountSession, "entries", entry);
        self.offline.written.count_entries.insert(id);
    }

    fn void_entry(&mut self) {
        let void = self.with_recorded(json!({"reason": "mistyped"}));
        if let Some(id) = self.void_one(Kind::CountSession, "entries", void) {
            self.offline.written.voided_entries.insert(id);
        }
    }

    /// Voids a random element of `list` this device sees, if any is live.
    fn void_one(&mut self, kind: Kind, list: &str, void: Value) -> Option<String> {
        let pick = self.rng.random_range(0..1000);
        let doc = self.doc(kind);
        let (_, obj) = doc.get(ROOT, list).ok()??;
        let live: Vec<ObjId> = (0..doc.length(&obj))
            .filter_map(|i| doc.get(&obj, i).ok().flatten().map(|(_, id)| id))
            .filter(|e| doc.get(e, "void").ok().flatten().is_none())
            .collect();
        let element = live.get(pick % live.len().max(1))?.clone();
        put_json(doc, &element, "void", &void).expect("void");
        doc.commit();
        read_string(doc, &element, "id")
    }

    fn request_recount(&mut self) {
        let (location, sku) = *PLANNED_LINES.choose(self.rng).expect("lines");
        let recount = self.with_recorded(json!({"count_index": 2}));
        let doc = self.doc(Kind::CountSession);
        let (_, lines) = doc.get(ROOT, "lines").expect("get").expect("lines");
        let key = format!("{location}|{sku}");
        let (_, line) = doc.get(&lines, key.as_str()).expect("get").expect("line");
        put_json(doc, &line, "recount", &recount).expect("recount");
        doc.commit();
    }

    fn stock_movement(&mut self) {
        let sku = *["SKU-1", "SKU-2"].choose(self.rng).expect("skus");
        let from = *LOCATIONS.choose(self.rng).expect("locations");
        let qty = self.rng.random_range(1..=5);
        let id = self.id();
        let movement = if self.rng.random_bool(0.7) {
            let to = LOCATIONS.iter().find(|l| **l != from).expect("other");
            json!({"id": id, "cause": "transfer", "sku": sku, "qty": qty, "from": from, "to": to})
        } else {
            json!({"id": id, "cause": "correction", "sku": sku, "qty": qty, "from": from})
        };
        let movement = self.with_recorded(movement);
        self.append(Kind::StockLog, "movements", movement);
        self.offline.written.movements.insert(id);
    }

    fn void_movement(&mut self) {
        let void = self.with_recorded(json!({}));
        if let Some(id) = self.void_one(Kind::StockLog, "movements", void) {
            self.offline.written.voided_movements.insert(id);
        }
    }

    fn shipment_entry(&mut self) {
        let id = self.id();
        let qty = self.rng.random_range(0..=8);
        let damaged = self.rng.random_range(0..=2);
        let entry = match self.rng.random_range(0..3) {
            2 => {
                json!({"id": id, "sku": "SKU-9", "qty": qty, "damaged_qty": damaged, "photos": []})
            }
            line => {
                let (line_id, sku) = SHIPMENT_LINES[line];
                json!({"id": id, "expected_line": line_id, "sku": sku, "qty": qty,
                       "damaged_qty": damaged, "photos": []})
            }
        };
        let entry = self.with_recorded(entry);
        self.append(Kind::Shipment, "entries", entry);
        self.offline.written.shipment_entries.insert(id);
    }

    fn shipment_event(&mut self) {
        let status = *["arrived", "unloading", "received"]
            .choose(self.rng)
            .expect("statuses");
        let event = self.with_recorded(json!({"id": self.id(), "status": status}));
        self.append(Kind::Shipment, "timeline", event);
    }

    fn checklist_answer(&mut self) {
        let (item, answer) = match self.rng.random_range(0..3) {
            2 => (
                NUMBER_ITEM,
                json!({"kind": "number", "value": self.rng.random_range(3..=6) as f64}),
            ),
            i => {
                let outcome = if self.rng.random_bool(0.5) {
                    "pass"
                } else {
                    "fail"
                };
                (CHECK_ITEMS[i], json!({"kind": "check", "outcome": outcome}))
            }
        };
        let response = self.with_recorded(json!({"answer": answer, "photos": []}));
        let doc = self.doc(Kind::ChecklistRun);
        let (_, responses) = doc.get(ROOT, "responses").expect("get").expect("responses");
        put_json(doc, &responses, item, &response).expect("answer");
        doc.commit();
        let written = &mut self.offline.written;
        let device = &mut self.offline.devices[self.device];
        let superseded = device
            .known
            .iter()
            .copied()
            .filter(|i| written.answers[*i].item == item)
            .collect();
        device.known.insert(written.answers.len());
        written.answers.push(Answer {
            item: item.to_string(),
            answer,
            superseded,
        });
    }

    /// This device syncs with another one: it receives everything the other has.
    fn meet(&mut self) {
        let count = self.offline.devices.len();
        let other = (self.device + self.rng.random_range(1..count)) % count;
        let theirs = &self.offline.devices[other];
        let (mut docs, known) = (theirs.docs.clone(), theirs.known.clone());
        let mine = &mut self.offline.devices[self.device];
        for (kind, doc) in &mut docs {
            mine.docs
                .get_mut(kind)
                .expect("kind")
                .merge(doc)
                .expect("merge");
        }
        mine.known.extend(known);
    }
}
