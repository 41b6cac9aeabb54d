//! Validation problems are logged when they appear and when they clear, never on
//! every change: a phone that keeps editing a count with one malformed line must not
//! write a warning per keystroke (thousands a minute under load) and bury what
//! matters. `document_problems` holds the full list; `/metrics` counts both events.

use std::{
    collections::HashMap,
    sync::{
        Mutex,
        atomic::{AtomicU64, Ordering},
    },
};

/// The part of a document a problem belongs to; `""` is the document as a whole.
type Key = (String, String);

#[derive(Default, Debug)]
pub struct ProblemLog {
    /// What was last logged for each part that has a problem now.
    known: Mutex<HashMap<Key, String>>,
    pub appeared: AtomicU64,
    pub cleared: AtomicU64,
}

impl ProblemLog {
    /// The problems found in `document` by a flatten that checked `checked` parts
    /// (`None`: all of them); `problems` are `(part, message)`. Logs what is new or
    /// different, and what was wrong before and is fine now.
    pub fn observe(
        &self,
        document: &str,
        checked: Option<&[String]>,
        problems: &[(String, String)],
    ) {
        let mut now: HashMap<&str, Vec<&str>> = HashMap::new();
        for (part, message) in problems {
            now.entry(part.as_str()).or_default().push(message.as_str());
        }
        let mut known = self.known.lock().unwrap_or_else(|e| e.into_inner());
        let was_checked = |part: &str| {
            part.is_empty() || checked.is_none_or(|parts| parts.iter().any(|p| p == part))
        };
        let cleared: Vec<Key> = known
            .keys()
            .filter(|(doc, part)| {
                doc == document && was_checked(part) && !now.contains_key(part.as_str())
            })
            .cloned()
            .collect();
        for key in cleared {
            known.remove(&key);
            self.cleared.fetch_add(1, Ordering::Relaxed);
            tracing::info!(document, part = %key.1, "validation problem cleared");
        }
        for (part, messages) in now {
            let text = messages.join("; ");
            let key = (document.to_owned(), part.to_owned());
            if known.get(&key) == Some(&text) {
                continue;
            }
            self.appeared.fetch_add(1, Ordering::Relaxed);
            if part.is_empty() {
                tracing::warn!(document, problems = %text, "document fails validation; its last valid state stays flattened");
            } else {
                tracing::warn!(document, part, problems = %text, "part of a document fails validation; it is kept out of the reports");
            }
            known.insert(key, text);
        }
    }

    /// Prometheus lines for the two counters.
    pub fn render(&self) -> String {
        format!(
            "# TYPE floorwalk_validation_problems_appeared_total counter\n\
             floorwalk_validation_problems_appeared_total {}\n\
             # TYPE floorwalk_validation_problems_cleared_total counter\n\
             floorwalk_validation_problems_cleared_total {}\n",
            self.appeared.load(Ordering::Relaxed),
            self.cleared.load(Ordering::Relaxed)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(part: &str, message: &str) -> (String, String) {
        (part.into(), message.into())
    }

    fn counts(log: &ProblemLog) -> (u64, u64) {
        (
            log.appeared.load(Ordering::Relaxed),
            log.cleared.load(Ordering::Relaxed),
        )
    }

    #[test]
    fn a_problem_counts_once_while_it_lasts_and_once_when_it_clears() {
        let log = ProblemLog::default();
        let bad = [problem("lines[\"A|1\"]", "reason must be text")];
        for _ in 0..100 {
            log.observe("doc", None, &bad);
        }
        assert_eq!(counts(&log), (1, 0), "a hundred changes, one warning");
        // A flatten that did not look at that line leaves it as it was.
        log.observe("doc", Some(&["lines[\"B|2\"]".into()]), &[]);
        assert_eq!(counts(&log), (1, 0));
        // Another document's problems are its own.
        log.observe("other", None, &bad);
        assert_eq!(counts(&log), (2, 0));
        // A different problem in the same part is news.
        log.observe(
            "doc",
            None,
            &[problem("lines[\"A|1\"]", "qty must be a number")],
        );
        assert_eq!(counts(&log), (3, 0));
        log.observe("doc", Some(&["lines[\"A|1\"]".into()]), &[]);
        assert_eq!(counts(&log), (3, 1), "repaired");
        log.observe("doc", None, &[]);
        assert_eq!(counts(&log), (3, 1), "nothing left to clear");
    }

    #[test]
    fn the_whole_document_failing_clears_when_any_flatten_succeeds() {
        let log = ProblemLog::default();
        log.observe("doc", None, &[problem("", "type is missing")]);
        log.observe("doc", Some(&[]), &[]);
        assert_eq!(counts(&log), (1, 1));
    }
}
