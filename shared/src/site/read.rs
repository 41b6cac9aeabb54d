//! Reading and cross-checking a `site` document.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use super::{Item, ItemClass, Location, LocationKind, SiteMaster};
use crate::checklist_template::read_template;
use crate::document::Header;
use crate::validation::limits::{
    MAX_BARCODE, MAX_CODE, MAX_ITEMS, MAX_LOCATIONS, MAX_NAME, MAX_SMALL_LIST, MAX_TEMPLATES,
};
use crate::validation::scalars::{
    boolean, code, code_problem, one_of, quantity, text, uuid, uuid_key,
};
use crate::validation::{Checker, Object, Segment};

pub(crate) fn read_site(c: &mut Checker, o: &Object, header: Option<Header>) -> Option<SiteMaster> {
    let name = c.required(o, "name", text(MAX_NAME));
    let currency = c.required(o, "currency", currency);
    let locations = c.required(o, "locations", |c, v| {
        let locations = c.map(v, MAX_LOCATIONS, uuid_key, |c, _, v| read_location(c, v))?;
        check_tree(c, &locations);
        Some(locations)
    });
    let item_classes = c
        .optional(o, "item_classes", |c, v| {
            c.map(v, MAX_SMALL_LIST, code_key, |c, _, v| read_item_class(c, v))
        })
        .map(Option::unwrap_or_default);
    let items = c.required(o, "items", |c, v| {
        let items = c.map(v, MAX_ITEMS, uuid_key, |c, _, v| read_item(c, v))?;
        check_items(c, &items, item_classes.as_ref());
        Some(items)
    });
    let checklist_templates = c
        .optional(o, "checklist_templates", |c, v| {
            c.map(v, MAX_TEMPLATES, uuid_key, |c, _, v| read_template(c, v))
        })
        .map(Option::unwrap_or_default);
    let header = header?;
    Some(SiteMaster {
        schema_version: header.schema_version,
        site: header.site,
        name: name?,
        currency: currency?,
        locations: locations?,
        items: items?,
        item_classes: item_classes?,
        checklist_templates: checklist_templates?,
    })
}

fn code_key(key: &str) -> Result<(), String> {
    code_problem(key, MAX_CODE).map_or(Ok(()), Err)
}

fn currency(c: &mut Checker, v: &Value) -> Option<String> {
    let text = v
        .as_str()
        .filter(|s| s.len() == 3 && s.bytes().all(|b| b.is_ascii_uppercase()));
    if text.is_none() {
        c.report("must be an ISO 4217 currency code such as \"EUR\"");
    }
    text.map(str::to_owned)
}

fn read_location(c: &mut Checker, v: &Value) -> Option<Location> {
    let o = c.object(v)?;
    let code = c.required(o, "code", code(MAX_CODE));
    let kind = c.required(o, "kind", one_of::<LocationKind>);
    let parent = c.optional(o, "parent", uuid);
    let name = c.optional(o, "name", text(MAX_NAME));
    let archived = c.optional(o, "archived", boolean);
    Some(Location {
        code: code?,
        kind: kind?,
        parent: parent?,
        name: name?,
        archived: archived?.unwrap_or(false),
    })
}

/// Zone → aisle → bin: each level's parent must exist and be one level up.
fn check_tree(c: &mut Checker, locations: &BTreeMap<String, Location>) {
    let mut codes: HashMap<&str, &str> = HashMap::new();
    for (id, location) in locations {
        let at = |field| [Segment::key(id), Segment::Field(field)];
        if let Some(other) = codes.insert(&location.code, id) {
            let message = format!("code {:?} is also used by location {other}", location.code);
            c.report_at(&at("code"), message);
        }
        let wanted = match location.kind {
            LocationKind::Zone => None,
            LocationKind::Aisle => Some(LocationKind::Zone),
            LocationKind::Bin => Some(LocationKind::Aisle),
        };
        let parent = location.parent.as_ref().map(|p| (p, locations.get(p)));
        let message = match (wanted, parent) {
            (None, None) => continue,
            (None, Some(_)) => "a zone has no parent".to_owned(),
            (Some(kind), None) => format!(
                "is required for {} (the id of {})",
                a(location.kind),
                a(kind)
            ),
            (Some(_), Some((p, None))) => format!("no location has id {p:?}"),
            (Some(kind), Some((_, Some(found)))) if found.kind != kind => {
                format!("must be {}, found {}", a(kind), a(found.kind))
            }
            (Some(_), Some(_)) => continue,
        };
        c.report_at(&at("parent"), message);
    }
}

