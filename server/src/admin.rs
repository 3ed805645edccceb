//! The admin API, under `/_snapguard/`: what the platform does by itself
//! and what a test steers (regions, accounts and their keys, RAM users,
//! KMS, completing snapshots, automatic snapshots, billing, the clock).
//! JSON in and out; unknown fields are refused; errors have the provider's
//! error body. No signature: it listens where the endpoint does, on
//! loopback by default, and is meant for tests.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post, put};
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use snapguard::{
    AccountId, ActivateKms, Actor, CreateAccount, CreateAutomaticSnapshot, CreateDisk, CreateKey,
    CreateRegion, CreateUser, DiskCategory, DiskId, DiskSource, Encryption, ImageId, ImportImage,
    KeyId, MarkAccountOverdue, MarkRegionClosingDown, RegionId, SetUserPolicy, Site, SnapshotId,
    SnapshotOutcome, Statement, UserId,
};

use crate::ecs::time;
use crate::engine::{Engine, Shared, Tx};
use crate::error::ApiError;
use crate::http::json_response;
use crate::mint::{self, IdKind};
use crate::store::KeyRecord;
use crate::violations::provider_error;

/// The account that exists from the first start.
pub const DEFAULT_ACCOUNT: &str = "1000000000000001";

/// The admin routes, relative to `/_snapguard`.
pub fn router() -> Router<Shared> {
    Router::new()
        .route(
            "/health",
            get(|| async { json_response(200, &json!({ "ok": true })) }),
        )
        .route("/clock", get(clock))
        .route("/clock/advance", post(advance))
        .route("/state", get(state))
        .route("/regions", post(create_region))
        .route("/regions/{region}/closing-down", post(closing_down))
        .route("/accounts", post(create_account))
        .route("/accounts/{account}", get(account))
        .route("/accounts/{account}/users", post(create_user))
        .route("/accounts/{account}/users/{user}/policy", put(set_policy))
        .route("/accounts/{account}/kms", post(activate_kms))
        .route("/accounts/{account}/keys", post(create_key))
        .route("/accounts/{account}/overdue", post(overdue))
        .route("/accounts/{account}/images", post(import_image))
        .route("/accounts/{account}/disks", post(system_disk))
        .route("/snapshots/{snapshot}/finish", post(finish))
        .route(
            "/disks/{disk}/automatic-snapshots",
            post(automatic_snapshot),
        )
        .fallback(|| async {
            let error = ApiError::new(
                404,
                "InvalidAction.NotFound",
                "No such admin route under /_snapguard/: the README's \"The admin API\" lists them.",
            );
            json_response(404, &error.body(&mint::request_id()))
        })
        .layer(axum::middleware::from_fn(local_only))
}

/// Refuses admin requests a web browser could have been made to send: the
/// admin API has no authentication, so a page the developer visits must
/// not be able to move the clock or read keys. Browsers add `Origin` to
/// cross-site requests (and the admin API has no pages of its own, so no
/// same-site ones), and a DNS-rebinding page reaches the server under its
/// own host name: only an IP address or `localhost` is accepted as `Host`.
async fn local_only(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let headers = request.headers();
    let refusal = if headers.contains_key(axum::http::header::ORIGIN) {
        Some("it carries an Origin header, as a web page's request does")
    } else if !headers
        .get(axum::http::header::HOST)
        .and_then(|host| host.to_str().ok())
        .is_none_or(local_host)
    {
        Some("its Host is a name other than localhost, as a DNS-rebinding page's request is")
    } else {
        None
    };
    match refusal {
        None => next.run(request).await,
        Some(why) => {
            let error = ApiError::new(
                403,
                "Forbidden.AdminRequest",
                format!(
                    "The admin API refuses this request: {why}. Call it from a test or curl, not a browser."
                ),
            );
            json_response(403, &error.body(&mint::request_id()))
        }
    }
}

/// Whether a `Host` header names this machine without a DNS name anyone
/// else controls: an IP address, or `localhost`, with or without a port.
fn local_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    };
    name.eq_ignore_ascii_case("localhost") || name.parse::<std::net::IpAddr>().is_ok()
}

/// Runs `work` on the engine and answers its JSON or its error.
async fn run(
    engine: Shared,
    work: impl FnOnce(&mut Engine) -> Result<Value, ApiError> + Send + 'static,
) -> Response {
    let outcome = match engine.run(work).await {
        Ok(outcome) => outcome,
        Err(error) => Err(error),
    };
    match outcome {
        Ok(body) => json_response(200, &body),
        Err(error) => json_response(error.status, &error.body(&mint::request_id())),
    }
}

