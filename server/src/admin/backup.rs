//! What Cloud Backup does by itself, and what its API cannot ask for: a
//! backup job recording a backup point (an HBR snapshot) in a vault,
//! replication copying one into a replica vault, and vaults of the kinds
//! the console or other services create (database, NAS, OSS, archive with a
//! retention).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;
use snapguard::{
    Actor, BackupPointId, BackupPolicyId, CreateBackupPoint, CreateVault, RegionId,
    ReplicateBackupPoint, SnapshotId, VaultId, VaultKind,
};

use super::{apply, body, run};
use crate::backup::{NAME, POINT_PREFIX, SOURCE_TYPE, SOURCE_TYPES, VAULT_PREFIX, one_of};
use crate::engine::Shared;
use crate::mint::with_prefix;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewVault {
    region_id: String,
    /// The library's vault kind, as JSON: `{"type": "database"}`,
    /// `{"type": "archive", "retention": {"type": "days", "days": 365}}`.
    kind: VaultKind,
    #[serde(default)]
    name: Option<String>,
}

/// A vault of any kind, created by the account's root as the console
/// would.
pub async fn create_vault(
    State(engine): State<Shared>,
    Path(account): Path<String>,
    bytes: Bytes,
) -> Response {
    run(engine, move |engine| {
        let request: NewVault = body(&bytes)?;
        engine.transact(|tx| {
            let vault = VaultId::new(with_prefix(VAULT_PREFIX));
            apply(
                tx,
                &Actor::root(account.as_str()),
                CreateVault::new(
                    vault.clone(),
                    RegionId::new(request.region_id.as_str()),
                    request.kind,
                ),
            )?;
            tx.set_given(vault.as_str(), [(NAME, request.name)]);
            Ok(json!({ "vault_id": vault.as_str() }))
        })
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewPoint {
    /// The backup policy whose job made it, backing up into the vault.
    #[serde(default)]
    policy_id: Option<String>,
    /// The ECS snapshot it holds, when it backs up a disk.
    #[serde(default)]
    ecs_snapshot_id: Option<String>,
    /// Days it is kept; by default the policy's retention, else the
    /// vault's (an archive vault's days, otherwise permanent).
    #[serde(default)]
    retention_days: Option<u32>,
    /// Its data source type (`ECS_FILE` by default).
    #[serde(default)]
    source_type: Option<String>,
}

/// A backup job's backup point (an HBR snapshot) in `vault`. Backing up is
/// never hindered by immutability (VAULT-8); the point is locked when the
/// vault or the policy is immutable (VAULT-4).
pub async fn create_point(
    State(engine): State<Shared>,
    Path(vault): Path<String>,
    bytes: Bytes,
) -> Response {
    run(engine, move |engine| {
        let request: NewPoint = body(&bytes)?;
        let source_type = request
            .source_type
            .unwrap_or_else(|| SOURCE_TYPES.first().copied().unwrap_or_default().to_owned());
        one_of("source_type", &source_type, SOURCE_TYPES)?;
        engine.transact(|tx| {
            let retention_days = match (request.retention_days, &request.policy_id) {
                (Some(days), _) => Some(days),
                (None, Some(policy)) => tx
                    .attribute(policy, crate::backup::RETENTION)
                    .and_then(|days| days.parse::<u32>().ok()),
                (None, None) => None,
            };
            let point = BackupPointId::new(with_prefix(POINT_PREFIX));
            apply(
                tx,
                &Actor::Platform,
                CreateBackupPoint::new(point.clone(), VaultId::new(vault.as_str()))
                    .maybe_policy(request.policy_id.map(BackupPolicyId::new))
                    .maybe_snapshot(request.ecs_snapshot_id.map(SnapshotId::new))
                    .maybe_retention_days(retention_days),
            )?;
            tx.set_attribute(point.as_str(), SOURCE_TYPE, Some(source_type));
            let created = tx
                .state()
                .backup_point(&point)
                .ok_or_else(|| crate::engine::internal("the new backup point is not held"))?;
            Ok(json!({
                "snapshot_id": point.as_str(),
                "vault_id": vault,
                "locked": created.locked_since.is_some(),
                "expire_time": created.retention.end().map(crate::ecs::time),
            }))
        })
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewReplica {
    /// The replica vault (made by `CreateReplicationVault`) it goes to.
    vault_id: String,
}

/// Replication copies a backup point into a replica of its vault, keeping
/// its retention end, locked when the point is or the replica vault is
/// immutable (VAULT-7).
pub async fn replicate_point(
    State(engine): State<Shared>,
    Path(point): Path<String>,
    bytes: Bytes,
) -> Response {
    run(engine, move |engine| {
        let request: NewReplica = body(&bytes)?;
        engine.transact(|tx| {
            let replica = BackupPointId::new(with_prefix(POINT_PREFIX));
            apply(
                tx,
                &Actor::Platform,
                ReplicateBackupPoint::new(
                    BackupPointId::new(point.as_str()),
                    replica.clone(),
                    VaultId::new(request.vault_id.as_str()),
                ),
            )?;
            let source_type = tx.attribute(&point, SOURCE_TYPE).map(str::to_owned);
            tx.set_given(replica.as_str(), [(SOURCE_TYPE, source_type)]);
            let created = tx
                .state()
                .backup_point(&replica)
                .ok_or_else(|| crate::engine::internal("the new replica is not held"))?;
            Ok(json!({
                "snapshot_id": replica.as_str(),
                "vault_id": request.vault_id,
                "locked": created.locked_since.is_some(),
                "expire_time": created.retention.end().map(crate::ecs::time),
            }))
        })
    })
    .await
}
