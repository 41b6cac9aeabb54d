//! The write policy as a merge property: 2–5 devices (staff and managers) edit
//! one count session offline, each making some edits its user may make and
//! then some it may not (approvals by staff, entries in another's name, edits
//! of recorded entries, a staff `closed`, a new title…). Their changes reach
//! the server one device at a time, in a random order, and the server holds
//! each delivery to the policy as it does on `/sync`. Whatever the order, the
//! document flattens to exactly the rows of a merge of the authorized edits
//! alone.
//!
//! The generator keeps two rules the policy's unit of undo implies: a device
//! makes its authorized edits before its refused ones and never both to the
//! same part (a part is undone whole), and at most one authorized writer
//! contests any one field in a round (an undo cannot tell which of two
//! concurrent authorized values an Automerge conflict would have shown).
//!
//! Seeded and reproducible: a failure prints its seed; rerun it alone with
//! `FLOORWALK_PROPERTY_SEED=<seed> cargo test -p floorwalk --test it policy_property`.

use std::collections::BTreeSet;

use automerge::{ActorId, AutoCommit, Automerge, ChangeHash, ROOT, ReadDoc, Value};
use floorwalk::{
    documents::{
        guard::{enforce, undo_actor},
        json::{insert_json, put_json},
    },
    flatten::plan::{MasterData, Plan, plan},
};
use floorwalk_shared::policy::{Author, Writer};
use rand::{Rng, SeedableRng, rngs::StdRng, seq::SliceRandom};
use serde_json::{Value as Json, json};

const FIRST_SEED: u64 = 0x5AFE_0000;
const LINES: [&str; 3] = ["A-01|SKU-1", "A-01|SKU-2", "A-02|SKU-3"];
/// The base session's entries: (id, by).
const BASE_ENTRIES: [(&str, &str); 2] = [
    ("00000000-0000-4000-8000-0000000000e1", "11"),
    ("00000000-0000-4000-8000-0000000000e2", "12"),
];
const USERS: [(&str, Writer); 5] = [
    ("1", Writer::Manager),
    ("2", Writer::Manager),
    ("11", Writer::Staff),
    ("12", Writer::Staff),
    ("13", Writer::Staff),
];

#[test]
fn authorized_and_refused_offline_edits_flatten_to_the_authorized_edits_alone() {
    for seed in seeds(100) {
        if let Err(message) = check(seed) {
            panic!("seed {seed}: {message}");
        }
    }
}

fn seeds(default_cases: u64) -> Vec<u64> {
    let env = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
    if let Some(seed) = env("FLOORWALK_PROPERTY_SEED") {
        return vec![seed];
    }
    let cases = env("FLOORWALK_PROPERTY_CASES").unwrap_or(default_cases);
    (FIRST_SEED..FIRST_SEED + cases).collect()
}

fn device_of(user: &str) -> String {
    format!("fw-{user}-phone")
}

fn recorded(user: &str, rng: &mut StdRng) -> Json {
    json!({"by": user, "at": format!("2026-12-01T10:{:02}:00.000Z", rng.random_range(0..60)), "device": device_of(user)})
}

fn uuid(rng: &mut StdRng) -> String {
    format!(
        "{:08x}-0000-4000-8000-{:012x}",
        rng.random::<u32>(),
        rng.random::<u64>() & 0xffff_ffff_ffff
    )
}

fn with(mut value: Json, extra: Json) -> Json {
    if let (Json::Object(a), Json::Object(b)) = (&mut value, extra) {
        a.extend(b);
    }
    value
}

fn base() -> AutoCommit {
    let mut doc = AutoCommit::new();
    let entries: Vec<Json> = BASE_ENTRIES
        .iter()
        .map(|(id, by)| {
            json!({"id": id, "location": "A-01", "sku": "SKU-1", "qty": 4, "count_index": 1,
                   "by": by, "at": "2026-12-01T09:00:00.000Z", "device": device_of(by)})
        })
        .collect();
    let root = json!({
        "type": "count_session", "schema_version": 1, "site": "north", "title": "Aisle 1",
        "scope": {"locations": [], "skus": []}, "blind": true, "assignees": [],
        "lines": LINES.iter().map(|k| (k.to_string(), json!({"expected_qty": 10}))).collect::<serde_json::Map<_, _>>(),
        "entries": entries, "timeline": []
    });
    for (k, v) in root.as_object().expect("object") {
        put_json(&mut doc, &ROOT, k, v).expect("put");
    }
    doc.commit();
    doc
}

