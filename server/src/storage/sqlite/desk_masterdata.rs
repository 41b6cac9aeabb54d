//! Master-data lists and stock on hand for planning (SQLite). Keep in step with
//! `postgres/desk_masterdata.rs`.

use async_trait::async_trait;
use sqlx::{QueryBuilder, Row, Sqlite};

use super::SqliteStore;
use crate::{
    masterdata::rows::{ItemRow, LocationRow},
    reporting::model::{ListQuery, Page},
    storage::{MasterDataStore, StockOnHand, StoreResult, desk_sql::like_pattern},
};

type Builder = QueryBuilder<'static, Sqlite>;

const ON_HAND: &str = "COALESCE((SELECT SUM(l.on_hand) FROM stock_levels l \
                       WHERE l.site_id = t.site_id AND l.sku = t.sku), 0)";

/// Rows of the site's own master-data document only: a stray `site` document a phone
/// made cannot add items to the list.
fn from_and_filter(
    qb: &mut Builder,
    table: &str,
    q: &ListQuery,
    search: Option<&str>,
    fields: &[&str],
) {
    qb.push(format!(
        " FROM {table} t JOIN sites s ON s.id = t.site_id AND s.site_document_id = t.document_id WHERE"
    ));
    if q.sites.is_empty() {
        qb.push(" 1 = 0");
    } else {
        qb.push(" t.site_id IN (");
        let mut list = qb.separated(", ");
        for site in &q.sites {
            list.push_bind(*site);
        }
        qb.push(")");
    }
    if let Some(pattern) = search.map(like_pattern) {
        qb.push(" AND (");
        for (i, field) in fields.iter().enumerate() {
            if i > 0 {
                qb.push(" OR ");
            }
            qb.push(format!("LOWER({field}) LIKE "))
                .push_bind(pattern.clone())
                .push(" ESCAPE '\\'");
        }
        qb.push(")");
    }
}

impl SqliteStore {
    async fn master_page<T>(
        &self,
        select: &str,
        table: &str,
        order: &str,
        q: &ListQuery,
        search: Option<&str>,
        fields: &[&str],
    ) -> StoreResult<Page<T>>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow> + Send + Unpin,
    {
        let mut count = Builder::new("SELECT COUNT(*)");
        from_and_filter(&mut count, table, q, search, fields);
        let total: i64 = count.build_query_scalar().fetch_one(&self.pool).await?;
        let mut rows = Builder::new(format!("SELECT {select}"));
        from_and_filter(&mut rows, table, q, search, fields);
        rows.push(format!(" ORDER BY {order} LIMIT "))
            .push_bind(q.limit)
            .push(" OFFSET ")
            .push_bind(q.offset);
        let rows = rows.build_query_as().fetch_all(&self.pool).await?;
        Ok(Page {
            total,
            limit: q.limit,
            offset: q.offset,
            rows,
        })
    }
}

#[async_trait]
impl MasterDataStore for SqliteStore {
    async fn item_rows(&self, q: &ListQuery, search: Option<&str>) -> StoreResult<Page<ItemRow>> {
        let select = format!(
            "s.slug AS site, t.id, t.sku, t.name, t.unit, t.barcodes, t.unit_cost_minor, \
             t.min_qty, t.reorder_point, t.max_qty, t.item_class, t.supplier, t.active, \
             {ON_HAND} AS on_hand, CASE WHEN t.reorder_point IS NOT NULL \
             AND {ON_HAND} <= t.reorder_point THEN 1 ELSE 0 END AS below_reorder_point"
        );
        self.master_page(
            &select,
            "items",
            "s.slug, t.sku, t.id",
            q,
            search,
            &["t.sku", "t.name", "t.barcodes"],
        )
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
        self.master_page(
            select,
            "locations",
            "s.slug, t.code, t.id",
            q,
            search,
            &["t.code", "t.name"],
        )
        .await
    }

    async fn stock_on_hand(&self, site_id: i64) -> StoreResult<Vec<StockOnHand>> {
        let rows = sqlx::query(
            "SELECT sku, location, on_hand FROM stock_levels WHERE site_id = ? AND on_hand <> 0",
        )
        .bind(site_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(StockOnHand {
                    sku: row.try_get("sku")?,
                    location: row.try_get("location")?,
                    on_hand: row.try_get("on_hand")?,
                })
            })
            .collect()
    }
}
