//! Counters worth alerting on, exposed at `/metrics` in Prometheus text format.

use std::sync::atomic::{AtomicU64, Ordering};

use super::latency::Histogram;
use crate::storage::cluster::Job;

#[derive(Default, Debug)]
pub struct SyncMetrics {
    pub connections_opened: AtomicU64,
    pub connections_closed_bad_input: AtomicU64,
    pub connections_closed_slow: AtomicU64,
    pub connections_refused_per_user: AtomicU64,
    pub changes_persisted: AtomicU64,
    pub persist_failures: AtomicU64,
    pub viewer_changes_refused: AtomicU64,
    pub documents_created: AtomicU64,
    pub documents_refused: AtomicU64,
    pub documents_loaded: AtomicU64,
    pub documents_unloaded: AtomicU64,
    pub compactions: AtomicU64,
    pub ephemeral_dropped: AtomicU64,
    pub policy_violations: AtomicU64,
    /// Change rows read because another instance on the same database committed them.
    pub changes_from_other_instances: AtomicU64,
    /// Transactions that stored several documents' batches (group commit), and
    /// the batches they stored.
    pub commit_groups: AtomicU64,
    pub batches_in_groups: AtomicU64,
    /// 1 while this instance runs the flattener, or the checklist scheduler.
    pub leading_flattener: AtomicU64,
    pub leading_scheduler: AtomicU64,
    /// A phone's change: handed to its document → stored.
    pub commit_latency: Histogram,
    /// A phone's change: handed to its document → queued to the other peers.
    pub relay_latency: Histogram,
}

impl SyncMetrics {
    pub fn inc(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    pub fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }

    pub fn set_leading(&self, job: Job, leading: bool) {
        let gauge = match job {
            Job::Flattener => &self.leading_flattener,
            Job::Scheduler => &self.leading_scheduler,
        };
        gauge.store(u64::from(leading), Ordering::Relaxed);
    }

    pub fn render(&self, backend: &str, loaded_documents: usize, connections: usize) -> String {
        let counters = [
            (
                "floorwalk_connections_opened_total",
                &self.connections_opened,
            ),
            (
                "floorwalk_connections_closed_bad_input_total",
                &self.connections_closed_bad_input,
            ),
            (
                "floorwalk_connections_closed_slow_total",
                &self.connections_closed_slow,
            ),
            (
                "floorwalk_connections_refused_per_user_total",
                &self.connections_refused_per_user,
            ),
            ("floorwalk_changes_persisted_total", &self.changes_persisted),
            (
                "floorwalk_changes_from_other_instances_total",
                &self.changes_from_other_instances,
            ),
            ("floorwalk_persist_failures_total", &self.persist_failures),
            ("floorwalk_commit_groups_total", &self.commit_groups),
            (
                "floorwalk_batches_in_commit_groups_total",
                &self.batches_in_groups,
            ),
            (
                "floorwalk_viewer_changes_refused_total",
                &self.viewer_changes_refused,
            ),
            ("floorwalk_documents_created_total", &self.documents_created),
            ("floorwalk_documents_refused_total", &self.documents_refused),
            ("floorwalk_documents_loaded_total", &self.documents_loaded),
            (
                "floorwalk_documents_unloaded_total",
                &self.documents_unloaded,
            ),
            ("floorwalk_compactions_total", &self.compactions),
            ("floorwalk_ephemeral_dropped_total", &self.ephemeral_dropped),
            ("floorwalk_policy_violations_total", &self.policy_violations),
        ];
        let mut out = String::new();
        for (name, value) in counters {
            out.push_str(&format!(
                "# TYPE {name} counter\n{name} {}\n",
                value.load(Ordering::Relaxed)
            ));
        }
        out.push_str(&format!(
            "# TYPE floorwalk_loaded_documents gauge\nfloorwalk_loaded_documents {loaded_documents}\n"
        ));
        out.push_str(&format!(
            "# TYPE floorwalk_connections gauge\nfloorwalk_connections {connections}\n"
        ));
        out.push_str(&format!(
            "# TYPE floorwalk_leading gauge\nfloorwalk_leading{{job=\"flattener\"}} {}\n\
             floorwalk_leading{{job=\"scheduler\"}} {}\n",
            self.leading_flattener.load(Ordering::Relaxed),
            self.leading_scheduler.load(Ordering::Relaxed)
        ));
        let backend = format!("backend=\"{backend}\"");
        out.push_str(&self.commit_latency.render(
            "floorwalk_sync_commit_seconds",
            "a phone's change, from reaching its document to stored",
            &backend,
        ));
        out.push_str(&self.relay_latency.render(
            "floorwalk_sync_relay_seconds",
            "a phone's change, from reaching its document to queued for the other peers",
            &backend,
        ));
        out
    }
}
