//! Counters worth alerting on, exposed at `/metrics` in Prometheus text format.

use std::sync::atomic::{AtomicU64, Ordering};

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
}

impl SyncMetrics {
    pub fn inc(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    pub fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }

    pub fn render(&self, loaded_documents: usize, connections: usize) -> String {
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
            ("floorwalk_persist_failures_total", &self.persist_failures),
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
        out
    }
}
