//! Load benchmark of the endpoint (issue 17): concurrent clients over
//! loopback sending the mixed step to a running server, snapguard-server or
//! moto's server mode, after preloading existing snapshots.
//!
//! One step is: create a snapshot, share it with 3 accounts, copy it to a
//! second region, unshare it, delete the copy, delete the snapshot. Each
//! client runs steps back to back on its own connection; the requests that
//! complete inside the measured window (after a warm-up) give requests per
//! second and latency percentiles. Any refused or failed request, in the
//! warm-up or the window, counts as an error.
//!
//! - **snapguard-server**: ECS 2014-05-26 `CreateSnapshot` on disks made by
//!   `CreateDisk`, `CopySnapshot` from `cn-hangzhou` to `cn-shanghai` (the
//!   model refuses a copy within one region, COPY rule), `DeleteSnapshot`;
//!   sharing through Resource Sharing 2020-01-10 `CreateResourceShare`
//!   (the snapshot and 3 accounts made by the admin API) and
//!   `DeleteResourceShare` (or `DisassociateResourceShare`). With
//!   `--share auto` (the default) a probe request finds whether the server
//!   speaks Resource Sharing; when it does not, the step has no sharing
//!   requests and the report says so. Requests are signed as the SDK's
//!   legacy v2 signature signs them (`tests/common/sign.rs`).
//! - **moto** (`moto_server`): EC2 query API `CreateSnapshot` on volumes
//!   made by `CreateVolume`, `ModifySnapshotAttribute` adding and removing
//!   `createVolumePermission` for 3 user ids, `CopySnapshot` from
//!   `us-east-1` to `us-west-2`, `DeleteSnapshot` (the copy, then the
//!   snapshot). moto picks the service and region from the
//!   `Authorization` header's credential scope and does not check the
//!   signature: the header is a well-formed SigV4 header with a dummy
//!   signature.
//!
//! `bash server/bench/load.sh` builds everything, starts the servers and
//! runs this for each store and size. Run alone (by `cargo bench`, which
//! passes only `--bench`), it prints its usage and exits.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Barrier;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

#[allow(dead_code)]
#[path = "../tests/common/sign.rs"]
mod sign;

/// An access key, as `sign` signs with it.
#[derive(Debug, Clone)]
struct Key {
    id: String,
    secret: String,
}

const USAGE: &str = "\
load: the endpoint's load benchmark (issue 17). It drives a server that is
already running; `bash server/bench/load.sh` starts them and runs it for
every store and size.

usage: cargo bench -p snapguard-server --bench load -- --target snapguard|moto \\
           --endpoint http://127.0.0.1:PORT --existing N [options]

  --target snapguard|moto   the store behind the endpoint
  --endpoint URL            where it listens (loopback)
  --existing N              snapshots to preload before measuring (not counted)
  --clients N               concurrent clients, one connection each (32)
  --seconds S               the measured window (30)
  --warmup S                steps before the window, not measured (3)
  --share auto|resource-share|none
                            snapguard: share through Resource Sharing
                            2020-01-10, or not; auto probes the server (auto)
  --unshare delete|disassociate
                            snapguard: DeleteResourceShare (delete) or
                            DisassociateResourceShare, which leaves the
                            empty share: an account holds at most 1,000
  --per-disk N              preloaded snapshots per disk or volume (100)
  --label TEXT              the store's name in the table
  --server-pid PID          the server's process, for its CPU time
  --perf FILE               record the server with `perf record` during the
                            window into FILE (needs --server-pid)
  --out FILE                append the table row to FILE
  --details FILE            append per-operation figures to FILE
";