/// Reads a JSON body, refusing unknown fields (each request type says so).
fn body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let bytes = if bytes.is_empty() {
        b"{}".as_slice()
    } else {
        bytes
    };
    serde_json::from_slice(bytes).map_err(|error| {
        ApiError::new(
            400,
            "InvalidParameter.Body",
            format!("The JSON body is not valid: {error}"),
        )
    })
}

/// Applies one platform or customer command, mapped as the ECS API maps it.
fn apply(
    tx: &mut Tx<'_>,
    actor: &Actor,
    command: impl Into<snapguard::Command>,
) -> Result<(), ApiError> {
    let command = command.into();
    let name = command.name();
    tx.apply(actor, command)
        .map(|_| ())
        .map_err(|violation| provider_error(&violation, name))
}

async fn clock(State(engine): State<Shared>) -> Response {
    run(engine, |engine| Ok(json!({ "now": time(engine.now()) }))).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    seconds: Option<i64>,
    hours: Option<i64>,
    days: Option<i64>,
    to: Option<DateTime<Utc>>,
}

async fn advance(State(engine): State<Shared>, bytes: Bytes) -> Response {
    run(engine, move |engine| {
        let request: Advance = body(&bytes)?;
        let by = [
            request.seconds.map(Duration::try_seconds),
            request.hours.map(Duration::try_hours),
            request.days.map(Duration::try_days),
        ];
        let given = by.iter().filter(|d| d.is_some()).count() + usize::from(request.to.is_some());
        if given != 1 {
            return Err(ApiError::invalid(
                "body",
                "give exactly one of `seconds`, `hours`, `days` or `to`",
            ));
        }
        let by = match by.into_iter().flatten().next() {
            None => None,
            Some(None) => return Err(ApiError::invalid("body", "the clock cannot move that far")),
            Some(Some(by)) => Some(by),
        };
        let (now, events) = engine.move_clock(by, request.to)?;
        Ok(json!({ "now": time(now), "events": events }))
    })
    .await
}

