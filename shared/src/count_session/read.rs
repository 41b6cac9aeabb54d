//! Reading a `count_session` document.

use serde_json::Value;

use super::{
    CountEntry, CountLine, CountScope, CountSession, CountStatus, CountStatusEvent, LineApproval,
    ReasonCode, RecountRequest,
};
use crate::common::{read_recorded, read_void};
use crate::document::Header;
use crate::validation::limits::{
    MAX_CODE, MAX_ENTRIES, MAX_EVENTS, MAX_LINES, MAX_NAME, MAX_NOTE, MAX_SMALL_LIST,
};
use crate::validation::scalars::{
    boolean, code, code_problem, counter, free_text, one_of, opaque_id, quantity, text, timestamp,
    uuid,
};
use crate::validation::{Checker, Object};

pub(crate) fn read_count_session(
    c: &mut Checker,
    o: &Object,
    header: Option<Header>,
) -> Option<CountSession> {
    let title = c.required(o, "title", text(MAX_NAME));
    let scope = c.required(o, "scope", read_scope);
    let blind = c.required(o, "blind", boolean);
    let assignees = c.list_field(o, "assignees", MAX_SMALL_LIST, opaque_id);
    let due_at = c.optional(o, "due_at", timestamp);
    let timeline = c.appended(o, "timeline", MAX_EVENTS, read_status_event);
    let lines = c
        .optional(o, "lines", |c, v| {
            c.map(v, MAX_LINES, check_line_key, |c, _, v| read_line(c, v))
        })
        .map(Option::unwrap_or_default);
    let entries = c.appended(o, "entries", MAX_ENTRIES, read_entry);
    let header = header?;
    Some(CountSession {
        schema_version: header.schema_version,
        site: header.site,
        title: title?,
        scope: scope?,
        blind: blind?,
        assignees: assignees?,
        due_at: due_at?,
        timeline: timeline?,
        lines: lines?,
        entries: entries?,
    })
}

fn check_line_key(key: &str) -> Result<(), String> {
    let Some((location, sku)) = super::split_line_key(key) else {
        return Err("must be \"<location code>|<sku>\"".into());
    };
    if let Some(why) = code_problem(location, MAX_CODE) {
        return Err(format!("location code {why}"));
    }
    code_problem(sku, MAX_CODE).map_or(Ok(()), |why| Err(format!("SKU {why}")))
}

fn read_scope(c: &mut Checker, v: &Value) -> Option<CountScope> {
    let o = c.object(v)?;
    let locations = c.list_field(o, "locations", MAX_LINES, code(MAX_CODE));
    let skus = c.list_field(o, "skus", MAX_LINES, code(MAX_CODE));
    Some(CountScope {
        locations: locations?,
        skus: skus?,
    })
}

fn read_status_event(c: &mut Checker, v: &Value) -> Option<CountStatusEvent> {
    let o = c.object(v)?;
    let id = c.required(o, "id", uuid);
    let status = c.required(o, "status", one_of::<CountStatus>);
    let recorded = read_recorded(c, o);
    Some(CountStatusEvent {
        id: id?,
        status: status?,
        recorded: recorded?,
    })
}

fn read_line(c: &mut Checker, v: &Value) -> Option<CountLine> {
    let o = c.object(v)?;
    let expected_qty = c.optional(o, "expected_qty", quantity);
    let reason = c.optional(o, "reason", one_of::<ReasonCode>);
    let reason_note = c.optional(o, "reason_note", free_text(MAX_NOTE));
    let recount = c.optional(o, "recount", read_recount);
    let approval = c.optional(o, "approval", read_approval);
    Some(CountLine {
        expected_qty: expected_qty?,
        reason: reason?,
        reason_note: reason_note?,
        recount: recount?,
        approval: approval?,
    })
}

fn read_recount(c: &mut Checker, v: &Value) -> Option<RecountRequest> {
    let o = c.object(v)?;
    let count_index = c.required(o, "count_index", |c, v| {
        let index = counter(c, v)?;
        if index < 2 {
            c.report("must be ≥ 2 (pass 1 is the first count)");
        }
        Some(index)
    });
    let recorded = read_recorded(c, o);
    Some(RecountRequest {
        count_index: count_index?,
        recorded: recorded?,
    })
}

fn read_approval(c: &mut Checker, v: &Value) -> Option<LineApproval> {
    let o = c.object(v)?;
    let qty = c.required(o, "qty", quantity);
    let recorded = read_recorded(c, o);
    Some(LineApproval {
        qty: qty?,
        recorded: recorded?,
    })
}

fn read_entry(c: &mut Checker, v: &Value) -> Option<CountEntry> {
    let o = c.object(v)?;
    let id = c.required(o, "id", uuid);
    let location = c.required(o, "location", code(MAX_CODE));
    let sku = c.required(o, "sku", code(MAX_CODE));
    let qty = c.required(o, "qty", quantity);
    let count_index = c.required(o, "count_index", counter);
    let recorded = read_recorded(c, o);
    let note = c.optional(o, "note", free_text(MAX_NOTE));
    let void = c.optional(o, "void", read_void);
    Some(CountEntry {
        id: id?,
        location: location?,
        sku: sku?,
        qty: qty?,
        count_index: count_index?,
        recorded: recorded?,
        note: note?,
        void: void?,
    })
}
