use serde_json::json;

use super::{assert_problem, with, without};
use crate::checklist_run::ActionStatus;
use crate::examples::{
    example_checklist_run, example_checklist_run_json as example, example_uuid as id,
};

#[test]
fn answers_must_match_the_item_kind() {
    let json = with(
        example(),
        &format!("/responses/{}/answer", id(32)),
        json!({ "kind": "check", "outcome": "pass" }),
    );
    assert_problem(
        &json,
        &format!(
            "responses[\"{}\"].answer: is a check answer but the item takes number",
            id(32)
        ),
    );
    let json = with(
        example(),
        &format!("/responses/{}/answer/outcome", id(31)),
        json!("maybe"),
    );
    assert_problem(
        &json,
        &format!(
            "responses[\"{}\"].answer.outcome: unknown check outcome \"maybe\" (expected one of pass, fail, na)",
            id(31)
        ),
    );
}

#[test]
fn responses_and_actions_name_template_items() {
    let response = example()["responses"][id(32)].clone();
    let json = with(example(), &format!("/responses/{}", id(99)), response);
    assert_problem(
        &json,
        &format!(
            "responses[\"{}\"]: no item of the template has this id",
            id(99)
        ),
    );
    let json = with(example(), "/corrective_actions/0/item_id", json!(id(98)));
    assert_problem(
        &json,
        &format!(
            "corrective_actions[0].item_id: no item of the template has id \"{}\"",
            id(98)
        ),
    );
}

#[test]
fn numbers_must_be_finite_numbers() {
    let json = with(
        example(),
        &format!("/responses/{}/answer/value", id(32)),
        json!("3.5"),
    );
    assert_problem(
        &json,
        &format!(
            "responses[\"{}\"].answer.value: must be a number, found a string",
            id(32)
        ),
    );
}

#[test]
fn sign_off_method_and_action_fields_are_checked() {
    let json = with(
        example(),
        "/sign_off/method",
        json!({ "kind": "signature" }),
    );
    assert_problem(&json, "sign_off.method.image: is required");
    let json = with(example(), "/sign_off/method", json!({ "kind": "pin" }));
    super::assert_valid(&json);
    let json = with(example(), "/corrective_actions/0/priority", json!("asap"));
    assert_problem(
        &json,
        "corrective_actions[0].priority: unknown priority \"asap\" (expected one of low, medium, high, urgent)",
    );
    let json = without(example(), "/template/items/0/label");
    assert_problem(&json, "template.items[0].label: is required");
}

#[test]
fn failed_items_missing_required_and_action_status_are_derived() {
    let mut run = example_checklist_run();
    let failed: Vec<&str> = run.failed_items().iter().map(|i| i.id.as_str()).collect();
    assert_eq!(failed, [id(31)]);
    assert!(run.missing_required().is_empty());
    assert_eq!(run.corrective_actions[0].status(), ActionStatus::InProgress);
    assert!(run.corrective_actions[0].is_open());
    // A reading out of range fails too.
    run.responses.get_mut(&id(32)).expect("response").answer =
        crate::checklist_run::Answer::Number { value: 7.0 };
    assert_eq!(run.failed_items().len(), 2);
    run.responses.remove(&id(32));
    assert_eq!(run.missing_required().len(), 1);
}
