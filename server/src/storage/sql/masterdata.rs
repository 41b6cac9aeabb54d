//! Master-data lists and stock on hand for planning.

use async_trait::async_trait;

use super::{SqlBuilder, SqlStore, like_pattern};
use crate::{
    stmt,
    storage::{
        ListQuery, MasterDataStore, Page, StockOnHand, StoreResult,
        rows::{ItemRow, LocationRow},
    },
};

const ON_HAND: &str = "CAST(COALESCE((SELECT SUM(l.on_hand) FROM stock_levels l \
                       WHERE l.site_id = t.site_id AND l.sku = t.sku), 0) AS BIGINT)";

/// Rows of the site's own master-data document only: a stray `site` document a phone
/// made cannot add items to the list.
fn from_and_filter(
    qb: &mut SqlBuilder,
    table: &str,
    q: &ListQuery,
    search: Option<&str>,
    fields: &[&str],
) {
    qb.push(format!(
        " FROM {table} t JOIN sites s ON s.id = t.site_id AND s.site_document_id = t.document_id WHERE"
    ))
    .push_in("t.site_id", &q.sites);
    if let Some(pattern) = search.map(like_pattern) {
        qb.push(" AND (");
        for (i, field) in fields.iter().enumerate() {
            if i > 0 {
                qb.push(" OR ");
            }
            qb.push(format!("LOWER({field}) LIKE "))
                .push_bind(pattern.as_str())
                .push(" ESCAPE '\\'");
        }
        qb.push(")");
    }
}

#[async_trait]
impl MasterDataStore for SqlStore {
    async fn item_rows(&self, q: &ListQuery, search: Option<&str>) -> StoreResult<Page<ItemRow>> {
        let select = format!(
            "s.slug AS site, t.id, t.sku, t.name, t.unit, t.barcodes, t.unit_cost_minor, \
             t.min_qty, t.reorder_point, t.max_qty, t.item_class, t.supplier, t.active, \
             {ON_HAND} AS on_hand, CASE WHEN t.reorder_point IS NOT NULL \
             AND {ON_HAND} <= t.reorder_point THEN TRUE ELSE FALSE END AS below_reorder_point"
        );
        let fields = ["t.sku", "t.name", "t.barcodes"];
        self.page(&select, "s.slug, t.sku, t.id", q, |qb| {
            from_and_filter(qb, "items", q, search, &fields)
        })
        .await
    }

    async fn location_rows(
        &self,
        q: &ListQuery,
        search: Option<&str>,
    ) -> StoreResult<Page<LocationRow>> {
        let select = "s.slug AS site, t.id, t.code, t.kind, t.name, \
             (SELECT p.code FROM locations p WHERE p.document_id = t.document_id \
              AND p.id = t.parent_id) AS parent_code, t.archived";
        let fields = ["t.code", "t.name"];
        self.page(select, "s.slug, t.code, t.id", q, |qb| {
            from_and_filter(qb, "locations", q, search, &fields)
        })
        .await
    }

    async fn stock_on_hand(&self, site_id: i64) -> StoreResult<Vec<StockOnHand>> {
        let select = stmt!(
            "SELECT sku, location, on_hand FROM stock_levels WHERE site_id = $1 AND on_hand <> 0",
            site_id
        );
        self.db.fetch_all(&select).await
    }
}