/// The account that exists from the server's first start.
const OWNER: &str = "1000000000000001";
/// The accounts each snapshot is shared with.
const SNAPGUARD_TARGETS: [&str; 3] = ["1000000000000002", "1000000000000003", "1000000000000004"];
const MOTO_USERS: [&str; 3] = ["111111111111", "222222222222", "333333333333"];
const ECS: &str = "2014-05-26";
const RESOURCE_SHARING: &str = "2020-01-10";
const EC2: &str = "2016-11-15";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Snapguard,
    Moto,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ShareMode {
    Auto,
    ResourceShare,
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unshare {
    Delete,
    Disassociate,
}

#[derive(Debug)]
struct Options {
    target: Kind,
    endpoint: String,
    existing: usize,
    clients: usize,
    seconds: f64,
    warmup: f64,
    share: ShareMode,
    unshare: Unshare,
    per_disk: usize,
    label: Option<String>,
    server_pid: Option<u32>,
    perf: Option<PathBuf>,
    out: Option<PathBuf>,
    details: Option<PathBuf>,
}

/// The options, or `None` when no target was given (usage only).
fn parse(args: &[String]) -> Result<Option<Options>, String> {
    let mut target = None;
    let mut options = Options {
        target: Kind::Snapguard,
        endpoint: String::new(),
        existing: 0,
        clients: 32,
        seconds: 30.0,
        warmup: 3.0,
        share: ShareMode::Auto,
        unshare: Unshare::Delete,
        per_disk: 100,
        label: None,
        server_pid: None,
        perf: None,
        out: None,
        details: None,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        // `cargo bench` passes `--bench` to every bench target.
        if arg == "--bench" {
            continue;
        }
        if arg == "-h" || arg == "--help" {
            return Ok(None);
        }
        let value = args
            .next()
            .ok_or_else(|| format!("{arg} needs a value"))?
            .clone();
        let number = |value: &str| {
            value
                .replace('_', "")
                .parse::<usize>()
                .map_err(|_| format!("{arg}: `{value}` is not a whole number"))
        };
        let seconds = |value: &str| {
            value
                .parse::<f64>()
                .ok()
                .filter(|s| s.is_finite() && *s >= 0.0)
                .ok_or_else(|| format!("{arg}: `{value}` is not a number of seconds"))
        };
        match arg.as_str() {
            "--target" => {
                target = Some(match value.as_str() {
                    "snapguard" => Kind::Snapguard,
                    "moto" => Kind::Moto,
                    _ => return Err(format!("--target: `{value}` is neither snapguard nor moto")),
                });
            }
            "--endpoint" => options.endpoint = value.trim_end_matches('/').to_owned(),
            "--existing" => options.existing = number(&value)?,
            "--clients" => options.clients = number(&value)?.max(1),
            "--seconds" => options.seconds = seconds(&value)?,
            "--warmup" => options.warmup = seconds(&value)?,
            "--share" => {
                options.share = match value.as_str() {
                    "auto" => ShareMode::Auto,
                    "resource-share" => ShareMode::ResourceShare,
                    "none" => ShareMode::None,
                    _ => {
                        return Err(format!(
                            "--share: `{value}` is not auto, resource-share or none"
                        ));
                    }
                };
            }
            "--unshare" => {
                options.unshare = match value.as_str() {
                    "delete" => Unshare::Delete,
                    "disassociate" => Unshare::Disassociate,
                    _ => {
                        return Err(format!(
                            "--unshare: `{value}` is not delete or disassociate"
                        ));
                    }
                };
            }
            "--per-disk" => options.per_disk = number(&value)?.max(1),
            "--label" => options.label = Some(value),
            "--server-pid" => {
                options.server_pid = Some(
                    value
                        .parse()
                        .map_err(|_| format!("--server-pid: `{value}` is not a process id"))?,
                );
            }
            "--perf" => options.perf = Some(value.into()),
            "--out" => options.out = Some(value.into()),
            "--details" => options.details = Some(value.into()),
            _ => return Err(format!("unknown option {arg}")),
        }
    }
    let Some(target) = target else {
        return Ok(None);
    };
    options.target = target;
    if !options.endpoint.starts_with("http://127.")
        && !options.endpoint.starts_with("http://localhost")
    {
        return Err(format!(
            "--endpoint: `{}` is not a loopback http:// address",
            options.endpoint
        ));
    }
    if options.perf.is_some() && options.server_pid.is_none() {
        return Err("--perf needs --server-pid".into());
    }
    Ok(Some(options))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let options = match parse(&args) {
        Ok(Some(options)) => options,
        Ok(None) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(error) => {
            eprintln!("load: {error}\n\n{USAGE}");
            return ExitCode::FAILURE;
        }
    };
    match run(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("load: {error}");
            ExitCode::FAILURE
        }
    }
}

// ---------------------------------------------------------------------------
// HTTP

/// One client's connection (ureq keeps it alive when the server does).
struct Conn {
    agent: ureq::Agent,
    base: String,
}

impl Conn {
    fn new(base: &str) -> Self {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(120)))
            .max_idle_connections_per_host(1)
            .build()
            .into();
        Self {
            agent,
            base: base.to_owned(),
        }
    }

    /// POSTs `body` to `base + target`; the status and the body.
    fn post(
        &self,
        target: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Result<(u16, String), String> {
        let mut request = self.agent.post(format!("{}{target}", self.base));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let mut response = if body.is_empty() {
            request.send_empty()
        } else {
            request.send(body)
        }
        .map_err(|error| format!("POST {target}: {error}"))?;
        let status = response.status().as_u16();
        let text = response
            .body_mut()
            .read_to_string()
            .map_err(|error| format!("reading the answer: {error}"))?;
        Ok((status, text))
    }

    fn get(&self, target: &str) -> Result<(u16, String), String> {
        let mut response = self
            .agent
            .get(format!("{}{target}", self.base))
            .call()
            .map_err(|error| format!("GET {target}: {error}"))?;
        let status = response.status().as_u16();
        let text = response
            .body_mut()
            .read_to_string()
            .map_err(|error| format!("reading the answer: {error}"))?;
        Ok((status, text))
    }
}

