//! What a server-made entry records about itself: a fresh id, and who wrote
//! it, when, from which "device" (the server, for changes made through the API).

use serde_json::{Value, json};

use crate::{storage::now_millis, time::rfc3339_millis as rfc3339};

/// The device id of changes the server makes on a user's behalf.
pub const SERVER_DEVICE: &str = "server";

/// A random lowercase UUID (v4), as phones make with `crypto.randomUUID()`.
pub fn new_uuid() -> String {
    uuid_from_bits(rand::random())
}

/// A version 4 UUID made of `bits` (variant 10xx), lowercase.
pub fn uuid_from_bits(bits: u128) -> String {
    uuid::Builder::from_random_bytes(bits.to_be_bytes())
        .into_uuid()
        .hyphenated()
        .to_string()
}

pub fn now_rfc3339() -> String {
    rfc3339(now_millis())
}

/// The `{by, at, device}` fields the shared schema's `Recorded` expects.
pub fn recorded(user_id: i64) -> Value {
    json!({ "by": user_id.to_string(), "at": now_rfc3339(), "device": SERVER_DEVICE })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_version_4_lowercase_and_follow_their_bits() {
        assert_eq!(uuid_from_bits(0), "00000000-0000-4000-8000-000000000000");
        assert_eq!(
            uuid_from_bits(u128::MAX),
            "ffffffff-ffff-4fff-bfff-ffffffffffff"
        );
        assert_eq!(
            uuid_from_bits(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef),
            "01234567-89ab-4def-8123-456789abcdef"
        );
        assert_ne!(new_uuid(), new_uuid());
    }
}
