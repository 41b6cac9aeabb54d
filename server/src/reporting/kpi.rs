//! KPI arithmetic over the raw counts the storage returns: ratios, sums and the change
//! against the previous period. Plain functions, tested without a database.

use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::ToSchema;

use crate::csv::CsvColumns;
use crate::storage::{
    ActionCounts, ChecklistCounts, CountAccuracyCounts, CountCompletionCounts, ReceivingCounts,
    ShipmentCounts,
};

/// One figure in one period: a ratio (`numerator` ÷ `denominator`, no value when the
/// denominator is 0) or a plain count or amount (`value` only).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, ToSchema)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export_to = "api/"))]
pub struct FigureValue {
    pub value: Option<f64>,
    pub numerator: Option<i64>,
    pub denominator: Option<i64>,
}

pub fn ratio(numerator: i64, denominator: i64) -> FigureValue {
    FigureValue {
        value: (denominator != 0).then(|| numerator as f64 / denominator as f64),
        numerator: Some(numerator),
        denominator: Some(denominator),
    }
}

pub fn amount(value: i64) -> FigureValue {
    FigureValue {
        value: Some(value as f64),
        numerator: None,
        denominator: None,
    }
}

/// A KPI in the chosen period beside the previous period of the same length.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export_to = "api/"))]
pub struct Figure {
    /// e.g. `inventory_record_accuracy`.
    pub kpi: String,
    /// Set for figures given per site.
    pub site: Option<String>,
    /// Set for figures given per group: a priority, a shipment direction.
    pub group: Option<String>,
    pub current: FigureValue,
    pub previous: FigureValue,
    /// current − previous, when both have a value.
    pub change: Option<f64>,
}

impl Figure {
    pub fn new(kpi: &str, current: FigureValue, previous: FigureValue) -> Figure {
        let change = current.value.zip(previous.value).map(|(c, p)| c - p);
        Figure {
            kpi: kpi.to_owned(),
            site: None,
            group: None,
            current,
            previous,
            change,
        }
    }

    fn of(mut self, site: Option<&str>, group: Option<&str>) -> Figure {
        self.site = site.map(str::to_owned);
        self.group = group.map(str::to_owned);
        self
    }
}

pub fn inventory_accuracy(cur: &CountAccuracyCounts, prev: &CountAccuracyCounts) -> Vec<Figure> {
    let accuracy = |c: &CountAccuracyCounts| ratio(c.lines_within_tolerance, c.lines_counted);
    vec![
        Figure::new("inventory_record_accuracy", accuracy(cur), accuracy(prev)),
        Figure::new(
            "variance_value_minor",
            amount(cur.variance_value_minor),
            amount(prev.variance_value_minor),
        ),
        Figure::new(
            "net_adjustment_value_minor",
            amount(cur.net_adjustment_value_minor),
            amount(prev.net_adjustment_value_minor),
        ),
        Figure::new(
            "lines_counted",
            amount(cur.lines_counted),
            amount(prev.lines_counted),
        ),
    ]
}

pub fn count_completion(cur: &CountCompletionCounts, prev: &CountCompletionCounts) -> Vec<Figure> {
    let completion = |c: &CountCompletionCounts| ratio(c.sessions_closed_by_due, c.sessions_due);
    let coverage = |c: &CountCompletionCounts| ratio(c.items_counted, c.active_items);
    vec![
        Figure::new("count_completion", completion(cur), completion(prev)),
        Figure::new("count_coverage", coverage(cur), coverage(prev)),
    ]
}

pub fn checklists(cur: &ChecklistCounts, prev: &ChecklistCounts) -> Vec<Figure> {
    let figure = |kpi, f: fn(&ChecklistCounts) -> FigureValue| Figure::new(kpi, f(cur), f(prev));
    vec![
        figure("checklist_completion", |c| {
            ratio(c.runs_completed, c.runs_scheduled)
        }),
        figure("checklist_on_time", |c| {
            ratio(c.runs_on_time, c.runs_scheduled)
        }),
        figure("overdue_open_runs", |c| amount(c.runs_overdue_open)),
        figure("failed_item_rate", |c| {
            ratio(c.responses_failed, c.responses_answered)
        }),
    ]
}

