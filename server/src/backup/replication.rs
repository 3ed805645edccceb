//! Cross-region replication: CreateReplicationVault (VAULT-7). The
//! replicas of backup points are made by the platform, which the admin API
//! stands for (`POST /_snapguard/points/{point}/replicas`).

use serde_json::{Value, json};
use snapguard::{ObjectKind, RegionId, ReplicateVault, VaultId};

use super::{Call, DESCRIPTION, NAME, VAULT_PREFIX, one_of};
use crate::engine::Engine;
use crate::error::ApiError;
use crate::mint::with_prefix;

pub fn create(engine: &mut Engine, mut call: Call<'_>) -> Result<Value, ApiError> {
    let source_region = call.params.required("ReplicationSourceRegionId")?;
    let source = call.params.required("ReplicationSourceVaultId")?;
    let region = RegionId::new(call.params.required("VaultRegionId")?);
    let name = call.required_text("VaultName", 1, 64)?;
    let description = call.text("Description", 0, 255)?;
    if let Some(storage) = call.params.take("VaultStorageClass") {
        one_of("VaultStorageClass", &storage, &["STANDARD"])?;
    }
    if let Some(redundancy) = call.params.take("RedundancyType") {
        one_of("RedundancyType", &redundancy, &["LRS"])?;
    }
    super::vaults::encryption(&mut call)?;
    call.finish_in(engine, |call, tx| {
        let vault = call.own_vault(tx, &source)?;
        if vault.region.as_str() != source_region {
            // The provider looks the source up in the region named.
            return Err(call.missing(ObjectKind::Vault, &source));
        }
        let replica = VaultId::new(with_prefix(VAULT_PREFIX));
        tx.apply(
            call.actor,
            ReplicateVault::new(VaultId::new(source.as_str()), replica.clone(), region),
        )
        .map_err(|violation| call.refused(&violation))?;
        tx.set_given(
            replica.as_str(),
            [(NAME, Some(name)), (DESCRIPTION, description)],
        );
        Ok(json!({ "VaultId": replica.as_str(), "TaskId": with_prefix("t-") }))
    })
}
