//! The KPI rollups of migration 0012: per site and day, the sums the KPI queries add
//! up, and per item the days it was counted on.
//!
//! A flatten takes a [`RollupSnapshot`] of the days its document's rows fall on before
//! it writes them; once they are written, every day either snapshot names is
//! recomputed whole from the rows, in the same transaction, so the rollups are never
//! behind the rows they summarize and cannot drift (nothing is ever incremented).
//! A site document can change an item's cost or its class's tolerance, which changes
//! the variance of every line of that item: its snapshot is of the site's prices, and
//! the days on which a changed item was counted are recomputed.
//!
//! On Postgres, two documents of one site may flatten at once. Each recompute first
//! takes the site's row lock (`UPDATE sites SET name = name`, a no-key lock that does not
//! block inserts referencing the site): the second waits for the first to commit, and
//! then, read-committed, sees its rows. SQLite has one writer and needs nothing.

use std::collections::{BTreeMap, BTreeSet};

use super::{SqlBuilder, Statement, db::Conn};
use crate::{
    stmt,
    storage::{StoreResult, day_set::DaySet},
    time::Day,
};

/// What one document fed the rollups, before or after a flatten.
#[derive(Debug, Default)]
pub struct RollupSnapshot {
    site_id: i64,
    document_id: String,
    /// Days of the document's counted lines (any state): `kpi_count_days`.
    count_days: BTreeSet<String>,
    /// (sku, day) of its lines with a counted quantity: `kpi_item_counted_days`.
    counted: BTreeSet<(String, String)>,
    /// Days its run is due on or its responses were recorded: `kpi_checklist_days`.
    checklist_days: BTreeSet<String>,
    /// The day its shipment arrived: `kpi_receiving_days`.
    receiving_days: BTreeSet<String>,
    /// For a site document: every item of the site with its cost and tolerance.
    prices: Option<BTreeMap<String, Vec<String>>>,
}

/// The three day tables, each with the statement that fills it from the rows.
#[derive(Clone, Copy)]
enum DayTable {
    Count,
    Checklist,
    Receiving,
}

impl DayTable {
    const ALL: [DayTable; 3] = [DayTable::Count, DayTable::Checklist, DayTable::Receiving];

