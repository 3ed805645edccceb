//! Restores: CreateRestoreJob. Immutability never stops a restore
//! (VAULT-8). Where the data goes (`Target*`, `Include`, `Exclude`,
//! `Options`, `UdmDetail`) is accepted and not modelled: snapguard holds
//! no data.

use serde_json::{Value, json};
use snapguard::{BackupPointId, RestoreBackupPoint};

use super::{Call, SOURCE_TYPES, one_of};
use crate::engine::Engine;
use crate::error::ApiError;
use crate::mint::with_prefix;

/// Where the restored data goes and how: taken, not modelled.
const TARGETS: &[&str] = &[
    "TargetInstanceId",
    "TargetInstanceName",
    "TargetPath",
    "TargetBucket",
    "TargetPrefix",
    "TargetFileSystemId",
    "TargetCreateTime",
    "TargetTime",
    "Include",
    "Exclude",
    "Options",
    "UdmDetail",
    "UdmRegionId",
    "SnapshotHash",
];

pub fn create(engine: &mut Engine, mut call: Call<'_>) -> Result<Value, ApiError> {
    let restore_type = call.params.required("RestoreType")?;
    one_of("RestoreType", &restore_type, SOURCE_TYPES)?;
    let point = call.params.required("SnapshotId")?;
    let vault = call.params.take("VaultId");
    if let Some(source_type) = call.params.take("SourceType") {
        one_of("SourceType", &source_type, SOURCE_TYPES)?;
    }
    for name in TARGETS {
        call.params.take(name);
    }
    call.finish_in(engine, |call, tx| {
        call.own_point(tx, &point, vault.as_deref())?;
        tx.apply(
            call.actor,
            RestoreBackupPoint::new(BackupPointId::new(point.as_str())),
        )
        .map_err(|violation| call.refused(&violation))?;
        Ok(json!({ "RestoreId": with_prefix("r-") }))
    })
}
