//! The query string every report takes, checked into plain values with a clear message
//! for anything wrong.

use serde::Deserialize;
use utoipa::IntoParams;

use super::period::Period;
use crate::time::Day;

/// Rows per page when `limit` is not given, and the most a page may hold.
pub const DEFAULT_LIMIT: i64 = 100;
pub const MAX_LIMIT: i64 = 10_000;

/// Filters of every report. Unknown parameters are ignored.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportParams {
    /// Site slug; all your sites when absent. A site you do not belong to answers 404,
    /// like an unknown one.
    pub site: Option<String>,
    /// First day, `YYYY-MM-DD` (UTC). KPIs default to 30 days ending at `to`; lists are
    /// not bounded by date unless `from` or `to` is given. Lists of the current state
    /// (stock levels, replenishment) take neither.
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD` (UTC), included. KPIs default to today.
    pub to: Option<String>,
    /// `json` (default) or `csv`.
    pub format: Option<String>,
    /// Rows per page (lists only), 1 to 10000; default 100.
    #[param(value_type = Option<i64>)]
    pub limit: Option<String>,
    /// Rows to skip (lists only); default 0.
    #[param(value_type = Option<i64>)]
    pub offset: Option<String>,
    /// Only rows of this document id (lists of document rows only).
    pub document: Option<String>,
    /// Only rows in these states, comma-separated (lists that have one; each list
    /// names its states).
    pub status: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv,
}

impl ReportParams {
    /// Parses a query string; duplicate or malformed parameters are refused.
    pub fn from_query(query: &str) -> Result<ReportParams, String> {
        actix_web::web::Query::<ReportParams>::from_query(query)
            .map(actix_web::web::Query::into_inner)
            .map_err(|e| format!("invalid query string: {e}"))
    }

    pub fn format(&self) -> Result<Format, String> {
        match self.format.as_deref() {
            None | Some("json") => Ok(Format::Json),
            Some("csv") => Ok(Format::Csv),
            Some(other) => Err(format!("format must be json or csv, not {other:?}")),
        }
    }

    pub fn from_day(&self) -> Result<Option<Day>, String> {
        parse_day("from", self.from.as_deref())
    }

    pub fn to_day(&self) -> Result<Option<Day>, String> {
        parse_day("to", self.to.as_deref())
    }

    /// The KPI period (see [`Period::resolve`]).
    pub fn period(&self, today: Day) -> Result<Period, String> {
        Period::resolve(self.from_day()?, self.to_day()?, today)
    }

    /// List bounds: `[from, to + 1 day)`, each side open when not given.
    pub fn list_bounds(&self) -> Result<(Option<String>, Option<String>), String> {
        let (from, to) = (self.from_day()?, self.to_day()?);
        if let (Some(from), Some(to)) = (from, to)
            && from > to
        {
            return Err(format!("from ({from}) must not be after to ({to})"));
        }
        Ok((
            from.map(|d| d.to_string()),
            to.map(|d| d.plus(1).to_string()),
        ))
    }

    pub fn limit(&self) -> Result<i64, String> {
        match self.limit.as_deref() {
            None => Ok(DEFAULT_LIMIT),
            Some(text) => match text.parse::<i64>() {
                Ok(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
                _ => Err(format!(
                    "limit must be a whole number from 1 to {MAX_LIMIT}, not {text:?}"
                )),
            },
        }
    }

    pub fn offset(&self) -> Result<i64, String> {
        match self.offset.as_deref() {
            None => Ok(0),
            Some(text) => match text.parse::<i64>() {
                Ok(n) if n >= 0 => Ok(n),
                _ => Err(format!("offset must be a whole number ≥ 0, not {text:?}")),
            },
        }
    }
}

impl ReportParams {
    /// The `status` filter, checked against the states this list has.
    pub fn statuses(&self, allowed: &[&str]) -> Result<Vec<String>, String> {
        let Some(text) = self.status.as_deref() else {
            return Ok(Vec::new());
        };
        if allowed.is_empty() {
            return Err("status does not apply to this list".into());
        }
        text.split(',')
            .map(str::trim)
            .map(|status| {
                if allowed.contains(&status) {
                    Ok(status.to_owned())
                } else {
                    Err(format!(
                        "status must be one or more of {} (comma-separated), not {status:?}",
                        allowed.join(", ")
                    ))
                }
            })
            .collect()
    }
}

fn parse_day(name: &str, text: Option<&str>) -> Result<Option<Day>, String> {
    text.map(|t| {
        Day::parse(t)
            .ok_or_else(|| format!("{name} must be a date like 2026-11-25 (YYYY-MM-DD), not {t:?}"))
    })
    .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(query: &str) -> ReportParams {
        ReportParams::from_query(query).expect("parses")
    }

    #[test]
    fn defaults() {
        let p = params("");
        assert_eq!(p.format(), Ok(Format::Json));
        assert_eq!((p.limit(), p.offset()), (Ok(DEFAULT_LIMIT), Ok(0)));
        assert_eq!(p.list_bounds(), Ok((None, None)));
    }

    #[test]
    fn bad_values_get_specific_messages() {
        let p = params("format=xml&limit=0&offset=-1&from=2026-02-30&to=yesterday");
        assert!(p.format().expect_err("refused").contains("json or csv"));
        assert!(p.limit().expect_err("refused").contains("from 1 to"));
        assert!(p.offset().expect_err("refused").contains("≥ 0"));
        assert!(
            p.from_day()
                .expect_err("refused")
                .starts_with("from must be a date")
        );
        assert!(p.to_day().expect_err("refused").contains("\"yesterday\""));
        assert!(params("limit=abc").limit().is_err());
        assert!(params("limit=10001").limit().is_err());
        assert!(ReportParams::from_query("site=a&site=b").is_err());
    }

    #[test]
    fn statuses_are_checked_against_the_list() {
        let allowed = ["open", "resolved"];
        assert_eq!(params("").statuses(&allowed), Ok(vec![]));
        assert_eq!(
            params("status=open,%20resolved").statuses(&allowed),
            Ok(vec!["open".to_owned(), "resolved".to_owned()])
        );
        let err = params("status=closed")
            .statuses(&allowed)
            .expect_err("refused");
        assert!(err.contains("one or more of open, resolved"), "{err}");
        assert!(params("status=open").statuses(&[]).is_err());
        assert!(params("status=").statuses(&allowed).is_err());
    }

    #[test]
    fn list_bounds_include_the_last_day() {
        let p = params("from=2026-11-01&to=2026-11-30&format=csv");
        assert_eq!(
            p.list_bounds(),
            Ok((Some("2026-11-01".into()), Some("2026-12-01".into())))
        );
        assert_eq!(p.format(), Ok(Format::Csv));
        assert!(
            params("from=2026-12-01&to=2026-11-30")
                .list_bounds()
                .is_err()
        );
    }
}
