//! The harness of the tests that run the real `snapguard-server` binary: a
//! server on a free loopback port (stopped when dropped), a client that
//! signs as the official Python SDK does (legacy v2 `HMAC-SHA1` by default,
//! V3 `ACS3-HMAC-SHA256` on request), a raw sender for hostile requests
//! (any method, any bytes in the request target, any headers and body), and
//! the admin API's JSON.
//!
//! Each test binary uses part of it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde_json::Value;
use sha2::{Digest, Sha256};

mod sign;
pub use sign::*;

/// The account that exists from the first start.
pub const DEFAULT_ACCOUNT: &str = "1000000000000001";
/// The ECS API version.
pub const VERSION: &str = "2014-05-26";
/// The Cloud Backup (HBR) API version.
pub const HBR_VERSION: &str = "2017-09-08";
/// The Resource Sharing API version.
pub const SHARING_VERSION: &str = "2020-01-10";
/// The region every test works in.
pub const REGION: &str = "cn-hangzhou";

/// A directory under the system's temporary directory, removed on drop.
#[derive(Debug)]
pub struct TempDir(PathBuf);

impl TempDir {
    /// A fresh, empty directory.
    pub fn new(label: &str) -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let path = std::env::temp_dir().join(format!(
            "snapguard-server-{label}-{}-{}-{:016x}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed),
            rand::random::<u64>()
        ));
        std::fs::create_dir_all(&path).expect("create the temporary directory");
        Self(path)
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// An access key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    /// The AccessKeyId.
    pub id: String,
    /// The AccessKeySecret.
    pub secret: String,
}

/// An answer: status, content type and the body (JSON when it parses,
/// `Value::Null` otherwise; `text` has it as received).
#[derive(Debug, Clone)]
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The body as text.
    pub text: String,
    /// The body as JSON, or `Null`.
    pub json: Value,
}

impl Answer {
    fn new(status: u16, content_type: Option<String>, body: &[u8]) -> Self {
        let text = String::from_utf8_lossy(body).into_owned();
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Self {
            status,
            content_type,
            text,
            json,
        }
    }

    /// The error `Code`, if the body has one.
    pub fn code(&self) -> &str {
        self.json["Code"].as_str().unwrap_or("")
    }

    /// Asserts a success: 200 with a JSON body carrying a `RequestId`.
    #[track_caller]
    pub fn ok(&self) -> &Value {
        assert_eq!(self.status, 200, "expected a success, got {self:?}");
        assert!(self.json["RequestId"].is_string(), "no RequestId: {self:?}");
        &self.json
    }

    /// Asserts the provider's error answer: a 4xx status, a JSON content
    /// type and the body `{"RequestId", "HostId", "Code", "Message"}`.
    #[track_caller]
    pub fn assert_provider_error(&self) {
        assert!(
            (400..500).contains(&self.status),
            "expected a 4xx, got {self:?}"
        );
        assert!(
            self.content_type
                .as_deref()
                .is_some_and(|t| t.starts_with("application/json")),
            "expected a JSON content type: {self:?}"
        );
        for field in ["RequestId", "HostId", "Code", "Message"] {
            assert!(
                self.json[field].as_str().is_some_and(|v| !v.is_empty()),
                "the error body lacks {field}: {self:?}"
            );
        }
    }

    /// Asserts the provider's error answer with this status and code.
    #[track_caller]
    pub fn assert_error(&self, status: u16, code: &str) {
        self.assert_provider_error();
        assert_eq!(
            (self.status, self.code()),
            (status, code),
            "unexpected error: {self:?}"
        );
    }
}

/// A running `snapguard-server`, killed when dropped.
#[derive(Debug)]
pub struct Server {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub host: String,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    agent: ureq::Agent,
}

impl Server {
    /// A server that keeps nothing on disk.
    pub fn in_memory() -> Self {
        Self::spawn(&["--in-memory"])
    }

    /// A server on the data directory `dir`.
    pub fn on(dir: &Path) -> Self {
        let dir = dir.to_str().expect("a UTF-8 temporary path");
        Self::spawn(&["--data-dir", dir])
    }

