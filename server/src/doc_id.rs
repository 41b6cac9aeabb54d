//! automerge-repo document ids: base58check of a 16-byte UUID. Anything else is
//! refused before it reaches the hub, so junk ids cost nothing.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocumentId(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("document id {0:?} is not an automerge-repo id (base58check of 16 bytes)")]
pub struct BadDocumentId(pub String);

impl DocumentId {
    pub fn parse(id: &str) -> Result<Self, BadDocumentId> {
        // A 16-byte id is 25–27 base58 characters with its checksum; refuse long junk before decoding.
        if id.len() > 40 {
            return Err(BadDocumentId(shorten(id)));
        }
        match bs58::decode(id).with_check(None).into_vec() {
            Ok(bytes) if bytes.len() == 16 => Ok(Self(id.to_string())),
            _ => Err(BadDocumentId(shorten(id))),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A fresh random id, as automerge-repo's `repo.create()` makes.
    pub fn random() -> Self {
        let bytes: [u8; 16] = rand::random();
        Self(bs58::encode(bytes).with_check().into_string())
    }
}

fn shorten(id: &str) -> String {
    id.chars().take(48).collect()
}

impl fmt::Display for DocumentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_ids_parse_and_junk_does_not() {
        let id = DocumentId::random();
        assert_eq!(DocumentId::parse(id.as_str()), Ok(id.clone()));
        assert!(DocumentId::parse("not-an-id").is_err());
        assert!(DocumentId::parse(&"1".repeat(1000)).is_err());
        let mut tampered = id.as_str().to_string();
        let last = tampered.pop().expect("non-empty");
        tampered.push(if last == 'a' { 'b' } else { 'a' });
        assert!(
            DocumentId::parse(&tampered).is_err(),
            "checksum must be verified"
        );
    }

    #[test]
    fn accepts_an_independently_encoded_id() {
        // Bytes 0..=15 in base58check, computed outside this crate (Python, double SHA-256).
        assert!(DocumentId::parse("1Bhh3pU9gLXZiNDL6PEa1Gs9fh").is_ok());
    }
}
