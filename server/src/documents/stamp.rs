//! What a server-made entry records about itself: a fresh id, and who wrote
//! it, when, from which "device" (the server, for changes made through the API).

use serde_json::{Value, json};

use crate::{demo::clock::rfc3339, storage::now_millis};

/// The device id of changes the server makes on a user's behalf.
pub const SERVER_DEVICE: &str = "server";

/// A random lowercase UUID (v4), as phones make with `crypto.randomUUID()`.
pub fn new_uuid() -> String {
    uuid_from_bits(rand::random())
}

/// A version 4 UUID made of `bits` (variant 10xx), lowercase.
pub fn uuid_from_bits(bits: u128) -> String {
    let bits = (bits & !(0xF << 76) | (0x4 << 76)) & !(0x3 << 62) | (0x2 << 62);
    let hex = format!("{bits:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

pub fn now_rfc3339() -> String {
    rfc3339(now_millis())
}

/// The `{by, at, device}` fields the shared schema's `Recorded` expects.
pub fn recorded(user_id: i64) -> Value {
    json!({ "by": user_id.to_string(), "at": now_rfc3339(), "device": SERVER_DEVICE })
}
