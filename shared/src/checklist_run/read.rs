//! Reading a `checklist_run` document, and checking it against its template snapshot.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{
    ActionEvent, ActionStatus, Answer, CheckOutcome, ChecklistRun, CorrectiveAction, ItemResponse,
    Priority, RunNote, SignOff, SignOffMethod,
};
use crate::checklist_template::{ResponseKind, TemplateSnapshot, read_snapshot};
use crate::common::{read_attachment, read_recorded};
use crate::document::Header;
use crate::domain_enum::DomainEnum;
use crate::validation::limits::{
    MAX_CODE, MAX_EVENTS, MAX_NAME, MAX_NOTE, MAX_PHOTOS, MAX_SMALL_LIST, MAX_TEMPLATE_ITEMS,
};
use crate::validation::scalars::{
    code, finite_number, free_text, one_of, opaque_id, text, timestamp, uuid, uuid_key,
};
use crate::validation::{Checker, Object, Segment};

pub(crate) fn read_checklist_run(
    c: &mut Checker,
    o: &Object,
    header: Option<Header>,
) -> Option<ChecklistRun> {
    let template = c.required(o, "template", read_snapshot);
    let location = c.optional(o, "location", code(MAX_CODE));
    let assignee = c.optional(o, "assignee", opaque_id);
    let due_at = c.optional(o, "due_at", timestamp);
    let responses = c
        .optional(o, "responses", |c, v| {
            c.map(v, MAX_TEMPLATE_ITEMS, uuid_key, |c, _, v| {
                read_response(c, v)
            })
        })
        .map(Option::unwrap_or_default);
    let notes = c.appended(o, "notes", MAX_EVENTS, read_note);
    let corrective_actions = c.appended(o, "corrective_actions", MAX_EVENTS, read_action);
    let sign_off = c.optional(o, "sign_off", read_sign_off);
    let completed_at = c.optional(o, "completed_at", timestamp);
    if let (Some(template), Some(responses), Some(actions)) =
        (&template, &responses, &corrective_actions)
    {
        check_against_template(c, template, responses, actions);
    }
    let header = header?;
    Some(ChecklistRun {
        schema_version: header.schema_version,
        site: header.site,
        template: template?,
        location: location?,
        assignee: assignee?,
        due_at: due_at?,
        responses: responses?,
        notes: notes?,
        corrective_actions: corrective_actions?,
        sign_off: sign_off?,
        completed_at: completed_at?,
    })
}

/// Responses and actions must name items of the snapshot, with answers of their kind.
fn check_against_template(
    c: &mut Checker,
    template: &TemplateSnapshot,
    responses: &BTreeMap<String, ItemResponse>,
    actions: &[CorrectiveAction],
) {
    let kind_of = |id: &str| template.items.iter().find(|i| i.id == id).map(|i| i.kind);
    for (id, response) in responses {
        let at = |field| {
            [
                Segment::Field("responses"),
                Segment::key(id),
                Segment::Field(field),
            ]
        };
        let given = match response.answer {
            Answer::Check { .. } => ResponseKind::Check,
            Answer::Number { .. } => ResponseKind::Number,
            Answer::Text { .. } => ResponseKind::Text,
        };
        match kind_of(id) {
            None => c.report_at(
                &[Segment::Field("responses"), Segment::key(id)],
                "no item of the template has this id",
            ),
            Some(kind) if kind != given => c.report_at(
                &at("answer"),
                format!(
                    "is a {} answer but the item takes {}",
                    given.as_str(),
                    kind.as_str()
                ),
            ),
            Some(_) => {}
        }
    }
    for (i, action) in actions.iter().enumerate() {
        if kind_of(&action.item_id).is_none() {
            let at = [
                Segment::Field("corrective_actions"),
                Segment::Index(i),
                Segment::Field("item_id"),
            ];
            c.report_at(
                &at,
                format!("no item of the template has id {:?}", action.item_id),
            );
        }
    }
}