// ---------------------------------------------------------------------------
// The stores

/// The operations of a step, for per-operation figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Op {
    Create,
    Share,
    Copy,
    Unshare,
    DeleteCopy,
    Delete,
}

const OPS: [Op; 6] = [
    Op::Create,
    Op::Share,
    Op::Copy,
    Op::Unshare,
    Op::DeleteCopy,
    Op::Delete,
];

/// snapguard-server, signing as the owner's root.
struct Snapguard {
    key: Key,
    share: bool,
    unshare: Unshare,
}

/// moto's server mode.
struct Moto {
    /// The `Authorization` and `X-Amz-Date` headers, by region.
    source_auth: String,
    destination_auth: String,
    amz_date: String,
}

const MOTO_SOURCE: &str = "us-east-1";
const MOTO_DESTINATION: &str = "us-west-2";
const SNAPGUARD_SOURCE: &str = "cn-hangzhou";
const SNAPGUARD_DESTINATION: &str = "cn-shanghai";

enum Store {
    Snapguard(Snapguard),
    Moto(Moto),
}

impl Snapguard {
    /// A v2-signed call: the status and the JSON answer.
    fn call_raw(
        &self,
        conn: &Conn,
        version: &str,
        action: &str,
        params: &[(&str, &str)],
    ) -> Result<(u16, Value), String> {
        let mut all = sign::pairs(&[("Action", action), ("Version", version)]);
        all.extend(sign::pairs(params));
        let signed = sign::sign_v2(&self.key, "POST", all);
        let (status, text) = conn.post(&format!("/?{}", sign::encode_pairs(&signed)), &[], b"")?;
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Ok((status, json))
    }

    /// A call that must succeed.
    fn call(
        &self,
        conn: &Conn,
        version: &str,
        action: &str,
        params: &[(&str, &str)],
    ) -> Result<Value, String> {
        let (status, json) = self.call_raw(conn, version, action, params)?;
        if status == 200 {
            Ok(json)
        } else {
            Err(format!(
                "{action}: {status} {} {}",
                json["Code"].as_str().unwrap_or("(no code)"),
                json["Message"].as_str().unwrap_or_default()
            ))
        }
    }

    fn field(json: &Value, path: &[&str]) -> Result<String, String> {
        let mut at = json;
        for name in path {
            at = &at[name];
        }
        at.as_str()
            .map(str::to_owned)
            .ok_or_else(|| format!("no {} in {json}", path.join(".")))
    }

    fn create_disk(&self, conn: &Conn) -> Result<String, String> {
        let json = self.call(
            conn,
            ECS,
            "CreateDisk",
            &[
                ("RegionId", SNAPGUARD_SOURCE),
                ("ZoneId", "cn-hangzhou-b"),
                ("DiskCategory", "cloud_essd"),
                ("Size", "20"),
            ],
        )?;
        Self::field(&json, &["DiskId"])
    }

    fn create(&self, conn: &Conn, disk: &str) -> Result<String, String> {
        let json = self.call(conn, ECS, "CreateSnapshot", &[("DiskId", disk)])?;
        Self::field(&json, &["SnapshotId"])
    }

