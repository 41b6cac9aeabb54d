//! Which sites a caller may read: membership, by `member_site` (viewers read;
//! unknown and foreign sites answer alike).

use crate::{
    auth::Principal,
    http::{ApiError, me::member_site},
    storage::Store,
};

/// The sites a report covers: the one asked for, or every site of the caller.
pub async fn visible_sites(
    store: &dyn Store,
    principal: &Principal,
    slug: Option<&str>,
) -> Result<Vec<i64>, ApiError> {
    match slug {
        Some(slug) => Ok(vec![member_site(store, principal, slug).await?.id]),
        None => Ok(store.site_ids_of(principal.user.id).await?),
    }
}

/// Slugs of site ids, for the report's heading.
pub async fn slugs(store: &dyn Store, sites: &[i64]) -> Result<Vec<String>, ApiError> {
    let mut slugs = Vec::with_capacity(sites.len());
    for id in sites {
        if let Some(site) = store.site_by_id(*id).await? {
            slugs.push(site.slug);
        }
    }
    slugs.sort();
    Ok(slugs)
}
