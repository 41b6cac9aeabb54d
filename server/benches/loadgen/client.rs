//! One simulated phone: a websocket, one document, automerge's sync protocol.
//! Each writer appends timestamps to its own list in the document (`w<id>`),
//! so every reader can tell exactly which entries arrived and how late.

use std::{
    collections::HashMap,
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use automerge::{
    AutoCommit, ObjType, ROOT, ReadDoc, ScalarValue, Value,
    sync::{self, SyncDoc},
    transaction::Transactable,
};
use ciborium::Value as Cbor;
use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio_tungstenite::{
    MaybeTlsStream, WebSocketStream, connect_async_with_config, tungstenite::Message,
};

use super::target::{BENCH_EMAIL, BENCH_PASSWORD, Target};

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

pub fn now_micros() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_micros() as i64)
        .unwrap_or(0)
}

/// What all clients of one run observed.
#[derive(Default)]
pub struct Observations {
    pub latencies_micros: Vec<i64>,
    pub written: HashMap<String, usize>,
}

pub struct Connected {
    pub socket: Socket,
    pub peer_id: String,
}

/// Logs in (floorwalk) and opens the sync socket with a fresh ticket, then joins.
pub async fn connect(target: &Target, http: &reqwest::Client) -> anyhow::Result<Connected> {
    connect_to(&target.ws, target.http.as_deref(), http).await
}

/// Client `i`'s connection: to the instances of a cluster in turn.
pub async fn connect_nth(
    target: &Target,
    i: usize,
    http: &reqwest::Client,
) -> anyhow::Result<Connected> {
    let (ws, base) = target.endpoint(i);
    connect_to(ws, base, http).await
}

pub async fn connect_to(
    ws: &str,
    base: Option<&str>,
    http: &reqwest::Client,
) -> anyhow::Result<Connected> {
    let (url, peer_id) = match base {
        Some(base) => {
            let login: serde_json::Value = http
                .post(format!("{base}/api/auth/login"))
                .json(&serde_json::json!({"email": BENCH_EMAIL, "password": BENCH_PASSWORD}))
                .send()
                .await?
                .error_for_status()?
                .json()
                .await?;
            let token = login["access_token"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            let ticket: serde_json::Value = http
                .post(format!("{base}/api/sync/ticket"))
                .bearer_auth(token)
                .send()
                .await?
                .error_for_status()?
                .json()
                .await?;
            (
                format!(
                    "{ws}?ticket={}",
                    ticket["ticket"].as_str().unwrap_or_default()
                ),
                ticket["peer_id"].as_str().unwrap_or_default().to_string(),
            )
        }
        None => (
            ws.to_string(),
            format!("load-{:016x}", rand::random::<u64>()),
        ),
    };
    // Nagle off, as on a phone's interactive socket: latency is what is measured.
    let (mut socket, _) = connect_async_with_config(url.as_str(), None, true)
        .await
        .map_err(|e| anyhow::anyhow!("websocket connect to {url}: {e}"))?;
    let join = join_frame(&peer_id);
    socket
        .send(Message::Binary(cbor(&join).into()))
        .await
        .map_err(|e| anyhow::anyhow!("sending join: {e}"))?;
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(30), socket.next())
            .await?
            .ok_or_else(|| anyhow::anyhow!("closed during handshake"))?
            .map_err(|e| anyhow::anyhow!("waiting for `peer`: {e}"))?;
        if let Message::Binary(bytes) = frame
            && field(&bytes, "type").as_deref() == Some("peer")
        {
            return Ok(Connected { socket, peer_id });
        }
    }
}

fn join_frame(peer_id: &str) -> Cbor {
    map(vec![
        ("type", text("join")),
        ("senderId", text(peer_id)),
        ("supportedProtocolVersions", Cbor::Array(vec![text("1")])),
        ("peerMetadata", map(vec![("isEphemeral", Cbor::Bool(true))])),
    ])
}

pub struct DocClient {
    pub connected: Connected,
    pub doc_id: String,
    pub doc: AutoCommit,
    pub state: sync::State,
    pub writer_key: String,
    seen: HashMap<String, usize>,
}

impl DocClient {
    pub fn new(connected: Connected, doc_id: String, doc: AutoCommit, writer: usize) -> Self {
        Self {
            connected,
            doc_id,
            doc,
            state: sync::State::new(),
            writer_key: format!("w{writer}"),
            seen: HashMap::new(),
        }
    }

    /// A client with no connection, for edits made offline.
    pub fn new_offline(doc: AutoCommit, writer: usize) -> OfflineDoc {
        OfflineDoc {
            doc,
            writer_key: format!("w{writer}"),
        }
    }