    fn share_params<'a>(snapshot: &'a str, name: &'a str) -> Vec<(&'a str, &'a str)> {
        let mut params = vec![
            ("ResourceShareName", name),
            ("Resources.1.ResourceId", snapshot),
            ("Resources.1.ResourceType", "Snapshot"),
            // The target accounts are outside any resource directory.
            ("AllowExternalTargets", "true"),
        ];
        for (name, account) in ["Targets.1", "Targets.2", "Targets.3"]
            .iter()
            .zip(SNAPGUARD_TARGETS)
        {
            params.push((name, account));
        }
        params
    }

    fn share(&self, conn: &Conn, snapshot: &str, name: &str) -> Result<String, String> {
        let json = self.call(
            conn,
            RESOURCE_SHARING,
            "CreateResourceShare",
            &Self::share_params(snapshot, name),
        )?;
        Self::field(&json, &["ResourceShare", "ResourceShareId"])
    }

    fn unshare(&self, conn: &Conn, snapshot: &str, share: &str) -> Result<(), String> {
        match self.unshare {
            Unshare::Delete => self.call(
                conn,
                RESOURCE_SHARING,
                "DeleteResourceShare",
                &[("ResourceShareId", share)],
            ),
            Unshare::Disassociate => self.call(
                conn,
                RESOURCE_SHARING,
                "DisassociateResourceShare",
                &[
                    ("ResourceShareId", share),
                    ("Resources.1.ResourceId", snapshot),
                    ("Resources.1.ResourceType", "Snapshot"),
                ],
            ),
        }
        .map(drop)
    }

    fn copy(&self, conn: &Conn, snapshot: &str) -> Result<String, String> {
        let json = self.call(
            conn,
            ECS,
            "CopySnapshot",
            &[
                ("RegionId", SNAPGUARD_SOURCE),
                ("SnapshotId", snapshot),
                ("DestinationRegionId", SNAPGUARD_DESTINATION),
            ],
        )?;
        Self::field(&json, &["SnapshotId"])
    }

    fn delete(&self, conn: &Conn, snapshot: &str) -> Result<(), String> {
        self.call(conn, ECS, "DeleteSnapshot", &[("SnapshotId", snapshot)])
            .map(drop)
    }

    /// Whether the server speaks Resource Sharing 2020-01-10: a probe share
    /// of a fresh snapshot, undone.
    fn probe_sharing(&self, conn: &Conn, disk: &str) -> Result<bool, String> {
        let snapshot = self.create(conn, disk)?;
        let (status, json) = self.call_raw(
            conn,
            RESOURCE_SHARING,
            "CreateResourceShare",
            &Self::share_params(&snapshot, "bench-probe"),
        )?;
        let code = json["Code"].as_str().unwrap_or_default();
        let spoken = match (status, code) {
            (200, _) => {
                let share = Self::field(&json, &["ResourceShare", "ResourceShareId"])?;
                self.unshare(conn, &snapshot, &share)?;
                true
            }
            (_, "InvalidVersion" | "InvalidAction.NotFound") => false,
            _ => {
                return Err(format!(
                    "the sharing probe was refused: CreateResourceShare: {status} {code} {}",
                    json["Message"].as_str().unwrap_or_default()
                ));
            }
        };
        self.delete(conn, &snapshot)?;
        Ok(spoken)
    }
}

impl Moto {
    fn new() -> Self {
        let now = chrono::Utc::now();
        let auth = |region: &str| {
            format!(
                "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/{}/{region}/ec2/aws4_request, \
                 SignedHeaders=content-type;host;x-amz-date, Signature={}",
                now.format("%Y%m%d"),
                "0".repeat(64)
            )
        };
        Self {
            source_auth: auth(MOTO_SOURCE),
            destination_auth: auth(MOTO_DESTINATION),
            amz_date: now.format("%Y%m%dT%H%M%SZ").to_string(),
        }
    }

    /// An EC2 query call in `region` that must succeed: the XML answer.
    fn call(
        &self,
        conn: &Conn,
        destination: bool,
        action: &str,
        params: &[(&str, &str)],
    ) -> Result<String, String> {
        let mut body = format!("Action={action}&Version={EC2}");
        for (name, value) in params {
            let _ = write!(body, "&{}={}", sign::encode(name), sign::encode(value));
        }
        let auth = if destination {
            &self.destination_auth
        } else {
            &self.source_auth
        };
        let (status, text) = conn.post(
            "/",
            &[
                ("authorization", auth),
                ("x-amz-date", &self.amz_date),
                (
                    "content-type",
                    "application/x-www-form-urlencoded; charset=utf-8",
                ),
            ],
            body.as_bytes(),
        )?;
        if status == 200 {
            Ok(text)
        } else {
            Err(format!(
                "{action}: {status} {}",
                tag(&text, "Code").unwrap_or_else(|| text.chars().take(200).collect())
            ))
        }
    }

    fn create_volume(&self, conn: &Conn) -> Result<String, String> {
        let xml = self.call(
            conn,
            false,
            "CreateVolume",
            &[("AvailabilityZone", "us-east-1a"), ("Size", "20")],
        )?;
        tag(&xml, "volumeId").ok_or_else(|| format!("no volumeId in {xml}"))
    }

    fn create(&self, conn: &Conn, volume: &str) -> Result<String, String> {
        let xml = self.call(conn, false, "CreateSnapshot", &[("VolumeId", volume)])?;
        tag(&xml, "snapshotId").ok_or_else(|| format!("no snapshotId in {xml}"))
    }

    fn permission(&self, conn: &Conn, snapshot: &str, operation: &str) -> Result<(), String> {
        let mut params = vec![
            ("SnapshotId", snapshot),
            ("Attribute", "createVolumePermission"),
            ("OperationType", operation),
        ];
        for (name, user) in ["UserId.1", "UserId.2", "UserId.3"].iter().zip(MOTO_USERS) {
            params.push((name, user));
        }
        self.call(conn, false, "ModifySnapshotAttribute", &params)
            .map(drop)
    }

