//! One test per rule of the write policy, on plain JSON.

use serde_json::{Map, Value, json};

use super::*;

const STAFF: &str = "5";
const OTHER: &str = "6";
const MANAGER: &str = "2";

fn devices(of: &str) -> Vec<String> {
    vec![format!("fw-{of}-phone")]
}

fn check_as(
    writer: Writer,
    user: &str,
    root: &Value,
    part: Part,
    before: Option<Value>,
    after: Option<Value>,
) -> Result<(), Refusal> {
    check_roots(writer, user, root, root, part, before, after)
}

fn check_roots(
    writer: Writer,
    user: &str,
    before_root: &Value,
    after_root: &Value,
    part: Part,
    before: Option<Value>,
    after: Option<Value>,
) -> Result<(), Refusal> {
    let devices = devices(user);
    let author = Author {
        writer,
        user_id: user,
        devices: &devices,
    };
    let (b, a): (Map<String, Value>, Map<String, Value>) = (
        before_root.as_object().cloned().unwrap_or_default(),
        after_root.as_object().cloned().unwrap_or_default(),
    );
    let roots = Roots {
        before: &b,
        after: &a,
    };
    check(
        &roots,
        &author,
        &Edit {
            part,
            before: before.as_ref(),
            after: after.as_ref(),
        },
    )
}

fn session(assignees: &[&str]) -> Value {
    json!({"type": "count_session", "schema_version": 1, "site": "north", "title": "Aisle 1", "assignees": assignees})
}

fn rec(by: &str) -> Value {
    json!({"by": by, "at": "2026-12-01T10:00:00.000Z", "device": format!("fw-{by}-phone")})
}

fn with(mut value: Value, extra: Value) -> Value {
    if let (Value::Object(a), Value::Object(b)) = (&mut value, extra) {
        a.extend(b);
    }
    value
}

fn entry(by: &str) -> Value {
    with(
        json!({"id": "e1", "location": "A-01", "sku": "SKU-1", "qty": 3, "count_index": 1}),
        rec(by),
    )
}

const ENTRY: Part = Part::Member {
    collection: "entries",
    key: "e1",
};
const LINE: Part = Part::Member {
    collection: "lines",
    key: "A-01|SKU-1",
};
const EVENT: Part = Part::Member {
    collection: "timeline",
    key: "t1",
};

fn refused(result: Result<(), Refusal>, says: &str) {
    match result {
        Err(Refusal(message)) => {
            assert!(message.contains(says), "{message:?} does not say {says:?}")
        }
        Ok(()) => panic!("allowed, but should be refused ({says})"),
    }
}

#[test]
fn staff_append_their_own_entries_and_undo_only_those() {
    let root = session(&[STAFF]);
    assert_eq!(
        check_as(Writer::Staff, STAFF, &root, ENTRY, None, Some(entry(STAFF))),
        Ok(())
    );
    let voided = with(entry(STAFF), json!({"void": rec(STAFF)}));
    assert_eq!(
        check_as(
            Writer::Staff,
            STAFF,
            &root,
            ENTRY,
            Some(entry(STAFF)),
            Some(voided)
        ),
        Ok(())
    );
    let others = with(entry(OTHER), json!({"void": rec(STAFF)}));
    refused(
        check_as(
            Writer::Staff,
            STAFF,
            &root,
            ENTRY,
            Some(entry(OTHER)),
            Some(others),
        ),
        "your own count entries",
    );
}

#[test]
fn nobody_records_in_someone_elses_name_or_device() {
    let root = session(&[]);
    refused(
        check_as(
            Writer::Staff,
            STAFF,
            &root,
            ENTRY,
            None,
            Some(entry(MANAGER)),
        ),
        "you are user \"5\"",
    );
    let foreign_device = with(entry(STAFF), json!({"device": "fw-2-desk"}));
    refused(
        check_as(
            Writer::Staff,
            STAFF,
            &root,
            ENTRY,
            None,
            Some(foreign_device),
        ),
        "not one of yours",
    );
    // Managers too: an approval names the manager who gives it.
    let approval = json!({"approval": with(json!({"qty": 3}), rec(OTHER))});
    refused(
        check_as(Writer::Manager, MANAGER, &root, LINE, None, Some(approval)),
        "you are user \"2\"",
    );
    // A record left as it was is not rewritten by whoever edits around it.
    let line = json!({"expected_qty": 4, "recount": with(json!({"count_index": 2}), rec(OTHER))});
    let planned = with(line.clone(), json!({"expected_qty": 5}));
    assert_eq!(
        check_as(
            Writer::Manager,
            MANAGER,
            &root,
            LINE,
            Some(line),
            Some(planned)
        ),
        Ok(())
    );
}

