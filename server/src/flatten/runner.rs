//! The flattening task: told by the hub after each commit, it brings the
//! document's rows up to its heads. It catches up on start, retries through
//! database outages, and tells live dashboards which site changed.

use std::{collections::BTreeMap, sync::Arc, time::Duration};

use tokio::time::Instant;

use tokio::sync::broadcast::{self, error::RecvError};

use super::{
    apply::apply_flatten,
    plan::{MasterData, Plan, parse_heads, plan},
    problem_log::ProblemLog,
    queue::{MAX_UNAVAILABLE_TRIES, Queue, sleep_until_some},
};
use crate::{
    storage::{
        Store, StoreError,
        cluster::{Job, Leadership},
        now_millis,
    },
    sync::{DocumentId, Hub},
};

/// A leader looks for documents left behind (a note it never heard) this often.
const SWEEP: Duration = Duration::from_secs(60);

/// A site whose figures changed (sent after the flattening transaction commits).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteChanged {
    pub site_id: i64,
    pub document_id: DocumentId,
    /// `count_session`, `shipment`, ...; empty when the document is invalid.
    pub document_type: String,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    UpToDate,
    Flattened,
    Invalid(usize),
    /// The document could not be loaded right now.
    Unavailable,
}

pub struct Flattener {
    hub: Arc<Hub>,
    store: Arc<dyn Store>,
    changed: broadcast::Sender<SiteChanged>,
    problems: ProblemLog,
}

impl Flattener {
    pub fn start(hub: Arc<Hub>, store: Arc<dyn Store>) -> Arc<Self> {
        let (changed, _) = broadcast::channel(1024);
        let flattener = Arc::new(Self {
            hub,
            store,
            changed,
            problems: ProblemLog::default(),
        });
        tokio::spawn(flattener.clone().lead());
        flattener
    }

