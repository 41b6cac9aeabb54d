//! Unit tests: every example is valid; each kind of bad input gives the expected path
//! and message; garbage never panics.

mod checklist_run;
mod count_session;
mod garbage;
mod root;
mod shipment;
mod site;
mod stock_log;

use serde_json::Value;

use crate::{Document, validate};

/// `json` with the value at JSON pointer `at` replaced (or added).
pub(super) fn with(mut json: Value, at: &str, value: Value) -> Value {
    let (parent, key) = at.rsplit_once('/').expect("pointer has a parent");
    match json.pointer_mut(parent).expect("parent exists") {
        Value::Object(map) => {
            map.insert(key.replace("~1", "/").replace("~0", "~"), value);
        }
        Value::Array(list) => {
            let i: usize = key.parse().expect("index");
            if i < list.len() {
                list[i] = value;
            } else {
                list.push(value);
            }
        }
        other => panic!("cannot set {at} inside {other}"),
    }
    json
}

/// `json` without the field at JSON pointer `at`.
pub(super) fn without(mut json: Value, at: &str) -> Value {
    let (parent, key) = at.rsplit_once('/').expect("pointer has a parent");
    if let Some(Value::Object(map)) = json.pointer_mut(parent) {
        map.remove(key);
    }
    json
}

/// Every problem, as `path: message` lines.
pub(super) fn problems(json: &Value) -> Vec<String> {
    match validate(json) {
        Ok(_) => Vec::new(),
        Err(problems) => problems.iter().map(ToString::to_string).collect(),
    }
}

/// Asserts that `json` is invalid and that one of its problems is exactly `expected`.
#[track_caller]
pub(super) fn assert_problem(json: &Value, expected: &str) {
    let found = problems(json);
    assert!(
        found.iter().any(|p| p == expected),
        "expected problem\n  {expected}\nfound\n  {}",
        found.join("\n  ")
    );
}

/// Asserts `json` is valid and returns it typed.
#[track_caller]
pub(super) fn assert_valid(json: &Value) -> Document {
    match validate(json) {
        Ok(document) => document,
        Err(problems) => {
            let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
            panic!("expected a valid document, found\n  {}", lines.join("\n  "))
        }
    }
}
