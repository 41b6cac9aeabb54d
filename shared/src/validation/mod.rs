//! Validation plumbing: walk a `serde_json::Value`, build the typed document, and collect
//! every problem with its path instead of stopping at the first (serde stops at the first).
//!
//! Readers are plain functions `fn(&mut Checker, &Value) -> Option<T>`. A reader reports
//! what is wrong and returns `None` when it cannot build its value; struct readers read
//! every field first and only then combine them with `?`, so one bad field never hides
//! another. Whether the document is valid is decided by "were any problems reported",
//! never by the `Option`s, so a reader may report a problem and still return a value.

pub(crate) mod depth;
pub mod limits;
mod problem;
pub(crate) mod scalars;

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};

pub use problem::Problem;
pub(crate) use problem::Segment;
use problem::{quote, render_path};
pub use scalars::check_site_slug;

pub(crate) type Object = Map<String, Value>;

/// Collects problems while readers walk a document.
#[derive(Default)]
pub(crate) struct Checker {
    problems: Vec<Problem>,
    not_listed: usize,
    path: Vec<Segment>,
}

impl Checker {
    /// Records a problem at the current path.
    pub fn report(&mut self, message: impl Into<String>) {
        self.report_at(&[], message);
    }

    /// Records a problem at `relative`, a path below the current one.
    pub fn report_at(&mut self, relative: &[Segment], message: impl Into<String>) {
        // Past the cap only count: no path or message is built for garbage at scale.
        if self.problems.len() >= limits::MAX_PROBLEMS {
            self.not_listed += 1;
            return;
        }
        let mut path = render_path(&self.path);
        if !relative.is_empty() {
            let below = render_path(relative);
            if !path.is_empty() && matches!(relative[0], Segment::Field(_)) {
                path.push('.');
            }
            path.push_str(&below);
        }
        let message = message.into();
        self.problems.push(Problem { path, message });
    }

    /// Runs `read` one step further down the path.
    pub fn at<T>(&mut self, segment: Segment, read: impl FnOnce(&mut Self) -> T) -> T {
        self.path.push(segment);
        let out = read(self);
        self.path.pop();
        out
    }

    /// Every problem reported, with the count of unlisted ones as a last problem.
    pub fn into_problems(self) -> Vec<Problem> {
        self.finish(Some(())).err().unwrap_or_default()
    }

    /// Ends the walk: the value if nothing was reported, else every problem.
    pub fn finish<T>(mut self, value: Option<T>) -> Result<T, Vec<Problem>> {
        if self.not_listed > 0 {
            let message = format!("{} more problems not listed", self.not_listed);
            self.problems.push(Problem {
                path: String::new(),
                message,
            });
        }
        match value {
            Some(value) if self.problems.is_empty() => Ok(value),
            Some(_) => Err(self.problems),
            None if self.problems.is_empty() => Err(vec![Problem {
                path: String::new(),
                message: "could not be read (validator bug: no problem was reported)".into(),
            }]),
            None => Err(self.problems),
        }
    }