/// One edit a device makes offline, as one change.
#[derive(Debug, Clone)]
enum EditKind {
    Approve { line: usize, qty: u64, by: String },
    Expected { line: usize, qty: u64 },
    Recount { line: usize },
    AppendEntry { by: String, line: usize, qty: u64 },
    Void { entry: usize },
    EditQty { entry: usize, qty: u64 },
    Status { status: &'static str },
    Title { title: String },
}

impl EditKind {
    /// The part it touches (the unit of undo), and the field an authorized
    /// writer claims (at most one per field per round).
    fn part(&self) -> (String, Option<String>) {
        match self {
            EditKind::Approve { line, .. } => {
                (format!("line{line}"), Some(format!("line{line}.approval")))
            }
            EditKind::Expected { line, .. } => {
                (format!("line{line}"), Some(format!("line{line}.expected")))
            }
            EditKind::Recount { line } => {
                (format!("line{line}"), Some(format!("line{line}.recount")))
            }
            EditKind::AppendEntry { .. } | EditKind::Status { .. } => ("new".into(), None),
            EditKind::Void { entry } | EditKind::EditQty { entry, .. } => {
                (format!("entry{entry}"), Some(format!("entry{entry}.void")))
            }
            EditKind::Title { .. } => ("title".into(), Some("title".into())),
        }
    }
}

/// Edits `user` may make (`true`) or may not (`false`).
fn candidates(user: &str, writer: Writer, rng: &mut StdRng) -> Vec<(EditKind, bool)> {
    let line = rng.random_range(0..LINES.len());
    let qty = rng.random_range(0..30);
    let other = ["1", "11", "12"]
        .into_iter()
        .find(|u| *u != user)
        .unwrap_or("13");
    let own_entry = BASE_ENTRIES.iter().position(|(_, by)| *by == user);
    let foreign_entry = BASE_ENTRIES
        .iter()
        .position(|(_, by)| *by != user)
        .unwrap_or(0);
    let mut edits = vec![
        (
            EditKind::AppendEntry {
                by: user.into(),
                line,
                qty,
            },
            true,
        ),
        (
            EditKind::AppendEntry {
                by: other.into(),
                line,
                qty,
            },
            false,
        ),
        (
            EditKind::EditQty {
                entry: rng.random_range(0..BASE_ENTRIES.len()),
                qty: qty + 100,
            },
            false,
        ),
    ];
    match writer {
        Writer::Staff => {
            edits.push((
                EditKind::Status {
                    status: ["counting", "review"][rng.random_range(0..2)],
                },
                true,
            ));
            if let Some(entry) = own_entry {
                edits.push((EditKind::Void { entry }, true));
            }
            edits.push((
                EditKind::Void {
                    entry: foreign_entry,
                },
                own_entry == Some(foreign_entry),
            ));
            edits.push((
                EditKind::Approve {
                    line,
                    qty,
                    by: ["1", user][rng.random_range(0..2)].into(),
                },
                false,
            ));
            edits.push((EditKind::Expected { line, qty }, false));
            edits.push((EditKind::Recount { line }, false));
            edits.push((EditKind::Status { status: "closed" }, false));
            edits.push((
                EditKind::Title {
                    title: "mine".into(),
                },
                false,
            ));
        }
        _ => {
            edits.push((
                EditKind::Approve {
                    line,
                    qty,
                    by: user.into(),
                },
                true,
            ));
            edits.push((
                EditKind::Approve {
                    line,
                    qty,
                    by: other.into(),
                },
                false,
            ));
            edits.push((EditKind::Expected { line, qty }, true));
            edits.push((EditKind::Recount { line }, true));
            edits.push((
                EditKind::Void {
                    entry: rng.random_range(0..BASE_ENTRIES.len()),
                },
                true,
            ));
            edits.push((EditKind::Status { status: "closed" }, true));
            edits.push((
                EditKind::Title {
                    title: format!("by {user}"),
                },
                true,
            ));
        }
    }
    edits
}

fn path_obj(doc: &AutoCommit, path: &[&str]) -> automerge::ObjId {
    let mut obj = ROOT;
    for key in path {
        obj = match doc.get(&obj, *key).expect("get") {
            Some((Value::Object(_), id)) => id,
            other => panic!("no object at {key}: {other:?}"),
        };
    }
    obj
}

fn entry_obj(doc: &AutoCommit, index: usize) -> automerge::ObjId {
    let entries = path_obj(doc, &["entries"]);
    let id = BASE_ENTRIES[index].0;
    (0..doc.length(&entries))
        .filter_map(|i| doc.get(&entries, i).ok().flatten())
        .map(|(_, obj)| obj)
        .find(|obj| matches!(doc.get(obj, "id"), Ok(Some((Value::Object(_), t))) if doc.text(&t).ok().as_deref() == Some(id)))
        .expect("base entry")
}

fn apply(doc: &mut AutoCommit, user: &str, edit: &EditKind, rng: &mut StdRng) {
    let rec = recorded(user, rng);
    match edit {
        EditKind::Approve { line, qty, by } => {
            let obj = path_obj(doc, &["lines", LINES[*line]]);
            let approval = with(
                json!({"qty": qty}),
                with(rec, json!({"by": by, "device": device_of(by)})),
            );
            put_json(doc, &obj, "approval", &approval).expect("put");
        }
        EditKind::Expected { line, qty } => {
            let obj = path_obj(doc, &["lines", LINES[*line]]);
            put_json(doc, &obj, "expected_qty", &json!(qty)).expect("put");
        }
        EditKind::Recount { line } => {
            let obj = path_obj(doc, &["lines", LINES[*line]]);
            put_json(doc, &obj, "recount", &with(json!({"count_index": 2}), rec)).expect("put");
        }
        EditKind::AppendEntry { by, line, qty } => {
            let (location, sku) = LINES[*line].split_once('|').expect("key");
            let entry = with(
                json!({"id": uuid(rng), "location": location, "sku": sku, "qty": qty, "count_index": 1}),
                with(rec, json!({"by": by, "device": device_of(by)})),
            );
            let entries = path_obj(doc, &["entries"]);
            let end = doc.length(&entries);
            insert_json(doc, &entries, end, &entry).expect("insert");
        }
        EditKind::Void { entry } => {
            let obj = entry_obj(doc, *entry);
            put_json(doc, &obj, "void", &rec).expect("void");
        }
        EditKind::EditQty { entry, qty } => {
            let obj = entry_obj(doc, *entry);
            put_json(doc, &obj, "qty", &json!(qty)).expect("qty");
        }
        EditKind::Status { status } => {
            let timeline = path_obj(doc, &["timeline"]);
            let end = doc.length(&timeline);
            let event = with(json!({"id": uuid(rng), "status": status}), rec);
            insert_json(doc, &timeline, end, &event).expect("event");
        }
        EditKind::Title { title } => put_json(doc, &ROOT, "title", &json!(title)).expect("title"),
    }
    doc.commit();
}

struct Device {
    user: &'static str,
    writer: Writer,
    /// Every change the device made since the base.
    all: Vec<automerge::Change>,
    /// The changes of its authorized edits (a prefix of `all`).
    authorized: Vec<automerge::Change>,
    script: Vec<(EditKind, bool)>,
}

fn devices(rng: &mut StdRng, base: &mut AutoCommit) -> Vec<Device> {
    let base_heads = base.get_heads();
    let mut claimed: BTreeSet<String> = BTreeSet::new();
    let count = rng.random_range(2..=5);
    (0..count)
        .map(|_| {
            let (user, writer) = USERS[rng.random_range(0..USERS.len())];
            let mut doc = base.fork();
            doc.set_actor(ActorId::random());
            let mut options = candidates(user, writer, rng);
            options.shuffle(rng);
            let mut touched: BTreeSet<String> = BTreeSet::new();
            let mut script = Vec::new();
            for (edit, allowed) in options.into_iter().take(rng.random_range(1..=5)) {
                let (part, field) = edit.part();
                if part != "new" && !touched.insert(part) {
                    continue;
                }
                if allowed
                    && let Some(field) = field
                    && !claimed.insert(field)
                {
                    continue;
                }
                script.push((edit, allowed));
            }
            // Authorized edits first: their changes are then the same in both merges.
            script.sort_by_key(|(_, allowed)| !allowed);
            for (edit, _) in script.iter().filter(|(_, a)| *a) {
                apply(&mut doc, user, edit, rng);
            }
            let authorized = doc.get_changes(&base_heads).into_iter().collect();
            for (edit, _) in script.iter().filter(|(_, a)| !*a) {
                apply(&mut doc, user, edit, rng);
            }
            let all = doc.get_changes(&base_heads).into_iter().collect();
            Device {
                user,
                writer,
                all,
                authorized,
                script,
            }
        })
        .collect()
}

/// The rows a full flatten of `doc` writes, in a comparable order.
fn rows(doc: &Automerge) -> Result<(Vec<String>, Vec<String>), String> {
    match plan(doc, None, "doc", 1, 0, MasterData::Any) {
        Plan::Write(batch) => {
            let mut statements: Vec<String> = batch
                .rows
                .statements
                .iter()
                .map(|s| format!("{s:?}"))
                .collect();
            statements.sort();
            Ok((statements, batch.rows.lines_to_derive.into_iter().collect()))
        }
        Plan::Invalid(problems) => Err(format!("invalid: {problems:?}")),
        Plan::UpToDate => Err("up to date".into()),
    }
}

fn check(seed: u64) -> Result<(), String> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut base = base();
    let devices = devices(&mut rng, &mut base);
    let base_changes: Vec<automerge::Change> = base.get_changes(&[]).into_iter().collect();

