//! KPI and table queries against the hand-computed fixture, on SQLite and Postgres.

use crate::common;
use crate::reporting_fixture as fixture;

use common::{Backend, TestDb};
use floorwalk::{
    reporting::period::Period,
    storage::{
        ActionCounts, ChecklistCounts, CountAccuracyCounts, CountCompletionCounts, KpiQuery,
        KpiSource, ListQuery, ReceivingCounts, ShipmentCounts, Store,
    },
    time::Day,
};

fn november() -> Period {
    Period {
        from: Day::parse("2026-11-01").expect("day"),
        to: Day::parse("2026-11-30").expect("day"),
    }
}

fn kpi(sites: &[i64], period: Period, source: KpiSource) -> KpiQuery {
    KpiQuery {
        sites: sites.to_vec(),
        window: period.window(),
        now: fixture::NOW.into(),
        source,
    }
}

fn list(sites: &[i64]) -> ListQuery {
    ListQuery {
        sites: sites.to_vec(),
        start: None,
        end: None,
        document: None,
        status: vec![],
        limit: 100,
        offset: 0,
    }
}

fn shipments(rows: &[(&str, i64, i64, i64)]) -> Vec<ShipmentCounts> {
    rows.iter()
        .map(|(direction, expected, arrived, late)| ShipmentCounts {
            direction: (*direction).into(),
            expected: *expected,
            arrived: *arrived,
            late: *late,
        })
        .collect()
}

async fn setup(backend: Backend) -> (TestDb, std::sync::Arc<dyn Store>, fixture::Sites) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let sites = fixture::load(store.as_ref(), &db.url).await;
    (db, store, sites)
}

async fn kpis_match_hand_computed_figures(backend: Backend, source: KpiSource) {
    let (_db, store, sites) = setup(backend).await;
    let north = [sites.north];
    let (cur, prev) = (
        kpi(&north, november(), source),
        kpi(&north, november().previous(), source),
    );

    assert_eq!(
        store.count_accuracy(&cur).await.expect("accuracy"),
        CountAccuracyCounts {
            lines_counted: 5,
            lines_within_tolerance: 3,
            variance_value_minor: 5296,
            net_adjustment_value_minor: -2498,
        },
        "{backend:?} {source:?}: +1 within ±2, −3 outside ±2, +1 outside ±0, two exact; never netted"
    );
    assert_eq!(
        store.count_accuracy(&prev).await.expect("accuracy"),
        CountAccuracyCounts {
            lines_counted: 2,
            lines_within_tolerance: 1,
            variance_value_minor: 200,
            net_adjustment_value_minor: -200,
        },
        "{backend:?} {source:?}"
    );
    let both = kpi(&[sites.north, sites.south], november(), source);
    let all = store.count_accuracy(&both).await.expect("accuracy");
    assert_eq!(
        (
            all.lines_counted,
            all.lines_within_tolerance,
            all.variance_value_minor,
            all.net_adjustment_value_minor
        ),
        (6, 3, 9296, 1502),
        "{backend:?} {source:?}: both sites"
    );

    assert_eq!(
        store
            .count_completion(std::slice::from_ref(&cur))
            .await
            .expect("completion")[0],
        CountCompletionCounts {
            sessions_due: 3,
            sessions_closed_by_due: 1,
            items_counted: 3,
            active_items: 3,
        },
        "{backend:?} {source:?}: the archived SKU-30 was counted but is not active"
    );
    assert_eq!(
        store
            .count_completion(std::slice::from_ref(&prev))
            .await
            .expect("completion")[0],
        CountCompletionCounts {
            sessions_due: 1,
            sessions_closed_by_due: 1,
            items_counted: 2,
            active_items: 3,
        },
        "{backend:?} {source:?}"
    );

    assert_eq!(
        store.checklist_counts(&cur).await.expect("checklists"),
        ChecklistCounts {
            runs_scheduled: 4,
            runs_completed: 2,
            runs_on_time: 1,
            runs_overdue_open: 1,
            responses_answered: 4,
            responses_failed: 2,
        },
        "{backend:?} {source:?}: text and n.a. answers cannot fail"
    );
    assert_eq!(
        store.checklist_counts(&prev).await.expect("checklists"),
        ChecklistCounts {
            runs_scheduled: 1,
            runs_completed: 1,
            runs_on_time: 1,
            runs_overdue_open: 0,
            responses_answered: 1,
            responses_failed: 0,
        },
        "{backend:?} {source:?}"
    );

    let at_now = cur.window.as_of(&cur.now);
    let at_prev = prev.window.as_of(&prev.now);
    assert_eq!(at_now, fixture::NOW, "the period has not ended: read now");
    assert_eq!(at_prev, "2026-11-01", "the previous period ended");
    assert_eq!(
        store
            .corrective_action_counts(&north, &at_now)
            .await
            .expect("actions"),
        [ActionCounts {
            site: "north".into(),
            priority: "high".into(),
            open: 2,
            overdue: 1
        }],
        "{backend:?} {source:?}: done and cancelled actions are closed now"
    );
    assert_eq!(
        store
            .corrective_action_counts(&north, &at_prev)
            .await
            .expect("actions"),
        [ActionCounts {
            site: "north".into(),
            priority: "low".into(),
            open: 1,
            overdue: 1
        }],
        "{backend:?} {source:?}: closed on 11-02, so open and overdue on 11-01"
    );
    // Both instants in one query give the same, in order (the trend asks for twelve).
    let both = store
        .corrective_action_counts_at(&north, &[at_prev.clone(), at_now.clone()])
        .await
        .expect("actions");
    assert_eq!(
        both,
        [
            store
                .corrective_action_counts(&north, &at_prev)
                .await
                .expect("prev"),
            store
                .corrective_action_counts(&north, &at_now)
                .await
                .expect("now"),
        ],
        "{backend:?} {source:?}"
    );

    assert_eq!(
        store.shipment_counts(&cur).await.expect("shipments"),
        shipments(&[("inbound", 3, 1, 1), ("outbound", 1, 1, 0)]),
        "{backend:?} {source:?}"
    );
    assert_eq!(
        store.shipment_counts(&prev).await.expect("shipments"),
        shipments(&[("inbound", 1, 1, 0)]),
        "{backend:?} {source:?}"
    );

    assert_eq!(
        store.receiving_counts(&cur).await.expect("receiving"),
        ReceivingCounts {
            lines_received: 4,
            lines_discrepant: 3,
            units_received: 34,
            units_damaged: 2,
        },
        "{backend:?} {source:?}: damaged, short and unexpected lines are discrepancies"
    );
    assert_eq!(
        store.receiving_counts(&prev).await.expect("receiving"),
        ReceivingCounts {
            lines_received: 1,
            lines_discrepant: 0,
            units_received: 10,
            units_damaged: 0,
        },
        "{backend:?} {source:?}"
    );

    let nobody = kpi(&[], november(), source);
    assert_eq!(
        store.count_accuracy(&nobody).await.expect("no sites"),
        CountAccuracyCounts::default(),
        "{backend:?} {source:?}: no sites, no rows"
    );
}

