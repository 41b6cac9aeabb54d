//! The columns of the import files and what each becomes in the site document.

/// The item columns, in export order. `sku, name, unit, unit_cost_minor` are required.
pub const ITEM_COLUMNS: &[&str] = &[
    "sku",
    "name",
    "barcodes",
    "unit",
    "unit_cost_minor",
    "min",
    "reorder_point",
    "max",
    "supplier",
    "item_class",
];

/// The location columns, in export order. `code, kind` are required.
pub const LOCATION_COLUMNS: &[&str] = &["code", "name", "parent_code", "kind"];

/// Which master data a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Items,
    Locations,
}

/// How a cell becomes a JSON value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Cell {
    Text,
    /// A whole number; anything else is passed on for the validator to name.
    Quantity,
    /// Values separated by `|` (codes may not contain it).
    List,
    /// A location code, turned into the parent's id.
    Parent,
}

pub(super) struct Column {
    pub name: &'static str,
    pub field: &'static str,
    pub cell: Cell,
}

const fn col(name: &'static str, field: &'static str, cell: Cell) -> Column {
    Column { name, field, cell }
}

const ITEMS: &[Column] = &[
    col("sku", "sku", Cell::Text),
    col("name", "name", Cell::Text),
    col("barcodes", "barcodes", Cell::List),
    col("unit", "unit", Cell::Text),
    col("unit_cost_minor", "unit_cost_minor", Cell::Quantity),
    col("min", "min_qty", Cell::Quantity),
    col("reorder_point", "reorder_point", Cell::Quantity),
    col("max", "max_qty", Cell::Quantity),
    col("supplier", "supplier", Cell::Text),
    col("item_class", "item_class", Cell::Text),
];

const LOCATIONS: &[Column] = &[
    col("code", "code", Cell::Text),
    col("name", "name", Cell::Text),
    col("parent_code", "parent", Cell::Parent),
    col("kind", "kind", Cell::Text),
];

impl Kind {
    pub(super) fn columns(self) -> &'static [Column] {
        match self {
            Kind::Items => ITEMS,
            Kind::Locations => LOCATIONS,
        }
    }

    pub(super) fn required(self) -> &'static [&'static str] {
        match self {
            Kind::Items => &["sku", "name", "unit", "unit_cost_minor"],
            Kind::Locations => &["code", "kind"],
        }
    }

    /// The site-document map the rows go into.
    pub fn collection(self) -> &'static str {
        match self {
            Kind::Items => "items",
            Kind::Locations => "locations",
        }
    }

    /// The field that names an entry (an existing one is updated, not duplicated).
    pub(super) fn natural_key(self) -> &'static str {
        match self {
            Kind::Items => "sku",
            Kind::Locations => "code",
        }
    }

    pub(super) fn noun(self) -> &'static str {
        match self {
            Kind::Items => "SKU",
            Kind::Locations => "code",
        }
    }
}
