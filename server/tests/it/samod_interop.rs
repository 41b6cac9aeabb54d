//! A second, independent implementation: a samod peer (Rust) and the official
//! JS automerge-repo client sync one document through the server.

use crate::common;

use std::{process::Stdio, sync::Arc, time::Duration};

use automerge::{AutoCommit, ROOT, ReadDoc, Value, transaction::Transactable};
use common::{Backend, TestServer, add_user};
use floorwalk::{
    documents::json::{insert_json, read_string_at},
    storage::Role,
};
use futures_util::{FutureExt, SinkExt, StreamExt, TryStreamExt, future::BoxFuture};
use samod::{BackoffConfig, DialError, Dialer, PeerId, Repo, Transport, Url};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio_tungstenite::{connect_async, tungstenite::Message};

/// Dials the server with a fresh single-use ticket each time, as the PWA does.
struct TicketDialer {
    base: String,
    ws: String,
    access_token: String,
}

impl Dialer for TicketDialer {
    type Error = std::io::Error;

    fn url(&self) -> Url {
        Url::parse(&self.ws).expect("ws url")
    }

    fn connect(&self) -> BoxFuture<'static, Result<Transport, DialError<Self::Error>>> {
        let (base, ws, token) = (
            self.base.clone(),
            self.ws.clone(),
            self.access_token.clone(),
        );
        async move {
            let ticket = common::Api::new(&base).ticket(&token).await;
            let (socket, _) = connect_async(format!("{ws}?ticket={ticket}"))
                .await
                .map_err(|e| DialError::TransientFailure(Box::new(e)))?;
            let (sink, stream) = socket.split();
            let stream = stream
                .try_filter_map(|m| async move {
                    Ok(match m {
                        Message::Binary(bytes) => Some(bytes.to_vec()),
                        _ => None,
                    })
                })
                .boxed();
            let sink = sink.with(|bytes: Vec<u8>| async move {
                Ok::<_, tokio_tungstenite::tungstenite::Error>(Message::Binary(bytes.into()))
            });
            Ok(Transport::new(stream, Box::pin(sink)))
        }
        .boxed()
    }
}

fn entries(doc: &automerge::Automerge) -> Vec<String> {
    let Ok(Some((Value::Object(_), list))) = doc.get(ROOT, "entries") else {
        return Vec::new();
    };
    (0..doc.length(&list))
        .filter_map(|i| read_string_at(doc, &list, i))
        .collect()
}

per_backend!(a_samod_peer_and_a_js_client_sync_through_the_server);
async fn a_samod_peer_and_a_js_client_sync_through_the_server(backend: Backend) {
    let server = TestServer::start(backend).await;
    add_user(
        server.store.as_ref(),
        "sam@north.test",
        Role::Staff,
        &["north"],
    )
    .await;
    add_user(
        server.store.as_ref(),
        "jess@north.test",
        Role::Staff,
        &["north"],
    )
    .await;

    let session = server.api.login("sam@north.test").await;
    let repo = Repo::build_tokio()
        .with_peer_id(PeerId::from(session.peer_id.as_str()))
        .load()
        .await;
    let dialer = repo
        .dial(
            BackoffConfig::default(),
            Arc::new(TicketDialer {
                base: server.base.clone(),
                ws: server.ws_url(),
                access_token: session.access_token,
            }),
        )
        .expect("dial");
    tokio::time::timeout(Duration::from_secs(10), dialer.established())
        .await
        .expect("samod connects within 10 s")
        .expect("samod connected");

    let mut initial = AutoCommit::new();
    insert_or_put(&mut initial);
    let handle = repo
        .create(initial.document().clone())
        .await
        .expect("create");
    let url = handle.url().to_string();

    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/js/scripts/samod-partner.mjs"
    );
    let mut js = tokio::process::Command::new("node")
        .args([
            script,
            &server.base,
            "jess@north.test",
            common::PASSWORD,
            &url,
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("node must be installed (and `npm ci` run in tests/js)");
    let mut lines = BufReader::new(js.stdout.take().expect("stdout")).lines();
    let mut said = Vec::new();
    while !said.contains(&"WROTE".to_string()) {
        let line = tokio::time::timeout(Duration::from_secs(40), lines.next_line())
            .await
            .unwrap_or_else(|_| panic!("{backend:?}: the JS client stalled after {said:?}"))
            .expect("read")
            .unwrap_or_else(|| panic!("{backend:?}: the JS client exited after {said:?}"));
        said.push(line);
    }
    assert!(
        said.contains(&"SAW_SAMOD".to_string()),
        "{backend:?}: JS saw samod's entry"
    );

    common::wait_until(20, "the JS entry to reach samod", || {
        let handle = handle.clone();
        async move {
            handle
                .with_document(|doc| entries(doc))
                .contains(&"js-1".to_string())
        }
    })
    .await;
    assert_eq!(
        handle.with_document(|doc| entries(doc)),
        vec!["samod-1", "js-1"],
        "{backend:?}"
    );
    drop(js.stdin.take());
    let _ = tokio::time::timeout(Duration::from_secs(10), js.wait()).await;
    repo.stop().await;
    server.stop().await;
}

/// The document as a Floorwalk client would create it: site and an entries list.
fn insert_or_put(doc: &mut AutoCommit) {
    floorwalk::documents::json::put_json(doc, &ROOT, "site", &serde_json::json!("north"))
        .expect("site");
    let list = doc
        .put_object(ROOT, "entries", automerge::ObjType::List)
        .expect("entries");
    insert_json(doc, &list, 0, &serde_json::json!("samod-1")).expect("entry");
}
