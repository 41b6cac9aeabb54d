//! Count sessions: staff count, managers plan and decide.

use serde_json::Value;

use super::{Author, Edit, Part, Refusal, Roots, Writer, records::voids, refuse, text};

pub fn check(roots: &Roots, author: &Author, edit: &Edit) -> Result<(), Refusal> {
    if author.writer.plans() {
        return Ok(());
    }
    match edit.part {
        Part::Root(field) if roots.creating() => ad_hoc_session(author, field, edit),
        Part::Root(field) => refuse(format!(
            "only a manager can change a count session's {}",
            field.replace('_', " ")
        )),
        Part::Member {
            collection: "lines",
            ..
        } => refuse(line_refusal(edit)),
        Part::Member {
            collection: "entries",
            ..
        } => own_entry(author, edit),
        Part::Member {
            collection: "timeline",
            ..
        } => counting_step(roots, author, edit),
        Part::Member { collection, .. } => refuse(format!(
            "only a manager can change a count session's {collection}"
        )),
    }
}

/// Staff may start a count of their own on the phone.
fn ad_hoc_session(author: &Author, field: &str, edit: &Edit) -> Result<(), Refusal> {
    if field != "assignees" {
        return Ok(());
    }
    let others = edit
        .after
        .and_then(Value::as_array)
        .is_some_and(|a| a.iter().any(|u| u.as_str() != Some(author.user_id)));
    if others {
        return refuse("only a manager can assign a count to other people");
    }
    Ok(())
}

fn line_refusal(edit: &Edit) -> &'static str {
    let changed =
        |key: &str| edit.before.and_then(|b| b.get(key)) != edit.after.and_then(|a| a.get(key));
    if changed("approval") {
        "only a manager can approve counts"
    } else if changed("recount") {
        "only a manager can ask for a recount"
    } else if changed("expected_qty") {
        "only a manager can set expected quantities"
    } else {
        "only a manager can plan or decide count lines"
    }
}

/// New entries are the counter's own (checked with every record); a void only of one's own.
fn own_entry(author: &Author, edit: &Edit) -> Result<(), Refusal> {
    if voids(edit) && text(edit.before, "by") != Some(author.user_id) {
        return refuse("you can only undo your own count entries");
    }
    Ok(())
}

fn counting_step(roots: &Roots, author: &Author, edit: &Edit) -> Result<(), Refusal> {
    let Some(status) = text(edit.after, "status") else {
        return Ok(());
    };
    if !matches!(status, "counting" | "review") {
        return refuse(format!(
            "only a manager can set a count session to {status}"
        ));
    }
    let root = if roots.creating() {
        roots.after
    } else {
        roots.before
    };
    let assigned = match root.get("assignees").and_then(Value::as_array) {
        Some(assignees) if !assignees.is_empty() => {
            assignees.iter().any(|u| u.as_str() == Some(author.user_id))
        }
        _ => true,
    };
    if !assigned {
        return refuse("this count is assigned to someone else");
    }
    debug_assert_eq!(author.writer, Writer::Staff);
    Ok(())
}