async fn state(State(engine): State<Shared>) -> Response {
    run(engine, |engine| {
        serde_json::to_value(engine.state())
            .map_err(|error| crate::engine::internal(error.to_string()))
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewRegion {
    region_id: String,
}

async fn create_region(State(engine): State<Shared>, bytes: Bytes) -> Response {
    run(engine, move |engine| {
        let request: NewRegion = body(&bytes)?;
        engine.transact(|tx| {
            apply(
                tx,
                &Actor::Platform,
                CreateRegion {
                    region: RegionId::new(request.region_id.clone()),
                },
            )?;
            Ok(json!({ "region_id": request.region_id }))
        })
    })
    .await
}

async fn closing_down(State(engine): State<Shared>, Path(region): Path<String>) -> Response {
    run(engine, move |engine| {
        engine.transact(|tx| {
            apply(
                tx,
                &Actor::Platform,
                MarkRegionClosingDown {
                    region: RegionId::new(region.clone()),
                },
            )?;
            Ok(json!({ "region_id": region, "closing_down": true }))
        })
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewAccount {
    account_id: String,
    #[serde(default = "china")]
    site: Site,
}

fn china() -> Site {
    Site::China
}

async fn create_account(State(engine): State<Shared>, bytes: Bytes) -> Response {
    run(engine, move |engine| {
        let request: NewAccount = body(&bytes)?;
        engine.transact(|tx| add_account(tx, &request.account_id, request.site))
    })
    .await
}

/// Creates an account and its root access key.
pub fn add_account(tx: &mut Tx<'_>, account: &str, site: Site) -> Result<Value, ApiError> {
    apply(
        tx,
        &Actor::Platform,
        CreateAccount {
            account: AccountId::new(account),
            site,
        },
    )?;
    let key = new_key(tx, account, None);
    Ok(account_json(account, site, &key))
}

fn new_key(tx: &mut Tx<'_>, account: &str, user: Option<&str>) -> KeyRecord {
    let mut id = mint::access_key_id();
    while tx.key_exists(&id) {
        id = mint::access_key_id();
    }
    let key = KeyRecord {
        id,
        secret: mint::secret(),
        account: account.to_owned(),
        user: user.map(str::to_owned),
    };
    tx.add_key(key.clone());
    key
}

fn account_json(account: &str, site: Site, key: &KeyRecord) -> Value {
    json!({
        "account_id": account,
        "site": site,
        "access_key_id": key.id,
        "access_key_secret": key.secret,
    })
}

async fn account(State(engine): State<Shared>, Path(account): Path<String>) -> Response {
    run(engine, move |engine| {
        let site = engine
            .state()
            .account(&AccountId::new(account.as_str()))
            .map(|found| found.site)
            .ok_or_else(|| {
                ApiError::new(
                    404,
                    "InvalidAccount.NotFound",
                    format!("No account `{}`.", crate::params::truncated(&account)),
                )
            })?;
        let key = engine
            .keys()
            .find(|key| key.account == account && key.user.is_none())
            .ok_or_else(|| crate::engine::internal("the account has no root key"))?;
        Ok(account_json(&account, site, key))
    })
    .await
}

/// A RAM policy document: `{"Version": "1", "Statement": [...]}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "PascalCase")]
struct PolicyDocument {
    #[serde(default)]
    #[allow(dead_code)]
    version: Option<String>,
    statement: Vec<Statement>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewUser {
    user_name: String,
    policy: PolicyDocument,
}

async fn create_user(
    State(engine): State<Shared>,
    Path(account): Path<String>,
    bytes: Bytes,
) -> Response {
    run(engine, move |engine| {
        let request: NewUser = body(&bytes)?;
        engine.transact(|tx| {
            apply(
                tx,
                &Actor::root(account.as_str()),
                CreateUser {
                    user: UserId::new(request.user_name.as_str()),
                    statements: request.policy.statement,
                },
            )?;
            let key = new_key(tx, &account, Some(&request.user_name));
            Ok(json!({
                "user_name": request.user_name,
                "access_key_id": key.id,
                "access_key_secret": key.secret,
            }))
        })
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewPolicy {
    policy: PolicyDocument,
}

async fn set_policy(
    State(engine): State<Shared>,
    Path((account, user)): Path<(String, String)>,
    bytes: Bytes,
) -> Response {
    run(engine, move |engine| {
        let request: NewPolicy = body(&bytes)?;
        engine.transact(|tx| {
            apply(
                tx,
                &Actor::root(account.as_str()),
                SetUserPolicy {
                    user: UserId::new(user.as_str()),
                    statements: request.policy.statement,
                },
            )?;
            Ok(json!({ "user_name": user }))
        })
    })
    .await
}

async fn activate_kms(State(engine): State<Shared>, Path(account): Path<String>) -> Response {
    run(engine, move |engine| {
        engine.transact(|tx| {
            apply(tx, &Actor::root(account.as_str()), ActivateKms {})?;
            Ok(json!({ "account_id": account, "kms": true }))
        })
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewKey {
    region_id: String,
}

async fn create_key(
    State(engine): State<Shared>,
    Path(account): Path<String>,
    bytes: Bytes,
) -> Response {
    run(engine, move |engine| {
        let request: NewKey = body(&bytes)?;
        engine.transact(|tx| {
            let key = KeyId::new(mint::mint(IdKind::Key));
            apply(
                tx,
                &Actor::root(account.as_str()),
                CreateKey {
                    key: key.clone(),
                    region: RegionId::new(request.region_id.as_str()),
                },
            )?;
            Ok(json!({ "key_id": key.as_str() }))
        })
    })
    .await
}

async fn overdue(State(engine): State<Shared>, Path(account): Path<String>) -> Response {
    run(engine, move |engine| {
        engine.transact(|tx| {
            apply(
                tx,
                &Actor::Billing,
                MarkAccountOverdue {
                    account: AccountId::new(account.as_str()),
                },
            )?;
            Ok(json!({ "account_id": account, "overdue": true }))
        })
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewImage {
    region_id: String,
}

async fn import_image(
    State(engine): State<Shared>,
    Path(account): Path<String>,
    bytes: Bytes,
) -> Response {
    run(engine, move |engine| {
        let request: NewImage = body(&bytes)?;
        engine.transact(|tx| {
            let image = ImageId::new(mint::mint(IdKind::Image));
            apply(
                tx,
                &Actor::root(account.as_str()),
                ImportImage {
                    image: image.clone(),
                    region: RegionId::new(request.region_id.as_str()),
                },
            )?;
            Ok(json!({ "image_id": image.as_str() }))
        })
    })
    .await
}

/// A system disk, as creating an instance from an image makes one.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewSystemDisk {
    region_id: String,
    image_id: String,
    #[serde(default = "forty")]
    size_gib: u64,
    #[serde(default)]
    category: Option<String>,
    #[serde(default)]
    encrypted: bool,
    #[serde(default)]
    kms_key_id: Option<String>,
}

fn forty() -> u64 {
    40
}

async fn system_disk(
    State(engine): State<Shared>,
    Path(account): Path<String>,
    bytes: Bytes,
) -> Response {
    run(engine, move |engine| {
        let request: NewSystemDisk = body(&bytes)?;
        let category = match &request.category {
            None => DiskCategory::Essd,
            Some(name) => crate::ecs::disk_category(name)?,
        };
        let encryption = match (request.encrypted, request.kms_key_id) {
            (_, Some(key)) => Encryption::CustomerKey(KeyId::new(key)),
            (true, None) => Encryption::ServiceKey,
            (false, None) => Encryption::Unencrypted,
        };
        engine.transact(|tx| {
            let disk = DiskId::new(mint::mint(IdKind::Disk));
            apply(
                tx,
                &Actor::root(account.as_str()),
                CreateDisk {
                    disk: disk.clone(),
                    region: RegionId::new(request.region_id.as_str()),
                    category,
                    size_gib: request.size_gib,
                    encryption: encryption.clone(),
                    source: DiskSource::Image(ImageId::new(request.image_id.as_str())),
                },
            )?;
            tx.set_attribute(
                disk.as_str(),
                crate::ecs::DELETE_AUTO_SNAPSHOT,
                Some("true".into()),
            );
            Ok(json!({ "disk_id": disk.as_str() }))
        })
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Finish {
    #[serde(default)]
    size_gib: Option<u64>,
    #[serde(default)]
    failed: bool,
}

async fn finish(
    State(engine): State<Shared>,
    Path(snapshot): Path<String>,
    bytes: Bytes,
) -> Response {
    run(engine, move |engine| {
        let request: Finish = body(&bytes)?;
        engine.transact(|tx| {
            let id = SnapshotId::new(snapshot.as_str());
            if request.failed {
                apply(
                    tx,
                    &Actor::Platform,
                    snapguard::FinishSnapshot {
                        snapshot: id,
                        outcome: SnapshotOutcome::Failed,
                    },
                )?;
            } else {
                let size_gib = request
                    .size_gib
                    .or_else(|| tx.state().snapshot(&id).map(|s| s.source_disk_size_gib))
                    .unwrap_or(0);
                apply(
                    tx,
                    &Actor::Platform,
                    snapguard::FinishSnapshot {
                        snapshot: id,
                        outcome: SnapshotOutcome::Available { size_gib },
                    },
                )?;
            }
            Ok(json!({ "snapshot_id": snapshot, "failed": request.failed }))
        })
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewAutomatic {
    #[serde(default)]
    retention_days: Option<u32>,
}

async fn automatic_snapshot(
    State(engine): State<Shared>,
    Path(disk): Path<String>,
    bytes: Bytes,
) -> Response {
    run(engine, move |engine| {
        let request: NewAutomatic = body(&bytes)?;
        engine.transact(|tx| {
            let snapshot = SnapshotId::new(mint::mint(IdKind::Snapshot));
            apply(
                tx,
                &Actor::Platform,
                CreateAutomaticSnapshot {
                    snapshot: snapshot.clone(),
                    disk: DiskId::new(disk.as_str()),
                    retention_days: request.retention_days,
                },
            )?;
            tx.started(&snapshot)?;
            Ok(json!({ "snapshot_id": snapshot.as_str() }))
        })
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::local_host;

    #[test]
    fn only_addresses_and_localhost_are_local_hosts() {
        for host in [
            "127.0.0.1:8765",
            "127.0.0.1",
            "localhost:1",
            "LOCALHOST",
            "[::1]:8765",
            "10.0.0.2:80",
        ] {
            assert!(local_host(host), "{host}");
        }
        for host in [
            "evil.example.com",
            "evil.example.com:8765",
            "localhost.evil.com:80",
            "127.0.0.1.nip.io",
            "",
        ] {
            assert!(!local_host(host), "{host}");
        }
    }
}
