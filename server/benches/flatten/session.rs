//! Count sessions of a given size, written as the JS client writes them
//! (strings as text objects), and the one-line change the benchmark times.

use automerge::{AutoCommit, ObjId, ROOT, ReadDoc};
use floorwalk::documents::json::{insert_json, put_json};
use serde_json::{Value, json};

pub fn line_key(line: usize) -> String {
    format!("A-{:02}-{:03}|SKU-{line}", line / 1000, line % 1000)
}

fn location(line: usize) -> String {
    format!("A-{:02}-{:03}", line / 1000, line % 1000)
}

/// A session with `lines` planned lines, each counted once.
pub fn count_session(lines: usize) -> AutoCommit {
    let mut doc = AutoCommit::new();
    let root = json!({
        "type": "count_session", "schema_version": 1, "site": "north", "title": "Full count",
        "scope": {"locations": ["A"], "skus": []}, "blind": false, "assignees": ["user-ana"],
        "due_at": "2026-11-27T17:00:00.000Z", "timeline": [],
    });
    for (k, v) in root.as_object().into_iter().flatten() {
        put_json(&mut doc, &ROOT, k, v).expect("root field");
    }
    let planned: serde_json::Map<String, Value> = (0..lines)
        .map(|l| (line_key(l), json!({"expected_qty": 10 + l % 7})))
        .collect();
    put_json(&mut doc, &ROOT, "lines", &Value::Object(planned)).expect("lines");
    put_json(&mut doc, &ROOT, "entries", &json!([])).expect("entries");
    for line in 0..lines {
        append_entry(&mut doc, line, line, 10 + line % 5);
    }
    doc.commit();
    doc
}

/// The one-line change: a phone appends one count entry to one line.
pub fn append_entry(doc: &mut AutoCommit, line: usize, serial: usize, qty: usize) {
    let entries = entries(doc);
    let at = doc.length(&entries);
    let entry = json!({
        "id": format!("00000000-0000-4000-8000-{serial:012x}"),
        "location": location(line), "sku": format!("SKU-{line}"), "qty": qty, "count_index": 1,
        "by": "user-ana", "at": format!("2026-11-25T08:{:02}:{:02}.000Z", (serial / 60) % 60, serial % 60),
        "device": "device-ana",
    });
    insert_json(doc, &entries, at, &entry).expect("entry");
}

fn entries(doc: &AutoCommit) -> ObjId {
    match doc.get(ROOT, "entries") {
        Ok(Some((_, id))) => id,
        _ => panic!("the benchmark's session has entries"),
    }
}

/// How many planned lines a benchmark session has.
pub fn lines_of(doc: &AutoCommit) -> usize {
    match doc.get(ROOT, "lines") {
        Ok(Some((_, id))) => doc.length(&id).max(1),
        _ => 1,
    }
}
