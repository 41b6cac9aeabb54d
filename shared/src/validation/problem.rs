//! What is wrong with a document, and where.

use std::fmt;

/// One thing wrong with a document: where (`entries[2].qty`) and what, in words a manager
/// or developer can act on. `path` is empty when the document as a whole is wrong.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Problem {
    /// Dotted path from the document root: fields as `.name`, list positions as `[2]`,
    /// map keys as `["A-01|SKU-9"]` (JSON-quoted, cut short when very long).
    pub path: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "(document): {}", self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// One step of a path.
#[derive(Debug, Clone)]
pub(crate) enum Segment {
    Field(&'static str),
    Index(usize),
    Key(String),
}

/// Map keys longer than this are cut in paths, so a hostile 1 MB key cannot make a
/// 1 MB message.
const MAX_KEY_IN_PATH: usize = 60;

impl Segment {
    /// A map-key step; keeps only what a path will show, so paths stay small.
    pub(crate) fn key(key: &str) -> Segment {
        let kept = match key.char_indices().nth(MAX_KEY_IN_PATH + 1) {
            Some((cut, _)) => &key[..cut],
            None => key,
        };
        Segment::Key(kept.to_owned())
    }
}

pub(crate) fn render_path(segments: &[Segment]) -> String {
    let mut out = String::new();
    for segment in segments {
        match segment {
            Segment::Field(name) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(name);
            }
            Segment::Index(i) => out.push_str(&format!("[{i}]")),
            Segment::Key(key) => out.push_str(&format!("[{}]", quote(key, MAX_KEY_IN_PATH))),
        }
    }
    out
}

/// `text` as a JSON string literal, cut after `max` characters (marked with `…`).
pub(crate) fn quote(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => serde_json::Value::from(text).to_string(),
        Some((cut, _)) => {
            let quoted = serde_json::Value::from(&text[..cut]).to_string();
            format!("{}…\"", &quoted[..quoted.len() - 1])
        }
    }
}
