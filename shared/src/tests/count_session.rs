use serde_json::json;

use super::{assert_problem, assert_valid, problems, with, without};
use crate::count_session::{CountConflict, CountStatus};
use crate::examples::{example_count_session, example_count_session_json as example};

#[test]
fn quantities_are_whole_numbers_not_below_zero() {
    for bad in [json!(-1), json!(2.5), json!(-0.5)] {
        let json = with(example(), "/entries/2/qty", bad);
        assert_problem(&json, "entries[2].qty: must be a whole number ≥ 0");
    }
    let json = with(example(), "/entries/2/qty", json!("12"));
    assert_problem(
        &json,
        "entries[2].qty: must be a whole number ≥ 0, found a string",
    );
    let json = with(example(), "/entries/2/qty", json!(1e12));
    assert_problem(
        &json,
        "entries[2].qty: must be at most 1000000000, found 1000000000000",
    );
    // JS may hand over 4.0 for 4.
    assert_valid(&with(example(), "/entries/2/qty", json!(4.0)));
}

#[test]
fn unknown_reason_code_lists_the_known_ones() {
    let json = with(example(), "/lines/A-01-02|SKU-12/reason", json!("brokn"));
    assert_problem(
        &json,
        "lines[\"A-01-02|SKU-12\"].reason: unknown reason code \"brokn\" (expected one of \
         damaged, lost, found, mis_picked, unit_error, other)",
    );
}

#[test]
fn line_keys_are_location_and_sku() {
    let json = with(example(), "/lines/A-01-01", json!({}));
    assert_problem(
        &json,
        "lines[\"A-01-01\"]: invalid key: must be \"<location code>|<sku>\"",
    );
    let json = with(example(), "/lines/A-01-01|", json!({}));
    assert_problem(
        &json,
        "lines[\"A-01-01|\"]: invalid key: SKU must not be empty",
    );
}

#[test]
fn entries_need_every_field_and_report_them_all() {
    let json = with(example(), "/entries/1", json!({ "id": "nope", "qty": 1 }));
    assert_eq!(
        problems(&json),
        [
            "entries[1].id: must be a lowercase UUID like \"3f2b8c1e-9a4d-4e57-8b1a-0c6d2e4f9a10\", found \"nope\"",
            "entries[1].location: is required",
            "entries[1].sku: is required",
            "entries[1].count_index: is required",
            "entries[1].by: is required",
            "entries[1].at: is required",
            "entries[1].device: is required",
        ]
    );
}

#[test]
fn count_index_starts_at_one_and_recounts_ask_for_later_passes() {
    let json = with(example(), "/entries/0/count_index", json!(0));
    assert_problem(&json, "entries[0].count_index: must be a whole number ≥ 1");
    let recount =
        json!({ "count_index": 1, "by": "u", "at": "2026-11-25T10:00:00Z", "device": "d" });
    let json = with(example(), "/lines/A-01-01|SKU-9/recount", recount);
    assert_problem(
        &json,
        "lines[\"A-01-01|SKU-9\"].recount.count_index: must be ≥ 2 (pass 1 is the first count)",
    );
}

#[test]
fn timestamps_are_rfc3339() {
    let json = with(example(), "/entries/3/at", json!(1764064397120_u64));
    assert_problem(&json, "entries[3].at: must be a string, found a number");
    let json = with(example(), "/due_at", json!("next friday"));
    assert_problem(
        &json,
        "due_at: must be an RFC 3339 timestamp like \"2026-11-25T09:53:17.000Z\", found \"next friday\"",
    );
}

#[test]
fn entry_ids_are_unique() {
    let json = with(
        example(),
        "/entries/4/id",
        example()["entries"][1]["id"].clone(),
    );
    assert_problem(
        &json,
        "entries[4].id: duplicate id \"00000000-0000-4000-8000-000000000070\" (also at [1])",
    );
}

#[test]
fn codes_cannot_contain_the_line_key_separator() {
    let json = with(example(), "/entries/0/location", json!("A|01"));
    assert_problem(
        &json,
        "entries[0].location: \"A|01\" must not contain \"|\"",
    );
}

#[test]
fn wrong_types_everywhere_are_each_reported() {
    let json = with(example(), "/scope", json!([]));
    let json = with(json, "/blind", json!("yes"));
    let json = with(json, "/assignees", json!({}));
    let json = with(json, "/timeline/0/status", json!("done"));
    let json = without(json, "/title");
    assert_eq!(
        problems(&json),
        [
            "title: is required",
            "scope: must be an object, found a list",
            "blind: must be true or false, found a string",
            "assignees: must be a list, found an object",
            "timeline[0].status: unknown count status \"done\" (expected one of open, counting, review, closed)",
        ]
    );
}

#[test]
fn minimal_session_is_valid() {
    let json = json!({
        "type": "count_session", "schema_version": 1, "site": "dc-north",
        "title": "Spot check", "scope": {}, "blind": false,
    });
    assert_valid(&json);
}

#[test]
fn status_is_the_latest_event_and_open_without_any() {
    let session = example_count_session();
    assert_eq!(session.status(), CountStatus::Review);
    let mut fresh = session.clone();
    fresh.timeline.clear();
    assert_eq!(fresh.status(), CountStatus::Open);
}

#[test]
fn disagreeing_entries_of_one_pass_are_a_conflict_and_voided_ones_do_not_count() {
    let session = example_count_session();
    assert_eq!(
        session.conflicts(),
        [CountConflict {
            line_key: "A-01-01|SKU-9".into(),
            count_index: 1,
            quantities: vec![38, 39]
        }]
    );
    assert_eq!(session.counted_qty("A-01-01|SKU-9"), None);
    assert_eq!(session.counted_qty("A-01-02|SKU-12"), Some(4));
    // The unplanned item Ana found shows up as a derived line.
    assert!(session.line_keys().contains("A-01-02|SKU-30"));
}