fn read_response(c: &mut Checker, v: &Value) -> Option<ItemResponse> {
    let o = c.object(v)?;
    let answer = c.required(o, "answer", read_answer);
    let note = c.optional(o, "note", free_text(MAX_NOTE));
    let photos = c.list_field(o, "photos", MAX_PHOTOS, read_attachment);
    let recorded = read_recorded(c, o);
    Some(ItemResponse {
        answer: answer?,
        note: note?,
        photos: photos?,
        recorded: recorded?,
    })
}

fn read_answer(c: &mut Checker, v: &Value) -> Option<Answer> {
    let o = c.object(v)?;
    match c.required(o, "kind", one_of::<ResponseKind>)? {
        ResponseKind::Check => {
            let outcome = c.required(o, "outcome", one_of::<CheckOutcome>);
            Some(Answer::Check { outcome: outcome? })
        }
        ResponseKind::Number => {
            let value = c.required(o, "value", finite_number);
            Some(Answer::Number { value: value? })
        }
        ResponseKind::Text => {
            let text = c.required(o, "text", free_text(MAX_NOTE));
            Some(Answer::Text { text: text? })
        }
    }
}

fn read_note(c: &mut Checker, v: &Value) -> Option<RunNote> {
    let o = c.object(v)?;
    let id = c.required(o, "id", uuid);
    let text = c.required(o, "text", free_text(MAX_NOTE));
    let photos = c.list_field(o, "photos", MAX_PHOTOS, read_attachment);
    let recorded = read_recorded(c, o);
    Some(RunNote {
        id: id?,
        text: text?,
        photos: photos?,
        recorded: recorded?,
    })
}

fn read_action(c: &mut Checker, v: &Value) -> Option<CorrectiveAction> {
    let o = c.object(v)?;
    let id = c.required(o, "id", uuid);
    let item_id = c.required(o, "item_id", uuid);
    let description = c.required(o, "description", text(MAX_NOTE));
    let assignee = c.optional(o, "assignee", opaque_id);
    let due_at = c.optional(o, "due_at", timestamp);
    let priority = c.required(o, "priority", one_of::<Priority>);
    let timeline = c.appended(o, "timeline", MAX_SMALL_LIST, read_action_event);
    let recorded = read_recorded(c, o);
    Some(CorrectiveAction {
        id: id?,
        item_id: item_id?,
        description: description?,
        assignee: assignee?,
        due_at: due_at?,
        priority: priority?,
        timeline: timeline?,
        recorded: recorded?,
    })
}

fn read_action_event(c: &mut Checker, v: &Value) -> Option<ActionEvent> {
    let o = c.object(v)?;
    let id = c.required(o, "id", uuid);
    let status = c.required(o, "status", one_of::<ActionStatus>);
    let note = c.optional(o, "note", free_text(MAX_NOTE));
    let photos = c.list_field(o, "photos", MAX_PHOTOS, read_attachment);
    let recorded = read_recorded(c, o);
    Some(ActionEvent {
        id: id?,
        status: status?,
        note: note?,
        photos: photos?,
        recorded: recorded?,
    })
}

fn read_sign_off(c: &mut Checker, v: &Value) -> Option<SignOff> {
    let o = c.object(v)?;
    let name = c.required(o, "name", text(MAX_NAME));
    let method = c.required(o, "method", read_sign_off_method);
    let recorded = read_recorded(c, o);
    Some(SignOff {
        name: name?,
        method: method?,
        recorded: recorded?,
    })
}

fn read_sign_off_method(c: &mut Checker, v: &Value) -> Option<SignOffMethod> {
    let o = c.object(v)?;
    match c.required(o, "kind", |c, v| match v.as_str() {
        Some("signature") => Some(true),
        Some("pin") => Some(false),
        _ => {
            c.report("must be \"signature\" or \"pin\"");
            None
        }
    })? {
        true => {
            let image = c.required(o, "image", read_attachment);
            Some(SignOffMethod::Signature { image: image? })
        }
        false => Some(SignOffMethod::Pin),
    }
}