    fn name(self) -> &'static str {
        match self {
            DayTable::Count => "kpi_count_days",
            DayTable::Checklist => "kpi_checklist_days",
            DayTable::Receiving => "kpi_receiving_days",
        }
    }

    /// `INSERT … SELECT` of the site's rows, grouped by day, within `[start, end)` if given.
    /// The same filters as the queries in `kpis.rs` read the rows with.
    fn fill(self, site_id: i64, range: Option<(&str, &str)>) -> Statement {
        let mut qb = SqlBuilder::new("");
        let within = |qb: &mut SqlBuilder, column: &str| {
            qb.push(format!(" AND {column} IS NOT NULL"));
            if let Some((start, end)) = range {
                qb.push(format!(" AND {column} >= "))
                    .push_bind(start)
                    .push(format!(" AND {column} < "))
                    .push_bind(end);
            }
        };
        match self {
            DayTable::Count => {
                qb.push(
                    "INSERT INTO kpi_count_days (site_id, day, lines_counted, lines_within_tolerance, \
                     variance_value_minor, net_adjustment_value_minor) \
                     SELECT t.site_id, substr(t.counted_at, 1, 10), COUNT(*), \
                     CAST(COALESCE(SUM(t.within_tolerance), 0) AS BIGINT), \
                     CAST(COALESCE(SUM(ABS(t.variance_value_minor)), 0) AS BIGINT), \
                     CAST(COALESCE(SUM(t.variance_value_minor), 0) AS BIGINT) \
                     FROM count_line_variances t WHERE t.counted_qty IS NOT NULL AND t.site_id = ",
                )
                .push_bind(site_id);
                within(&mut qb, "t.counted_at");
                qb.push(" GROUP BY t.site_id, substr(t.counted_at, 1, 10)");
            }
            DayTable::Checklist => {
                qb.push(
                    "INSERT INTO kpi_checklist_days (site_id, day, runs_scheduled, runs_completed, \
                     runs_on_time, runs_open, responses_answered, responses_failed) \
                     SELECT x.site_id, x.day, SUM(x.scheduled), SUM(x.completed), SUM(x.on_time), \
                     SUM(x.open), SUM(x.answered), SUM(x.failed) FROM (\
                     SELECT t.site_id, substr(t.due_at, 1, 10) AS day, 1 AS scheduled, \
                     CASE WHEN t.completed_at IS NOT NULL THEN 1 ELSE 0 END AS completed, \
                     CASE WHEN t.completed_at IS NOT NULL AND t.completed_at <= t.due_at THEN 1 ELSE 0 END \
                     AS on_time, CASE WHEN t.completed_at IS NULL THEN 1 ELSE 0 END AS open, \
                     0 AS answered, 0 AS failed FROM checklist_runs t WHERE t.site_id = ",
                )
                .push_bind(site_id);
                within(&mut qb, "t.due_at");
                // Responses that can fail: numbers, and checks other than n.a.
                qb.push(
                    " UNION ALL SELECT r.site_id, substr(r.recorded_at, 1, 10), 0, 0, 0, 0, 1, \
                     CASE WHEN r.failed THEN 1 ELSE 0 END FROM checklist_responses r \
                     WHERE (r.kind = 'number' OR r.outcome IN ('pass', 'fail')) AND r.site_id = ",
                )
                .push_bind(site_id);
                within(&mut qb, "r.recorded_at");
                qb.push(") x GROUP BY x.site_id, x.day");
            }
            DayTable::Receiving => {
                qb.push(
                    "INSERT INTO kpi_receiving_days (site_id, day, lines_received, lines_discrepant, \
                     units_received, units_damaged) \
                     SELECT t.site_id, substr(t.arrived_at, 1, 10), COUNT(*), \
                     CAST(COALESCE(SUM(CASE WHEN l.over_qty > 0 OR l.short_qty > 0 OR l.damaged_qty > 0 \
                     THEN 1 ELSE 0 END), 0) AS BIGINT), \
                     CAST(COALESCE(SUM(l.handled_qty + l.damaged_qty), 0) AS BIGINT), \
                     CAST(COALESCE(SUM(l.damaged_qty), 0) AS BIGINT) \
                     FROM shipment_lines l JOIN shipments t ON t.document_id = l.document_id \
                     WHERE t.direction = 'inbound' AND t.site_id = ",
                )
                .push_bind(site_id);
                within(&mut qb, "t.arrived_at");
                qb.push(" GROUP BY t.site_id, substr(t.arrived_at, 1, 10)");
            }
        }
        qb.build()
    }

    async fn refresh_days(
        self,
        conn: &mut Conn,
        site_id: i64,
        days: &BTreeSet<String>,
    ) -> StoreResult<()> {
        for day in days {
            // Only RFC 3339 timestamps are flattened, so every day parses.
            let Some(next) = Day::parse(day).map(|d| d.plus(1).to_string()) else {
                continue;
            };
            conn.execute(&stmt!(
                format!(
                    "DELETE FROM {} WHERE site_id = $1 AND day = $2",
                    self.name()
                ),
                site_id,
                day.as_str()
            ))
            .await?;
            conn.execute(&self.fill(site_id, Some((day, &next))))
                .await?;
        }
        Ok(())
    }
}

