//! How long a phone's change takes inside the server, as Prometheus histograms:
//! from the hub handing its sync message to the document, to the commit that
//! stores it, and to the frames that carry it to the other peers being queued.
//! Measured here, the figure does not depend on a load generator's share of the CPU.

use std::{
    sync::atomic::{AtomicU64, Ordering},
    time::Duration,
};

/// Upper bounds of the buckets, in milliseconds: fine around the 50 ms a change
/// should take at p99 (issue 12's aim), so a p99 reads to within 10–25 ms there.
const BOUNDS_MS: [u64; 16] = [
    1, 2, 5, 10, 20, 30, 40, 50, 75, 100, 200, 500, 1000, 2000, 5000, 10000,
];

#[derive(Debug, Default)]
pub struct Histogram {
    /// Observations at or below each bound (not cumulative; summed when rendered).
    buckets: [AtomicU64; BOUNDS_MS.len()],
    above: AtomicU64,
    count: AtomicU64,
    sum_micros: AtomicU64,
}

impl Histogram {
    pub fn observe(&self, elapsed: Duration) {
        let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        let slot = BOUNDS_MS.iter().position(|bound| micros <= bound * 1000);
        match slot {
            Some(i) => &self.buckets[i],
            None => &self.above,
        }
        .fetch_add(1, Ordering::Relaxed);
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_micros.fetch_add(micros, Ordering::Relaxed);
    }

    /// Prometheus text for histogram `name`, with `labels` (`key="value"`, comma-separated).
    pub fn render(&self, name: &str, help: &str, labels: &str) -> String {
        let mut out = format!("# HELP {name} {help}\n# TYPE {name} histogram\n");
        let mut cumulative = 0;
        for (bound, bucket) in BOUNDS_MS.iter().zip(&self.buckets) {
            cumulative += bucket.load(Ordering::Relaxed);
            let le = *bound as f64 / 1000.0;
            out.push_str(&format!(
                "{name}_bucket{{{labels},le=\"{le}\"}} {cumulative}\n"
            ));
        }
        let count = self.count.load(Ordering::Relaxed);
        let sum = self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
        out.push_str(&format!("{name}_bucket{{{labels},le=\"+Inf\"}} {count}\n"));
        out.push_str(&format!("{name}_sum{{{labels}}} {sum}\n"));
        out.push_str(&format!("{name}_count{{{labels}}} {count}\n"));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_cumulative_and_the_sum_is_in_seconds() {
        let h = Histogram::default();
        h.observe(Duration::from_micros(800));
        h.observe(Duration::from_millis(15));
        h.observe(Duration::from_secs(30));
        let text = h.render("x_seconds", "test", "backend=\"sqlite\"");
        assert!(
            text.contains("x_seconds_bucket{backend=\"sqlite\",le=\"0.001\"} 1\n"),
            "{text}"
        );
        assert!(
            text.contains("x_seconds_bucket{backend=\"sqlite\",le=\"0.01\"} 1\n"),
            "{text}"
        );
        assert!(
            text.contains("x_seconds_bucket{backend=\"sqlite\",le=\"0.02\"} 2\n"),
            "{text}"
        );
        assert!(
            text.contains("x_seconds_bucket{backend=\"sqlite\",le=\"10\"} 2\n"),
            "{text}"
        );
        assert!(
            text.contains("x_seconds_bucket{backend=\"sqlite\",le=\"+Inf\"} 3\n"),
            "{text}"
        );
        assert!(
            text.contains("x_seconds_count{backend=\"sqlite\"} 3\n"),
            "{text}"
        );
        assert!(
            text.contains("x_seconds_sum{backend=\"sqlite\"} 30.0158\n"),
            "{text}"
        );
    }
}