    let mut reference = Automerge::new();
    reference
        .apply_changes(base_changes.clone())
        .map_err(|e| e.to_string())?;
    for device in &devices {
        reference
            .apply_changes(device.authorized.clone())
            .map_err(|e| e.to_string())?;
    }

    let mut order: Vec<usize> = (0..devices.len()).collect();
    order.shuffle(&mut rng);
    let mut server = Automerge::new();
    server
        .apply_changes(base_changes)
        .map_err(|e| e.to_string())?;
    let actor = undo_actor();
    let mut refused = 0;
    for &i in &order {
        let device = &devices[i];
        let before: Vec<ChangeHash> = server.get_heads();
        server
            .apply_changes(device.all.clone())
            .map_err(|e| e.to_string())?;
        let devices_of = vec![device_of(device.user)];
        let author = Author {
            writer: device.writer,
            user_id: device.user,
            devices: &devices_of,
        };
        let delivered: Vec<ChangeHash> = server
            .get_changes(&before)
            .iter()
            .map(|c| c.hash())
            .collect();
        refused += enforce(&mut server, &before, &delivered, &author, &actor, 0)
            .map_err(|e| e.to_string())?
            .len();
    }
    let expected_refusals = devices
        .iter()
        .filter(|d| d.script.iter().any(|(_, a)| !a))
        .count();
    if refused < expected_refusals {
        return Err(format!(
            "{refused} refusals for {expected_refusals} devices with refused edits"
        ));
    }
    let (got, want) = (rows(&server)?, rows(&reference)?);
    if got != want {
        let scripts: Vec<String> = order
            .iter()
            .map(|&i| {
                format!(
                    "{} ({:?}): {:?}",
                    devices[i].user, devices[i].writer, devices[i].script
                )
            })
            .collect();
        let missing: Vec<&String> = want.0.iter().filter(|s| !got.0.contains(s)).collect();
        let extra: Vec<&String> = got.0.iter().filter(|s| !want.0.contains(s)).collect();
        return Err(format!(
            "rows differ\nmerge order and scripts:\n  {}\nmissing: {missing:#?}\nextra: {extra:#?}",
            scripts.join("\n  ")
        ));
    }
    Ok(())
}