    fn copy(&self, conn: &Conn, snapshot: &str) -> Result<String, String> {
        let xml = self.call(
            conn,
            true,
            "CopySnapshot",
            &[
                ("SourceSnapshotId", snapshot),
                ("SourceRegion", MOTO_SOURCE),
            ],
        )?;
        tag(&xml, "snapshotId").ok_or_else(|| format!("no snapshotId in {xml}"))
    }

    fn delete(&self, conn: &Conn, destination: bool, snapshot: &str) -> Result<(), String> {
        self.call(
            conn,
            destination,
            "DeleteSnapshot",
            &[("SnapshotId", snapshot)],
        )
        .map(drop)
    }
}

/// The text of the first `<name>...</name>` element.
fn tag(xml: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let start = xml.find(&open)? + open.len();
    let end = xml.get(start..)?.find('<')? + start;
    xml.get(start..end).map(str::to_owned)
}

impl Store {
    fn name(&self) -> &'static str {
        match self {
            Self::Snapguard(_) => "snapguard-server",
            Self::Moto(_) => "moto_server",
        }
    }

    fn op_name(&self, op: Op) -> &'static str {
        match (self, op) {
            (Self::Snapguard(_), Op::Create) => "CreateSnapshot",
            (Self::Snapguard(_), Op::Share) => "CreateResourceShare",
            (Self::Snapguard(s), Op::Unshare) if s.unshare == Unshare::Delete => {
                "DeleteResourceShare"
            }
            (Self::Snapguard(_), Op::Unshare) => "DisassociateResourceShare",
            (Self::Moto(_), Op::Create) => "CreateSnapshot",
            (Self::Moto(_), Op::Share) => "ModifySnapshotAttribute (add)",
            (Self::Moto(_), Op::Unshare) => "ModifySnapshotAttribute (remove)",
            (_, Op::Copy) => "CopySnapshot",
            (_, Op::DeleteCopy) => "DeleteSnapshot (the copy)",
            (_, Op::Delete) => "DeleteSnapshot",
        }
    }

    fn shares(&self) -> bool {
        match self {
            Self::Snapguard(s) => s.share,
            Self::Moto(_) => true,
        }
    }

    fn requests_per_step(&self) -> usize {
        if self.shares() { 6 } else { 4 }
    }

    fn create_disk(&self, conn: &Conn) -> Result<String, String> {
        match self {
            Self::Snapguard(s) => s.create_disk(conn),
            Self::Moto(m) => m.create_volume(conn),
        }
    }

    fn create(&self, conn: &Conn, disk: &str) -> Result<String, String> {
        match self {
            Self::Snapguard(s) => s.create(conn, disk),
            Self::Moto(m) => m.create(conn, disk),
        }
    }

    /// One mixed step; each request timed into `recorder`.
    fn step(
        &self,
        conn: &Conn,
        disk: &str,
        name: &str,
        recorder: &mut Recorder,
    ) -> Result<(), String> {
        let snapshot = recorder.time(Op::Create, || self.create(conn, disk))?;
        let share = if self.shares() {
            Some(recorder.time(Op::Share, || match self {
                Self::Snapguard(s) => s.share(conn, &snapshot, name),
                Self::Moto(m) => m.permission(conn, &snapshot, "add").map(|()| String::new()),
            })?)
        } else {
            None
        };
        let copy = recorder.time(Op::Copy, || match self {
            Self::Snapguard(s) => s.copy(conn, &snapshot),
            Self::Moto(m) => m.copy(conn, &snapshot),
        })?;
        if let Some(share) = share {
            recorder.time(Op::Unshare, || match self {
                Self::Snapguard(s) => s.unshare(conn, &snapshot, &share),
                Self::Moto(m) => m.permission(conn, &snapshot, "remove"),
            })?;
        }
        recorder.time(Op::DeleteCopy, || match self {
            Self::Snapguard(s) => s.delete(conn, &copy),
            Self::Moto(m) => m.delete(conn, true, &copy),
        })?;
        recorder.time(Op::Delete, || match self {
            Self::Snapguard(s) => s.delete(conn, &snapshot),
            Self::Moto(m) => m.delete(conn, false, &snapshot),
        })
    }
}

// ---------------------------------------------------------------------------
// Measuring

/// One request.
#[derive(Debug, Clone, Copy)]
struct Sample {
    /// When it completed, from the run's origin.
    done: Duration,
    latency: Duration,
    op: Op,
    ok: bool,
}