impl RollupSnapshot {
    pub(super) async fn take(
        conn: &mut Conn,
        site_id: i64,
        document_id: &str,
        doc_type: &str,
    ) -> StoreResult<RollupSnapshot> {
        let lines: Vec<(String, String, i64)> = conn
            .fetch_all(&stmt!(
                "SELECT sku, substr(counted_at, 1, 10), \
                 CAST(CASE WHEN counted_qty IS NULL THEN 0 ELSE 1 END AS BIGINT) \
                 FROM count_lines WHERE document_id = $1 AND counted_at IS NOT NULL",
                document_id
            ))
            .await?;
        let days = |rows: Vec<(String,)>| rows.into_iter().map(|(d,)| d).collect();
        let checklist_days = days(
            conn.fetch_all(&stmt!(
                "SELECT substr(due_at, 1, 10) FROM checklist_runs WHERE document_id = $1 \
                 AND due_at IS NOT NULL UNION SELECT substr(recorded_at, 1, 10) \
                 FROM checklist_responses WHERE document_id = $1",
                document_id
            ))
            .await?,
        );
        let receiving_days = days(
            conn.fetch_all(&stmt!(
                "SELECT substr(arrived_at, 1, 10) FROM shipments WHERE document_id = $1 \
                 AND arrived_at IS NOT NULL",
                document_id
            ))
            .await?,
        );
        let prices = if doc_type == "site" {
            Some(site_prices(conn, site_id).await?)
        } else {
            None
        };
        Ok(RollupSnapshot {
            site_id,
            document_id: document_id.to_owned(),
            count_days: lines.iter().map(|(_, day, _)| day.clone()).collect(),
            counted: lines
                .into_iter()
                .filter(|(_, _, counted)| *counted == 1)
                .map(|(sku, day, _)| (sku, day))
                .collect(),
            checklist_days,
            receiving_days,
            prices,
        })
    }

    /// Recomputes what `before` or the rows as they are now feed.
    pub(super) async fn refresh(self, conn: &mut Conn, doc_type: &str) -> StoreResult<()> {
        let before = self;
        let site_id = before.site_id;
        conn.execute(&stmt!(
            "UPDATE sites SET name = name WHERE id = $1",
            site_id
        ))
        .await?;
        let after = RollupSnapshot::take(conn, site_id, &before.document_id, doc_type).await?;
        let union = |a: &BTreeSet<String>, b: &BTreeSet<String>| -> BTreeSet<String> {
            a.union(b).cloned().collect()
        };
        let mut count_days = union(&before.count_days, &after.count_days);
        if let (Some(old), Some(new)) = (&before.prices, &after.prices) {
            let repriced: Vec<&String> = old
                .keys()
                .chain(new.keys())
                .filter(|sku| old.get(*sku) != new.get(*sku))
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            count_days.extend(days_counted(conn, site_id, &repriced).await?);
        }
        DayTable::Count
            .refresh_days(conn, site_id, &count_days)
            .await?;
        DayTable::Checklist
            .refresh_days(
                conn,
                site_id,
                &union(&before.checklist_days, &after.checklist_days),
            )
            .await?;
        DayTable::Receiving
            .refresh_days(
                conn,
                site_id,
                &union(&before.receiving_days, &after.receiving_days),
            )
            .await?;
        let changed: BTreeSet<&String> = before
            .counted
            .symmetric_difference(&after.counted)
            .map(|(sku, _)| sku)
            .collect();
        refresh_items(conn, site_id, &changed.into_iter().collect::<Vec<_>>()).await
    }
}

/// Every item of the site with what its lines' variance depends on, as the
/// `count_line_variances` view joins them (one entry per item row).
async fn site_prices(conn: &mut Conn, site_id: i64) -> StoreResult<BTreeMap<String, Vec<String>>> {
    let rows: Vec<(String, i64, i64)> = conn
        .fetch_all(&stmt!(
            "SELECT i.sku, i.unit_cost_minor, CAST(COALESCE(c.tolerance_units, 0) AS BIGINT) \
             FROM items i LEFT JOIN item_classes c ON c.site_id = i.site_id AND c.code = i.item_class \
             WHERE i.site_id = $1",
            site_id
        ))
        .await?;
    let mut prices: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (sku, cost, tolerance) in rows {
        prices
            .entry(sku)
            .or_default()
            .push(format!("{cost}:{tolerance}"));
    }
    for list in prices.values_mut() {
        list.sort();
    }
    Ok(prices)
}

