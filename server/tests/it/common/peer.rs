//! A minimal automerge-repo peer over a real websocket, for tests that need
//! to see frames: it logs in, joins, and runs automerge's sync protocol.
#![allow(dead_code)]

use std::time::Duration;

use automerge::{
    AutoCommit,
    sync::{self, SyncDoc},
};
use ciborium::Value;
use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async, tungstenite::Message};

use super::{Login, TestServer};

pub struct TestPeer {
    pub peer_id: String,
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

/// A decoded frame from the server.
#[derive(Debug, Clone)]
pub struct Frame {
    pub kind: String,
    pub document_id: Option<String>,
    pub data: Option<Vec<u8>>,
    pub message: Option<String>,
}

impl TestPeer {
    pub async fn connect(server: &TestServer, email: &str) -> Self {
        Self::connect_as(server, &server.api.login(email).await).await
    }

    /// A new connection of an existing login (the same device: the same peer id).
    pub async fn connect_as(server: &TestServer, session: &Login) -> Self {
        match Self::try_connect_as(server, session).await {
            Ok(peer) => peer,
            Err(reason) => panic!("handshake refused: {reason}"),
        }
    }

    /// [`Self::connect_as`], or why the server closed the connection before the handshake.
    pub async fn try_connect_as(server: &TestServer, session: &Login) -> Result<Self, String> {
        let ticket = server.api.ticket(&session.access_token).await;
        let upgrade = connect_async(format!("{}?ticket={ticket}", server.ws_url()));
        let (ws, _) = tokio::time::timeout(Duration::from_secs(30), upgrade)
            .await
            .expect("a websocket upgrade within 30 s")
            .expect("websocket upgrade");
        let mut peer = Self {
            peer_id: session.peer_id.clone(),
            ws,
        };
        let join = map(vec![
            ("type", text("join")),
            ("senderId", text(&peer.peer_id)),
            ("supportedProtocolVersions", Value::Array(vec![text("1")])),
            (
                "peerMetadata",
                map(vec![("isEphemeral", Value::Bool(true))]),
            ),
        ]);
        peer.send_value(&join).await;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        let reply = loop {
            let reply = tokio::time::timeout_at(deadline, peer.ws.next())
                .await
                .expect("an answer to join within 30 s");
            if !matches!(reply, Some(Ok(Message::Ping(_) | Message::Pong(_)))) {
                break reply;
            }
        };
        match reply {
            Some(Ok(Message::Binary(bytes))) => {
                let reply = decode_frame(&bytes);
                assert_eq!(reply.kind, "peer", "handshake: {reply:?}");
                Ok(peer)
            }
            Some(Ok(Message::Close(frame))) => Err(frame.map_or_else(String::new, |f| {
                format!("{}: {}", u16::from(f.code), f.reason)
            })),
            other => Err(format!("{other:?}")),
        }
    }

    pub async fn send_value(&mut self, value: &Value) {
        let mut bytes = Vec::new();
        ciborium::ser::into_writer(value, &mut bytes).expect("encode");
        self.ws
            .send(Message::Binary(bytes.into()))
            .await
            .expect("send");
    }

    pub async fn send_sync(&mut self, kind: &str, document_id: &str, data: Vec<u8>) {
        let value = map(vec![
            ("type", text(kind)),
            ("senderId", text(&self.peer_id)),
            ("targetId", text("server")),
            ("documentId", text(document_id)),
            ("data", Value::Bytes(data)),
        ]);
        self.send_value(&value).await;
    }

    /// The next binary frame, or `None` once the server closed the connection.
    pub async fn next_frame(&mut self) -> Option<Frame> {
        // Generous: debug builds on a loaded 2-core machine can be slow. One
        // deadline for the whole wait: pings must not extend it.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            let message = tokio::time::timeout_at(deadline, self.ws.next())
                .await
                .expect("a frame within 30 s")?;
            match message {
                Ok(Message::Binary(bytes)) => return Some(decode_frame(&bytes)),
                Ok(Message::Close(_)) | Err(_) => return None,
                Ok(_) => continue,
            }
        }
    }

    /// Reads until the server closes the connection, within `secs`: the message of the
    /// error frame it sent first, if any. Panics, naming `what`, if it stays open.
    pub async fn closed_within(&mut self, secs: u64, what: &str) -> Option<String> {
        tokio::time::timeout(Duration::from_secs(secs), async {
            while let Some(frame) = self.next_frame().await {
                if frame.kind == "error" {
                    return frame.message;
                }
            }
            None
        })
        .await
        .unwrap_or_else(|_| panic!("{what}: the sync socket stayed open for {secs} s"))
    }

    /// Syncs `doc` with the server until `done(doc, state)` holds.
    pub async fn sync_until(
        &mut self,
        document_id: &str,
        doc: &mut AutoCommit,
        state: &mut sync::State,
        done: impl Fn(&mut AutoCommit, &sync::State) -> bool,
    ) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(message) = doc.sync().generate_sync_message(state) {
                self.send_sync("sync", document_id, message.encode()).await;
            }
            if done(doc, state) {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "sync did not converge"
            );
            let frame = self.next_frame().await.expect("connection open");
            apply(&frame, document_id, doc, state);
        }
    }

    /// Syncs `doc` with the server for `how_long`, taking in whatever arrives.
    pub async fn sync_for(
        &mut self,
        document_id: &str,
        doc: &mut AutoCommit,
        state: &mut sync::State,
        how_long: Duration,
    ) {
        let until = tokio::time::Instant::now() + how_long;
        loop {
            if let Some(message) = doc.sync().generate_sync_message(state) {
                self.send_sync("sync", document_id, message.encode()).await;
            }
            let message = match tokio::time::timeout_at(until, self.ws.next()).await {
                Err(_) => return,
                Ok(message) => message.expect("connection open").expect("a frame"),
            };
            if let Message::Binary(bytes) = message {
                apply(&decode_frame(&bytes), document_id, doc, state);
            }
        }
    }
}

/// Takes a sync frame of `document_id` into `doc`; fails on an error frame.
fn apply(frame: &Frame, document_id: &str, doc: &mut AutoCommit, state: &mut sync::State) {
    if frame.kind == "sync" && frame.document_id.as_deref() == Some(document_id) {
        let data = frame.data.as_deref().expect("data");
        let message = sync::Message::decode(data).expect("sync message");
        doc.sync()
            .receive_sync_message(state, message)
            .expect("apply");
    } else {
        assert_ne!(frame.kind, "error", "server error: {frame:?}");
    }
}

pub fn text(s: &str) -> Value {
    Value::Text(s.into())
}

pub fn map(entries: Vec<(&str, Value)>) -> Value {
    Value::Map(entries.into_iter().map(|(k, v)| (text(k), v)).collect())
}

fn decode_frame(bytes: &[u8]) -> Frame {
    let value: Value = ciborium::de::from_reader(bytes).expect("server frames are CBOR");
    let Value::Map(entries) = value else {
        panic!("server frame is not a map")
    };
    let get = |key: &str| {
        entries
            .iter()
            .find(|(k, _)| k == &text(key))
            .map(|(_, v)| v.clone())
    };
    let string = |key: &str| match get(key) {
        Some(Value::Text(t)) => Some(t),
        _ => None,
    };
    Frame {
        kind: string("type").expect("type"),
        document_id: string("documentId"),
        data: match get("data") {
            Some(Value::Bytes(b)) => Some(b),
            _ => None,
        },
        message: string("message"),
    }
}
