//! Pieces several documents share: who recorded something, photo and signature
//! references, the void marker that undoes an appended entry.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::domain_enum::domain_enum;
use crate::validation::limits::{MAX_ATTACHMENT_BYTES, MAX_NOTE};
use crate::validation::scalars::{byte_size, free_text, one_of, opaque_id, sha256, timestamp};
use crate::validation::{Checker, Object};

/// Who recorded an entry, when, on which device. These are what the phone *claims*;
/// the audit trail trusts the server's change log (who delivered the change), not this.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "typescript"), derive(ts_rs::TS))]
pub struct Recorded {
    /// User id (issued by the server).
    pub by: String,
    /// RFC 3339 timestamp, e.g. `2026-11-25T09:53:17.120Z`.
    pub at: String,
    /// Device id (issued by the server at login on that device).
    pub device: String,
}

pub(crate) fn read_recorded(c: &mut Checker, o: &Object) -> Option<Recorded> {
    let by = c.required(o, "by", opaque_id);
    let at = c.required(o, "at", timestamp);
    let device = c.required(o, "device", opaque_id);
    Some(Recorded {
        by: by?,
        at: at?,
        device: device?,
    })
}

domain_enum! {
    /// Types the upload endpoint accepts. No SVG: it can carry script.
    pub enum ContentType ("content type") {
        Jpeg = "image/jpeg",
        Png = "image/png",
        Webp = "image/webp",
        Heic = "image/heic",
        Avif = "image/avif",
        Pdf = "application/pdf",
    }
}

/// A photo, signature or file, stored outside the CRDT and named by its content hash.
/// The phone queues the bytes while offline; the server checks hash, size and type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "typescript"), derive(ts_rs::TS))]
pub struct AttachmentRef {
    /// SHA-256 of the bytes, 64 lowercase hex digits.
    pub sha256: String,
    pub content_type: ContentType,
    /// Size in bytes.
    pub size: u64,
}

pub(crate) fn read_attachment(c: &mut Checker, v: &Value) -> Option<AttachmentRef> {
    let o = c.object(v)?;
    let sha256 = c.required(o, "sha256", sha256);
    let content_type = c.required(o, "content_type", one_of::<ContentType>);
    let size = c.required(o, "size", byte_size(MAX_ATTACHMENT_BYTES));
    Some(AttachmentRef {
        sha256: sha256?,
        content_type: content_type?,
        size: size?,
    })
}

/// Undoes an appended entry without deleting it: the entry stays for the audit trail and
/// stops counting. Set once on the entry itself; two people voiding the same entry at
/// once agree anyway.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "typescript"), derive(ts_rs::TS))]
pub struct Void {
    #[serde(flatten)]
    pub recorded: Recorded,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

pub(crate) fn read_void(c: &mut Checker, v: &Value) -> Option<Void> {
    let o = c.object(v)?;
    let recorded = read_recorded(c, o);
    let reason = c.optional(o, "reason", free_text(MAX_NOTE));
    Some(Void {
        recorded: recorded?,
        reason: reason?,
    })
}