    /// A server with these flags besides its address and port.
    pub fn with_flags(extra: &[&str]) -> Self {
        Self::spawn(extra)
    }

    fn spawn(extra: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_snapguard-server"))
            .args(["--address", "127.0.0.1", "--port", "0"])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start snapguard-server");
        let stdout = child.stdout.take().expect("the server's stdout");
        let mut reader = BufReader::new(stdout);
        let mut first = String::new();
        let read = reader.read_line(&mut first);
        const PREFIX: &str = "snapguard-server listening on http://";
        let host = match (read, first.trim().strip_prefix(PREFIX)) {
            (Ok(_), Some(host)) => host.to_owned(),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("the server did not announce its address: {first:?}");
            }
        };
        // Drain the rest, so that the server never blocks on (or fails
        // writing to) a full or closed pipe; ends when the process does.
        std::thread::spawn(move || {
            let _ = std::io::copy(&mut reader, &mut std::io::sink());
        });
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .allow_non_standard_methods(true)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into();
        Self {
            child,
            base: format!("http://{host}"),
            host,
            agent,
        }
    }

    /// SIGKILL (on Unix), at once, and waits for the process to be gone.
    pub fn kill(mut self) {
        self.child.kill().expect("kill the server");
        self.child.wait().expect("reap the server");
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends a request through ureq: `target` is the path and query.
    pub fn send(
        &self,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Answer {
        self.try_send(method, target, headers, body)
            .expect("the server answers")
    }

    /// As [`Server::send`], `None` when no complete answer arrives (the
    /// server is gone).
    pub fn try_send(
        &self,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Option<Answer> {
        let mut builder = ureq::http::Request::builder()
            .method(method)
            .uri(format!("{}{target}", self.base));
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        let request = builder.body(body.to_vec()).expect("a well-formed request");
        let mut response = self.agent.run(request).ok()?;
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let status = response.status().as_u16();
        let bytes = response
            .body_mut()
            .with_config()
            .limit(16 * 1024 * 1024)
            .read_to_vec()
            .ok()?;
        Some(Answer::new(status, content_type, &bytes))
    }

    /// Sends raw bytes over a fresh connection: `target` is written as is
    /// after the method (so it may hold bytes no URI library accepts);
    /// `Host`, `Content-Length` and `Connection: close` are added.
    pub fn raw(
        &self,
        method: &str,
        target: &[u8],
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Answer {
        self.try_raw(method, target, headers, body)
            .unwrap_or_else(|| {
                panic!(
                    "no HTTP answer to {method} {:?}",
                    String::from_utf8_lossy(target)
                )
            })
    }

    /// As [`Server::raw`], `None` when the connection ends without an answer.
    pub fn try_raw(
        &self,
        method: &str,
        target: &[u8],
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Option<Answer> {
        let mut head = Vec::new();
        head.extend_from_slice(method.as_bytes());
        head.push(b' ');
        head.extend_from_slice(target);
        head.extend_from_slice(b" HTTP/1.1\r\n");
        head.extend_from_slice(format!("host: {}\r\n", self.host).as_bytes());
        for (name, value) in headers {
            head.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
        }
        head.extend_from_slice(
            format!(
                "content-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            )
            .as_bytes(),
        );
        let mut stream = TcpStream::connect(&self.host).expect("connect to the server");
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .expect("set a timeout");
        // The server may answer and close before reading everything (a body
        // over its limit): a failed write is then expected, the answer counts.
        let _ = stream
            .write_all(&head)
            .and_then(|()| stream.write_all(body));
        let mut received = Vec::new();
        let _ = stream.read_to_end(&mut received);
        parse_response(&received)
    }

    /// A request to the admin API; `body` is JSON (or nothing).
    pub fn admin(&self, method: &str, path: &str, body: Option<&Value>) -> Answer {
        let target = format!("/_snapguard{path}");
        match body {
            None => self.send(method, &target, &[], b""),
            Some(json) => self.send(
                method,
                &target,
                &[("content-type", "application/json")],
                json.to_string().as_bytes(),
            ),
        }
    }

    /// `GET /_snapguard{path}`, which must succeed.
    #[track_caller]
    pub fn get(&self, path: &str) -> Value {
        let answer = self.admin("GET", path, None);
        assert_eq!(answer.status, 200, "GET {path}: {answer:?}");
        answer.json
    }

    /// `POST /_snapguard{path}` with a JSON body, which must succeed.
    #[track_caller]
    pub fn post(&self, path: &str, body: Value) -> Value {
        let answer = self.admin("POST", path, Some(&body));
        assert_eq!(answer.status, 200, "POST {path}: {answer:?}");
        answer.json
    }

    /// The library's state, as the admin API shows it.
    pub fn state(&self) -> Value {
        self.get("/state")
    }

    /// The server's clock.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        let now = self.get("/clock");
        now["now"]
            .as_str()
            .and_then(|t| t.parse().ok())
            .unwrap_or_else(|| panic!("a clock reading: {now}"))
    }

    /// Whether the server answers its health check.
    pub fn healthy(&self) -> bool {
        let answer = self.admin("GET", "/health", None);
        answer.status == 200 && answer.json["ok"] == Value::Bool(true)
    }

    /// The root key of an account.
    pub fn root_key(&self, account: &str) -> Key {
        key_of(&self.get(&format!("/accounts/{account}")))
    }

    /// Creates an account and returns its root key.
    pub fn new_account(&self, account: &str) -> Key {
        key_of(&self.post("/accounts", serde_json::json!({ "account_id": account })))
    }

    /// A signing client for `key`.
    pub fn client(&self, key: &Key) -> Client<'_> {
        Client {
            server: self,
            key: key.clone(),
        }
    }

    /// A client with the default account's root key.
    pub fn default_client(&self) -> Client<'_> {
        self.client(&self.root_key(DEFAULT_ACCOUNT))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The key in an admin API answer.
fn key_of(found: &Value) -> Key {
    let field = |name: &str| found[name].as_str().expect("a key field").to_owned();
    Key {
        id: field("access_key_id"),
        secret: field("access_key_secret"),
    }
}

/// Parses an HTTP/1.1 response read to the end of the connection.
fn parse_response(bytes: &[u8]) -> Option<Answer> {
    let end = bytes.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(bytes.get(..end).unwrap_or_default()).into_owned();
    let body = bytes.get(end + 4..).unwrap_or_default();
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())?;
    let mut content_type = None;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-type") {
            content_type = Some(value.to_owned());
        }
    }
    // The server always sends a Content-Length (axum's full bodies, hyper's
    // own refusals) and closes: the body is the rest.
    Some(Answer::new(status, content_type, body))
}

/// A client that signs its requests with one access key.
#[derive(Debug)]
pub struct Client<'s> {
    /// The server.
    pub server: &'s Server,
    /// The key it signs with.
    pub key: Key,
}

