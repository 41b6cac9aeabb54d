//! Manager decisions on a count session. They only write where the schema
//! gives managers the pen: a line's plan (`lines[key]`: approval, recount,
//! reason) and the appended status `timeline`. Entries are never touched.

use automerge::{ROOT, transaction::Transaction};
use std::collections::{BTreeMap, BTreeSet};

use floorwalk_shared::{
    CountSession, Document,
    count_session::{CountStatus, ReasonCode, line_key},
};
use serde_json::{Value, json};

use super::{
    Action,
    edit::{ActionRefused, append, list_at, map_at, parse_word, put},
};
use crate::documents::stamp::{new_uuid, recorded};

pub fn apply(
    tx: &mut Transaction<'_>,
    document: &Document,
    action: Action,
    user_id: i64,
) -> Result<Value, ActionRefused> {
    let Document::CountSession(session) = document else {
        return Err(ActionRefused::State(format!(
            "this action applies to count sessions; this document is a {}",
            document.document_type()
        )));
    };
    match action {
        Action::ApproveLine {
            line,
            qty,
            reason,
            note,
        } => {
            let line = Line::of(session, &line)?;
            let qty = match qty {
                Some(qty) => qty,
                None => line.agreed_qty()?,
            };
            let reason = reason
                .map(|r| parse_word::<ReasonCode>(&r, "reason"))
                .transpose()?;
            approve(tx, &line, qty, reason, note.as_deref(), user_id)?;
            Ok(line.approved(qty))
        }
        Action::ApproveSession { tolerance, lines } => {
            approve_session(tx, session, tolerance.unwrap_or(0), lines, user_id)
        }
        Action::RequestRecount { line } => {
            let line = Line::of(session, &line)?;
            if line.approved {
                return Err(ActionRefused::State(format!(
                    "line {} is already approved; a recount would not change it",
                    line.key
                )));
            }
            let Some(last_pass) = line.last_pass else {
                return Err(ActionRefused::State(format!(
                    "line {} has not been counted yet; nothing to recount",
                    line.key
                )));
            };
            let count_index = last_pass + 1;
            let mut request = recorded(user_id);
            request["count_index"] = json!(count_index);
            let planned = line_map(tx, &line.key)?;
            put(tx, &planned, "recount", &request)?;
            Ok(json!({ "line": line.key, "count_index": count_index }))
        }
        Action::ResolveConflict {
            line,
            qty,
            reason,
            note,
        } => {
            let line = Line::of(session, &line)?;
            if line.conflict.is_none() {
                return Err(ActionRefused::State(format!(
                    "line {} has no conflicting counts; approve it instead",
                    line.key
                )));
            }
            let reason = parse_word::<ReasonCode>(&reason, "reason")?;
            approve(tx, &line, qty, Some(reason), note.as_deref(), user_id)?;
            Ok(line.approved(qty))
        }
        Action::SetCountStatus { status } => {
            let status = parse_word::<CountStatus>(&status, "status")?;
            let timeline = list_at(tx, &ROOT, "timeline")?;
            let mut event = recorded(user_id);
            event["id"] = json!(new_uuid());
            event["status"] = json!(status.to_string());
            append(tx, &timeline, &event)?;
            Ok(json!({ "status": status.to_string() }))
        }
        Action::UpdateCorrectiveAction { .. } => Err(ActionRefused::State(
            "corrective actions belong to checklist runs, not count sessions".into(),
        )),
    }
}

/// Per line, the quantities counted in its latest pass, read in one walk over
/// the entries (a bulk approval asks for every line of a large session).
struct Passes {
    keys: BTreeSet<String>,
    latest: BTreeMap<String, (u32, BTreeSet<u64>)>,
}

impl Passes {
    fn of(session: &CountSession) -> Self {
        let mut latest: BTreeMap<String, (u32, BTreeSet<u64>)> = BTreeMap::new();
        for entry in session.live_entries() {
            let pass = latest
                .entry(line_key(&entry.location, &entry.sku))
                .or_insert_with(|| (entry.count_index, BTreeSet::new()));
            if entry.count_index > pass.0 {
                *pass = (entry.count_index, BTreeSet::new());
            }
            if entry.count_index == pass.0 {
                pass.1.insert(entry.qty);
            }
        }
        Self {
            keys: session.line_keys(),
            latest,
        }
    }