    /// `value` as an object, or a problem.
    pub fn object<'v>(&mut self, value: &'v Value) -> Option<&'v Object> {
        match value {
            Value::Object(map) => Some(map),
            other => self.wrong_type("an object", other),
        }
    }

    /// Reports that `found` is not `expected`; always `None`, for `return`.
    pub fn wrong_type<T>(&mut self, expected: &str, found: &Value) -> Option<T> {
        self.report(format!("must be {expected}, found {}", describe(found)));
        None
    }

    /// A field that must be present (and not null).
    pub fn required<'v, T>(
        &mut self,
        object: &'v Object,
        key: &'static str,
        read: impl FnOnce(&mut Self, &'v Value) -> Option<T>,
    ) -> Option<T> {
        self.at(Segment::Field(key), |c| match object.get(key) {
            None => {
                c.report("is required");
                None
            }
            Some(value) => read(c, value),
        })
    }

    /// A field that may be absent or null (both mean "not set": JS writes either).
    /// `Some(None)` when not set, `None` when set but invalid.
    pub fn optional<'v, T>(
        &mut self,
        object: &'v Object,
        key: &'static str,
        read: impl FnOnce(&mut Self, &'v Value) -> Option<T>,
    ) -> Option<Option<T>> {
        match object.get(key) {
            None | Some(Value::Null) => Some(None),
            Some(value) => self.at(Segment::Field(key), |c| read(c, value).map(Some)),
        }
    }

    /// A list field that may be absent (an empty list), for lists devices append to.
    pub fn list_field<'v, T>(
        &mut self,
        object: &'v Object,
        key: &'static str,
        max: usize,
        read: impl FnMut(&mut Self, &'v Value) -> Option<T>,
    ) -> Option<Vec<T>> {
        self.optional(object, key, |c, v| c.list(v, max, read))
            .map(Option::unwrap_or_default)
    }

    /// A list devices append to: may be absent, and every element's `id` is unique.
    pub fn appended<'v, T>(
        &mut self,
        object: &'v Object,
        key: &'static str,
        max: usize,
        read: impl FnMut(&mut Self, &'v Value) -> Option<T>,
    ) -> Option<Vec<T>> {
        if let Some(list) = object.get(key) {
            self.at(Segment::Field(key), |c| c.unique_ids(list));
        }
        self.list_field(object, key, max, read)
    }

    /// A list of at most `max` elements, each read with `read`.
    pub fn list<'v, T>(
        &mut self,
        value: &'v Value,
        max: usize,
        mut read: impl FnMut(&mut Self, &'v Value) -> Option<T>,
    ) -> Option<Vec<T>> {
        let Value::Array(elements) = value else {
            return self.wrong_type("a list", value);
        };
        if elements.len() > max {
            self.report(format!(
                "has {} elements, at most {max} allowed",
                elements.len()
            ));
            return None;
        }
        let mut out = Vec::with_capacity(elements.len());
        for (i, element) in elements.iter().enumerate() {
            out.extend(self.at(Segment::Index(i), |c| read(c, element)));
        }
        (out.len() == elements.len()).then_some(out)
    }

    /// A map of at most `max` entries; `check_key` returns why a key is invalid.
    pub fn map<'v, T>(
        &mut self,
        value: &'v Value,
        max: usize,
        check_key: impl Fn(&str) -> Result<(), String>,
        mut read: impl FnMut(&mut Self, &'v str, &'v Value) -> Option<T>,
    ) -> Option<BTreeMap<String, T>> {
        let Value::Object(entries) = value else {
            return self.wrong_type("an object", value);
        };
        if entries.len() > max {
            self.report(format!(
                "has {} entries, at most {max} allowed",
                entries.len()
            ));
            return None;
        }
        let mut out = BTreeMap::new();
        for (key, element) in entries {
            let read = self.at(Segment::key(key), |c| match check_key(key) {
                Err(why) => {
                    c.report(format!("invalid key: {why}"));
                    None
                }
                Ok(()) => read(c, key, element),
            });
            if let Some(read) = read {
                out.insert(key.clone(), read);
            }
        }
        (out.len() == entries.len()).then_some(out)
    }

    /// Reports list elements whose `id` repeats an earlier element's. Appended entries are
    /// identified by their device-made id; a repeat means a client bug or a replay.
    pub fn unique_ids(&mut self, list: &Value) {
        let Value::Array(elements) = list else { return };
        let mut first_seen: HashMap<&str, usize> = HashMap::new();
        for (i, element) in elements.iter().enumerate() {
            let Some(id) = element.get("id").and_then(Value::as_str) else {
                continue;
            };
            if let Some(first) = first_seen.insert(id, i) {
                first_seen.insert(id, first);
                let at = [Segment::Index(i), Segment::Field("id")];
                self.report_at(
                    &at,
                    format!("duplicate id {} (also at [{first}])", quote(id, 40)),
                );
            }
        }
    }
}

/// "a string", "null", … for "found …" in messages.
pub(crate) fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}
