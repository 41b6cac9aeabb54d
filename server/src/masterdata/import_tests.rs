use floorwalk_shared::examples::{example_site_json, example_uuid};
use serde_json::json;

use super::*;
use crate::masterdata::csv_read::read_csv;

fn keys() -> impl FnMut() -> String {
    let mut n = 900;
    move || {
        n += 1;
        example_uuid(n)
    }
}

fn plan(kind: Kind, csv: &str) -> ImportPlan {
    let table = read_csv(csv).expect("csv");
    plan_import(kind, &table, &example_site_json(), keys()).expect("a readable header")
}

#[test]
fn bad_rows_are_named_with_their_column_and_reason() {
    let plan = plan(
        Kind::Items,
        "sku,name,unit,unit_cost_minor,min,reorder_point,max\n\
         NEW-1,Stretch film,each,250,1,5,10\n\
         NEW-2,Tape,each,abc,,,\n\
         NEW-3,Labels,roll,99,10,5,\n",
    );
    assert_eq!(plan.rows, 3);
    let found: Vec<(usize, &str)> = plan
        .errors
        .iter()
        .map(|e| (e.row, e.column.as_str()))
        .collect();
    assert_eq!(found, vec![(3, "unit_cost_minor"), (4, "reorder_point")]);
    assert!(
        plan.errors[0].message.contains("whole number"),
        "{:?}",
        plan.errors
    );
    assert!(
        plan.errors[1].message.contains("min_qty"),
        "{:?}",
        plan.errors
    );
    assert_eq!(plan.rows_with_errors(), 2);
    assert_eq!(plan.writes.len(), 1);
    let write = &plan.writes[0];
    assert!(write.is_new);
    assert_eq!(write.row, 2);
    assert_eq!(write.set["sku"], "NEW-1");
    assert_eq!(write.set["max_qty"], 10);
}

#[test]
fn an_existing_sku_updates_its_entry_and_unchanged_rows_write_nothing() {
    let plan = plan(
        Kind::Items,
        "sku,name,unit,unit_cost_minor,barcodes,supplier\n\
         SKU-9,Pallet wrap 500 mm,each,1399,4006381333931,\n\
         SKU-12,Cable ties 200 pack,box,450,,\n",
    );
    assert!(plan.errors.is_empty(), "{:?}", plan.errors);
    assert_eq!(plan.unchanged, 1, "SKU-12 is already so");
    assert_eq!(plan.writes.len(), 1);
    let write = &plan.writes[0];
    assert_eq!(write.key, example_uuid(11));
    assert!(!write.is_new);
    assert_eq!(
        write.set,
        json!({ "unit_cost_minor": 1399 })
            .as_object()
            .cloned()
            .expect("map")
    );
    assert_eq!(
        write.unset,
        vec!["supplier".to_owned()],
        "an empty cell clears the field"
    );
}

#[test]
fn duplicates_in_the_file_and_against_the_site_are_refused() {
    let plan = plan(
        Kind::Items,
        "sku,name,unit,unit_cost_minor,barcodes\n\
         NEW-1,A,each,1,111\n\
         NEW-1,B,each,1,222\n\
         NEW-2,C,each,1,4006381333931\n",
    );
    assert_eq!(plan.errors.len(), 2, "{:?}", plan.errors);
    assert_eq!(
        (plan.errors[0].row, plan.errors[0].column.as_str()),
        (3, "sku")
    );
    assert!(plan.errors[0].message.contains("also on row 2"));
    assert_eq!(
        (plan.errors[1].row, plan.errors[1].column.as_str()),
        (4, "barcodes")
    );
    assert!(
        plan.errors[1].message.contains("SKU-9"),
        "names the other item by SKU, not UUID: {}",
        plan.errors[1].message
    );
}

#[test]
fn headers_that_cannot_be_read_refuse_the_file() {
    let site = example_site_json();
    let table = read_csv("sku,name,colour\nA,B,red\n").expect("csv");
    let err = plan_import(Kind::Items, &table, &site, keys()).expect_err("unknown column");
    assert!(err.contains("\"colour\""), "{err}");
    let table = read_csv("sku,name\nA,B\n").expect("csv");
    let err = plan_import(Kind::Items, &table, &site, keys()).expect_err("missing columns");
    assert!(err.contains("unit, unit_cost_minor"), "{err}");
    let table = read_csv("sku,name,unit,unit_cost_minor\nA,B,each\n").expect("csv");
    let plan = plan_import(Kind::Items, &table, &site, keys()).expect("header fine");
    assert!(
        plan.errors[0].message.contains("3 cells"),
        "{:?}",
        plan.errors
    );
}

#[test]
fn locations_find_their_parents_in_the_file_or_the_site() {
    let plan = plan(
        Kind::Locations,
        "code,name,parent_code,kind\n\
         B,Chilled,,zone\n\
         B-01,,B,aisle\n\
         B-01-01,,B-01,bin\n\
         A-02,,A,aisle\n\
         X-01,,NOPE,aisle\n\
         Z-01,,A,bin\n\
         Z-01-01,,Z-01,bin\n",
    );
    let found: Vec<(usize, &str)> = plan
        .errors
        .iter()
        .map(|e| (e.row, e.column.as_str()))
        .collect();
    // Z-01 is a bin under a zone; its child then has no valid parent either.
    assert_eq!(
        found,
        vec![(6, "parent_code"), (7, "parent_code"), (8, "parent_code")],
        "{:?}",
        plan.errors
    );
    assert!(plan.errors[0].message.contains("\"NOPE\""));
    assert!(
        plan.errors[1].message.contains("an aisle"),
        "{:?}",
        plan.errors[1]
    );
    assert_eq!(plan.writes.len(), 4);
    let aisle = plan
        .writes
        .iter()
        .find(|w| w.set["code"] == "A-02")
        .expect("A-02");
    assert_eq!(aisle.set["parent"], example_uuid(1), "the site's zone A");
    let bin = plan
        .writes
        .iter()
        .find(|w| w.set["code"] == "B-01-01")
        .expect("B-01-01");
    let parent = plan
        .writes
        .iter()
        .find(|w| w.set["code"] == "B-01")
        .expect("B-01");
    assert_eq!(bin.set["parent"], parent.key.as_str());
}