    pub async fn send_sync(&mut self) -> anyhow::Result<()> {
        let kind = if self.doc.get_heads().is_empty() {
            "request"
        } else {
            "sync"
        };
        if let Some(message) = self.doc.sync().generate_sync_message(&mut self.state) {
            let frame = map(vec![
                ("type", text(kind)),
                ("senderId", text(&self.connected.peer_id)),
                ("targetId", text("server")),
                ("documentId", text(&self.doc_id)),
                ("data", Cbor::Bytes(message.encode())),
            ]);
            self.connected
                .socket
                .send(Message::Binary(cbor(&frame).into()))
                .await?;
        }
        Ok(())
    }

    /// Appends one timestamp to this writer's own list.
    pub fn write(&mut self) -> anyhow::Result<()> {
        let list = match self.doc.get(ROOT, self.writer_key.as_str())? {
            Some((Value::Object(ObjType::List), id)) => id,
            _ => self
                .doc
                .put_object(ROOT, self.writer_key.as_str(), ObjType::List)?,
        };
        let len = self.doc.length(&list);
        self.doc
            .insert(&list, len, ScalarValue::Int(now_micros()))?;
        Ok(())
    }

    /// Applies one frame; returns the latencies of other writers' entries it brought.
    pub fn receive(&mut self, bytes: &[u8]) -> anyhow::Result<Vec<i64>> {
        if field(bytes, "type").as_deref() != Some("sync") {
            return Ok(Vec::new());
        }
        let Some(data) = bytes_field(bytes, "data") else {
            return Ok(Vec::new());
        };
        let message = sync::Message::decode(&data)?;
        self.doc
            .sync()
            .receive_sync_message(&mut self.state, message)?;
        Ok(self.new_arrivals())
    }

    fn new_arrivals(&mut self) -> Vec<i64> {
        let now = now_micros();
        let mut latencies = Vec::new();
        let keys: Vec<String> = self
            .doc
            .keys(ROOT)
            .filter(|k| k.starts_with('w') && *k != self.writer_key)
            .collect();
        for key in keys {
            let Ok(Some((Value::Object(ObjType::List), list))) = self.doc.get(ROOT, key.as_str())
            else {
                continue;
            };
            let len = self.doc.length(&list);
            let seen = self.seen.entry(key).or_insert(0);
            for i in *seen..len {
                if let Ok(Some((Value::Scalar(s), _))) = self.doc.get(&list, i)
                    && let ScalarValue::Int(t) = s.as_ref()
                {
                    latencies.push(now - t);
                }
            }
            *seen = len;
        }
        latencies
    }

    pub fn written(&self) -> usize {
        match self.doc.get(ROOT, self.writer_key.as_str()) {
            Ok(Some((_, list))) => self.doc.length(&list),
            _ => 0,
        }
    }

    /// Waits until the server's reported heads include ours (acknowledged).
    pub fn acknowledged(&mut self) -> bool {
        let ours = self.doc.get_heads();
        let theirs = self.state.their_heads.clone().unwrap_or_default();
        ours.iter().all(|h| theirs.contains(h))
    }
}

/// A new document for `site`, as a Floorwalk client would create it.
pub fn new_document(site: &str) -> AutoCommit {
    let mut doc = AutoCommit::new();
    let text = doc.put_object(ROOT, "site", ObjType::Text).expect("site");
    doc.splice_text(&text, 0, 0, site).expect("site");
    doc.put(ROOT, "type", "load_test").expect("type");
    doc
}

fn text(s: &str) -> Cbor {
    Cbor::Text(s.into())
}

fn map(entries: Vec<(&str, Cbor)>) -> Cbor {
    Cbor::Map(entries.into_iter().map(|(k, v)| (text(k), v)).collect())
}

fn cbor(value: &Cbor) -> Vec<u8> {
    let mut out = Vec::new();
    ciborium::ser::into_writer(value, &mut out).expect("encode");
    out
}

fn lookup(bytes: &[u8], key: &str) -> Option<Cbor> {
    let Ok(Cbor::Map(entries)) = ciborium::de::from_reader::<Cbor, _>(bytes) else {
        return None;
    };
    entries
        .into_iter()
        .find(|(k, _)| *k == text(key))
        .map(|(_, v)| v)
}

fn field(bytes: &[u8], key: &str) -> Option<String> {
    match lookup(bytes, key)? {
        Cbor::Text(t) => Some(t),
        _ => None,
    }
}

fn bytes_field(bytes: &[u8], key: &str) -> Option<Vec<u8>> {
    match lookup(bytes, key)? {
        Cbor::Bytes(b) => Some(b),
        _ => None,
    }
}

/// A document edited with no connection.
pub struct OfflineDoc {
    pub doc: AutoCommit,
    writer_key: String,
}

impl OfflineDoc {
    pub fn write(&mut self) -> anyhow::Result<()> {
        let list = match self.doc.get(ROOT, self.writer_key.as_str())? {
            Some((Value::Object(ObjType::List), id)) => id,
            _ => self
                .doc
                .put_object(ROOT, self.writer_key.as_str(), ObjType::List)?,
        };
        let len = self.doc.length(&list);
        self.doc
            .insert(&list, len, ScalarValue::Int(now_micros()))?;
        Ok(())
    }
}
