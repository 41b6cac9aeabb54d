//! Checklist templates: what a run asks. Managers publish versions; a run copies the
//! version it uses ([`TemplateSnapshot`]), so editing a template never rewrites history.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::domain_enum::domain_enum;
use crate::validation::limits::{MAX_CODE, MAX_NAME, MAX_TEMPLATE_ITEMS, MAX_TEMPLATE_VERSIONS};
use crate::validation::scalars::{
    boolean, code, counter, finite_number, one_of, text, timestamp, uuid,
};
use crate::validation::{Checker, Object, Segment};

domain_enum! {
    /// What kind of answer a checklist item takes.
    pub enum ResponseKind ("response kind") {
        /// pass / fail / not applicable
        Check = "check",
        Number = "number",
        Text = "text",
    }
}

/// One question of a checklist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "typescript"), derive(ts_rs::TS))]
pub struct TemplateItem {
    /// UUID; runs key their responses by it, so it never changes across versions.
    pub id: String,
    pub label: String,
    pub kind: ResponseKind,
    pub required: bool,
    /// For `number` items: the unit shown beside the field, e.g. `"°C"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// For `number` items: values outside `min..=max` count as a failed item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
}

/// A published version. Versions are appended, never edited.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "typescript"), derive(ts_rs::TS))]
pub struct TemplateVersion {
    pub version: u32,
    pub published_at: String,
    pub items: Vec<TemplateItem>,
}

/// A checklist template in the site document, keyed by a UUID.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "typescript"), derive(ts_rs::TS))]
pub struct ChecklistTemplate {
    pub name: String,
    pub versions: Vec<TemplateVersion>,
}

/// The copy of one template version a checklist run keeps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "typescript"), derive(ts_rs::TS))]
pub struct TemplateSnapshot {
    pub template_id: String,
    pub version: u32,
    pub name: String,
    pub items: Vec<TemplateItem>,
}

impl ChecklistTemplate {
    /// The highest published version.
    pub fn latest(&self) -> Option<&TemplateVersion> {
        self.versions.iter().max_by_key(|v| v.version)
    }
}

pub(crate) fn read_template(c: &mut Checker, v: &Value) -> Option<ChecklistTemplate> {
    let o = c.object(v)?;
    let name = c.required(o, "name", text(MAX_NAME));
    let versions = c.required(o, "versions", |c, v| {
        let versions = c.list(v, MAX_TEMPLATE_VERSIONS, read_version);
        if let Some(versions) = &versions {
            check_unique_versions(c, versions);
        }
        versions
    });
    Some(ChecklistTemplate {
        name: name?,
        versions: versions?,
    })
}

/// Two managers publishing at once both append "version N": surfaced, not merged.
fn check_unique_versions(c: &mut Checker, versions: &[TemplateVersion]) {
    for (i, version) in versions.iter().enumerate() {
        if let Some(first) = versions[..i]
            .iter()
            .position(|v| v.version == version.version)
        {
            let at = [Segment::Index(i), Segment::Field("version")];
            let message = format!(
                "version {} is published twice (also at [{first}])",
                version.version
            );
            c.report_at(&at, message);
        }
    }
}

fn read_version(c: &mut Checker, v: &Value) -> Option<TemplateVersion> {
    let o = c.object(v)?;
    let version = c.required(o, "version", counter);
    let published_at = c.required(o, "published_at", timestamp);
    let items = c.required(o, "items", read_items);
    Some(TemplateVersion {
        version: version?,
        published_at: published_at?,
        items: items?,
    })
}

pub(crate) fn read_snapshot(c: &mut Checker, v: &Value) -> Option<TemplateSnapshot> {
    let o = c.object(v)?;
    let template_id = c.required(o, "template_id", uuid);
    let version = c.required(o, "version", counter);
    let name = c.required(o, "name", text(MAX_NAME));
    let items = c.required(o, "items", read_items);
    Some(TemplateSnapshot {
        template_id: template_id?,
        version: version?,
        name: name?,
        items: items?,
    })
}

fn read_items(c: &mut Checker, v: &Value) -> Option<Vec<TemplateItem>> {
    c.unique_ids(v);
    c.list(v, MAX_TEMPLATE_ITEMS, read_item)
}

fn read_item(c: &mut Checker, v: &Value) -> Option<TemplateItem> {
    let o = c.object(v)?;
    let id = c.required(o, "id", uuid);
    let label = c.required(o, "label", text(MAX_NAME));
    let kind = c.required(o, "kind", one_of::<ResponseKind>);
    let required = c.required(o, "required", boolean);
    let unit = c.optional(o, "unit", code(MAX_CODE));
    let (min, max) = read_range(c, o);
    Some(TemplateItem {
        id: id?,
        label: label?,
        kind: kind?,
        required: required?,
        unit: unit?,
        min: min?,
        max: max?,
    })
}

type Bound = Option<Option<f64>>;

fn read_range(c: &mut Checker, o: &Object) -> (Bound, Bound) {
    let min = c.optional(o, "min", finite_number);
    let max = c.optional(o, "max", finite_number);
    if let (Some(Some(low)), Some(Some(high))) = (min, max)
        && low > high
    {
        c.report_at(
            &[Segment::Field("max")],
            format!("must be ≥ min ({low}), found {high}"),
        );
    }
    (min, max)
}
