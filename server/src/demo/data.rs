//! A realistic demo site, as plain JSON documents in the shared schema:
//! master data (locations, 500+ items, templates), the receipts that brought in the
//! opening stock (so most items are on the shelf and about one in ten is below its
//! reorder point, as in a warehouse that runs well), and three weeks of counts,
//! checklist runs and shipments, so that trends and previous periods have data.
//! Deterministic for a given seed and day.

use rand::{Rng, SeedableRng, rngs::StdRng};
use serde_json::{Map, Value, json};

use crate::time::{MS_PER_DAY as DAY_MS, rfc3339_millis as rfc3339};

pub struct People {
    pub manager: String,
    pub staff: Vec<String>,
}

pub struct DemoData {
    pub site: Value,
    pub work: Vec<Value>,
}

struct Gen {
    rng: StdRng,
}

impl Gen {
    fn uuid(&mut self) -> String {
        crate::documents::stamp::uuid_from_bits(self.rng.random())
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.rng.random_range(0..items.len())]
    }
}

struct Bin {
    code: String,
}

struct Item {
    sku: String,
    reorder_point: u64,
    supplier: &'static str,
}

/// Days of daily work before today, today included.
const HISTORY_DAYS: i64 = 21;
/// Items whose opening stock is below their reorder point, in percent.
const BELOW_REORDER_PERCENT: u32 = 10;

const NOUNS: [&str; 12] = [
    "Pallet wrap",
    "Cable ties",
    "Safety gloves",
    "Label roll",
    "Box 40x30",
    "Tape 48 mm",
    "Strapping",
    "Corner board",
    "Bubble wrap",
    "Void fill",
    "Hi-vis vest",
    "Box cutter",
];
const SUPPLIERS: [&str; 4] = ["WrapCo", "PackRight", "SafeWorks", "Nordic Supplies"];

/// `now` is Unix ms; the week ends today.
pub fn demo_data(slug: &str, name: &str, people: &People, now: i64, seed: u64) -> DemoData {
    let mut g = Gen {
        rng: StdRng::seed_from_u64(seed),
    };
    let today = now - now.rem_euclid(DAY_MS);
    let (locations, bins) = locations(&mut g);
    let (items, skus) = items(&mut g);
    let templates = templates(&mut g, today);
    let site = json!({
        "type": "site", "schema_version": 1, "site": slug, "name": name, "currency": "EUR",
        "locations": locations, "items": items,
        "item_classes": { "A": { "name": "High value", "tolerance_units": 0 }, "B": { "tolerance_units": 1 },
                          "C": { "name": "Consumables", "tolerance_units": 2 } },
        "checklist_templates": templates.clone(),
    });
    let mut work = opening_stock(
        &mut g,
        slug,
        people,
        &bins,
        &skus,
        today - (HISTORY_DAYS + 7) * DAY_MS,
    );
    for day in 0..HISTORY_DAYS {
        let start = today - (HISTORY_DAYS - 1 - day) * DAY_MS;
        work.push(count_session(
            &mut g,
            slug,
            people,
            &bins,
            &skus,
            start,
            day == HISTORY_DAYS - 1,
        ));
        for (template_id, template) in templates.as_object().into_iter().flatten() {
            work.push(checklist_run(
                &mut g,
                slug,
                people,
                template_id,
                template,
                start,
                day == HISTORY_DAYS - 1,
            ));
        }
        for _ in 0..2 {
            work.push(shipment(
                &mut g,
                slug,
                people,
                &bins,
                &skus,
                start,
                day == HISTORY_DAYS - 1,
            ));
        }
    }
    DemoData { site, work }
}

fn locations(g: &mut Gen) -> (Map<String, Value>, Vec<Bin>) {
    let mut map = Map::new();
    let mut bins = Vec::new();
    for zone in ["A", "B"] {
        let zone_id = g.uuid();
        map.insert(
            zone_id.clone(),
            json!({ "code": zone, "kind": "zone", "name": format!("Zone {zone}") }),
        );
        for aisle in 1..=5 {
            let aisle_id = g.uuid();
            let aisle_code = format!("{zone}-{aisle:02}");
            map.insert(
                aisle_id.clone(),
                json!({ "code": aisle_code, "kind": "aisle", "parent": zone_id }),
            );
            for bin in 1..=10 {
                let code = format!("{aisle_code}-{bin:02}");
                map.insert(
                    g.uuid(),
                    json!({ "code": code, "kind": "bin", "parent": aisle_id }),
                );
                bins.push(Bin { code });
            }
        }
    }
    (map, bins)
}

