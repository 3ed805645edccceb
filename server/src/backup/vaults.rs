//! Vaults: CreateVault, UpdateVault (immutability, `WormEnabled`),
//! DescribeVaults, DeleteVault.

use serde_json::{Value, json};
use snapguard::{
    Action, CreateVault, DeleteVault, EnableImmutability, ImmutableTarget, ObjectKind, RegionId,
    RetentionRequest, Vault, VaultId, VaultKind, Violation,
};

use super::{
    Call, DESCRIPTION, NAME, VAULT_PREFIX, done, one_of, owner_id, unix, vault_retention,
    vault_type,
};
use crate::engine::{Engine, Tx};
use crate::error::ApiError;
use crate::mint::with_prefix;

/// The longest vault name.
const MAX_NAME: usize = 64;
/// The longest description.
const MAX_DESCRIPTION: usize = 255;
/// The vault types `DescribeVaults` filters by.
const TYPES: &[&str] = &[
    "STANDARD",
    "OTS_BACKUP",
    "DATABASE",
    "DATABASE_REALTIME",
    "NAS_BACKUP",
    "OSS_BACKUP",
];

pub fn create(engine: &mut Engine, mut call: Call<'_>) -> Result<Value, ApiError> {
    let region = RegionId::new(call.params.required("VaultRegionId")?);
    let name = call.required_text("VaultName", 1, MAX_NAME)?;
    let description = call.text("Description", 0, MAX_DESCRIPTION)?;
    let kind = kind(&mut call)?;
    let worm = call.params.boolean("WormEnabled")?.unwrap_or(false);
    if call.params.boolean("Replication")? == Some(true) {
        return Err(ApiError::invalid(
            "Replication",
            "snapguard makes replication vaults with CreateReplicationVault",
        ));
    }
    encryption(&mut call)?;
    call.finish_in(engine, |call, tx| {
        let vault = VaultId::new(with_prefix(VAULT_PREFIX));
        tx.apply(call.actor, CreateVault::new(vault.clone(), region, kind))
            .map_err(|violation| call.refused(&violation))?;
        if worm {
            tx.apply(call.actor, EnableImmutability::vault(vault.clone()))
                .map_err(|violation| call.refused(&violation))?;
        }
        tx.set_given(
            vault.as_str(),
            [(NAME, Some(name)), (DESCRIPTION, description)],
        );
        Ok(json!({ "VaultId": vault.as_str(), "TaskId": with_prefix("t-") }))
    })
}

/// The vault kind `VaultType` and `VaultStorageClass` ask for: a
/// general-purpose vault (`STANDARD`), a Tablestore one (`OTS_BACKUP`), or
/// an archive vault kept permanently (`VaultStorageClass=ARCHIVE`, which
/// the provider lists as deprecated). Other kinds come from the admin API.
fn kind(call: &mut Call<'_>) -> Result<VaultKind, ApiError> {
    let vault_type = call.params.take("VaultType");
    let storage = call.params.take("VaultStorageClass");
    let vault_type = vault_type.as_deref().unwrap_or("STANDARD");
    let storage = storage.as_deref().unwrap_or("STANDARD");
    one_of("VaultType", vault_type, &["STANDARD", "OTS_BACKUP"])?;
    one_of("VaultStorageClass", storage, &["STANDARD", "ARCHIVE"])?;
    Ok(match (vault_type, storage) {
        ("OTS_BACKUP", "ARCHIVE") => {
            return Err(ApiError::invalid(
                "VaultStorageClass",
                "a Tablestore vault is of the STANDARD storage class",
            ));
        }
        ("OTS_BACKUP", _) => VaultKind::TablestoreFree30Days,
        (_, "ARCHIVE") => VaultKind::Archive {
            retention: RetentionRequest::Permanent,
        },
        _ => VaultKind::GeneralPurpose,
    })
}

/// Reads `EncryptType` (and `KmsKeyId`): only the service's own
/// encryption, which snapguard does not model, is taken.
pub fn encryption(call: &mut Call<'_>) -> Result<(), ApiError> {
    if let Some(kind) = call.params.take("EncryptType") {
        if kind != "HBR_PRIVATE" {
            return Err(ApiError::invalid(
                "EncryptType",
                "snapguard emulates HBR_PRIVATE only",
            ));
        }
    }
    Ok(())
}

pub fn update(engine: &mut Engine, mut call: Call<'_>) -> Result<Value, ApiError> {
    let vault = call.params.required("VaultId")?;
    let name = call.text("VaultName", 1, MAX_NAME)?;
    let description = call.text("Description", 0, MAX_DESCRIPTION)?;
    let worm = call.params.boolean("WormEnabled")?;
    call.finish_in(engine, |call, tx| {
        let immutable = call.own_vault(tx, &vault)?.is_immutable();
        // What the server keeps (name, description) is guarded as the
        // library guards immutability: hbr:UpdateVault (PERM-1).
        call.authorize(tx, Action::UpdateVault, ObjectKind::Vault, &vault)?;
        let target = ImmutableTarget::Vault(VaultId::new(vault.as_str()));
        call.set_immutable(tx, target, worm, immutable)?;
        tx.set_given(&vault, [(NAME, name), (DESCRIPTION, description)]);
        Ok(done())
    })
}