/// One client's samples and errors.
struct Recorder {
    origin: Instant,
    samples: Vec<Sample>,
    errors: Vec<String>,
}

impl Recorder {
    fn time<T>(
        &mut self,
        op: Op,
        request: impl FnOnce() -> Result<T, String>,
    ) -> Result<T, String> {
        let start = Instant::now();
        let outcome = request();
        let end = Instant::now();
        self.samples.push(Sample {
            done: end.duration_since(self.origin),
            latency: end.duration_since(start),
            op,
            ok: outcome.is_ok(),
        });
        if let Err(error) = &outcome {
            if self.errors.len() < 5 {
                self.errors.push(error.clone());
            }
        }
        outcome
    }
}

/// CPU time of a process (user + system), from `/proc/PID/stat`, in clock
/// ticks of 1/100 s (Linux's `USER_HZ` on every common architecture).
fn process_ticks(pid: &str) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let fields: Vec<&str> = stat
        .get(stat.rfind(')')? + 2..)?
        .split_whitespace()
        .collect();
    let user: u64 = fields.get(11)?.parse().ok()?;
    let system: u64 = fields.get(12)?.parse().ok()?;
    Some(user + system)
}

/// Busy ticks of the whole machine, from `/proc/stat`.
fn machine_ticks() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let cpu = stat.lines().next()?;
    let values: Vec<u64> = cpu
        .split_whitespace()
        .skip(1)
        .filter_map(|v| v.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal: busy is all but idle
    // and iowait.
    Some(
        values
            .iter()
            .take(8)
            .enumerate()
            .filter(|(i, _)| *i != 3 && *i != 4)
            .map(|(_, v)| v)
            .sum(),
    )
}

#[derive(Debug, Clone, Copy, Default)]
struct Cpu {
    server: Option<u64>,
    client: Option<u64>,
    machine: Option<u64>,
}

impl Cpu {
    fn read(server: Option<u32>) -> Self {
        Self {
            server: server.and_then(|pid| process_ticks(&pid.to_string())),
            client: process_ticks("self"),
            machine: machine_ticks(),
        }
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn ms(duration: Duration) -> String {
    format!("{:.2}", duration.as_secs_f64() * 1e3)
}

/// `1234567` as `1,234,567`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Runs `work(client)` on `clients` threads, each with its own connection.
fn on_clients<T: Send>(
    endpoint: &str,
    clients: usize,
    work: impl Fn(usize, &Conn) -> Result<T, String> + Sync,
) -> Result<Vec<T>, String> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..clients)
            .map(|client| {
                let work = &work;
                scope.spawn(move || work(client, &Conn::new(endpoint)))
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|_| Err("a client panicked".into()))
            })
            .collect()
    })
}

/// Prints progress every 10 seconds while `work` runs.
fn with_progress<T>(what: &str, total: usize, done: &AtomicUsize, work: impl FnOnce() -> T) -> T {
    let finished = AtomicBool::new(false);
    let start = Instant::now();
    let outcome = std::thread::scope(|scope| {
        scope.spawn(|| {
            let mut last = Instant::now();
            while !finished.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(200));
                if last.elapsed() >= Duration::from_secs(10) {
                    last = Instant::now();
                    let n = done.load(Ordering::Relaxed);
                    eprintln!(
                        "  {what}: {n}/{total} in {:.0} s ({:.0}/s)",
                        start.elapsed().as_secs_f64(),
                        n as f64 / start.elapsed().as_secs_f64()
                    );
                }
            }
        });
        let outcome = work();
        finished.store(true, Ordering::Relaxed);
        outcome
    });
    eprintln!(
        "  {what}: {total} in {:.1} s ({:.0}/s)",
        start.elapsed().as_secs_f64(),
        total as f64 / start.elapsed().as_secs_f64().max(1e-9)
    );
    outcome
}

/// Connects the store: the owner's key and the target accounts (admin API)
/// for snapguard, whether it speaks Resource Sharing.
fn connect(options: &Options, conn: &Conn) -> Result<Store, String> {
    match options.target {
        Kind::Moto => Ok(Store::Moto(Moto::new())),
        Kind::Snapguard => {
            let (status, text) = conn.get(&format!("/_snapguard/accounts/{OWNER}"))?;
            let found: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            if status != 200 {
                return Err(format!("the owner's key: {status} {text}"));
            }
            let key = Key {
                id: Snapguard::field(&found, &["access_key_id"])?,
                secret: Snapguard::field(&found, &["access_key_secret"])?,
            };
            for account in SNAPGUARD_TARGETS {
                let body = json!({ "account_id": account }).to_string();
                let (status, text) = conn.post(
                    "/_snapguard/accounts",
                    &[("content-type", "application/json")],
                    body.as_bytes(),
                )?;
                // 409: it exists already (a data directory used before).
                if status != 200 && status != 409 {
                    return Err(format!("creating account {account}: {status} {text}"));
                }
            }
            Ok(Store::Snapguard(Snapguard {
                key,
                share: options.share != ShareMode::None,
                unshare: options.unshare,
            }))
        }
    }
}

