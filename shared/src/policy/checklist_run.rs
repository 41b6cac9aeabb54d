//! Checklist runs: staff work through their own run; managers run the corrective actions.

use serde_json::Value;

use super::{Author, Edit, Part, Refusal, Roots, refuse, text};

pub fn check(roots: &Roots, author: &Author, edit: &Edit) -> Result<(), Refusal> {
    if author.writer.plans() {
        return Ok(());
    }
    let root = if roots.creating() {
        roots.after
    } else {
        roots.before
    };
    if let Some(assignee) = root.get("assignee").and_then(Value::as_str)
        && assignee != author.user_id
    {
        return refuse("this checklist is assigned to someone else");
    }
    let completed = !roots.creating() && root.get("completed_at").is_some_and(|v| !v.is_null());
    match edit.part {
        Part::Root(_) if roots.creating() => Ok(()),
        Part::Root("sign_off" | "completed_at") if edit.before.is_none_or(Value::is_null) => Ok(()),
        Part::Root("sign_off" | "completed_at") => {
            refuse("only a manager can reopen a completed checklist")
        }
        Part::Root(field) => refuse(format!(
            "only a manager can change a checklist run's {}",
            field.replace('_', " ")
        )),
        _ if completed => refuse("this checklist is completed; ask a manager to reopen it"),
        Part::Member {
            collection: "responses",
            ..
        } if edit.after.is_none() => refuse("answers are not deleted: answer the item again"),
        Part::Member {
            collection: "responses" | "notes",
            ..
        } => Ok(()),
        Part::Member {
            collection: "corrective_actions",
            ..
        } => corrective_action(author, edit),
        Part::Member { collection, .. } => refuse(format!(
            "only a manager can change a checklist run's {collection}"
        )),
    }
}

/// Staff raise corrective actions, and may reprioritise one they raised until a manager
/// takes it on; assigning, scheduling and closing are the manager's.
fn corrective_action(author: &Author, edit: &Edit) -> Result<(), Refusal> {
    let refusal = "only a manager can assign, schedule or close corrective actions";
    let Some(after) = edit.after else {
        return refuse("corrective actions are tracked to closure: they are not deleted");
    };
    let untouched = |action: &Value| {
        ["assignee", "due_at"]
            .iter()
            .all(|k| action.get(*k).is_none_or(Value::is_null))
            && action
                .get("timeline")
                .and_then(Value::as_array)
                .is_none_or(Vec::is_empty)
    };
    let Some(before) = edit.before else {
        return if untouched(after) {
            Ok(())
        } else {
            refuse(refusal)
        };
    };
    let mut same = before.clone();
    if let (Value::Object(fields), Some(priority)) = (&mut same, after.get("priority")) {
        fields.insert("priority".into(), priority.clone());
    }
    if same != *after {
        return refuse(refusal);
    }
    if text(Some(before), "by") != Some(author.user_id) || !untouched(before) {
        return refuse("only a manager can change the priority of this corrective action");
    }
    Ok(())
}