impl Client<'_> {
    /// Calls `action` with `params`, signed (v2) as the Python SDK's
    /// legacy signing does: `POST /?<everything>` with an empty body.
    pub fn call(&self, action: &str, params: &[(&str, &str)]) -> Answer {
        self.call_version(VERSION, action, params)
    }

    /// As [`Client::call`], for the API at `version` (another product's,
    /// such as [`SHARING_VERSION`] or [`HBR_VERSION`]).
    pub fn call_version(&self, version: &str, action: &str, params: &[(&str, &str)]) -> Answer {
        self.server.send(
            "POST",
            &self.signed_target(version, action, params),
            &[],
            b"",
        )
    }

    /// As [`Client::call`], `None` when no complete answer arrives.
    pub fn try_call(&self, action: &str, params: &[(&str, &str)]) -> Option<Answer> {
        self.server.try_send(
            "POST",
            &self.signed_target(VERSION, action, params),
            &[],
            b"",
        )
    }

    /// `/?<parameters>` of a v2-signed request to `action` at `version`.
    fn signed_target(&self, version: &str, action: &str, params: &[(&str, &str)]) -> String {
        let mut all = pairs(&[("Action", action), ("Version", version)]);
        all.extend(pairs(params));
        format!("/?{}", encode_pairs(&sign_v2(&self.key, "POST", all)))
    }

    /// Calls `action` of the API at `version` and requires a success.
    #[track_caller]
    pub fn ok_version(&self, version: &str, action: &str, params: &[(&str, &str)]) -> Value {
        let answer = self.call_version(version, action, params);
        assert_eq!(answer.status, 200, "{action} {params:?}: {answer:?}");
        answer.json
    }

    /// Calls `action` and requires a success.
    #[track_caller]
    pub fn ok(&self, action: &str, params: &[(&str, &str)]) -> Value {
        let answer = self.call(action, params);
        assert_eq!(answer.status, 200, "{action} {params:?}: {answer:?}");
        answer.json
    }

    /// The v2-signed pairs of a request (envelope, `params`, `Signature`),
    /// to send as they are or to tamper with.
    pub fn signed_pairs(&self, params: &[(&str, &str)]) -> Vec<(String, String)> {
        sign_v2(&self.key, "POST", pairs(params))
    }

    /// Calls `action` signed with V3 (`ACS3-HMAC-SHA256`), as the SDK's
    /// default signing does: the action and version only in the headers,
    /// every parameter in the query, an empty body.
    pub fn call_v3(&self, action: &str, params: &[(&str, &str)]) -> Answer {
        let query = pairs(params);
        let extra = [("x-acs-action", action), ("x-acs-version", VERSION)];
        self.send_v3("POST", &query, &extra)
    }

    /// Sends a V3-signed request with these query pairs and `x-acs-*`
    /// headers (besides the date, nonce and content hash it adds).
    pub fn send_v3(
        &self,
        method: &str,
        query: &[(String, String)],
        acs: &[(&str, &str)],
    ) -> Answer {
        let mut headers: Vec<(String, String)> = vec![
            ("host".into(), self.server.host.clone()),
            (
                "x-acs-content-sha256".into(),
                hex::encode(Sha256::digest(b"")),
            ),
            ("x-acs-date".into(), timestamp()),
            ("x-acs-signature-nonce".into(), nonce()),
        ];
        headers.extend(acs.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())));
        let authorization = authorization_v3(&self.key, method, query, &mut headers);
        let mut sent: Vec<(&str, &str)> = headers
            .iter()
            .filter(|(n, _)| n != "host")
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        sent.push(("authorization", &authorization));
        let target = format!("/?{}", encode_pairs(query));
        self.server.send(method, &target, &sent, b"")
    }
}

