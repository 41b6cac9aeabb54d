//! The flattener's work queue: documents to flatten now, and documents whose
//! last attempt failed, each waiting out its own backoff. One document (or a
//! database hiccup) never holds up the others.

use std::{collections::BTreeMap, time::Duration};

use tokio::time::Instant;

use crate::sync::DocumentId;

/// Tries before a document that does not load waits for its next commit.
pub const MAX_UNAVAILABLE_TRIES: u32 = 8;
const FIRST_BACKOFF: Duration = Duration::from_millis(200);
const MAX_BACKOFF: Duration = Duration::from_secs(30);

struct Retry {
    site: i64,
    attempts: u32,
    due: Instant,
}

#[derive(Default)]
pub struct Queue {
    /// Ready now, by document id (a document is queued once however often it changed).
    pub pending: BTreeMap<DocumentId, i64>,
    retries: BTreeMap<DocumentId, Retry>,
    /// A database error happened since the last success.
    pub outage: bool,
}

impl Queue {
    /// A new commit: flatten now, whatever backoff the document was in.
    pub fn push(&mut self, doc: DocumentId, site: i64) {
        if let Some(retry) = self.retries.get_mut(&doc) {
            retry.due = Instant::now();
        } else {
            self.pending.insert(doc, site);
        }
    }

    /// Schedules another try after a backoff that doubles with each failure.
    /// Returns false (and forgets the document) once `limit` tries failed.
    pub fn retry(&mut self, doc: DocumentId, site: i64, limit: Option<u32>) -> bool {
        let attempts = self.retries.get(&doc).map_or(0, |r| r.attempts) + 1;
        if limit.is_some_and(|limit| attempts >= limit) {
            self.retries.remove(&doc);
            return false;
        }
        let backoff = FIRST_BACKOFF
            .saturating_mul(1 << (attempts - 1).min(16))
            .min(MAX_BACKOFF);
        self.retries.insert(
            doc,
            Retry {
                site,
                attempts,
                due: Instant::now() + backoff,
            },
        );
        true
    }

    pub fn succeeded(&mut self, doc: &DocumentId) {
        self.retries.remove(doc);
    }

    /// Moves every retry that is due into `pending`, keeping its attempt count.
    pub fn release_due(&mut self, now: Instant) {
        for (doc, retry) in &self.retries {
            if retry.due <= now {
                self.pending.insert(doc.clone(), retry.site);
            }
        }
    }

    pub fn next_due(&self) -> Option<Instant> {
        self.retries.values().map(|r| r.due).min()
    }
}

/// Sleeps until `deadline`, or forever when there is none.
pub async fn sleep_until_some(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failing_document_backs_off_alone_and_gives_up_when_limited() {
        let (a, b) = (DocumentId::random(), DocumentId::random());
        let mut queue = Queue::default();
        queue.push(a.clone(), 1);
        queue.push(b.clone(), 1);
        assert_eq!(queue.pending.len(), 2);
        queue.pending.remove(&a);
        assert!(queue.retry(a.clone(), 1, Some(3)));
        // `b` is still ready while `a` waits out its backoff.
        queue.release_due(Instant::now());
        assert_eq!(queue.pending.keys().collect::<Vec<_>>(), [&b]);
        queue.release_due(Instant::now() + FIRST_BACKOFF);
        assert!(queue.pending.contains_key(&a));
        queue.pending.remove(&a);
        assert!(queue.retry(a.clone(), 1, Some(3)));
        assert!(
            !queue.retry(a.clone(), 1, Some(3)),
            "third failure gives up"
        );
        assert_eq!(queue.next_due(), None);
    }

    #[test]
    fn a_commit_cuts_the_backoff_short_and_outages_retry_forever() {
        let a = DocumentId::random();
        let mut queue = Queue::default();
        for _ in 0..20 {
            assert!(queue.retry(a.clone(), 1, None));
        }
        let due = queue.next_due().expect("scheduled");
        assert!(due <= Instant::now() + MAX_BACKOFF, "backoff is capped");
        queue.push(a.clone(), 1);
        queue.release_due(Instant::now());
        assert!(queue.pending.contains_key(&a));
    }
}