fn items(g: &mut Gen) -> (Map<String, Value>, Vec<Item>) {
    let mut map = Map::new();
    let mut skus = Vec::new();
    for n in 1..=520 {
        let sku = format!("SKU-{n:04}");
        let noun = NOUNS[n % NOUNS.len()];
        let reorder = g.rng.random_range(5..40u64);
        let class = ["A", "B", "C"][n % 3];
        let supplier = SUPPLIERS[n % SUPPLIERS.len()];
        map.insert(
            g.uuid(),
            json!({
                "sku": sku, "name": format!("{noun} #{n}"), "barcodes": [format!("20{n:011}")],
                "unit": "each", "unit_cost_minor": g.rng.random_range(50..20_000u64),
                "min_qty": reorder / 2, "reorder_point": reorder, "max_qty": reorder * 4,
                "item_class": class, "supplier": supplier,
            }),
        );
        skus.push(Item {
            sku,
            reorder_point: reorder,
            supplier,
        });
    }
    (map, skus)
}

fn templates(g: &mut Gen, today: i64) -> Value {
    let published = rfc3339(today - 30 * DAY_MS);
    let mut map = Map::new();
    for (name, labels) in [
        (
            "Opening checks",
            vec![
                ("Fire exits clear", "check"),
                ("Forklift pre-use check done", "check"),
                ("Freezer temperature", "number"),
                ("Remarks", "text"),
            ],
        ),
        (
            "Dock safety walk",
            vec![
                ("Dock doors close fully", "check"),
                ("Dock levellers work", "check"),
                ("Wheel chocks in place", "check"),
            ],
        ),
    ] {
        let items: Vec<Value> = labels
            .into_iter()
            .map(|(label, kind)| {
                let mut item = json!({ "id": g.uuid(), "label": label, "kind": kind, "required": kind != "text" });
                if kind == "number" {
                    item["unit"] = json!("°C");
                    item["min"] = json!(-25.0);
                    item["max"] = json!(-15.0);
                }
                item
            })
            .collect();
        map.insert(g.uuid(), json!({ "name": name, "versions": [{ "version": 1, "published_at": published, "items": items }] }));
    }
    Value::Object(map)
}

fn stamp(by: &str, at: i64) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("by".into(), json!(by));
    m.insert("at".into(), json!(rfc3339(at)));
    m.insert("device".into(), json!(format!("{by}-device")));
    m
}

fn with(mut base: Value, extra: Map<String, Value>) -> Value {
    if let Some(obj) = base.as_object_mut() {
        obj.extend(extra);
    }
    base
}

fn count_session(
    g: &mut Gen,
    slug: &str,
    p: &People,
    bins: &[Bin],
    skus: &[Item],
    start: i64,
    today: bool,
) -> Value {
    let due = start + 17 * 3_600_000;
    let mut lines = Map::new();
    let mut entries = Vec::new();
    let aisle = &g.pick(bins).code[..4].to_string();
    for i in 0..20 {
        let bin = &bins
            .iter()
            .filter(|b| b.code.starts_with(aisle.as_str()))
            .nth(i % 10)
            .map_or("A-01-01", |b| b.code.as_str())
            .to_string();
        let sku = &g.pick(skus).sku.clone();
        let key = format!("{bin}|{sku}");
        if lines.contains_key(&key) {
            continue;
        }
        let expected: u64 = g.rng.random_range(0..60);
        let roll: u32 = g.rng.random_range(0..100);
        let counted = if roll < 80 {
            expected
        } else {
            expected.saturating_add_signed(g.rng.random_range(-4..4))
        };
        let counter = g.pick(&p.staff).clone();
        let at = start + 8 * 3_600_000 + i as i64 * 120_000;
        let mut line = json!({ "expected_qty": expected });
        if !(today && i >= 12) {
            entries.push(with(json!({ "id": g.uuid(), "location": bin, "sku": sku, "qty": counted, "count_index": 1 }), stamp(&counter, at)));
            // Now and then a second phone counted the same bin differently: a conflict to review.
            if roll >= 95 {
                let other = p
                    .staff
                    .iter()
                    .find(|s| **s != counter)
                    .unwrap_or(&counter)
                    .clone();
                entries.push(with(json!({ "id": g.uuid(), "location": bin, "sku": sku, "qty": counted + 1, "count_index": 1 }), stamp(&other, at + 60_000)));
            } else if counted != expected && !today {
                line["reason"] =
                    json!(["damaged", "lost", "found", "mis_picked"][(roll % 4) as usize]);
                line["approval"] = with(json!({ "qty": counted }), stamp(&p.manager, due));
            }
        }
        lines.insert(key, line);
    }
    let mut timeline = vec![with(
        json!({ "id": g.uuid(), "status": "open" }),
        stamp(&p.manager, start + 7 * 3_600_000),
    )];
    timeline.push(with(
        json!({ "id": g.uuid(), "status": "counting" }),
        stamp(&p.staff[0], start + 8 * 3_600_000),
    ));
    if !today {
        timeline.push(with(
            json!({ "id": g.uuid(), "status": "closed" }),
            stamp(&p.manager, due - 3_600_000),
        ));
    }
    json!({
        "type": "count_session", "schema_version": 1, "site": slug,
        "title": format!("Cycle count {aisle}, {}", &rfc3339(start)[..10]),
        "scope": { "locations": [aisle], "skus": [] }, "blind": true, "assignees": p.staff,
        "due_at": rfc3339(due), "timeline": timeline, "lines": lines, "entries": entries,
    })
}

