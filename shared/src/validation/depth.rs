//! Depth check over the whole value, unknown fields included.
//!
//! The walk recurses at most `MAX_DEPTH + 1` levels and stops there, so a hostile
//! 100 000-level nesting cannot overflow the validator's stack. Only the first too-deep
//! place is reported: one problem says it all.

use serde_json::Value;

use super::limits::MAX_DEPTH;
use super::{Checker, Segment};

pub(crate) fn check_depth(checker: &mut Checker, root: &Value) {
    let mut path = Vec::new();
    if let Some(path) = find_too_deep(root, 0, &mut path) {
        checker.report_at(
            &path,
            format!("nested more than {MAX_DEPTH} levels deep; deeper content is not allowed"),
        );
    }
}

/// The path of the first container nested deeper than `MAX_DEPTH`, if any.
fn find_too_deep(value: &Value, depth: usize, path: &mut Vec<Segment>) -> Option<Vec<Segment>> {
    let children: Box<dyn Iterator<Item = (Segment, &Value)>> = match value {
        Value::Array(items) => Box::new(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| (Segment::Index(i), v)),
        ),
        Value::Object(map) => Box::new(map.iter().map(|(k, v)| (Segment::key(k), v))),
        _ => return None,
    };
    if depth >= MAX_DEPTH {
        return Some(path.clone());
    }
    for (segment, child) in children {
        if !matches!(child, Value::Array(_) | Value::Object(_)) {
            continue;
        }
        path.push(segment);
        let found = find_too_deep(child, depth + 1, path);
        path.pop();
        if found.is_some() {
            return found;
        }
    }
    None
}
