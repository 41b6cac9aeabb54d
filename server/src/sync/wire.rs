//! The automerge-repo websocket wire protocol: CBOR maps in, CBOR maps out.
//! Every way a frame can be wrong becomes a `WireError` naming what was wrong,
//! so the peer is told why before its connection is closed.

use ciborium::Value;

use crate::doc_id::DocumentId;

pub const PROTOCOL_V1: &str = "1";

#[derive(Debug, Clone, PartialEq)]
pub enum ClientMessage {
    Join {
        sender_id: String,
        supported_versions: Vec<String>,
    },
    /// `request` (the peer lacks the document) or `sync` (it has it).
    Sync {
        kind: SyncKind,
        sender_id: String,
        document_id: DocumentId,
        data: Vec<u8>,
    },
    Ephemeral {
        sender_id: String,
        document_id: DocumentId,
        count: u64,
        session_id: String,
        data: Vec<u8>,
    },
    /// The peer tells us it does not have a document; nothing for a server to do.
    DocUnavailable { sender_id: String },
    /// Remote-heads gossip (`remote-subscription-change`, `remote-heads-changed`): accepted, not acted on.
    RemoteHeads { sender_id: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncKind {
    Request,
    Sync,
}

impl ClientMessage {
    pub fn sender_id(&self) -> &str {
        match self {
            ClientMessage::Join { sender_id, .. }
            | ClientMessage::Sync { sender_id, .. }
            | ClientMessage::Ephemeral { sender_id, .. }
            | ClientMessage::DocUnavailable { sender_id }
            | ClientMessage::RemoteHeads { sender_id } => sender_id,
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum WireError {
    #[error("frame is not valid CBOR: {0}")]
    NotCbor(String),
    #[error("frame has {0} bytes after the CBOR message")]
    TrailingBytes(usize),
    #[error("message must be a CBOR map, got {0}")]
    NotAMap(&'static str),
    #[error("message has no `{0}` field")]
    Missing(&'static str),
    #[error("field `{field}` must be {expected}, got {got}")]
    WrongType {
        field: &'static str,
        expected: &'static str,
        got: &'static str,
    },
    #[error("unknown message type {0:?}")]
    UnknownType(String),
    #[error("{0}")]
    BadDocumentId(String),
    #[error("field `data` is empty: sync messages carry at least one byte")]
    EmptyData,
}

pub fn decode(frame: &[u8]) -> Result<ClientMessage, WireError> {
    let mut reader = frame;
    let value: Value =
        ciborium::de::from_reader(&mut reader).map_err(|e| WireError::NotCbor(e.to_string()))?;
    if !reader.is_empty() {
        return Err(WireError::TrailingBytes(reader.len()));
    }
    let Value::Map(entries) = value else {
        return Err(WireError::NotAMap(kind_of(&value)));
    };
    let fields = Fields(&entries);
    let sender_id = fields.string("senderId")?;
    let message_type = fields.string("type")?;
    match message_type.as_str() {
        "join" => Ok(ClientMessage::Join {
            sender_id,
            supported_versions: fields.string_list("supportedProtocolVersions")?,
        }),
        "request" | "sync" => Ok(ClientMessage::Sync {
            kind: if message_type == "request" {
                SyncKind::Request
            } else {
                SyncKind::Sync
            },
            sender_id,
            document_id: fields.document_id()?,
            data: fields.data()?,
        }),
        "ephemeral" => Ok(ClientMessage::Ephemeral {
            sender_id,
            document_id: fields.document_id()?,
            count: fields.unsigned("count")?,
            session_id: fields.string("sessionId")?,
            data: fields.data()?,
        }),
        "doc-unavailable" => {
            fields.document_id()?;
            Ok(ClientMessage::DocUnavailable { sender_id })
        }
        "remote-subscription-change" | "remote-heads-changed" => {
            Ok(ClientMessage::RemoteHeads { sender_id })
        }
        other => Err(WireError::UnknownType(other.chars().take(64).collect())),
    }
}

struct Fields<'a>(&'a [(Value, Value)]);

impl Fields<'_> {
    fn get(&self, name: &'static str) -> Option<&Value> {
        self.0
            .iter()
            .find(|(k, _)| matches!(k, Value::Text(t) if t == name))
            .map(|(_, v)| v)
    }

    fn required(&self, name: &'static str) -> Result<&Value, WireError> {
        self.get(name).ok_or(WireError::Missing(name))
    }

    fn string(&self, name: &'static str) -> Result<String, WireError> {
        match self.required(name)? {
            Value::Text(t) => Ok(t.clone()),
            other => Err(wrong(name, "a string", other)),
        }
    }

    fn unsigned(&self, name: &'static str) -> Result<u64, WireError> {
        match self.required(name)? {
            Value::Integer(i) => u64::try_from(*i).map_err(|_| WireError::WrongType {
                field: name,
                expected: "a non-negative integer",
                got: "a negative integer",
            }),
            other => Err(wrong(name, "a non-negative integer", other)),
        }
    }

    fn string_list(&self, name: &'static str) -> Result<Vec<String>, WireError> {
        match self.required(name)? {
            Value::Array(items) => items
                .iter()
                .map(|v| match v {
                    Value::Text(t) => Ok(t.clone()),
                    other => Err(wrong(name, "an array of strings", other)),
                })
                .collect(),
            other => Err(wrong(name, "an array of strings", other)),
        }
    }

    fn document_id(&self) -> Result<DocumentId, WireError> {
        match self.required("documentId")? {
            Value::Text(t) => {
                DocumentId::parse(t).map_err(|e| WireError::BadDocumentId(e.to_string()))
            }
            other => Err(wrong("documentId", "a string", other)),
        }
    }

    fn data(&self) -> Result<Vec<u8>, WireError> {
        let bytes = match self.required("data")? {
            Value::Bytes(b) => b.clone(),
            // A Uint8Array tagged per RFC 8746, as some CBOR encoders write it.
            Value::Tag(64, inner) => match inner.as_ref() {
                Value::Bytes(b) => b.clone(),
                other => return Err(wrong("data", "a byte string", other)),
            },
            other => return Err(wrong("data", "a byte string", other)),
        };
        if bytes.is_empty() {
            return Err(WireError::EmptyData);
        }
        Ok(bytes)
    }
}

fn wrong(field: &'static str, expected: &'static str, got: &Value) -> WireError {
    WireError::WrongType {
        field,
        expected,
        got: kind_of(got),
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Integer(_) => "an integer",
        Value::Bytes(_) => "a byte string",
        Value::Float(_) => "a float",
        Value::Text(_) => "a string",
        Value::Bool(_) => "a boolean",
        Value::Null => "null",
        Value::Tag(_, _) => "a tagged value",
        Value::Array(_) => "an array",
        Value::Map(_) => "a map",
        _ => "an unsupported CBOR value",
    }
}

/// Messages the server sends.
#[derive(Debug, Clone, PartialEq)]
pub enum ServerMessage<'a> {
    Peer {
        sender_id: &'a str,
        target_id: &'a str,
        storage_id: &'a str,
    },
    Sync {
        sender_id: &'a str,
        target_id: &'a str,
        document_id: &'a DocumentId,
        data: Vec<u8>,
    },
    DocUnavailable {
        sender_id: &'a str,
        target_id: &'a str,
        document_id: &'a DocumentId,
    },
    Ephemeral {
        sender_id: &'a str,
        target_id: &'a str,
        document_id: &'a DocumentId,
        count: u64,
        session_id: &'a str,
        data: &'a [u8],
    },
    Error {
        sender_id: &'a str,
        target_id: &'a str,
        message: &'a str,
    },
}

fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

fn entry(key: &str, value: Value) -> (Value, Value) {
    (text(key), value)
}

pub fn encode(message: &ServerMessage<'_>) -> Vec<u8> {
    let entries = match message {
        ServerMessage::Peer {
            sender_id,
            target_id,
            storage_id,
        } => vec![
            entry("type", text("peer")),
            entry("senderId", text(sender_id)),
            entry("targetId", text(target_id)),
            entry("selectedProtocolVersion", text(PROTOCOL_V1)),
            entry(
                "peerMetadata",
                Value::Map(vec![
                    entry("storageId", text(storage_id)),
                    entry("isEphemeral", Value::Bool(false)),
                ]),
            ),
        ],
        ServerMessage::Sync {
            sender_id,
            target_id,
            document_id,
            data,
        } => vec![
            entry("type", text("sync")),
            entry("senderId", text(sender_id)),
            entry("targetId", text(target_id)),
            entry("documentId", text(document_id.as_str())),
            entry("data", Value::Bytes(data.clone())),
        ],
        ServerMessage::DocUnavailable {
            sender_id,
            target_id,
            document_id,
        } => vec![
            entry("type", text("doc-unavailable")),
            entry("senderId", text(sender_id)),
            entry("targetId", text(target_id)),
            entry("documentId", text(document_id.as_str())),
        ],
        ServerMessage::Ephemeral {
            sender_id,
            target_id,
            document_id,
            count,
            session_id,
            data,
        } => vec![
            entry("type", text("ephemeral")),
            entry("senderId", text(sender_id)),
            entry("targetId", text(target_id)),
            entry("documentId", text(document_id.as_str())),
            entry("count", Value::Integer((*count).into())),
            entry("sessionId", text(session_id)),
            entry("data", Value::Bytes(data.to_vec())),
        ],
        ServerMessage::Error {
            sender_id,
            target_id,
            message,
        } => vec![
            entry("type", text("error")),
            entry("senderId", text(sender_id)),
            entry("targetId", text(target_id)),
            entry("message", text(message)),
        ],
    };
    let mut out = Vec::new();
    // Writing a Value into a Vec cannot fail: there is no I/O and every key is text.
    if let Err(e) = ciborium::ser::into_writer(&Value::Map(entries), &mut out) {
        tracing::error!(error = %e, "encoding an outgoing message failed");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cbor(value: &Value) -> Vec<u8> {
        let mut out = Vec::new();
        ciborium::ser::into_writer(value, &mut out).expect("encode");
        out
    }

    fn map(entries: Vec<(&str, Value)>) -> Value {
        Value::Map(entries.into_iter().map(|(k, v)| entry(k, v)).collect())
    }

    #[test]
    fn decodes_join_and_sync() {
        let join = map(vec![
            ("type", text("join")),
            ("senderId", text("p1")),
            ("supportedProtocolVersions", Value::Array(vec![text("1")])),
            (
                "peerMetadata",
                map(vec![("isEphemeral", Value::Bool(true))]),
            ),
        ]);
        assert_eq!(
            decode(&cbor(&join)),
            Ok(ClientMessage::Join {
                sender_id: "p1".into(),
                supported_versions: vec!["1".into()]
            })
        );
        let id = DocumentId::random();
        let sync = map(vec![
            ("type", text("request")),
            ("senderId", text("p1")),
            ("targetId", text("server")),
            ("documentId", text(id.as_str())),
            (
                "data",
                Value::Tag(64, Box::new(Value::Bytes(vec![0x42, 0]))),
            ),
        ]);
        assert_eq!(
            decode(&cbor(&sync)),
            Ok(ClientMessage::Sync {
                kind: SyncKind::Request,
                sender_id: "p1".into(),
                document_id: id,
                data: vec![0x42, 0],
            })
        );
    }

    #[test]
    fn every_malformed_frame_gets_a_specific_error() {
        assert!(matches!(
            decode(b"\xff\x00garbage"),
            Err(WireError::NotCbor(_))
        ));
        assert!(
            matches!(decode(&[0xa2, 0x64]), Err(WireError::NotCbor(_))),
            "truncated"
        );
        assert_eq!(decode(&cbor(&Value::Null)), Err(WireError::NotAMap("null")));
        assert_eq!(
            decode(&cbor(&Value::Integer(4.into()))),
            Err(WireError::NotAMap("an integer"))
        );
        assert_eq!(
            decode(&cbor(&text("hi"))),
            Err(WireError::NotAMap("a string"))
        );
        assert_eq!(
            decode(&cbor(&Value::Array(vec![]))),
            Err(WireError::NotAMap("an array"))
        );
        let mut two = cbor(&Value::Null);
        two.extend(cbor(&Value::Null));
        assert_eq!(decode(&two), Err(WireError::TrailingBytes(1)));

        let wrong_id = map(vec![
            ("type", text("sync")),
            ("senderId", text("p")),
            ("documentId", Value::Integer(42.into())),
            ("data", Value::Bytes(vec![1])),
        ]);
        assert_eq!(
            decode(&cbor(&wrong_id)).expect_err("must fail").to_string(),
            "field `documentId` must be a string, got an integer"
        );
        let wrong_data = map(vec![
            ("type", text("sync")),
            ("senderId", text("p")),
            ("documentId", text(DocumentId::random().as_str())),
            ("data", text("str")),
        ]);
        assert!(matches!(
            decode(&cbor(&wrong_data)),
            Err(WireError::WrongType { field: "data", .. })
        ));
        let unknown = map(vec![("type", text("gossip")), ("senderId", text("p"))]);
        assert_eq!(
            decode(&cbor(&unknown)),
            Err(WireError::UnknownType("gossip".into()))
        );
        let no_sender = map(vec![("type", text("join"))]);
        assert_eq!(
            decode(&cbor(&no_sender)),
            Err(WireError::Missing("senderId"))
        );
    }

    #[test]
    fn deeply_nested_cbor_is_refused_not_overflowed() {
        let mut frame = vec![0x81u8; 100_000];
        frame.push(0xf6);
        assert!(matches!(decode(&frame), Err(WireError::NotCbor(_))));
    }

    #[test]
    fn encoded_messages_decode_as_maps() {
        let id = DocumentId::random();
        let bytes = encode(&ServerMessage::Sync {
            sender_id: "server",
            target_id: "p1",
            document_id: &id,
            data: vec![1, 2],
        });
        let value: Value = ciborium::de::from_reader(&bytes[..]).expect("decode");
        let Value::Map(entries) = value else {
            panic!("not a map")
        };
        assert!(entries.contains(&entry("data", Value::Bytes(vec![1, 2]))));
        assert!(entries.contains(&entry("type", text("sync"))));
    }
}