fn checklist_run(
    g: &mut Gen,
    slug: &str,
    p: &People,
    template_id: &str,
    template: &Value,
    start: i64,
    today: bool,
) -> Value {
    let version = &template["versions"][0];
    let items = version["items"].as_array().cloned().unwrap_or_default();
    let assignee = g.pick(&p.staff).clone();
    let at = start + 6 * 3_600_000 + g.rng.random_range(0..3_600_000i64);
    let mut responses = Map::new();
    let mut actions = Vec::new();
    if !today {
        for item in &items {
            let id = item["id"].as_str().unwrap_or_default().to_string();
            let answer = match item["kind"].as_str() {
                Some("number") => {
                    json!({ "kind": "number", "value": -18.0 - f64::from(g.rng.random_range(0..4u8)) })
                }
                Some("text") => json!({ "kind": "text", "text": "All normal" }),
                _ => {
                    let fail = g.rng.random_range(0..100) < 15;
                    if fail {
                        actions.push(with(json!({
                            "id": g.uuid(), "item_id": id, "description": format!("Fix: {}", item["label"].as_str().unwrap_or("item")),
                            "assignee": p.manager, "due_at": rfc3339(start + 3 * DAY_MS), "priority": "high", "timeline": [],
                        }), stamp(&assignee, at)));
                    }
                    json!({ "kind": "check", "outcome": if fail { "fail" } else { "pass" } })
                }
            };
            responses.insert(
                id,
                with(
                    json!({ "answer": answer, "photos": [] }),
                    stamp(&assignee, at),
                ),
            );
        }
    }
    let mut run = json!({
        "type": "checklist_run", "schema_version": 1, "site": slug,
        "template": { "template_id": template_id, "version": version["version"], "name": template["name"], "items": items },
        "location": "A", "assignee": assignee, "due_at": rfc3339(start + 9 * 3_600_000),
        "responses": responses, "notes": [], "corrective_actions": actions,
    });
    if !today {
        run["sign_off"] = with(
            json!({ "name": assignee, "method": { "kind": "pin" } }),
            stamp(&assignee, at + 600_000),
        );
        run["completed_at"] = json!(rfc3339(at + 600_000));
    }
    run
}

