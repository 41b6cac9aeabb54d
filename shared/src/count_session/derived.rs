//! What is derived from a count session rather than stored: its status, its lines,
//! and the conflicts a manager must resolve.

use std::collections::{BTreeMap, BTreeSet};

use super::{CountEntry, CountSession, CountStatus};

/// Joins location code and SKU in a `lines` key. Codes never contain it (validation
/// refuses it), so a key splits back unambiguously.
pub const LINE_KEY_SEPARATOR: char = '|';

/// The `lines` key of a (location, item) pair: `"<location code>|<sku>"`.
pub fn line_key(location: &str, sku: &str) -> String {
    format!("{location}{LINE_KEY_SEPARATOR}{sku}")
}

/// `(location code, sku)` of a line key.
pub fn split_line_key(key: &str) -> Option<(&str, &str)> {
    key.split_once(LINE_KEY_SEPARATOR)
}

/// One line and pass whose non-void entries disagree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountConflict {
    pub line_key: String,
    pub count_index: u32,
    /// The distinct quantities counted, ascending.
    pub quantities: Vec<u64>,
}

impl CountSession {
    /// The status of the latest timeline event (by time, then id, so every replica
    /// agrees), or `open` when there is none.
    pub fn status(&self) -> CountStatus {
        self.timeline
            .iter()
            .max_by(|a, b| (&a.recorded.at, &a.id).cmp(&(&b.recorded.at, &b.id)))
            .map_or(CountStatus::Open, |event| event.status)
    }

    /// Entries that still count (not voided).
    pub fn live_entries(&self) -> impl Iterator<Item = &CountEntry> {
        self.entries.iter().filter(|e| e.void.is_none())
    }

    /// Every line: those the manager planned and those that entries found.
    pub fn line_keys(&self) -> BTreeSet<String> {
        let found = self.live_entries().map(|e| line_key(&e.location, &e.sku));
        self.lines.keys().cloned().chain(found).collect()
    }

    /// Lines and passes where devices counted different quantities.
    pub fn conflicts(&self) -> Vec<CountConflict> {
        let mut counted: BTreeMap<(String, u32), BTreeSet<u64>> = BTreeMap::new();
        for entry in self.live_entries() {
            let key = (line_key(&entry.location, &entry.sku), entry.count_index);
            counted.entry(key).or_default().insert(entry.qty);
        }
        counted
            .into_iter()
            .filter(|(_, quantities)| quantities.len() > 1)
            .map(|((line_key, count_index), quantities)| CountConflict {
                line_key,
                count_index,
                quantities: quantities.into_iter().collect(),
            })
            .collect()
    }

    /// The agreed quantity of a line's latest pass, if its entries agree.
    pub fn counted_qty(&self, key: &str) -> Option<u64> {
        let (location, sku) = split_line_key(key)?;
        let of_line: Vec<&CountEntry> = self
            .live_entries()
            .filter(|e| e.location == location && e.sku == sku)
            .collect();
        let last_pass = of_line.iter().map(|e| e.count_index).max()?;
        let mut quantities = of_line
            .iter()
            .filter(|e| e.count_index == last_pass)
            .map(|e| e.qty);
        let first = quantities.next()?;
        quantities.all(|q| q == first).then_some(first)
    }
}
