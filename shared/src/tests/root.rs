//! The root fields, the examples, and the plumbing (paths, limits, enums).

use serde_json::json;

use super::{assert_problem, assert_valid, problems, with, without};
use crate::examples::{all_example_json, all_examples, example_count_session_json};
use crate::{DomainEnum, SCHEMA_VERSION, validate};

#[test]
fn every_example_is_valid_and_validates_to_its_typed_form() {
    for (json, typed) in all_example_json().iter().zip(all_examples()) {
        assert_eq!(assert_valid(json), typed);
    }
}

#[test]
fn typed_documents_serialize_back_to_what_validates() {
    for document in all_examples() {
        let json = document.to_json();
        assert_eq!(assert_valid(&json), document);
        assert_eq!(json["type"], document.document_type().as_str());
        assert_eq!(document.site(), "dc-north");
    }
}

#[test]
fn unknown_type_is_named_with_the_accepted_ones() {
    let json = with(example_count_session_json(), "/type", json!("foo"));
    assert_problem(
        &json,
        "type: unknown document type \"foo\" (expected one of site, count_session, \
         checklist_run, shipment, stock_log)",
    );
}

#[test]
fn root_fields_are_required() {
    let json = json!({});
    assert_eq!(
        problems(&json),
        [
            "type: is required",
            "schema_version: is required",
            "site: is required"
        ]
    );
}

#[test]
fn a_root_that_is_not_an_object_is_one_problem() {
    assert_eq!(
        problems(&json!([1, 2])),
        ["(document): must be an object, found a list"]
    );
    assert_eq!(
        problems(&json!(null)),
        ["(document): must be an object, found null"]
    );
}

#[test]
fn newer_schema_versions_are_reported_not_guessed_at() {
    let json = with(
        example_count_session_json(),
        "/schema_version",
        json!(SCHEMA_VERSION + 1),
    );
    let json = with(json, "/entries", json!("not checked against v1 rules"));
    assert_eq!(
        problems(&json),
        [
            "schema_version: unsupported schema_version 2 (this build understands 1); update the server"
        ]
    );
    let json = with(example_count_session_json(), "/schema_version", json!("1"));
    assert_problem(
        &json,
        "schema_version: must be a whole number ≥ 1, found a string",
    );
}

#[test]
fn site_must_be_a_slug() {
    let json = with(example_count_session_json(), "/site", json!("DC North"));
    assert_problem(
        &json,
        "site: must be a site slug (1–64 of a–z, 0–9 and \"-\"), found \"DC North\"",
    );
    let json = without(example_count_session_json(), "/site");
    assert_problem(&json, "site: is required");
}

#[test]
fn unknown_extra_fields_are_tolerated() {
    let json = with(
        example_count_session_json(),
        "/added_by_a_newer_client",
        json!({"x": [1]}),
    );
    let json = with(json, "/entries/0/extra", json!(true));
    assert_valid(&json);
}

#[test]
fn null_means_not_set_for_optional_fields() {
    let json = with(example_count_session_json(), "/due_at", json!(null));
    assert_valid(&json);
}

#[test]
fn huge_strings_are_refused_without_being_echoed() {
    let huge = "x".repeat(1 << 20);
    let json = with(example_count_session_json(), "/title", json!(huge));
    let found = problems(&json);
    assert_eq!(
        found,
        ["title: is too long: 1048576 characters, at most 200 allowed"]
    );
    let json = with(example_count_session_json(), "/entries/0/sku", json!(huge));
    assert_problem(
        &json,
        "entries[0].sku: is too long: 1048576 characters, at most 64 allowed",
    );
}

#[test]
fn huge_keys_are_cut_short_in_paths() {
    let key = "k".repeat(10_000);
    let json = with(
        example_count_session_json(),
        &format!("/lines/{key}"),
        json!({}),
    );
    let found = problems(&json);
    assert_eq!(found.len(), 1);
    assert!(found[0].starts_with("lines[\"kkkk"), "{}", found[0]);
    assert!(found[0].len() < 200, "{}", found[0]);
}

#[test]
fn deep_nesting_is_capped_in_unknown_fields_too() {
    let mut deep = json!(1);
    for _ in 0..10_000 {
        // Not `json!`: it serialises its argument, recursively.
        deep = serde_json::Value::Array(vec![deep]);
    }
    let json = with(example_count_session_json(), "/extra", deep);
    let found = problems(&json);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("nested more than 32 levels deep"),
        "{}",
        found[0]
    );
    // Dropping a 10 000-deep value recurses in serde_json itself; leak it so this test
    // is about our validator, not about the drop.
    std::mem::forget(json);
}

#[test]
fn huge_lists_are_refused_before_reading_them() {
    let entries = vec![json!(0); crate::limits::MAX_ENTRIES + 1];
    let json = with(example_count_session_json(), "/entries", json!(entries));
    assert_eq!(
        problems(&json),
        ["entries: has 100001 elements, at most 100000 allowed"]
    );
}

#[test]
fn problems_are_capped_with_a_count_of_the_rest() {
    let entries = vec![json!({}); 1_000];
    let json = with(example_count_session_json(), "/entries", json!(entries));
    let found = problems(&json);
    assert_eq!(found.len(), crate::limits::MAX_PROBLEMS + 1);
    let not_listed = 1_000 * 8 - crate::limits::MAX_PROBLEMS;
    assert_eq!(
        found.last().map(String::as_str),
        Some(&*format!(
            "(document): {not_listed} more problems not listed"
        ))
    );
}

#[test]
fn domain_enums_serialize_as_their_listed_words() {
    fn check<E: DomainEnum + serde::Serialize>() {
        for value in E::ALL {
            assert_eq!(
                serde_json::to_value(value).ok(),
                Some(json!(value.as_str()))
            );
            assert_eq!(
                E::parse(value.as_str()).map(|v| v.as_str()),
                Some(value.as_str())
            );
        }
    }
    check::<crate::DocumentType>();
    check::<crate::ContentType>();
    check::<crate::ResponseKind>();
    check::<crate::site::LocationKind>();
    check::<crate::count_session::CountStatus>();
    check::<crate::count_session::ReasonCode>();
    check::<crate::checklist_run::CheckOutcome>();
    check::<crate::checklist_run::Priority>();
    check::<crate::checklist_run::ActionStatus>();
    check::<crate::shipment::Direction>();
    check::<crate::shipment::ShipmentStatus>();
    check::<crate::stock_log::MovementCause>();
}

#[test]
fn validate_agrees_with_serde_on_the_examples() {
    for json in all_example_json() {
        let via_serde: crate::Document =
            serde_json::from_value(json.clone()).expect("serde reads it");
        assert_eq!(validate(&json).ok(), Some(via_serde));
    }
}