/// The id in a field of a success.
#[track_caller]
pub fn id(body: &Value, field: &str) -> String {
    body[field]
        .as_str()
        .unwrap_or_else(|| panic!("no {field} in {body}"))
        .to_owned()
}

/// Creates a 20 GiB disk in [`REGION`] and returns its id.
pub fn create_disk(client: &Client<'_>) -> String {
    let body = client.ok(
        "CreateDisk",
        &[
            ("RegionId", REGION),
            ("ZoneId", "cn-hangzhou-b"),
            ("DiskCategory", "cloud_essd"),
            ("Size", "20"),
        ],
    );
    id(&body, "DiskId")
}

/// Snapshots `disk` and returns the snapshot's id.
pub fn create_snapshot(client: &Client<'_>, disk: &str) -> String {
    let body = client.ok("CreateSnapshot", &[("DiskId", disk)]);
    id(&body, "SnapshotId")
}

/// Locks `snapshot` in compliance mode.
pub fn lock(client: &Client<'_>, snapshot: &str, days: u32, cool_off_hours: u32) -> Value {
    client.ok(
        "LockSnapshot",
        &[
            ("RegionId", REGION),
            ("SnapshotId", snapshot),
            ("LockMode", "compliance"),
            ("LockDuration", &days.to_string()),
            ("CoolOffPeriod", &cool_off_hours.to_string()),
        ],
    )
}

/// Every snapshot of the account, through `DescribeSnapshots` pages.
pub fn all_snapshots(client: &Client<'_>) -> Vec<Value> {
    let mut found = Vec::new();
    for page in 1.. {
        let body = client.ok(
            "DescribeSnapshots",
            &[
                ("RegionId", REGION),
                ("PageNumber", &page.to_string()),
                ("PageSize", "100"),
            ],
        );
        let items = body["Snapshots"]["Snapshot"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if items.is_empty() {
            break;
        }
        found.extend(items);
    }
    found
}