/// Open and overdue actions per site and priority; a group missing from one period
/// counts 0 there.
pub fn corrective_actions(cur: &[ActionCounts], prev: &[ActionCounts]) -> Vec<Figure> {
    let mut groups: BTreeMap<(&str, &str), [(i64, i64); 2]> = BTreeMap::new();
    for (period, rows) in [cur, prev].into_iter().enumerate() {
        for row in rows {
            groups.entry((&row.site, &row.priority)).or_default()[period] = (row.open, row.overdue);
        }
    }
    let mut figures = Vec::new();
    for ((site, priority), [(open, overdue), (prev_open, prev_overdue)]) in groups {
        figures.push(
            Figure::new("open_corrective_actions", amount(open), amount(prev_open))
                .of(Some(site), Some(priority)),
        );
        figures.push(
            Figure::new(
                "overdue_corrective_actions",
                amount(overdue),
                amount(prev_overdue),
            )
            .of(Some(site), Some(priority)),
        );
    }
    figures
}

/// Per direction: expected, arrived and late in the period, and expected today beside
/// yesterday.
pub fn shipments(period: [&[ShipmentCounts]; 2], today: [&[ShipmentCounts]; 2]) -> Vec<Figure> {
    let find = |rows: &[ShipmentCounts], direction: &str| {
        rows.iter()
            .find(|r| r.direction == direction)
            .map_or((0, 0, 0), |r| (r.expected, r.arrived, r.late))
    };
    let mut figures = Vec::new();
    for direction in ["inbound", "outbound"] {
        let (cur, prev) = (find(period[0], direction), find(period[1], direction));
        let (now, before) = (find(today[0], direction), find(today[1], direction));
        let of =
            |kpi, c: i64, p: i64| Figure::new(kpi, amount(c), amount(p)).of(None, Some(direction));
        figures.push(of("shipments_expected", cur.0, prev.0));
        figures.push(of("shipments_arrived", cur.1, prev.1));
        figures.push(of("shipments_late", cur.2, prev.2));
        figures.push(of("shipments_expected_today", now.0, before.0));
    }
    figures
}

pub fn receiving(cur: &ReceivingCounts, prev: &ReceivingCounts) -> Vec<Figure> {
    let discrepancy = |c: &ReceivingCounts| ratio(c.lines_discrepant, c.lines_received);
    let damage = |c: &ReceivingCounts| ratio(c.units_damaged, c.units_received);
    vec![
        Figure::new(
            "receiving_discrepancy_rate",
            discrepancy(cur),
            discrepancy(prev),
        ),
        Figure::new("damage_rate", damage(cur), damage(prev)),
    ]
}

/// A figure as one CSV line, with its periods' dates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FigureCsvRow {
    pub kpi: String,
    pub site: Option<String>,
    pub group: Option<String>,
    pub from: String,
    pub to: String,
    pub value: Option<f64>,
    pub numerator: Option<i64>,
    pub denominator: Option<i64>,
    pub previous_from: String,
    pub previous_to: String,
    pub previous_value: Option<f64>,
    pub previous_numerator: Option<i64>,
    pub previous_denominator: Option<i64>,
    pub change: Option<f64>,
}

impl CsvColumns for FigureCsvRow {
    const COLUMNS: &'static [&'static str] = &[
        "kpi",
        "site",
        "group",
        "from",
        "to",
        "value",
        "numerator",
        "denominator",
        "previous_from",
        "previous_to",
        "previous_value",
        "previous_numerator",
        "previous_denominator",
        "change",
    ];
}

