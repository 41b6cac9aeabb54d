//! Size limits. A document comes from a phone we do not control, so every string, list
//! and map has a ceiling well above real use and well below what could hurt the server.

/// Deepest nesting accepted anywhere in a document, unknown fields included. The
/// deepest real path is about 8 levels (site → templates → versions → items → …).
pub const MAX_DEPTH: usize = 32;
/// After this many problems the rest are counted, not listed, so a garbage document
/// cannot make a garbage report of unbounded size.
pub const MAX_PROBLEMS: usize = 500;

/// Names, titles, labels, references.
pub const MAX_NAME: usize = 200;
/// Notes and free-text responses.
pub const MAX_NOTE: usize = 4_000;
/// Location codes, SKUs, slugs, class codes, units, suppliers.
pub const MAX_CODE: usize = 64;
/// Barcode payloads (QR codes may carry more than a SKU).
pub const MAX_BARCODE: usize = 512;
/// User and device ids are opaque to this crate (the server issues them).
pub const MAX_OPAQUE_ID: usize = 128;

/// Largest quantity: whole units, exact in a JS number and summable without overflow.
pub const MAX_QUANTITY: u64 = 1_000_000_000;
/// Largest attachment accepted by the upload endpoint.
pub const MAX_ATTACHMENT_BYTES: u64 = 50 * 1024 * 1024;

pub const MAX_ENTRIES: usize = 100_000;
pub const MAX_LINES: usize = 50_000;
pub const MAX_LOCATIONS: usize = 100_000;
pub const MAX_ITEMS: usize = 100_000;
pub const MAX_TEMPLATES: usize = 1_000;
pub const MAX_TEMPLATE_VERSIONS: usize = 1_000;
pub const MAX_TEMPLATE_ITEMS: usize = 1_000;
pub const MAX_EVENTS: usize = 1_000;
pub const MAX_SMALL_LIST: usize = 100;
pub const MAX_PHOTOS: usize = 50;