async fn tables_list_the_fixture(backend: Backend) {
    let (_db, store, sites) = setup(backend).await;
    let north = [sites.north];

    let replenish = store
        .replenishment(&list(&north))
        .await
        .expect("replenishment");
    let found: Vec<_> = replenish
        .rows
        .iter()
        .map(|r| (r.sku.as_str(), r.on_hand, r.suggested_qty))
        .collect();
    assert_eq!(
        found,
        [
            ("SKU-12", 3, None),
            ("SKU-40", 3, Some(47)),
            ("SKU-9", 15, Some(65))
        ],
        "{backend:?}: the voided +100 does not count; SKU-12 has no max"
    );
    assert_eq!(replenish.total, 3);
    let south = store
        .replenishment(&list(&[sites.south]))
        .await
        .expect("south");
    assert_eq!(south.rows.len(), 1);
    assert_eq!(
        (south.rows[0].on_hand, south.rows[0].suggested_qty),
        (0, Some(200))
    );

    let levels = store.stock_levels(&list(&north)).await.expect("levels");
    let found: Vec<_> = levels
        .rows
        .iter()
        .map(|r| (r.sku.as_str(), r.location.as_str(), r.on_hand))
        .collect();
    assert_eq!(
        found,
        [
            ("SKU-12", "A-01-01", 3),
            ("SKU-40", "A-01-02", 3),
            ("SKU-9", "A-01-01", 13),
            ("SKU-9", "A-01-02", 2)
        ],
        "{backend:?}"
    );
    assert_eq!(levels.rows[2].item_name.as_deref(), Some("Pallet wrap"));
    let page = store
        .stock_levels(&ListQuery {
            limit: 2,
            offset: 1,
            ..list(&north)
        })
        .await
        .expect("page");
    assert_eq!((page.total, page.rows.len()), (4, 2));
    assert_eq!(
        (page.rows[0].sku.as_str(), page.rows[1].location.as_str()),
        ("SKU-40", "A-01-01")
    );

    let lines = store
        .count_lines(&ListQuery {
            document: Some("cs-1".into()),
            ..list(&north)
        })
        .await
        .expect("lines");
    assert_eq!(lines.total, 6, "{backend:?}");
    let line = |key: &str| lines.rows.iter().find(|l| l.line_key == key).expect("line");
    let short = line("A-01-02|SKU-9");
    assert_eq!(
        (
            short.variance_units,
            short.variance_value_minor,
            short.tolerance_units,
            short.within_tolerance
        ),
        (Some(-3), Some(-3897), 2, Some(false)),
        "{backend:?}"
    );
    let within = line("A-01-01|SKU-9");
    assert_eq!(within.within_tolerance, Some(true));
    let conflict = line("A-01-02|SKU-12");
    assert_eq!(
        (
            conflict.counted_qty,
            conflict.within_tolerance,
            conflict.status.as_str()
        ),
        (None, None, "conflict")
    );

    let conflicts = store
        .count_conflicts(&list(&north))
        .await
        .expect("conflicts");
    assert_eq!(conflicts.rows.len(), 1);
    let only = |status: &str| ListQuery {
        status: vec![status.to_owned()],
        ..list(&north)
    };
    assert_eq!(
        store
            .count_conflicts(&only("open"))
            .await
            .expect("open")
            .total,
        1
    );
    assert_eq!(
        store
            .count_conflicts(&only("resolved"))
            .await
            .expect("resolved")
            .total,
        0
    );
    let done = store.corrective_actions(&only("done")).await.expect("done");
    assert_eq!(
        done.rows.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(),
        ["ca3"],
        "{backend:?}"
    );
    assert_eq!(
        store
            .count_entries(&only("voided"))
            .await
            .expect("voided")
            .total,
        1
    );
    assert_eq!(
        store
            .checklist_runs(&only("open"))
            .await
            .expect("open runs")
            .total,
        2
    );
    let failed = store
        .checklist_responses(&only("failed"))
        .await
        .expect("failed");
    let found: Vec<_> = failed
        .rows
        .iter()
        .map(|r| (r.item_id.as_str(), r.outcome.as_deref(), r.number_value))
        .collect();
    assert_eq!(
        found,
        [("b", None, Some(9.0)), ("a", Some("fail"), None)],
        "{backend:?}"
    );
    assert_eq!(failed.rows[0].template_name.as_deref(), Some("Dock walk"));
    let json = serde_json::to_value(&failed.rows[0]).expect("json");
    assert_eq!(json["photos"], serde_json::json!([]));
    let json = serde_json::to_value(&conflicts.rows[0]).expect("json");
    assert_eq!(json["quantities"], serde_json::json!([2, 3]), "{backend:?}");
    assert_eq!(json["entries"][1]["by"], "u2");
    assert_eq!(json["resolved"], false);

    let entries = store.count_entries(&list(&north)).await.expect("entries");
    let ids: Vec<_> = entries
        .rows
        .iter()
        .map(|e| (e.id.as_str(), e.voided))
        .collect();
    assert_eq!(
        ids,
        [("e2", false), ("e1", false), ("e3", true)],
        "{backend:?}: newest first"
    );

    let sessions = store.count_sessions(&list(&north)).await.expect("sessions");
    assert_eq!(sessions.total, 4);
    let cs1 = sessions
        .rows
        .iter()
        .find(|s| s.document_id == "cs-1")
        .expect("cs-1");
    assert_eq!(
        (cs1.lines, cs1.lines_counted, cs1.open_conflicts),
        (6, 5, 1),
        "{backend:?}"
    );
    let dated = store
        .count_sessions(&ListQuery {
            start: Some("2026-11-01".into()),
            end: Some("2026-11-15".into()),
            ..list(&north)
        })
        .await
        .expect("dated");
    assert_eq!(
        dated.total, 1,
        "{backend:?}: only cs-1 is due from 11-01 to 11-14"
    );

    let shipments = store.shipments(&list(&north)).await.expect("shipments");
    let sh1 = shipments
        .rows
        .iter()
        .find(|s| s.document_id == "sh1")
        .expect("sh1");
    assert_eq!(
        (
            sh1.lines,
            sh1.expected_units,
            sh1.handled_units,
            sh1.damaged_units,
            sh1.discrepant_lines
        ),
        (4, 35, 32, 2, 3),
        "{backend:?}"
    );
    let sh_lines = store
        .shipment_lines(&ListQuery {
            document: Some("sh1".into()),
            ..list(&north)
        })
        .await
        .expect("lines");
    assert_eq!(sh_lines.total, 4);
    assert!(sh_lines.rows.iter().all(|l| l.reference == "PO-1"));

    assert_eq!(
        store
            .checklist_runs(&list(&north))
            .await
            .expect("runs")
            .total,
        5
    );
    let actions = store
        .corrective_actions(&list(&north))
        .await
        .expect("actions");
    assert_eq!(actions.rows[0].id, "ca3", "{backend:?}: soonest due first");
    assert_eq!(
        actions.rows.last().map(|a| a.id.as_str()),
        Some("ca4"),
        "no due date last"
    );

    let problems = store
        .document_problems(&ListQuery {
            start: Some("2026-11-01".into()),
            ..list(&north)
        })
        .await
        .expect("problems");
    assert_eq!(problems.total, 1, "{backend:?}");
    let json = serde_json::to_value(&problems.rows[0]).expect("json");
    assert_eq!(json["detected_at"], "2026-11-13T12:00:00.000Z");
    assert_eq!(
        store
            .document_problems(&list(&[sites.south]))
            .await
            .expect("south")
            .total,
        0
    );
}

per_backend!(kpis_match_hand_computed_figures = from_rollups_and_rows);
async fn from_rollups_and_rows(backend: Backend) {
    for source in [KpiSource::Rollups, KpiSource::Rows] {
        kpis_match_hand_computed_figures(backend, source).await;
    }
}

per_backend!(tables_list_the_fixture);
