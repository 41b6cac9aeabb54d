use floorwalk_shared::{DomainEnum, SiteMaster};

use super::{Rows, Target, json};
use crate::{flatten::validate::Validated, stmt};

pub fn rows(t: &Target<'_>, site: &SiteMaster, validated: &Validated) -> Rows {
    let mut rows = Rows::default();
    let out = &mut rows.statements;
    if validated.full {
        for sql in [
            "DELETE FROM locations WHERE document_id = $1",
            "DELETE FROM items WHERE document_id = $1",
            "DELETE FROM item_classes WHERE document_id = $1",
            "DELETE FROM checklist_template_versions WHERE document_id = $1",
            "DELETE FROM checklist_templates WHERE document_id = $1",
        ] {
            out.push(stmt!(sql, t.document_id));
        }
    }
    for (id, location) in &site.locations {
        out.push(stmt!(
            "INSERT INTO locations (document_id, site_id, id, code, kind, parent_id, name, archived) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (document_id, id) DO UPDATE SET \
             code = excluded.code, kind = excluded.kind, parent_id = excluded.parent_id, name = excluded.name, \
             archived = excluded.archived",
            t.document_id, t.site_id, id, &location.code, location.kind.as_str(), location.parent.clone(),
            location.name.clone(), location.archived,
        ));
    }
    for (id, item) in &site.items {
        out.push(stmt!(
            "INSERT INTO items (document_id, site_id, id, sku, name, unit, barcodes, unit_cost_minor, min_qty, \
             reorder_point, max_qty, item_class, supplier, active) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
             ON CONFLICT (document_id, id) DO UPDATE SET sku = excluded.sku, name = excluded.name, \
             unit = excluded.unit, barcodes = excluded.barcodes, unit_cost_minor = excluded.unit_cost_minor, \
             min_qty = excluded.min_qty, reorder_point = excluded.reorder_point, max_qty = excluded.max_qty, \
             item_class = excluded.item_class, supplier = excluded.supplier, active = excluded.active",
            t.document_id, t.site_id, id, &item.sku, &item.name, &item.unit, json(&item.barcodes),
            item.unit_cost_minor, item.min_qty, item.reorder_point, item.max_qty, item.item_class.clone(),
            item.supplier.clone(), !item.archived,
        ));
    }
    for (code, class) in &site.item_classes {
        out.push(stmt!(
            "INSERT INTO item_classes (document_id, site_id, code, name, tolerance_units) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (document_id, code) DO UPDATE SET name = excluded.name, tolerance_units = excluded.tolerance_units",
            t.document_id, t.site_id, code, class.name.clone(), class.tolerance_units,
        ));
    }
    for (id, template) in &site.checklist_templates {
        let latest = template.versions.iter().map(|v| v.version).max();
        out.push(stmt!(
            "INSERT INTO checklist_templates (document_id, site_id, id, name, latest_version) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (document_id, id) DO UPDATE SET name = excluded.name, latest_version = excluded.latest_version",
            t.document_id, t.site_id, id, &template.name, latest,
        ));
        out.push(stmt!(
            "DELETE FROM checklist_template_versions WHERE document_id = $1 AND template_id = $2",
            t.document_id,
            id,
        ));
        for version in &template.versions {
            out.push(stmt!(
                "INSERT INTO checklist_template_versions (document_id, site_id, template_id, version, published_at, items) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
                t.document_id, t.site_id, id, version.version, &version.published_at, json(&version.items),
            ));
        }
    }
    let removed = |name: &str| validated.removed.get(name).cloned().unwrap_or_default();
    for id in removed("locations") {
        out.push(stmt!(
            "DELETE FROM locations WHERE document_id = $1 AND id = $2",
            t.document_id,
            id
        ));
    }
    for id in removed("items") {
        out.push(stmt!(
            "DELETE FROM items WHERE document_id = $1 AND id = $2",
            t.document_id,
            id
        ));
    }
    for code in removed("item_classes") {
        out.push(stmt!(
            "DELETE FROM item_classes WHERE document_id = $1 AND code = $2",
            t.document_id,
            code
        ));
    }
    for id in removed("checklist_templates") {
        out.push(stmt!(
            "DELETE FROM checklist_template_versions WHERE document_id = $1 AND template_id = $2",
            t.document_id,
            id.clone(),
        ));
        out.push(stmt!(
            "DELETE FROM checklist_templates WHERE document_id = $1 AND id = $2",
            t.document_id,
            id
        ));
    }
    rows
}