fn run(options: &Options) -> Result<(), String> {
    let conn = Conn::new(&options.endpoint);
    let mut store = connect(options, &conn)?;
    let clients = options.clients;
    let disk_count = clients.max(options.existing.div_ceil(options.per_disk));
    eprintln!(
        "{}: {} disks, preloading {} snapshots ({} a disk) with {clients} clients",
        store.name(),
        disk_count,
        options.existing,
        options.per_disk
    );

    // Disks (volumes), then the existing snapshots, by all clients.
    let made = AtomicUsize::new(0);
    let disks: Vec<String> = with_progress("disks", disk_count, &made, || {
        on_clients(&options.endpoint, clients, |client, conn| {
            (client..disk_count)
                .step_by(clients)
                .map(|_| {
                    let disk = store.create_disk(conn)?;
                    made.fetch_add(1, Ordering::Relaxed);
                    Ok(disk)
                })
                .collect::<Result<Vec<_>, String>>()
        })
    })?
    .into_iter()
    .flatten()
    .collect();
    if let Store::Snapguard(snapguard) = &mut store {
        if options.share == ShareMode::Auto {
            snapguard.share = snapguard.probe_sharing(&conn, &disks[0])?;
            if !snapguard.share {
                eprintln!(
                    "  the server does not speak Resource Sharing {RESOURCE_SHARING}: steps without sharing"
                );
            }
        }
    }
    let loaded = AtomicUsize::new(0);
    with_progress("preload", options.existing, &loaded, || {
        on_clients(&options.endpoint, clients, |client, conn| {
            for k in (client..options.existing).step_by(clients) {
                store
                    .create(conn, &disks[k / options.per_disk])
                    .map_err(|error| format!("preloading snapshot {k}: {error}"))?;
                loaded.fetch_add(1, Ordering::Relaxed);
            }
            Ok(())
        })
    })?;

    // The measured run: warm-up, window, then each client ends its step.
    let warmup = Duration::from_secs_f64(options.warmup);
    let window = Duration::from_secs_f64(options.seconds);
    let end = warmup + window;
    let barrier = Barrier::new(clients + 1);
    let origin_cell = std::sync::OnceLock::new();
    eprintln!(
        "  measuring: {:.0} s warm-up, {:.0} s window, {clients} clients, {} requests a step",
        options.warmup,
        options.seconds,
        store.requests_per_step()
    );
    let (recorders, cpu) = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..clients)
            .map(|client| {
                let (store, disks, barrier, origin_cell) = (&store, &disks, &barrier, &origin_cell);
                let endpoint = options.endpoint.as_str();
                scope.spawn(move || {
                    let conn = Conn::new(endpoint);
                    barrier.wait();
                    let origin: Instant = *origin_cell.get().expect("set before the barrier opens");
                    let mut recorder = Recorder {
                        origin,
                        samples: Vec::new(),
                        errors: Vec::new(),
                    };
                    let mut n = 0usize;
                    while origin.elapsed() < end {
                        let disk = &disks[(client + n * clients) % disks.len()];
                        let name = format!("bench-{client}-{n}");
                        // A failed step is recorded and abandoned.
                        let _ = store.step(&conn, disk, &name, &mut recorder);
                        n += 1;
                    }
                    recorder
                })
            })
            .collect();
        let origin = Instant::now();
        let _ = origin_cell.set(origin);
        barrier.wait();
        std::thread::sleep(warmup.saturating_sub(origin.elapsed()));
        let perf = options.perf.as_ref().and_then(|file| {
            let pid = options.server_pid?.to_string();
            std::process::Command::new("perf")
                .args(["record", "-F", "499", "-g", "-q", "-o"])
                .arg(file)
                .args(["-p", &pid, "--", "sleep"])
                .arg(format!("{}", options.seconds))
                .stdout(std::process::Stdio::null())
                .spawn()
                .map_err(|error| eprintln!("  perf record did not start: {error}"))
                .ok()
        });
        let before = Cpu::read(options.server_pid);
        std::thread::sleep(end.saturating_sub(origin.elapsed()));
        let after = Cpu::read(options.server_pid);
        if let Some(mut perf) = perf {
            let _ = perf.wait();
        }
        let recorders: Vec<Recorder> = handles
            .into_iter()
            .filter_map(|handle| handle.join().ok())
            .collect();
        (recorders, (before, after))
    });
    if recorders.len() != clients {
        return Err("a client panicked".into());
    }
    report(options, &store, &recorders, cpu, warmup, end)
}