    /// One instance flattens (on SQLite, the only one): the others wait to take
    /// over, and whoever takes over first catches up on what is behind.
    async fn lead(self: Arc<Self>) {
        let mut leadership = Leadership::new(Job::Flattener);
        loop {
            self.hub.metrics().set_leading(Job::Flattener, false);
            while !leadership.leading(self.store.as_ref()).await {
                if self.hub.is_shutting_down() {
                    return;
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            self.hub.metrics().set_leading(Job::Flattener, true);
            let commits = self.hub.subscribe_commits();
            if !self.clone().run(commits, &mut leadership).await {
                self.hub.metrics().set_leading(Job::Flattener, false);
                return;
            }
        }
    }

    /// Another instance flattened a document: live dashboards here hear of it too.
    pub fn relay(&self, changed: SiteChanged) {
        let _ = self.changed.send(changed);
    }

    /// Validation problems as they appear and clear (logged once each, counted).
    pub fn problem_log(&self) -> &ProblemLog {
        &self.problems
    }

    pub fn subscribe(&self) -> broadcast::Receiver<SiteChanged> {
        self.changed.subscribe()
    }

    /// Flattens while this instance leads; false when the server stops.
    async fn run(
        self: Arc<Self>,
        mut commits: broadcast::Receiver<crate::sync::Committed>,
        leadership: &mut Leadership,
    ) -> bool {
        let mut queue = Queue::default();
        self.catch_up(&mut queue.pending).await;
        let mut swept = Instant::now();
        loop {
            if self.hub.is_shutting_down() {
                return false;
            }
            if !leadership.leading(self.store.as_ref()).await {
                return true;
            }
            if swept.elapsed() >= SWEEP {
                swept = Instant::now();
                self.catch_up(&mut queue.pending).await;
            }
            loop {
                match commits.try_recv() {
                    Ok(c) => queue.push(c.document_id, c.site_id),
                    Err(broadcast::error::TryRecvError::Lagged(_)) => {
                        self.catch_up(&mut queue.pending).await
                    }
                    Err(_) => break,
                }
            }
            queue.release_due(Instant::now());
            let Some((doc, site)) = queue.pending.pop_first() else {
                // Wake every second to notice a stop, or a lost lead.
                let wake = Some(
                    queue
                        .next_due()
                        .unwrap_or_else(|| Instant::now() + Duration::from_secs(1)),
                );
                tokio::select! {
                    commit = commits.recv() => match commit {
                        Ok(c) => queue.push(c.document_id, c.site_id),
                        Err(RecvError::Lagged(_)) => self.catch_up(&mut queue.pending).await,
                        Err(RecvError::Closed) => return false,
                    },
                    () = sleep_until_some(wake) => {}
                }
                continue;
            };
            match self.flatten(&doc, site).await {
                Ok(Outcome::Unavailable) => {
                    // The document does not load: a few tries, then it waits for
                    // its next commit or the next start.
                    if !queue.retry(doc.clone(), site, Some(MAX_UNAVAILABLE_TRIES)) {
                        tracing::error!(document = %doc, "document keeps failing to load; flattening it on its next change");
                    }
                }
                Err(e) => {
                    // The database is out of reach: this document waits its turn
                    // (others keep going) and is retried until it succeeds.
                    tracing::warn!(document = %doc, error = %e, "flattening failed; will retry");
                    queue.retry(doc, site, None);
                    queue.outage = true;
                }
                Ok(_) => {
                    queue.succeeded(&doc);
                    if std::mem::take(&mut queue.outage) {
                        // Whatever was committed while writes failed is caught up now.
                        self.catch_up(&mut queue.pending).await;
                    }
                }
            }
        }
    }

    /// Queues every document whose stored heads are not the flattened ones.
    async fn catch_up(&self, pending: &mut BTreeMap<DocumentId, i64>) {
        loop {
            match self.store.documents_behind().await {
                Ok(behind) => {
                    if !behind.is_empty() {
                        tracing::info!(documents = behind.len(), "flattener catching up");
                    }
                    for (id, site) in behind {
                        if let Ok(id) = DocumentId::parse(&id) {
                            pending.insert(id, site);
                        }
                    }
                    return;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "flattener cannot read its backlog; retrying");
                    tokio::time::sleep(Duration::from_secs(2)).await;
                }
            }
        }
    }

    /// Brings one document's rows up to date. Idempotent.
    pub async fn flatten(&self, doc: &DocumentId, site_id: i64) -> Result<Outcome, StoreError> {
        let since = self
            .store
            .flattened_heads(doc.as_str())
            .await?
            .map(|h| parse_heads(&h));
        let id = doc.as_str().to_string();
        let now = now_millis();
        // Only the site's own document may feed its master data.
        let own = self
            .store
            .site_by_id(site_id)
            .await?
            .and_then(|site| site.document_id)
            .unwrap_or_default();
        let work = self
            .hub
            .inspect(doc, site_id, move |automerge| {
                plan(
                    automerge,
                    since.as_deref(),
                    &id,
                    site_id,
                    now,
                    MasterData::Only(&own),
                )
            })
            .await;
        let mut document_type = String::new();
        let outcome = match work {
            None => return Ok(Outcome::Unavailable),
            Some(Plan::UpToDate) => return Ok(Outcome::UpToDate),
            Some(Plan::Write(batch)) => {
                apply_flatten(&*self.store, &batch).await?;
                let problems: Vec<(String, String)> = batch
                    .problems
                    .iter()
                    .map(|p| (p.part.clone(), format!("{}: {}", p.path, p.message)))
                    .collect();
                self.problems
                    .observe(doc.as_str(), batch.checked.as_deref(), &problems);
                document_type = batch.doc_type;
                Outcome::Flattened
            }
            Some(Plan::Invalid(problems)) => {
                let whole: Vec<(String, String)> = problems
                    .iter()
                    .map(|p| (String::new(), p.to_string()))
                    .collect();
                self.problems.observe(doc.as_str(), Some(&[]), &whole);
                self.store
                    .record_problems(doc.as_str(), site_id, &problems)
                    .await?;
                Outcome::Invalid(problems.len())
            }
        };
        if let Err(e) = self
            .store
            .announce_flattened(doc.as_str(), site_id, &document_type)
            .await
        {
            tracing::warn!(document = %doc, error = %e, "cannot tell other instances' dashboards of a flatten");
        }
        let _ = self.changed.send(SiteChanged {
            site_id,
            document_id: doc.clone(),
            document_type,
        });
        Ok(outcome)
    }
}
