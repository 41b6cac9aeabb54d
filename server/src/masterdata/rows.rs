//! Master-data rows the dashboard lists: items (with stock on hand) and locations, read
//! from the tables the flattener fills from the site document.

use serde::Serialize;
use utoipa::ToSchema;

use crate::reporting::csv::{CsvColumns, raw_json};

/// An item of a site, with its stock on hand over all locations.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, ToSchema)]
pub struct ItemRow {
    /// Site slug.
    pub site: String,
    /// The item's key in the site document (UUID).
    pub id: String,
    pub sku: String,
    pub name: String,
    pub unit: String,
    #[serde(serialize_with = "raw_json")]
    #[schema(value_type = Vec<String>)]
    pub barcodes: String,
    pub unit_cost_minor: i64,
    pub min_qty: Option<i64>,
    pub reorder_point: Option<i64>,
    pub max_qty: Option<i64>,
    pub item_class: Option<String>,
    pub supplier: Option<String>,
    /// Not archived.
    pub active: bool,
    /// Sum of stock movements at every location.
    pub on_hand: i64,
    /// At or below its reorder point.
    pub below_reorder_point: bool,
}

impl CsvColumns for ItemRow {
    const COLUMNS: &'static [&'static str] = &[
        "site",
        "id",
        "sku",
        "name",
        "unit",
        "barcodes",
        "unit_cost_minor",
        "min_qty",
        "reorder_point",
        "max_qty",
        "item_class",
        "supplier",
        "active",
        "on_hand",
        "below_reorder_point",
    ];
}

/// A location of a site, with its parent's code.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, ToSchema)]
pub struct LocationRow {
    pub site: String,
    pub id: String,
    pub code: String,
    /// zone, aisle or bin.
    pub kind: String,
    pub name: Option<String>,
    pub parent_code: Option<String>,
    pub archived: bool,
}

impl CsvColumns for LocationRow {
    const COLUMNS: &'static [&'static str] = &[
        "site",
        "id",
        "code",
        "kind",
        "name",
        "parent_code",
        "archived",
    ];
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reporting::csv::assert_columns_match;

    #[test]
    fn csv_columns_match_the_fields() {
        assert_columns_match(&ItemRow {
            site: "s".into(),
            id: "i".into(),
            sku: "k".into(),
            name: "n".into(),
            unit: "each".into(),
            barcodes: "[]".into(),
            unit_cost_minor: 1,
            min_qty: None,
            reorder_point: None,
            max_qty: None,
            item_class: None,
            supplier: None,
            active: true,
            on_hand: 0,
            below_reorder_point: false,
        });
        assert_columns_match(&LocationRow {
            site: "s".into(),
            id: "i".into(),
            code: "A".into(),
            kind: "zone".into(),
            name: None,
            parent_code: None,
            archived: false,
        });
    }
}