/// Bound parameters per statement when a list of SKUs is spelled out in `IN (…)`.
const SKUS_PER_STATEMENT: usize = 500;

/// The days any of `skus` was counted on at the site.
async fn days_counted(
    conn: &mut Conn,
    site_id: i64,
    skus: &[&String],
) -> StoreResult<BTreeSet<String>> {
    let mut days = BTreeSet::new();
    for chunk in skus.chunks(SKUS_PER_STATEMENT) {
        let mut qb = SqlBuilder::new(
            "SELECT DISTINCT substr(counted_at, 1, 10) FROM count_lines WHERE site_id = ",
        );
        qb.push_bind(site_id)
            .push(" AND counted_at IS NOT NULL AND");
        qb.push_in("sku", chunk);
        let rows: Vec<(String,)> = conn.fetch_all(&qb.build()).await?;
        days.extend(rows.into_iter().map(|(d,)| d));
    }
    Ok(days)
}

/// Recomputes the counted days of `skus` at the site.
async fn refresh_items(conn: &mut Conn, site_id: i64, skus: &[&String]) -> StoreResult<()> {
    for chunk in skus.chunks(SKUS_PER_STATEMENT) {
        let mut qb = SqlBuilder::new("DELETE FROM kpi_item_counted_days WHERE site_id = ");
        qb.push_bind(site_id).push(" AND");
        qb.push_in("sku", chunk);
        conn.execute(&qb.build()).await?;
        let mut qb = SqlBuilder::new(
            "SELECT sku, substr(counted_at, 1, 10) FROM count_lines \
             WHERE counted_qty IS NOT NULL AND counted_at IS NOT NULL AND site_id = ",
        );
        qb.push_bind(site_id).push(" AND");
        qb.push_in("sku", chunk);
        qb.push(" GROUP BY sku, substr(counted_at, 1, 10)");
        let rows: Vec<(String, String)> = conn.fetch_all(&qb.build()).await?;
        insert_item_days(conn, site_id, rows).await?;
    }
    Ok(())
}

async fn insert_item_days(
    conn: &mut Conn,
    site_id: i64,
    rows: Vec<(String, String)>,
) -> StoreResult<()> {
    let mut by_sku: BTreeMap<String, Vec<Day>> = BTreeMap::new();
    for (sku, day) in rows {
        if let Some(day) = Day::parse(&day) {
            by_sku.entry(sku).or_default().push(day);
        }
    }
    for (sku, days) in by_sku {
        let set = DaySet::from_days(days);
        conn.execute(&stmt!(
            "INSERT INTO kpi_item_counted_days (site_id, sku, first_day, days) VALUES ($1, $2, $3, $4)",
            site_id,
            sku,
            set.first_day(),
            set.bits()
        ))
        .await?;
    }
    Ok(())
}

/// Rebuilds every rollup of one site from its rows: after migration 0012, and after
/// rows were written by something other than the flattener (the KPI benchmark).
pub(super) async fn rebuild_site(conn: &mut Conn, site_id: i64) -> StoreResult<()> {
    for table in DayTable::ALL {
        conn.execute(&stmt!(
            format!("DELETE FROM {} WHERE site_id = $1", table.name()),
            site_id
        ))
        .await?;
        conn.execute(&table.fill(site_id, None)).await?;
    }
    conn.execute(&stmt!(
        "DELETE FROM kpi_item_counted_days WHERE site_id = $1",
        site_id
    ))
    .await?;
    let rows: Vec<(String, String)> = conn
        .fetch_all(&stmt!(
            "SELECT sku, substr(counted_at, 1, 10) FROM count_lines \
             WHERE counted_qty IS NOT NULL AND counted_at IS NOT NULL AND site_id = $1 \
             GROUP BY sku, substr(counted_at, 1, 10)",
            site_id
        ))
        .await?;
    insert_item_days(conn, site_id, rows).await
}
