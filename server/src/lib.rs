//! `snapguard-server`: a local Alibaba Cloud endpoint backed by snapguard.
//!
//! The official SDKs (and anything else that speaks the provider's HTTP
//! API) point their endpoint at it and run unchanged: the ECS 2014-05-26
//! operations on snapshots, locks, copies, disks and images, and the
//! Resource Sharing 2020-01-10 operations that share snapshots, with the
//! provider's parameter names, response fields and error codes, decided by
//! the snapguard library's rules. An admin API under `/_snapguard/` does
//! what the platform does by itself, including moving the clock forward.
//!
//! See the repository's README, "Using snapguard from other languages".

pub mod admin;
pub mod api;
pub mod backup;
pub mod checkpoint;
pub mod clock;
pub mod ecs;
pub mod engine;
pub mod error;
pub mod http;
pub mod identity;
pub mod journal;
pub mod mint;
pub mod params;
pub mod replay;
pub mod reply;
pub mod sharing;
pub mod signature;
pub mod store;
pub mod violations;

use std::path::PathBuf;

use snapguard::{Actor, CreateRegion, RegionId, Site};
use tokio::net::TcpListener;

use crate::checkpoint::CheckpointFiles;
use crate::engine::{AutoFinish, Engine, Shared};
use crate::error::ApiError;
use crate::store::Store;

/// How the server runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Where the database lives; `None` keeps nothing on disk.
    pub data_dir: Option<PathBuf>,
    /// Regions that exist from the start.
    pub regions: Vec<String>,
    /// When snapshots and copies complete by themselves.
    pub auto_finish: AutoFinish,
}

/// What a started server tells its user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Welcome {
    /// The default account.
    pub account: String,
    /// Its root AccessKeyId.
    pub access_key_id: String,
    /// Its root AccessKeySecret.
    pub access_key_secret: String,
    /// The regions.
    pub regions: Vec<String>,
}

/// Opens the state (reading back what the data directory holds) and makes
/// sure the configured regions and the default account exist.
pub fn open(config: &Config) -> Result<(Shared, Welcome), String> {
    let (store, checkpoints) = match &config.data_dir {
        Some(dir) => (
            Store::open(dir),
            Some(CheckpointFiles::new(dir.join("checkpoints"))),
        ),
        None => (Store::in_memory(), None),
    };
    let store = store.map_err(|error| format!("opening the database: {error}"))?;
    let checkpoints = checkpoints
        .transpose()
        .map_err(|error| format!("opening the checkpoints: {error}"))?;
    let mut engine = Engine::open(store, checkpoints, config.auto_finish)
        .map_err(|error| format!("reading the database back: {error}"))?;
    let welcome = engine
        .transact(|tx| {
            for region in &config.regions {
                let region = RegionId::new(region.as_str());
                if tx.state().region(&region).is_none() {
                    tx.apply(&Actor::Platform, CreateRegion::new(region))
                        .map_err(|violation| ApiError::invalid("--region", violation))?;
                }
            }
            if tx.root_key(admin::DEFAULT_ACCOUNT).is_none() {
                admin::add_account(tx, admin::DEFAULT_ACCOUNT, Site::China)?;
            }
            let key = tx
                .root_key(admin::DEFAULT_ACCOUNT)
                .ok_or_else(|| engine::internal("the default account has no key"))?;
            Ok(Welcome {
                account: admin::DEFAULT_ACCOUNT.to_owned(),
                access_key_id: key.id.clone(),
                access_key_secret: key.secret.clone(),
                regions: config.regions.clone(),
            })
        })
        .map_err(|error| format!("setting up: {error}"))?;
    engine
        .flush()
        .map_err(|error| format!("storing the set-up: {error}"))?;
    Ok((Shared::new(engine), welcome))
}

/// Serves the endpoint on `listener` until `shutdown` completes, with the
/// timer that applies what time causes when its deadline comes.
pub async fn serve(
    engine: Shared,
    listener: TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let timer = tokio::spawn(timer(engine.clone()));
    let result = axum::serve(listener, http::router(engine))
        .with_graceful_shutdown(shutdown)
        .await;
    timer.abort();
    result
}

/// Applies time's events when their deadline comes, without waiting for a
/// request: once a second, if a deadline has passed or snapshots wait to
/// complete.
async fn timer(engine: Shared) {
    let mut interval = tokio::time::interval(std::time::Duration::from_secs(1));
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        let outcome = engine
            .run(|engine| {
                let now = engine.now();
                if engine.due(now) {
                    engine.tick()
                } else {
                    Ok(())
                }
            })
            .await;
        if let Err(error) | Ok(Err(error)) = outcome {
            tracing::warn!("timer: {error}");
        }
    }
}
