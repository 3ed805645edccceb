//! The admin API, under `/_snapguard/`: what the platform does by itself
//! and what a test steers (regions, accounts and their keys, RAM users,
//! KMS, resource directories and the encrypted-share role, completing
//! snapshots, automatic snapshots, billing, the clock).
//! JSON in and out; unknown fields are refused; errors have the provider's
//! error body. No signature: it listens where the endpoint does, on
//! loopback by default, and is meant for tests.

use axum::Router;
use axum::response::Response;
use axum::routing::{delete, get, post, put};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use snapguard::Actor;

use crate::engine::{Engine, Shared, Tx};
use crate::error::ApiError;
use crate::mint;
use crate::reply::json_response;
use crate::violations::provider_error;

mod accounts;
mod backup;
mod clock;
mod directories;
mod platform;

pub use accounts::add_account;

/// The account that exists from the first start.
pub const DEFAULT_ACCOUNT: &str = "1000000000000001";

/// The admin routes, relative to `/_snapguard`.
pub fn router() -> Router<Shared> {
    Router::new()
        .route(
            "/health",
            get(|| async { json_response(200, &json!({ "ok": true })) }),
        )
        .route("/clock", get(clock::clock))
        .route("/clock/advance", post(clock::advance))
        .route("/state", get(clock::state))
        .route("/regions", post(accounts::create_region))
        .route("/regions/{region}/closing-down", post(accounts::closing_down))
        .route("/accounts", post(accounts::create_account))
        .route("/accounts/{account}", get(accounts::account))
        .route("/accounts/{account}/users", post(accounts::create_user))
        .route("/accounts/{account}/users/{user}/policy", put(accounts::set_policy))
        .route("/accounts/{account}/kms", post(accounts::activate_kms))
        .route("/accounts/{account}/keys", post(accounts::create_key))
        .route("/accounts/{account}/overdue", post(accounts::overdue))
        .route(
            "/accounts/{account}/directory",
            post(directories::create_directory),
        )
        .route("/accounts/{account}/folders", post(directories::create_folder))
        .route("/accounts/{account}/members", post(directories::add_member))
        .route(
            "/accounts/{account}/members/{member}",
            delete(directories::remove_member),
        )
        .route(
            "/accounts/{account}/encrypted-share-role",
            put(directories::set_encrypted_share_role),
        )
        .route("/accounts/{account}/images", post(platform::import_image))
        .route("/accounts/{account}/disks", post(platform::system_disk))
        .route("/snapshots/{snapshot}/finish", post(platform::finish))
        .route(
            "/disks/{disk}/automatic-snapshots",
            post(platform::automatic_snapshot),
        )
        .route("/accounts/{account}/vaults", post(backup::create_vault))
        .route("/vaults/{vault}/points", post(backup::create_point))
        .route("/points/{point}/replicas", post(backup::replicate_point))
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

/// Applies one platform or customer command, its refusal mapped by the
/// violation table under the command's name.
fn apply(
    tx: &mut Tx<'_>,
    actor: &Actor,
    command: impl Into<snapguard::Command>,
) -> Result<Vec<snapguard::Event>, ApiError> {
    let command = command.into();
    let name = command.name();
    tx.apply(actor, command)
        .map_err(|violation| provider_error(&violation, name))
}

/// The id of the object `events` created: the one the request named, or
/// the one the model minted when it named `snapguard::MINT` (`"~"`).
fn created(events: &[snapguard::Event]) -> Result<String, ApiError> {
    events
        .iter()
        .find_map(snapguard::Event::created)
        .map(|(_, id)| id.to_owned())
        .ok_or_else(|| crate::engine::internal("the command created nothing"))
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