#[test]
fn recorded_entries_are_never_edited_or_deleted_only_undone() {
    let root = session(&[]);
    let edited = with(entry(STAFF), json!({"qty": 30}));
    refused(
        check_as(
            Writer::Staff,
            STAFF,
            &root,
            ENTRY,
            Some(entry(STAFF)),
            Some(edited.clone()),
        ),
        "cannot be changed",
    );
    refused(
        check_as(
            Writer::Manager,
            MANAGER,
            &root,
            ENTRY,
            Some(entry(STAFF)),
            Some(edited),
        ),
        "cannot be changed",
    );
    refused(
        check_as(
            Writer::Manager,
            MANAGER,
            &root,
            ENTRY,
            Some(entry(STAFF)),
            None,
        ),
        "kept for the audit trail",
    );
    let voided = with(entry(STAFF), json!({"void": rec(STAFF)}));
    let unvoided = entry(STAFF);
    refused(
        check_as(
            Writer::Staff,
            STAFF,
            &root,
            ENTRY,
            Some(voided),
            Some(unvoided),
        ),
        "an undo is final",
    );
    // A manager may undo anyone's entry, in their own name.
    let by_manager = with(entry(STAFF), json!({"void": rec(MANAGER)}));
    assert_eq!(
        check_as(
            Writer::Manager,
            MANAGER,
            &root,
            ENTRY,
            Some(entry(STAFF)),
            Some(by_manager)
        ),
        Ok(())
    );
}

#[test]
fn only_managers_plan_lines_approve_and_ask_for_recounts() {
    let root = session(&[STAFF]);
    let approval = json!({"expected_qty": 3, "approval": with(json!({"qty": 999}), rec(STAFF))});
    refused(
        check_as(
            Writer::Staff,
            STAFF,
            &root,
            LINE,
            None,
            Some(approval.clone()),
        ),
        "only a manager can approve counts",
    );
    let recount = json!({"recount": with(json!({"count_index": 2}), rec(STAFF))});
    refused(
        check_as(Writer::Staff, STAFF, &root, LINE, None, Some(recount)),
        "ask for a recount",
    );
    refused(
        check_as(
            Writer::Staff,
            STAFF,
            &root,
            LINE,
            None,
            Some(json!({"expected_qty": 3})),
        ),
        "expected quantities",
    );
    let approval = json!({"expected_qty": 3, "approval": with(json!({"qty": 999}), rec(MANAGER))});
    assert_eq!(
        check_as(
            Writer::Manager,
            MANAGER,
            &root,
            LINE,
            None,
            Some(approval.clone())
        ),
        Ok(())
    );
    assert_eq!(
        check_as(Writer::Admin, MANAGER, &root, LINE, None, Some(approval)),
        Ok(())
    );
}

#[test]
fn staff_take_counting_and_review_steps_of_their_own_work_only() {
    let event = |status: &str, by: &str| with(json!({"id": "t1", "status": status}), rec(by));
    let mine = session(&[STAFF]);
    assert_eq!(
        check_as(
            Writer::Staff,
            STAFF,
            &mine,
            EVENT,
            None,
            Some(event("review", STAFF))
        ),
        Ok(())
    );
    refused(
        check_as(
            Writer::Staff,
            STAFF,
            &mine,
            EVENT,
            None,
            Some(event("closed", STAFF)),
        ),
        "set a count session to closed",
    );
    let theirs = session(&[OTHER]);
    refused(
        check_as(
            Writer::Staff,
            STAFF,
            &theirs,
            EVENT,
            None,
            Some(event("counting", STAFF)),
        ),
        "assigned to someone else",
    );
    assert_eq!(
        check_as(
            Writer::Manager,
            MANAGER,
            &mine,
            EVENT,
            None,
            Some(event("closed", MANAGER))
        ),
        Ok(())
    );
}

#[test]
fn staff_start_their_own_counts_but_never_replan_one() {
    let empty = json!({});
    let created = session(&[STAFF]);
    for field in ["type", "title", "assignees"] {
        let value = created.get(field).cloned();
        assert_eq!(
            check_roots(
                Writer::Staff,
                STAFF,
                &empty,
                &created,
                Part::Root(field),
                None,
                value
            ),
            Ok(()),
            "{field}"
        );
    }
    let for_others = session(&[STAFF, OTHER]);
    refused(
        check_roots(
            Writer::Staff,
            STAFF,
            &empty,
            &for_others,
            Part::Root("assignees"),
            None,
            for_others.get("assignees").cloned(),
        ),
        "assign a count to other people",
    );
    refused(
        check_as(
            Writer::Staff,
            STAFF,
            &created,
            Part::Root("title"),
            Some(json!("A")),
            Some(json!("B")),
        ),
        "count session's title",
    );
    refused(
        check_as(
            Writer::Manager,
            MANAGER,
            &created,
            Part::Root("type"),
            Some(json!("count_session")),
            Some(json!("site")),
        ),
        "set when it is created",
    );
    refused(
        check_as(
            Writer::Manager,
            MANAGER,
            &created,
            Part::Root("site"),
            Some(json!("north")),
            Some(json!("south")),
        ),
        "never changes",
    );
}