fn report(
    options: &Options,
    store: &Store,
    recorders: &[Recorder],
    (before, after): (Cpu, Cpu),
    from: Duration,
    to: Duration,
) -> Result<(), String> {
    let in_window = |s: &&Sample| s.done >= from && s.done <= to;
    let all: Vec<Sample> = recorders
        .iter()
        .flat_map(|r| r.samples.iter().copied())
        .collect();
    let errors = all.iter().filter(|s| !s.ok).count();
    let measured: Vec<Sample> = all.iter().filter(in_window).copied().collect();
    let mut latencies: Vec<Duration> = measured.iter().map(|s| s.latency).collect();
    latencies.sort_unstable();
    let seconds = (to - from).as_secs_f64();
    #[allow(clippy::cast_precision_loss)]
    let rate = measured.len() as f64 / seconds;
    let label = options
        .label
        .clone()
        .unwrap_or_else(|| store.name().to_owned());
    let step = if store.shares() {
        "6 (create, share, copy, unshare, delete ×2)".to_owned()
    } else {
        "4 (create, copy, delete ×2; no sharing)".to_owned()
    };
    let row = format!(
        "| {label} | {} | {step} | {} | {} | {} | {} | {errors} |",
        thousands(options.existing as u64),
        thousands(measured.len() as u64),
        thousands(rate.round() as u64),
        ms(percentile(&latencies, 0.50)),
        ms(percentile(&latencies, 0.99)),
    );
    println!("{row}");

    let mut details = format!(
        "### {label}, {} existing snapshots\n\n{} requests in {seconds:.1} s ({rate:.0}/s), {clients} clients, errors {errors}\n\n| operation | requests | p50 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|\n",
        thousands(options.existing as u64),
        thousands(measured.len() as u64),
        clients = options.clients,
    );
    for op in OPS {
        let mut of_op: Vec<Duration> = measured
            .iter()
            .filter(|s| s.op == op)
            .map(|s| s.latency)
            .collect();
        if of_op.is_empty() {
            continue;
        }
        of_op.sort_unstable();
        let _ = writeln!(
            details,
            "| {} | {} | {} | {} | {} |",
            store.op_name(op),
            thousands(of_op.len() as u64),
            ms(percentile(&of_op, 0.50)),
            ms(percentile(&of_op, 0.99)),
            ms(of_op.last().copied().unwrap_or_default()),
        );
    }
    let cores = |a: Option<u64>, b: Option<u64>| -> Option<f64> {
        #[allow(clippy::cast_precision_loss)]
        Some((b?.checked_sub(a?)?) as f64 / 100.0 / seconds)
    };
    let server = cores(before.server, after.server);
    let client = cores(before.client, after.client);
    let machine = cores(before.machine, after.machine);
    let show = |v: Option<f64>| v.map_or_else(|| "?".to_owned(), |v| format!("{v:.2}"));
    let others = match (server, client, machine) {
        (Some(s), Some(c), Some(m)) => Some((m - s - c).max(0.0)),
        _ => None,
    };
    let _ = writeln!(
        details,
        "\nCPU in the window, in cores busy (of {}): server {}, load generator {}, everything else on the machine {}.",
        std::thread::available_parallelism().map_or(0, std::num::NonZero::get),
        show(server),
        show(client),
        show(others),
    );
    if let (Some(s), true) = (server, !measured.is_empty()) {
        #[allow(clippy::cast_precision_loss)]
        let per_request = s * seconds / measured.len() as f64 * 1e6;
        let _ = writeln!(details, "Server CPU per request: {per_request:.0} µs.");
    }
    let mut shown = Vec::new();
    for recorder in recorders {
        for error in &recorder.errors {
            if shown.len() < 5 && !shown.contains(error) {
                shown.push(error.clone());
            }
        }
    }
    if !shown.is_empty() {
        let _ = writeln!(details, "\nFirst errors:\n");
        for error in &shown {
            let _ = writeln!(details, "- `{error}`");
        }
    }
    eprintln!("{details}");
    let append = |file: &PathBuf, text: &str| -> Result<(), String> {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(file)
            .and_then(|mut f| f.write_all(text.as_bytes()))
            .map_err(|error| format!("writing {}: {error}", file.display()))
    };
    if let Some(file) = &options.out {
        append(file, &format!("{row}\n"))?;
    }
    if let Some(file) = &options.details {
        append(file, &format!("{details}\n"))?;
    }
    Ok(())
}
