//! The `site` document: one per site, the master data field staff need offline.
//!
//! Managers write it (usually online), phones read it. Even so, everything someone can
//! create lives under a fresh UUID key (`locations`, `items`, `checklist_templates`):
//! two managers adding "A-01" at the same moment then produce two entries that validation
//! flags as a duplicate code, instead of one silently replacing the other. The location
//! tree is flat (each location names its `parent` by id) because moving a nested Automerge
//! object means copy-and-delete, which loses concurrent edits to it.

mod read;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use crate::checklist_template::{ChecklistTemplate, TemplateItem, TemplateVersion};
use crate::domain_enum::domain_enum;
pub(crate) use read::read_site;

/// Root of a `site` document (`"type": "site"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "typescript"), derive(ts_rs::TS))]
pub struct SiteMaster {
    pub schema_version: u32,
    /// The site slug; the server decides access by it.
    pub site: String,
    pub name: String,
    /// ISO 4217 code of the currency unit costs are in, e.g. `"EUR"`.
    pub currency: String,
    /// Keyed by location id (UUID).
    pub locations: BTreeMap<String, Location>,
    /// Keyed by item id (UUID). Work documents refer to items by SKU.
    pub items: BTreeMap<String, Item>,
    /// Keyed by class code (e.g. `"A"`): a class is named by its code, and a concurrent
    /// edit of one class's tolerance is a plain field conflict.
    #[serde(default)]
    pub item_classes: BTreeMap<String, ItemClass>,
    /// Keyed by template id (UUID).
    #[serde(default)]
    pub checklist_templates: BTreeMap<String, ChecklistTemplate>,
}

domain_enum! {
    /// Level in the location tree: zone → aisle → bin.
    pub enum LocationKind ("location kind") {
        Zone = "zone",
        Aisle = "aisle",
        Bin = "bin",
    }
}

/// A place with a scannable code. Zones have no parent; an aisle's parent is a zone,
/// a bin's an aisle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "typescript"), derive(ts_rs::TS))]
pub struct Location {
    /// The scannable code, unique in the site, e.g. `"A-01-03"`.
    pub code: String,
    pub kind: LocationKind,
    /// Id of the parent location; absent for zones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Archived locations stay for history but take no new stock.
    #[serde(default, skip_serializing_if = "is_false")]
    pub archived: bool,
}

/// A stock item as this site keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "typescript"), derive(ts_rs::TS))]
pub struct Item {
    /// Unique in the site; work documents refer to the item by it.
    pub sku: String,
    pub name: String,
    /// Every barcode or QR payload that identifies this item.
    #[serde(default)]
    pub barcodes: Vec<String>,
    /// The unit quantities are counted in, e.g. `"each"`, `"box"`, `"g"`. Quantities are
    /// whole numbers of it, so goods sold by weight use a small unit such as grams.
    pub unit: String,
    /// Cost of one unit in minor units of the site currency (cents): exact, no floats.
    pub unit_cost_minor: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_qty: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reorder_point: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_qty: Option<u64>,
    /// Code of an entry in `item_classes` (sets the count tolerance).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_class: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supplier: Option<String>,
    /// Archived items stay for history; they are not "active" in coverage KPIs.
    #[serde(default, skip_serializing_if = "is_false")]
    pub archived: bool,
}

/// A class of items sharing a count tolerance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "typescript"), derive(ts_rs::TS))]
pub struct ItemClass {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A counted line within ± this many units of expected counts as accurate.
    pub tolerance_units: u64,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl SiteMaster {
    /// The item with this SKU.
    pub fn item_by_sku(&self, sku: &str) -> Option<&Item> {
        self.items.values().find(|item| item.sku == sku)
    }

    /// The location with this scannable code.
    pub fn location_by_code(&self, code: &str) -> Option<&Location> {
        self.locations.values().find(|l| l.code == code)
    }

    /// Count tolerance for an item: its class's, else ±0 units.
    pub fn tolerance_units(&self, item: &Item) -> u64 {
        let class = item
            .item_class
            .as_ref()
            .and_then(|c| self.item_classes.get(c));
        class.map_or(0, |c| c.tolerance_units)
    }
}