/// The kind with its article, for messages.
fn a(kind: LocationKind) -> &'static str {
    match kind {
        LocationKind::Zone => "a zone",
        LocationKind::Aisle => "an aisle",
        LocationKind::Bin => "a bin",
    }
}

fn read_item_class(c: &mut Checker, v: &Value) -> Option<ItemClass> {
    let o = c.object(v)?;
    let name = c.optional(o, "name", text(MAX_NAME));
    let tolerance_units = c.required(o, "tolerance_units", quantity);
    Some(ItemClass {
        name: name?,
        tolerance_units: tolerance_units?,
    })
}

fn read_item(c: &mut Checker, v: &Value) -> Option<Item> {
    let o = c.object(v)?;
    let sku = c.required(o, "sku", code(MAX_CODE));
    let name = c.required(o, "name", text(MAX_NAME));
    let barcodes = c.list_field(o, "barcodes", MAX_SMALL_LIST, code(MAX_BARCODE));
    let unit = c.required(o, "unit", code(MAX_CODE));
    let unit_cost_minor = c.required(o, "unit_cost_minor", quantity);
    let min_qty = c.optional(o, "min_qty", quantity);
    let reorder_point = c.optional(o, "reorder_point", quantity);
    let max_qty = c.optional(o, "max_qty", quantity);
    let item_class = c.optional(o, "item_class", code(MAX_CODE));
    let supplier = c.optional(o, "supplier", text(MAX_NAME));
    let archived = c.optional(o, "archived", boolean);
    let item = Item {
        sku: sku?,
        name: name?,
        barcodes: barcodes?,
        unit: unit?,
        unit_cost_minor: unit_cost_minor?,
        min_qty: min_qty?,
        reorder_point: reorder_point?,
        max_qty: max_qty?,
        item_class: item_class?,
        supplier: supplier?,
        archived: archived?.unwrap_or(false),
    };
    check_levels(c, &item);
    Some(item)
}

/// min ≤ reorder point ≤ max, where set.
fn check_levels(c: &mut Checker, item: &Item) {
    let levels = [
        ("min_qty", item.min_qty),
        ("reorder_point", item.reorder_point),
        ("max_qty", item.max_qty),
    ];
    let set: Vec<(&'static str, u64)> = levels
        .iter()
        .filter_map(|(n, q)| Some((*n, (*q)?)))
        .collect();
    for pair in set.windows(2) {
        let ((low_name, low), (high_name, high)) = (pair[0], pair[1]);
        if high < low {
            c.report_at(
                &[Segment::Field(high_name)],
                format!("must be ≥ {low_name} ({low}), found {high}"),
            );
        }
    }
}

/// SKUs and barcodes must each name one item, and classes must exist.
fn check_items(
    c: &mut Checker,
    items: &BTreeMap<String, Item>,
    classes: Option<&BTreeMap<String, ItemClass>>,
) {
    let mut skus: HashMap<&str, &str> = HashMap::new();
    let mut barcodes: HashMap<&str, &str> = HashMap::new();
    for (id, item) in items {
        if let Some(other) = skus.insert(&item.sku, id) {
            let message = format!("SKU {:?} is also used by item {other}", item.sku);
            c.report_at(&[Segment::key(id), Segment::Field("sku")], message);
        }
        for (i, barcode) in item.barcodes.iter().enumerate() {
            match barcodes.insert(barcode, id) {
                Some(other) if other != id => {
                    let at = [
                        Segment::key(id),
                        Segment::Field("barcodes"),
                        Segment::Index(i),
                    ];
                    c.report_at(
                        &at,
                        format!("barcode {barcode:?} also identifies item {other}"),
                    );
                }
                _ => {}
            }
        }
        let Some(class) = &item.item_class else {
            continue;
        };
        if classes.is_some_and(|classes| !classes.contains_key(class)) {
            let at = [Segment::key(id), Segment::Field("item_class")];
            c.report_at(&at, format!("no item class {class:?} in item_classes"));
        }
    }
}