#[test]
fn master_data_and_stock_logs_are_for_managers() {
    let site = json!({"type": "site", "schema_version": 1, "site": "north", "name": "North", "currency": "EUR"});
    let item = Part::Member {
        collection: "items",
        key: "i1",
    };
    let cost = json!({"sku": "SKU-1", "name": "Film", "unit": "each", "unit_cost_minor": 0});
    refused(
        check_as(Writer::Staff, STAFF, &site, item, None, Some(cost.clone())),
        "only a manager can change master data",
    );
    assert_eq!(
        check_as(Writer::Manager, MANAGER, &site, item, None, Some(cost)),
        Ok(())
    );
    // A site document made by staff is refused from its first field.
    refused(
        check_roots(
            Writer::Staff,
            STAFF,
            &json!({}),
            &site,
            Part::Root("type"),
            None,
            Some(json!("site")),
        ),
        "master data",
    );
    let log =
        json!({"type": "stock_log", "schema_version": 1, "site": "north", "title": "2026-12"});
    let movement = Part::Member {
        collection: "movements",
        key: "m1",
    };
    refused(
        check_as(
            Writer::Staff,
            STAFF,
            &log,
            movement,
            None,
            Some(json!({"id": "m1"})),
        ),
        "stock transfers",
    );
}

#[test]
fn checklist_runs_are_answered_by_their_assignee_and_run_by_managers() {
    let run =
        json!({"type": "checklist_run", "schema_version": 1, "site": "north", "assignee": STAFF});
    let response = Part::Member {
        collection: "responses",
        key: "item-1",
    };
    let answer = |by: &str| {
        with(
            json!({"answer": {"kind": "check", "outcome": "fail"}}),
            rec(by),
        )
    };
    assert_eq!(
        check_as(
            Writer::Staff,
            STAFF,
            &run,
            response,
            None,
            Some(answer(STAFF))
        ),
        Ok(())
    );
    refused(
        check_as(
            Writer::Staff,
            OTHER,
            &run,
            response,
            None,
            Some(answer(OTHER)),
        ),
        "assigned to someone else",
    );
    refused(
        check_as(
            Writer::Staff,
            STAFF,
            &run,
            response,
            Some(answer(STAFF)),
            None,
        ),
        "not deleted",
    );
    // Sign-off once; reopening is the manager's.
    let sign_off = Part::Root("sign_off");
    let signed = with(
        json!({"name": "Sam", "method": {"kind": "pin"}}),
        rec(STAFF),
    );
    assert_eq!(
        check_as(
            Writer::Staff,
            STAFF,
            &run,
            sign_off,
            None,
            Some(signed.clone())
        ),
        Ok(())
    );
    refused(
        check_as(Writer::Staff, STAFF, &run, sign_off, Some(signed), None),
        "reopen",
    );
    let completed = with(
        run.clone(),
        json!({"completed_at": "2026-12-01T11:00:00.000Z"}),
    );
    refused(
        check_as(
            Writer::Staff,
            STAFF,
            &completed,
            response,
            None,
            Some(answer(STAFF)),
        ),
        "is completed",
    );
    refused(
        check_as(
            Writer::Staff,
            STAFF,
            &run,
            Part::Root("due_at"),
            None,
            Some(json!("2026-12-02T00:00:00.000Z")),
        ),
        "due at",
    );
}

