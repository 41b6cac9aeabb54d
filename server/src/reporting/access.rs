//! Which sites a caller may read: the same rule as `member_site` in `http/me.rs`
//! (membership; viewers read; unknown and foreign sites answer alike).

use crate::{auth::Principal, http::ApiError, storage::Store};

/// The sites a report covers: the one asked for, or every site of the caller.
pub async fn visible_sites(
    store: &dyn Store,
    principal: &Principal,
    slug: Option<&str>,
) -> Result<Vec<i64>, ApiError> {
    let mine = store.site_ids_of(principal.user.id).await?;
    let Some(slug) = slug else {
        return Ok(mine);
    };
    let not_found = || ApiError::NotFound(format!("no site {slug:?} among your sites"));
    let site = store.find_site(slug).await?.ok_or_else(not_found)?;
    if !mine.contains(&site.id) {
        return Err(not_found());
    }
    Ok(vec![site.id])
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
