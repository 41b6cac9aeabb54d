//! What is derived from a run: failed and missing items, action status.

use super::{ActionStatus, Answer, CheckOutcome, ChecklistRun, CorrectiveAction};
use crate::checklist_template::TemplateItem;

impl ChecklistRun {
    /// Template items whose answer failed: a `fail`, or a number outside the item's range.
    pub fn failed_items(&self) -> Vec<&TemplateItem> {
        let failed = |item: &&TemplateItem| match self.responses.get(&item.id).map(|r| &r.answer) {
            Some(Answer::Check { outcome }) => *outcome == CheckOutcome::Fail,
            Some(Answer::Number { value }) => {
                item.min.is_some_and(|min| *value < min) || item.max.is_some_and(|max| *value > max)
            }
            _ => false,
        };
        self.template.items.iter().filter(failed).collect()
    }

    /// Required template items with no response yet.
    pub fn missing_required(&self) -> Vec<&TemplateItem> {
        let missing =
            |item: &&TemplateItem| item.required && !self.responses.contains_key(&item.id);
        self.template.items.iter().filter(missing).collect()
    }
}

impl CorrectiveAction {
    /// The status of the latest timeline event (by time, then id), or `open`.
    pub fn status(&self) -> ActionStatus {
        self.timeline
            .iter()
            .max_by(|a, b| (&a.recorded.at, &a.id).cmp(&(&b.recorded.at, &b.id)))
            .map_or(ActionStatus::Open, |event| event.status)
    }

    /// Whether the action is still to be done.
    pub fn is_open(&self) -> bool {
        matches!(self.status(), ActionStatus::Open | ActionStatus::InProgress)
    }
}