#[test]
fn staff_raise_corrective_actions_and_managers_run_them() {
    let run = json!({"type": "checklist_run", "schema_version": 1, "site": "north"});
    let part = Part::Member {
        collection: "corrective_actions",
        key: "a1",
    };
    let raised = with(
        json!({"id": "a1", "item_id": "item-1", "description": "Broken", "priority": "medium", "timeline": []}),
        rec(STAFF),
    );
    assert_eq!(
        check_as(Writer::Staff, STAFF, &run, part, None, Some(raised.clone())),
        Ok(())
    );
    let urgent = with(raised.clone(), json!({"priority": "urgent"}));
    assert_eq!(
        check_as(
            Writer::Staff,
            STAFF,
            &run,
            part,
            Some(raised.clone()),
            Some(urgent.clone())
        ),
        Ok(())
    );
    refused(
        check_as(
            Writer::Staff,
            OTHER,
            &run,
            part,
            Some(raised.clone()),
            Some(urgent),
        ),
        "priority of this corrective action",
    );
    let assigned = with(raised.clone(), json!({"assignee": STAFF}));
    refused(
        check_as(
            Writer::Staff,
            STAFF,
            &run,
            part,
            Some(raised.clone()),
            Some(assigned.clone()),
        ),
        "assign, schedule or close",
    );
    let closed = with(
        raised.clone(),
        json!({"timeline": [with(json!({"id": "ev", "status": "done"}), rec(STAFF))]}),
    );
    refused(
        check_as(
            Writer::Staff,
            STAFF,
            &run,
            part,
            Some(raised.clone()),
            Some(closed),
        ),
        "assign, schedule or close",
    );
    let closed = with(
        raised.clone(),
        json!({"timeline": [with(json!({"id": "ev", "status": "done"}), rec(MANAGER))]}),
    );
    assert_eq!(
        check_as(
            Writer::Manager,
            MANAGER,
            &run,
            part,
            Some(raised.clone()),
            Some(closed)
        ),
        Ok(())
    );
    assert_eq!(
        check_as(
            Writer::Manager,
            MANAGER,
            &run,
            part,
            Some(raised),
            Some(assigned)
        ),
        Ok(())
    );
}

#[test]
fn staff_receive_shipments_up_to_received_and_dispatched() {
    let inbound = json!({"type": "shipment", "schema_version": 1, "site": "north", "direction": "inbound", "reference": "PO-1"});
    let outbound = with(inbound.clone(), json!({"direction": "outbound"}));
    let event = |status: &str| with(json!({"id": "t1", "status": status}), rec(STAFF));
    for status in ["arrived", "unloading", "received"] {
        assert_eq!(
            check_as(
                Writer::Staff,
                STAFF,
                &inbound,
                EVENT,
                None,
                Some(event(status))
            ),
            Ok(()),
            "{status}"
        );
    }
    refused(
        check_as(
            Writer::Staff,
            STAFF,
            &inbound,
            EVENT,
            None,
            Some(event("put_away")),
        ),
        "mark a shipment put away",
    );
    assert_eq!(
        check_as(
            Writer::Staff,
            STAFF,
            &outbound,
            EVENT,
            None,
            Some(event("dispatched"))
        ),
        Ok(())
    );
    refused(
        check_as(
            Writer::Staff,
            STAFF,
            &outbound,
            EVENT,
            None,
            Some(event("delivered")),
        ),
        "delivered",
    );
    assert_eq!(
        check_as(
            Writer::Staff,
            STAFF,
            &inbound,
            Part::Root("carrier"),
            None,
            Some(json!("DHL"))
        ),
        Ok(())
    );
    refused(
        check_as(
            Writer::Staff,
            STAFF,
            &inbound,
            Part::Root("direction"),
            Some(json!("inbound")),
            Some(json!("outbound")),
        ),
        "shipment's direction",
    );
    let line = Part::Member {
        collection: "expected_lines",
        key: "l1",
    };
    refused(
        check_as(
            Writer::Staff,
            STAFF,
            &inbound,
            line,
            None,
            Some(json!({"id": "l1", "sku": "SKU-1", "qty": 4})),
        ),
        "expected lines",
    );
    assert_eq!(
        check_as(
            Writer::Manager,
            MANAGER,
            &inbound,
            EVENT,
            None,
            Some(with(
                json!({"id": "t1", "status": "put_away"}),
                rec(MANAGER)
            ))
        ),
        Ok(())
    );
}

#[test]
fn documents_of_no_known_type_are_not_policed() {
    let junk = json!({"kind": "scratch"});
    assert_eq!(
        check_as(
            Writer::Staff,
            STAFF,
            &junk,
            Part::Root("anything"),
            None,
            Some(json!(1))
        ),
        Ok(())
    );
}

#[test]
fn viewers_write_nothing_not_even_what_staff_may() {
    let root = session(&[STAFF]);
    let viewer = "7";
    // An entry in the viewer's own name, on every kind of part and document.
    refused(
        check_as(
            Writer::Viewer,
            viewer,
            &root,
            ENTRY,
            None,
            Some(entry(viewer)),
        ),
        "a viewer can only read",
    );
    refused(
        check_as(
            Writer::Viewer,
            viewer,
            &root,
            Part::Root("title"),
            Some(json!("Aisle 1")),
            Some(json!("Mine")),
        ),
        "a viewer can only read",
    );
    let untyped = json!({"notes": "free"});
    refused(
        check_as(
            Writer::Viewer,
            viewer,
            &untyped,
            Part::Root("notes"),
            Some(json!("free")),
            Some(json!("scribbled")),
        ),
        "a viewer can only read",
    );
}
