use serde_json::json;

use super::{assert_problem, assert_valid, problems, with, without};
use crate::examples::{example_site, example_site_json as example, example_uuid as id};

fn location(n: u64) -> String {
    format!("/locations/{}", id(n))
}

fn item(n: u64) -> String {
    format!("/items/{}", id(n))
}

#[test]
fn location_tree_goes_zone_aisle_bin() {
    let json = with(example(), &format!("{}/parent", location(3)), json!(id(1)));
    assert_problem(
        &json,
        &format!(
            "locations[\"{}\"].parent: must be an aisle, found a zone",
            id(3)
        ),
    );
    let json = without(example(), &format!("{}/parent", location(2)));
    assert_problem(
        &json,
        &format!(
            "locations[\"{}\"].parent: is required for an aisle (the id of a zone)",
            id(2)
        ),
    );
    let json = with(example(), &format!("{}/parent", location(4)), json!(id(99)));
    assert_problem(
        &json,
        &format!(
            "locations[\"{}\"].parent: no location has id \"{}\"",
            id(4),
            id(99)
        ),
    );
}

#[test]
fn locations_and_items_are_keyed_by_device_made_uuids() {
    let json = with(
        example(),
        "/locations/A-01",
        json!({ "code": "X", "kind": "zone" }),
    );
    assert_problem(
        &json,
        "locations[\"A-01\"]: invalid key: must be a lowercase UUID made on the device",
    );
}

#[test]
fn concurrently_created_duplicates_are_flagged_not_merged() {
    // Two managers both added SKU-9 offline: two ids, one SKU.
    let twin = example()["items"][id(11)].clone();
    let json = with(example(), &item(14), twin);
    assert_problem(
        &json,
        &format!(
            "items[\"{}\"].sku: SKU \"SKU-9\" is also used by item {}",
            id(14),
            id(11)
        ),
    );
    assert_problem(
        &json,
        &format!(
            "items[\"{}\"].barcodes[0]: barcode \"4006381333931\" also identifies item {}",
            id(14),
            id(11)
        ),
    );
    let twin = json!({ "code": "A-01-01", "kind": "bin", "parent": id(2) });
    let json = with(example(), &location(5), twin);
    assert_problem(
        &json,
        &format!(
            "locations[\"{}\"].code: code \"A-01-01\" is also used by location {}",
            id(5),
            id(3)
        ),
    );
}

#[test]
fn stock_levels_are_ordered_and_classes_exist() {
    let json = with(example(), &format!("{}/max_qty", item(11)), json!(15));
    assert_problem(
        &json,
        &format!(
            "items[\"{}\"].max_qty: must be ≥ reorder_point (20), found 15",
            id(11)
        ),
    );
    let json = with(example(), &format!("{}/item_class", item(11)), json!("Z"));
    assert_problem(
        &json,
        &format!(
            "items[\"{}\"].item_class: no item class \"Z\" in item_classes",
            id(11)
        ),
    );
}

#[test]
fn money_is_whole_minor_units_and_currency_is_iso() {
    let json = with(
        example(),
        &format!("{}/unit_cost_minor", item(12)),
        json!(4.5),
    );
    assert_problem(
        &json,
        &format!(
            "items[\"{}\"].unit_cost_minor: must be a whole number ≥ 0",
            id(12)
        ),
    );
    let json = with(example(), "/currency", json!("euro"));
    assert_problem(
        &json,
        "currency: must be an ISO 4217 currency code such as \"EUR\"",
    );
}

#[test]
fn template_versions_and_item_ranges_are_checked() {
    let template = format!("/checklist_templates/{}", id(21));
    let again = example()["checklist_templates"][id(21)]["versions"][0].clone();
    let json = with(example(), &format!("{template}/versions/1"), again);
    assert_problem(
        &json,
        &format!(
            "checklist_templates[\"{}\"].versions[1].version: version 1 is published twice (also at [0])",
            id(21)
        ),
    );
    let json = with(
        example(),
        &format!("{template}/versions/0/items/1/min"),
        json!(9.5),
    );
    assert_problem(
        &json,
        &format!(
            "checklist_templates[\"{}\"].versions[0].items[1].max: must be ≥ min (9.5), found 5",
            id(21)
        ),
    );
    let json = with(
        example(),
        &format!("{template}/versions/0/items/0/kind"),
        json!("photo"),
    );
    assert_problem(
        &json,
        &format!(
            "checklist_templates[\"{}\"].versions[0].items[0].kind: unknown response kind \"photo\" \
             (expected one of check, number, text)",
            id(21)
        ),
    );
}

#[test]
fn optional_collections_may_be_absent() {
    let json = without(without(example(), "/item_classes"), "/checklist_templates");
    let json = without(json, &format!("{}/item_class", item(11)));
    assert_valid(&json);
    assert!(problems(&json).is_empty());
}

#[test]
fn lookups_by_code_and_tolerance_by_class() {
    let site = example_site();
    let wrap = site.item_by_sku("SKU-9").expect("SKU-9 exists");
    assert_eq!(site.tolerance_units(wrap), 2);
    let ties = site.item_by_sku("SKU-12").expect("SKU-12 exists");
    assert_eq!(site.tolerance_units(ties), 0);
    assert!(site.location_by_code("A-01-02").is_some());
    assert!(site.checklist_templates[&id(21)].latest().is_some());
}

#[test]
fn work_documents_resolve_against_the_site_master_data() {
    use crate::examples::{all_examples, example_count_session};
    use crate::{Document, unknown_references};
    let site = example_site();
    for document in all_examples() {
        assert_eq!(
            unknown_references(&document, &site),
            [],
            "{:?}",
            document.document_type()
        );
    }
    let mut session = example_count_session();
    session.entries[0].sku = "SKU-404".into();
    session.site = "dc-south".into();
    let found: Vec<String> = unknown_references(&Document::CountSession(session), &site)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        found,
        [
            "site: is \"dc-south\" but the master data is for \"dc-north\"",
            "entries[0].sku: no item with SKU \"SKU-404\" in the site's master data",
        ]
    );
}
