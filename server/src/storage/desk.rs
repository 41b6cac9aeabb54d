//! What the manager's desk (issue 5) reads and writes beyond reporting: site members
//! and user administration, master-data lists, stock on hand for planning, and
//! checklist schedules. One implementation per database (`*/desk_*.rs`).

use async_trait::async_trait;

use super::{Role, StoreResult, User};
use crate::{
    masterdata::rows::{ItemRow, LocationRow},
    reporting::model::{ListQuery, Page},
};

/// The fields an admin may change on a user; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct UserPatch {
    pub display_name: Option<String>,
    pub role: Option<Role>,
    pub disabled: Option<bool>,
}

#[async_trait]
pub trait AdminStore: Send + Sync {
    /// Users who belong to the site, by email.
    async fn site_members(&self, site_id: i64) -> StoreResult<Vec<User>>;
    /// Applies the patch and bumps the access epoch (a role or a disabled flag changes
    /// what live connections may do). `None` when no user has that id.
    async fn update_user(&self, id: i64, patch: &UserPatch) -> StoreResult<Option<User>>;
}

/// Stock on hand of one SKU at one location (the sum of its movements).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StockOnHand {
    pub sku: String,
    pub location: String,
    pub on_hand: i64,
}

#[async_trait]
pub trait MasterDataStore: Send + Sync {
    /// Items of the sites, by site and SKU, with stock on hand over all locations.
    /// `search` matches SKU, name or barcode (case-insensitive substring).
    async fn item_rows(&self, q: &ListQuery, search: Option<&str>) -> StoreResult<Page<ItemRow>>;
    /// Locations of the sites, by site and code; `search` matches code or name.
    async fn location_rows(
        &self,
        q: &ListQuery,
        search: Option<&str>,
    ) -> StoreResult<Page<LocationRow>>;
    /// Every non-zero stock level of a site.
    async fn stock_on_hand(&self, site_id: i64) -> StoreResult<Vec<StockOnHand>>;
}

/// How often a checklist schedule makes a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Recurrence {
    Daily,
    Weekly,
    Monthly,
}

impl Recurrence {
    pub fn as_str(self) -> &'static str {
        match self {
            Recurrence::Daily => "daily",
            Recurrence::Weekly => "weekly",
            Recurrence::Monthly => "monthly",
        }
    }

    pub fn parse(text: &str) -> Option<Recurrence> {
        match text {
            "daily" => Some(Recurrence::Daily),
            "weekly" => Some(Recurrence::Weekly),
            "monthly" => Some(Recurrence::Monthly),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewSchedule {
    pub site_id: i64,
    pub template_id: String,
    pub location: Option<String>,
    pub recurrence: Recurrence,
    pub assignee: Option<String>,
    /// Unix ms of the next run to make.
    pub next_due_at: i64,
    pub created_by: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schedule {
    pub id: i64,
    pub site_id: i64,
    pub template_id: String,
    pub location: Option<String>,
    pub recurrence: Recurrence,
    pub assignee: Option<String>,
    pub next_due_at: i64,
    pub created_by: i64,
    pub created_at: i64,
    /// The run document made last.
    pub last_document_id: Option<String>,
    pub runs_made: i64,
}

#[async_trait]
pub trait ScheduleStore: Send + Sync {
    async fn create_schedule(&self, schedule: &NewSchedule) -> StoreResult<Schedule>;
    async fn schedules_of_site(&self, site_id: i64) -> StoreResult<Vec<Schedule>>;
    /// Schedules whose next run is due to be made by `horizon` (Unix ms).
    async fn schedules_due(&self, horizon: i64) -> StoreResult<Vec<Schedule>>;
    /// Records that the run due at `due` was made as `document_id` and moves the
    /// schedule on to `next`, only if it still stands at `due`; false if another
    /// instance got there first.
    async fn advance_schedule(
        &self,
        id: i64,
        due: i64,
        next: i64,
        document_id: &str,
    ) -> StoreResult<bool>;
}