/// One received and put-away delivery per supplier, before the history starts:
/// every item arrives, most with two to four times their reorder point, a few
/// with less (those are on the replenishment list from day one).
fn opening_stock(
    g: &mut Gen,
    slug: &str,
    p: &People,
    bins: &[Bin],
    skus: &[Item],
    at: i64,
) -> Vec<Value> {
    let receiver = p.staff[0].clone();
    SUPPLIERS
        .iter()
        .enumerate()
        .map(|(n, supplier)| {
            let arrived = at + n as i64 * 3_600_000;
            let mut expected = Vec::new();
            let mut entries = Vec::new();
            for (i, item) in skus.iter().filter(|i| i.supplier == *supplier).enumerate() {
                let reorder = item.reorder_point;
                let qty = if g.rng.random_range(0..100) < BELOW_REORDER_PERCENT {
                    g.rng.random_range(1..reorder)
                } else {
                    g.rng.random_range(reorder * 2..=reorder * 4)
                };
                let line_id = g.uuid();
                let bin = g.pick(bins).code.clone();
                expected
                    .push(json!({ "id": line_id, "sku": item.sku, "qty": qty, "location": bin }));
                entries.push(with(
                    json!({
                        "id": g.uuid(), "expected_line": line_id, "sku": item.sku, "qty": qty,
                        "damaged_qty": 0, "location": bin, "photos": [],
                    }),
                    stamp(&receiver, arrived + 600_000 + i as i64 * 20_000),
                ));
            }
            let mut timeline: Vec<Value> = [
                ("arrived", 0),
                ("unloading", 300_000),
                ("received", 4 * 3_600_000),
            ]
            .into_iter()
            .map(|(status, offset)| {
                with(
                    json!({ "id": g.uuid(), "status": status }),
                    stamp(&receiver, arrived + offset),
                )
            })
            .collect();
            timeline.push(with(
                json!({ "id": g.uuid(), "status": "put_away" }),
                stamp(&p.manager, arrived + 6 * 3_600_000),
            ));
            json!({
                "type": "shipment", "schema_version": 1, "site": slug, "direction": "inbound",
                "reference": format!("PO-OPEN-{}", n + 1), "carrier": "Nordfrakt",
                "counterparty": supplier, "expected_at": rfc3339(arrived),
                "expected_lines": expected, "entries": entries, "timeline": timeline,
            })
        })
        .collect()
}

fn shipment(
    g: &mut Gen,
    slug: &str,
    p: &People,
    bins: &[Bin],
    skus: &[Item],
    start: i64,
    today: bool,
) -> Value {
    let expected_at = start + g.rng.random_range(7..15) * 3_600_000;
    let mut expected = Vec::new();
    let mut entries = Vec::new();
    let receiver = g.pick(&p.staff).clone();
    for i in 0..g.rng.random_range(2..6) {
        let line_id = g.uuid();
        let sku = g.pick(skus).sku.clone();
        let bin = g.pick(bins).code.clone();
        let qty: u64 = g.rng.random_range(10..60);
        expected.push(json!({ "id": line_id, "sku": sku, "qty": qty, "location": bin }));
        if !today {
            let damaged = if g.rng.random_range(0..100) < 15 {
                2
            } else {
                0
            };
            let short = if g.rng.random_range(0..100) < 10 {
                3
            } else {
                0
            };
            entries.push(with(json!({
                "id": g.uuid(), "expected_line": line_id, "sku": sku, "qty": qty - damaged - short,
                "damaged_qty": damaged, "location": bin, "photos": [],
            }), stamp(&receiver, expected_at + 1_800_000 + i * 60_000)));
        }
    }
    let mut timeline = Vec::new();
    if !today {
        for (status, offset) in [
            ("arrived", 900_000),
            ("unloading", 1_200_000),
            ("received", 3_600_000),
        ] {
            timeline.push(with(
                json!({ "id": g.uuid(), "status": status }),
                stamp(&receiver, expected_at + offset),
            ));
        }
    }
    json!({
        "type": "shipment", "schema_version": 1, "site": slug, "direction": "inbound",
        "reference": format!("PO-{}", g.rng.random_range(10_000..99_999)), "carrier": "Nordfrakt",
        "counterparty": SUPPLIERS[g.rng.random_range(0..SUPPLIERS.len())], "expected_at": rfc3339(expected_at),
        "expected_lines": expected, "entries": entries, "timeline": timeline,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_demo_document_passes_the_shared_schema() {
        let people = People {
            manager: "1".into(),
            staff: vec!["2".into(), "3".into()],
        };
        let data = demo_data("demo", "Demo warehouse", &people, 1_795_600_978_123, 7);
        assert!(data.site["items"].as_object().expect("items").len() >= 500);
        assert!(data.work.len() >= 21 * 5);
        for doc in std::iter::once(&data.site).chain(&data.work) {
            if let Err(problems) = floorwalk_shared::validate(doc) {
                panic!("{}: {:?}", doc["type"], &problems[..problems.len().min(5)]);
            }
        }
    }
}
