//! Cross-document checks: do the SKUs and location codes a work document uses exist in
//! its site's master data?
//!
//! Kept apart from [`crate::validate`] on purpose. It needs a second document, and a miss
//! does not make the work document broken: a phone may record an item a manager created
//! after the phone last synced, or a manager may archive or rename something later. The
//! server shows these as warnings to fix in master data, and never rejects the work.

use std::collections::HashSet;

use crate::validation::{Checker, Segment};
use crate::{Document, SiteMaster};

/// Every SKU or location code in `document` that `site` does not define (archived ones
/// count as defined), plus a mismatched root `site`. Empty when everything resolves.
pub fn unknown_references(document: &Document, site: &SiteMaster) -> Vec<crate::Problem> {
    let known = Known {
        skus: site.items.values().map(|i| i.sku.as_str()).collect(),
        locations: site.locations.values().map(|l| l.code.as_str()).collect(),
    };
    let mut c = Checker::default();
    if document.site() != site.site {
        let message = format!(
            "is {:?} but the master data is for {:?}",
            document.site(),
            site.site
        );
        c.report_at(&[Segment::Field("site")], message);
    }
    match document {
        Document::Site(_) => {}
        Document::CountSession(d) => {
            for (i, code) in d.scope.locations.iter().enumerate() {
                known.location(
                    &mut c,
                    &[
                        Segment::Field("scope"),
                        Segment::Field("locations"),
                        Segment::Index(i),
                    ],
                    code,
                );
            }
            for (i, sku) in d.scope.skus.iter().enumerate() {
                known.sku(
                    &mut c,
                    &[
                        Segment::Field("scope"),
                        Segment::Field("skus"),
                        Segment::Index(i),
                    ],
                    sku,
                );
            }
            for key in d.lines.keys() {
                if let Some((location, sku)) = crate::count_session::split_line_key(key) {
                    known.location(
                        &mut c,
                        &[Segment::Field("lines"), Segment::key(key)],
                        location,
                    );
                    known.sku(&mut c, &[Segment::Field("lines"), Segment::key(key)], sku);
                }
            }
            for (i, e) in d.entries.iter().enumerate() {
                known.location(&mut c, &entry("entries", i, "location"), &e.location);
                known.sku(&mut c, &entry("entries", i, "sku"), &e.sku);
            }
        }
        Document::ChecklistRun(d) => {
            if let Some(location) = &d.location {
                known.location(&mut c, &[Segment::Field("location")], location);
            }
        }
        Document::Shipment(d) => {
            for (i, line) in d.expected_lines.iter().enumerate() {
                known.sku(&mut c, &entry("expected_lines", i, "sku"), &line.sku);
                if let Some(location) = &line.location {
                    known.location(&mut c, &entry("expected_lines", i, "location"), location);
                }
            }
            for (i, e) in d.entries.iter().enumerate() {
                known.sku(&mut c, &entry("entries", i, "sku"), &e.sku);
                if let Some(location) = &e.location {
                    known.location(&mut c, &entry("entries", i, "location"), location);
                }
            }
        }
        Document::StockLog(d) => {
            for (i, m) in d.movements.iter().enumerate() {
                known.sku(&mut c, &entry("movements", i, "sku"), &m.sku);
                for (field, code) in [("from", &m.from), ("to", &m.to)] {
                    if let Some(code) = code {
                        known.location(&mut c, &entry("movements", i, field), code);
                    }
                }
            }
        }
    }
    c.into_problems()
}

struct Known<'s> {
    skus: HashSet<&'s str>,
    locations: HashSet<&'s str>,
}

impl Known<'_> {
    fn sku(&self, c: &mut Checker, at: &[Segment], sku: &str) {
        if !self.skus.contains(sku) {
            c.report_at(
                at,
                format!("no item with SKU {sku:?} in the site's master data"),
            );
        }
    }

    fn location(&self, c: &mut Checker, at: &[Segment], code: &str) {
        if !self.locations.contains(code) {
            c.report_at(
                at,
                format!("no location with code {code:?} in the site's master data"),
            );
        }
    }
}

fn entry(list: &'static str, i: usize, field: &'static str) -> [Segment; 3] {
    [
        Segment::Field(list),
        Segment::Index(i),
        Segment::Field(field),
    ]
}
