use serde_json::json;

use super::{assert_problem, with, without};
use crate::examples::example_stock_log_json as example;

#[test]
fn transfers_need_two_different_ends() {
    let json = without(example(), "/movements/0/to");
    assert_problem(&json, "movements[0].to: a transfer needs both from and to");
    let json = with(example(), "/movements/0/to", json!("A-01-01"));
    assert_problem(
        &json,
        "movements[0].to: a transfer must go to another location than \"A-01-01\"",
    );
}

#[test]
fn corrections_have_exactly_one_end() {
    let json = with(example(), "/movements/1/to", json!("A-01-01"));
    assert_problem(
        &json,
        "movements[1].to: a correction needs exactly one of from (stock out) or to (stock in)",
    );
}

#[test]
fn movement_fields_are_checked() {
    let json = with(example(), "/movements/1/cause", json!("theft"));
    assert_problem(
        &json,
        "movements[1].cause: unknown movement cause \"theft\" (expected one of transfer, correction)",
    );
    let json = with(example(), "/movements/1/qty", json!(null));
    assert_problem(
        &json,
        "movements[1].qty: must be a whole number ≥ 0, found null",
    );
}