pub fn describe(engine: &mut Engine, mut call: Call<'_>) -> Result<Value, ApiError> {
    let region = call.params.take("VaultRegionId").map(RegionId::new);
    let id = call.params.take("VaultId");
    let name = call.params.take("VaultName");
    let vault_type = call.params.take("VaultType");
    if let Some(vault_type) = &vault_type {
        one_of("VaultType", vault_type, TYPES)?;
    }
    let status = call.params.take("Status");
    if let Some(status) = &status {
        one_of(
            "Status",
            status,
            &["UNKNOWN", "INITIALIZING", "CREATED", "ERROR"],
        )?;
    }
    let replication = call.params.boolean("Replication")?;
    let number = to_usize(call.params.number("PageNumber", 1, 1_000_000)?.unwrap_or(1));
    let size = to_usize(call.params.number("PageSize", 1, 99)?.unwrap_or(10));
    call.finish_in(engine, |call, tx| {
        if let Some(region) = &region {
            if tx.state().region(region).is_none() {
                return Err(call.refused(&Violation::NotFound {
                    kind: ObjectKind::Region,
                    id: region.to_string(),
                }));
            }
        }
        let account = call.actor.account();
        let own: Vec<&Vault> = tx
            .state()
            .vaults()
            .filter(|vault| Some(&vault.owner) == account)
            .collect();
        let mut found: Vec<&Vault> = own
            .iter()
            .copied()
            .filter(|vault| region.as_ref().is_none_or(|r| *r == vault.region))
            .filter(|vault| id.as_deref().is_none_or(|id| id == vault.id.as_str()))
            .filter(|vault| {
                vault_type
                    .as_deref()
                    .is_none_or(|t| t == vault_type_of(vault))
            })
            .filter(|_| status.as_deref().is_none_or(|s| s == "CREATED"))
            .filter(|vault| replication.is_none_or(|r| r == vault.replica_of.is_some()))
            .filter(|vault| {
                name.as_deref()
                    .is_none_or(|n| tx.attribute(vault.id.as_str(), NAME) == Some(n))
            })
            .collect();
        found.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        let start = number.saturating_sub(1).saturating_mul(size);
        let page: Vec<Value> = found
            .iter()
            .skip(start)
            .take(size)
            .map(|vault| fields(tx, vault, &own))
            .collect();
        Ok(json!({
            "Vaults": { "Vault": page },
            "TotalCount": found.len(),
            "PageNumber": number,
            "PageSize": size,
        }))
    })
}

fn to_usize(number: u64) -> usize {
    usize::try_from(number).unwrap_or(usize::MAX)
}

fn vault_type_of(vault: &Vault) -> &'static str {
    vault_type(vault.kind).0
}

/// A vault as `DescribeVaults` shows it; `own` are the account's vaults,
/// to tell whether one is a replication source.
fn fields(tx: &Tx<'_>, vault: &Vault, own: &[&Vault]) -> Value {
    let (vault_type, storage) = vault_type(vault.kind);
    let now = tx.now();
    let points = tx
        .state()
        .backup_points_of(&vault.id)
        .filter(|point| point.retention.end().is_none_or(|end| now < end))
        .count();
    let source = vault
        .replica_of
        .as_ref()
        .and_then(|source| tx.state().vault(source));
    let target = own
        .iter()
        .find(|other| other.replica_of.as_ref() == Some(&vault.id));
    let mut fields = json!({
        "VaultId": vault.id.as_str(),
        "VaultName": tx.attribute(vault.id.as_str(), NAME).unwrap_or_default(),
        "Description": tx.attribute(vault.id.as_str(), DESCRIPTION).unwrap_or_default(),
        "VaultRegionId": vault.region.as_str(),
        "VaultType": vault_type,
        "VaultStorageClass": storage,
        "VaultOwnerId": owner_id(&vault.owner),
        "WormEnabled": vault.is_immutable(),
        "Status": "CREATED",
        "CreatedTime": unix(vault.created_at),
        "UpdatedTime": unix(vault.immutable_since.unwrap_or(vault.created_at)),
        "EncryptType": "HBR_PRIVATE",
        "RedundancyType": "LRS",
        "SnapshotCount": points,
        "Replication": vault.replica_of.is_some(),
        "ReplicationSourceVault": target.is_some(),
    });
    if let Some(map) = fields.as_object_mut() {
        if let Some(days) = vault_retention(vault.kind) {
            map.insert("Retention".into(), json!(days));
        }
        if let Some(source) = source {
            map.insert("ReplicationSourceVaultId".into(), json!(source.id.as_str()));
            map.insert(
                "ReplicationSourceRegionId".into(),
                json!(source.region.as_str()),
            );
        }
        if let Some(target) = target {
            map.insert("ReplicationTargetVaultId".into(), json!(target.id.as_str()));
            map.insert(
                "ReplicationTargetRegionId".into(),
                json!(target.region.as_str()),
            );
        }
    }
    fields
}

pub fn delete(engine: &mut Engine, mut call: Call<'_>) -> Result<Value, ApiError> {
    let vault = call.params.required("VaultId")?;
    call.finish_in(engine, |call, tx| {
        call.own_vault(tx, &vault)?;
        tx.apply(call.actor, DeleteVault::new(VaultId::new(vault.as_str())))
            .map_err(|violation| call.refused(&violation))?;
        Ok(done())
    })
}
