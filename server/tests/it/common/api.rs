//! One client for the HTTP API, shared by every test: the transport written once (a
//! timeout, bearer tokens, JSON and CSV bodies, status checks that name the request)
//! and a method per endpoint the tests call. A test that needs a header of its own
//! starts from [`Api::request`].

use reqwest::{Method, RequestBuilder, Response};
use serde_json::{Value, json};

use super::PASSWORD;

#[derive(Debug, serde::Deserialize)]
pub struct Login {
    pub access_token: String,
    pub refresh_token: String,
    pub peer_id: String,
}

#[derive(Clone)]
pub struct Api {
    base: String,
    client: reqwest::Client,
}

impl Api {
    pub fn new(base: &str) -> Self {
        Self {
            base: base.to_owned(),
            client: http_client(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A request to `path`, with `token` as its bearer token if given.
    pub fn request(&self, method: Method, token: Option<&str>, path: &str) -> RequestBuilder {
        let request = self.client.request(method, self.url(path));
        match token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    }

    async fn sent(request: RequestBuilder, what: &str) -> Response {
        request
            .send()
            .await
            .unwrap_or_else(|e| panic!("{what}: {e}"))
    }

    pub async fn get(&self, token: Option<&str>, path: &str) -> Response {
        Self::sent(self.request(Method::GET, token, path), path).await
    }

    /// One JSON request: `(status, body)`, the body `null` when it is not JSON.
    /// `method` is `GET`, `POST`, `PUT`, `PATCH` or `DELETE`.
    pub async fn send(
        &self,
        method: &str,
        token: Option<&str>,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let method = Method::from_bytes(method.as_bytes()).expect("an HTTP method");
        let mut request = self.request(method, token, path);
        if let Some(body) = body {
            request = request.json(&body);
        }
        status_and_json(Self::sent(request, path).await).await
    }

    /// A GET that must answer 200 with JSON.
    pub async fn json(&self, token: &str, path: &str) -> Value {
        let response = self.get(Some(token), path).await;
        let status = response.status();
        let body = response.text().await.expect("body");
        assert_eq!(status, 200, "GET {path}: {body}");
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("GET {path}: {e}: {body}"))
    }

    /// A GET that must answer 200 with a CSV file.
    pub async fn csv(&self, token: &str, path: &str) -> String {
        let response = self.get(Some(token), path).await;
        assert_eq!(response.status(), 200, "GET {path}");
        let kind = response.headers()["content-type"]
            .to_str()
            .expect("ascii")
            .to_owned();
        assert!(kind.starts_with("text/csv"), "GET {path}: {kind}");
        response.text().await.expect("text")
    }

    /// A GET that must fail with `status`; the error body.
    pub async fn error(&self, token: Option<&str>, path: &str, status: u16) -> Value {
        let response = self.get(token, path).await;
        assert_eq!(response.status(), status, "GET {path}");
        response.json().await.expect("error body")
    }

    /// A POST of a CSV file.
    pub async fn post_csv(&self, token: Option<&str>, path: &str, csv: &str) -> Response {
        let request = self
            .request(Method::POST, token, path)
            .header("content-type", "text/csv")
            .body(csv.to_owned());
        Self::sent(request, path).await
    }

    /// `POST /api/auth/login` with `password`; with an `address`, as if from there
    /// through a proxy.
    pub async fn try_login(&self, email: &str, password: &str, address: Option<&str>) -> Response {
        let mut request = self
            .request(Method::POST, None, "/api/auth/login")
            .json(&json!({ "email": email, "password": password }));
        if let Some(address) = address {
            request = request.header("x-forwarded-for", format!("203.0.113.9, {address}"));
        }
        Self::sent(request, "login").await
    }

    /// Logs `email` in with the test password; panics unless that succeeds.
    pub async fn login(&self, email: &str) -> Login {
        let response = self.try_login(email, PASSWORD, None).await;
        assert_eq!(response.status(), 200, "login of {email}");
        response.json().await.expect("login body")
    }

    /// `POST /api/sync/ticket`: a one-time ticket for `/sync`.
    pub async fn ticket(&self, token: &str) -> String {
        let (status, body) = self
            .send("POST", Some(token), "/api/sync/ticket", None)
            .await;
        assert_eq!(status, 200, "ticket: {body}");
        body["ticket"].as_str().expect("ticket string").to_owned()
    }

    /// `POST /api/documents/{id}/actions`.
    pub async fn act(
        &self,
        token: &str,
        document: impl std::fmt::Display,
        action: Value,
    ) -> (u16, Value) {
        let path = format!("/api/documents/{document}/actions");
        self.send("POST", Some(token), &path, Some(action)).await
    }

    /// `POST /api/sites/{site}/import/{kind}` (`items` or `locations`).
    pub async fn import(&self, token: &str, site: &str, kind: &str, csv: &str) -> Response {
        let path = format!("/api/sites/{site}/import/{kind}");
        self.post_csv(Some(token), &path, csv).await
    }

    /// `GET /api/sites/{site}/work`: the documents a phone works on.
    pub async fn work(&self, token: &str, site: &str) -> Value {
        self.json(token, &format!("/api/sites/{site}/work")).await
    }

    /// `PUT /api/attachments/{sha256}?site=…`.
    pub async fn upload(
        &self,
        token: &str,
        site: &str,
        (sha256, bytes): &(String, Vec<u8>),
    ) -> (u16, Value) {
        let path = format!("/api/attachments/{sha256}?site={site}");
        let request = self
            .request(Method::PUT, Some(token), &path)
            .header("content-type", "image/png")
            .body(bytes.clone());
        status_and_json(Self::sent(request, "upload").await).await
    }

    /// `GET /api/attachments/{sha256}`.
    pub async fn download(&self, token: &str, sha256: &str) -> Response {
        self.get(Some(token), &format!("/api/attachments/{sha256}"))
            .await
    }

    /// `GET /api/events`, the token in the query as a browser's EventSource sends it.
    pub async fn events(&self, token: &str) -> Response {
        let request = self
            .request(
                Method::GET,
                None,
                &format!("/api/events?access_token={token}"),
            )
            // Compression would hold events back: the stream must stay plain.
            .header("accept-encoding", "gzip")
            // A stream outlives the 30 s a request may take; readers time out themselves.
            .timeout(std::time::Duration::from_secs(300));
        Self::sent(request, "events").await
    }

    /// A counter or gauge from `/metrics`.
    pub async fn metric(&self, name: &str) -> u64 {
        let text = self.get(None, "/metrics").await.text().await.expect("text");
        text.lines()
            .find_map(|line| line.strip_prefix(name)?.trim().parse().ok())
            .unwrap_or_else(|| panic!("{name} is not in /metrics:\n{text}"))
    }
}

async fn status_and_json(response: Response) -> (u16, Value) {
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// A client whose requests fail after 30 s instead of waiting for ever, so that
/// a server that stops answering fails the test that asked, with the request named.
fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .expect("http client")
}