    fn line(&self, session: &CountSession, key: &str) -> Result<Line, ActionRefused> {
        if !self.keys.contains(key) {
            return Err(ActionRefused::NotFound(format!(
                "the session has no line {key:?} (lines are \"<location code>|<sku>\")"
            )));
        }
        let planned = session.lines.get(key);
        let latest = self.latest.get(key);
        let quantities = latest.map(|(_, q)| q.iter().copied().collect::<Vec<u64>>());
        Ok(Line {
            key: key.to_string(),
            expected: planned.and_then(|p| p.expected_qty),
            last_pass: latest.map(|(pass, _)| *pass),
            agreed: quantities.as_ref().filter(|q| q.len() == 1).map(|q| q[0]),
            conflict: quantities.filter(|q| q.len() > 1),
            approved: planned.is_some_and(|p| p.approval.is_some()),
        })
    }
}

/// What the action needs to know about one line of the session.
struct Line {
    key: String,
    expected: Option<u64>,
    last_pass: Option<u32>,
    agreed: Option<u64>,
    conflict: Option<Vec<u64>>,
    approved: bool,
}

impl Line {
    fn of(session: &CountSession, key: &str) -> Result<Self, ActionRefused> {
        Passes::of(session).line(session, key)
    }

    fn agreed_qty(&self) -> Result<u64, ActionRefused> {
        if let Some(quantities) = &self.conflict {
            let counts: Vec<String> = quantities.iter().map(u64::to_string).collect();
            return Err(ActionRefused::State(format!(
                "line {} is in conflict (counted {}): resolve it with the quantity that stands",
                self.key,
                counts.join(" and ")
            )));
        }
        self.agreed.ok_or_else(|| {
            ActionRefused::State(format!(
                "line {} has no count yet: give the quantity to approve",
                self.key
            ))
        })
    }

    fn variance(&self, qty: u64) -> i64 {
        qty as i64 - self.expected.unwrap_or(0) as i64
    }

    fn approved(&self, qty: u64) -> Value {
        json!({
            "line": self.key,
            "qty": qty,
            "expected_qty": self.expected,
            "variance": self.variance(qty),
        })
    }
}

fn line_map(tx: &mut Transaction<'_>, key: &str) -> Result<automerge::ObjId, ActionRefused> {
    let lines = map_at(tx, &ROOT, "lines")?;
    map_at(tx, &lines, key)
}

fn approve(
    tx: &mut Transaction<'_>,
    line: &Line,
    qty: u64,
    reason: Option<ReasonCode>,
    note: Option<&str>,
    user_id: i64,
) -> Result<(), ActionRefused> {
    let planned = line_map(tx, &line.key)?;
    let mut approval = recorded(user_id);
    approval["qty"] = json!(qty);
    put(tx, &planned, "approval", &approval)?;
    if let Some(reason) = reason {
        put(tx, &planned, "reason", &json!(reason.to_string()))?;
    }
    if let Some(note) = note {
        put(tx, &planned, "reason_note", &json!(note))?;
    }
    Ok(())
}

fn approve_session(
    tx: &mut Transaction<'_>,
    session: &CountSession,
    tolerance: u64,
    only: Option<Vec<String>>,
    user_id: i64,
) -> Result<Value, ActionRefused> {
    let keys: Vec<String> = match only {
        Some(keys) => keys,
        None => session.line_keys().into_iter().collect(),
    };
    let passes = Passes::of(session);
    let mut approved = Vec::new();
    let mut skipped = Vec::new();
    for key in keys {
        let line = match passes.line(session, &key) {
            Ok(line) => line,
            Err(_) => {
                skipped.push(json!({ "line": key, "reason": "no such line" }));
                continue;
            }
        };
        let why_not = if line.approved {
            Some("already approved".to_string())
        } else if line.conflict.is_some() {
            Some("counts disagree: resolve the conflict".to_string())
        } else {
            match line.agreed {
                None => Some("not counted yet".to_string()),
                Some(qty) if line.variance(qty).unsigned_abs() > tolerance => Some(format!(
                    "variance {} is beyond the tolerance of {tolerance}",
                    line.variance(qty)
                )),
                Some(_) => None,
            }
        };
        match (why_not, line.agreed) {
            (None, Some(qty)) => {
                approve(tx, &line, qty, None, None, user_id)?;
                approved.push(line.approved(qty));
            }
            (reason, _) => skipped.push(json!({ "line": key, "reason": reason })),
        }
    }
    Ok(json!({ "approved": approved, "skipped": skipped }))
}