impl FigureCsvRow {
    pub fn new(figure: &Figure, period: [&str; 2], previous: [&str; 2]) -> FigureCsvRow {
        FigureCsvRow {
            kpi: figure.kpi.clone(),
            site: figure.site.clone(),
            group: figure.group.clone(),
            from: period[0].to_owned(),
            to: period[1].to_owned(),
            value: figure.current.value,
            numerator: figure.current.numerator,
            denominator: figure.current.denominator,
            previous_from: previous[0].to_owned(),
            previous_to: previous[1].to_owned(),
            previous_value: figure.previous.value,
            previous_numerator: figure.previous.numerator,
            previous_denominator: figure.previous.denominator,
            change: figure.change,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csv::{assert_columns_match, to_csv};

    #[test]
    fn ratio_has_no_value_without_a_denominator() {
        assert_eq!(ratio(3, 4).value, Some(0.75));
        assert_eq!(ratio(0, 0).value, None);
        assert_eq!(ratio(0, 0).denominator, Some(0));
        assert_eq!(amount(-5).value, Some(-5.0));
    }

    #[test]
    fn change_needs_both_periods() {
        assert_eq!(
            Figure::new("x", ratio(1, 2), ratio(1, 4)).change,
            Some(0.25)
        );
        assert_eq!(Figure::new("x", ratio(1, 2), ratio(0, 0)).change, None);
    }

    #[test]
    fn accuracy_figures() {
        let cur = CountAccuracyCounts {
            lines_counted: 4,
            lines_within_tolerance: 3,
            variance_value_minor: 2598,
            net_adjustment_value_minor: -1299,
        };
        let figures = inventory_accuracy(&cur, &CountAccuracyCounts::default());
        assert_eq!(figures[0].kpi, "inventory_record_accuracy");
        assert_eq!(figures[0].current.value, Some(0.75));
        assert_eq!(figures[0].previous.value, None);
        assert_eq!(figures[1].current.value, Some(2598.0));
        assert_eq!(figures[2].current.value, Some(-1299.0));
        assert_eq!(figures[2].change, Some(-1299.0));
    }

    #[test]
    fn corrective_actions_merge_groups_of_both_periods() {
        let row = |site: &str, priority: &str, open, overdue| ActionCounts {
            site: site.into(),
            priority: priority.into(),
            open,
            overdue,
        };
        let figures =
            corrective_actions(&[row("north", "high", 2, 1)], &[row("north", "low", 1, 0)]);
        let found: Vec<_> = figures
            .iter()
            .map(|f| {
                (
                    f.kpi.as_str(),
                    f.group.as_deref(),
                    f.current.value,
                    f.previous.value,
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                (
                    "open_corrective_actions",
                    Some("high"),
                    Some(2.0),
                    Some(0.0)
                ),
                (
                    "overdue_corrective_actions",
                    Some("high"),
                    Some(1.0),
                    Some(0.0)
                ),
                ("open_corrective_actions", Some("low"), Some(0.0), Some(1.0)),
                (
                    "overdue_corrective_actions",
                    Some("low"),
                    Some(0.0),
                    Some(0.0)
                ),
            ]
        );
        assert!(figures.iter().all(|f| f.site.as_deref() == Some("north")));
    }

    #[test]
    fn shipments_report_both_directions_even_without_rows() {
        let inbound = ShipmentCounts {
            direction: "inbound".into(),
            expected: 3,
            arrived: 2,
            late: 1,
        };
        let figures = shipments(
            [std::slice::from_ref(&inbound), &[]],
            [std::slice::from_ref(&inbound), &[]],
        );
        assert_eq!(figures.len(), 8);
        assert_eq!(figures[2].kpi, "shipments_late");
        assert_eq!(figures[2].current.value, Some(1.0));
        assert_eq!(figures[4].group.as_deref(), Some("outbound"));
        assert_eq!(figures[4].current.value, Some(0.0));
    }

    #[test]
    fn receiving_rates() {
        let cur = ReceivingCounts {
            lines_received: 4,
            lines_discrepant: 1,
            units_received: 50,
            units_damaged: 5,
        };
        let figures = receiving(&cur, &ReceivingCounts::default());
        assert_eq!(figures[0].current.value, Some(0.25));
        assert_eq!(figures[1].current.value, Some(0.1));
    }

    #[test]
    fn figures_as_csv() {
        let figure = Figure::new("damage_rate", ratio(1, 4), ratio(0, 0));
        let row = FigureCsvRow::new(
            &figure,
            ["2026-11-01", "2026-11-30"],
            ["2026-10-02", "2026-10-31"],
        );
        assert_columns_match(&row);
        let csv = to_csv(&[row]).expect("csv");
        assert_eq!(
            csv.lines().nth(1),
            Some("damage_rate,,,2026-11-01,2026-11-30,0.25,1,4,2026-10-02,2026-10-31,,0,0,")
        );
    }
}
