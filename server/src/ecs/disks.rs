//! Disks: CreateDisk, DeleteDisk, ModifyDiskAttribute (its
//! `DeleteAutoSnapshot`, name and description), ResetDisk, ReInitDisk.

use serde_json::{Value, json};
use snapguard::{
    Action, CreateDisk, DiskCategory, DiskId, DiskSource, Encryption, KeyId, ObjectKind,
    ReinitializeDisk, ReleaseDisk, ResetDisk, SnapshotId,
};

use super::snapshots::MAX_TAGS;
use super::{Call, done};
use crate::engine::Engine;
use crate::error::ApiError;
use crate::mint::{IdKind, mint};

/// The attribute that holds a disk's `DeleteAutoSnapshot`.
pub const DELETE_AUTO_SNAPSHOT: &str = "delete_auto_snapshot";
/// The most disks one `ModifyDiskAttribute` names.
const MAX_DISK_IDS: usize = 100;

pub fn create(engine: &mut Engine, mut call: Call<'_>) -> Result<Value, ApiError> {
    let region = call.region(true)?;
    let zone = call.params.required("ZoneId")?;
    let category = match call.params.take("DiskCategory") {
        None => DiskCategory::Basic,
        Some(name) => category(&name)?,
    };
    let snapshot = call.params.take("SnapshotId").map(SnapshotId::new);
    let (min, max) = match category {
        DiskCategory::Basic => (5, 2_000),
        _ => (20, 32_768),
    };
    let size = call.params.number("Size", min, max)?;
    let encrypted = call.params.boolean("Encrypted")?;
    let key = call.params.take("KMSKeyId").map(KeyId::new);
    let name = call.text("DiskName", 2, 128)?;
    let description = call.text("Description", 2, 256)?;
    let tags = call.params.tags(MAX_TAGS)?;
    call.finish_in(engine, |call, tx| {
        call.known_region(tx, region.as_ref())?;
        let Some(region) = region else {
            return Err(ApiError::missing("RegionId"));
        };
        if zone.strip_prefix(region.as_str()).and_then(|rest| rest.strip_prefix('-')).is_none_or(str::is_empty) {
            return Err(ApiError::new(
                404,
                "InvalidZoneId.NotFound",
                format!("The specified zone `{}` is not a zone of region `{region}`: zones are named `{region}-<letter>`.", crate::params::truncated(&zone)),
            ));
        }
        if let Some(snapshot) = &snapshot {
            call.visible(tx, ObjectKind::Snapshot, snapshot.as_str())?;
        }
        let source_snapshot = snapshot.as_ref().and_then(|id| tx.state().snapshot(id));
        let size_gib = match (size, source_snapshot) {
            (Some(size), _) => size,
            (None, Some(source)) => source.source_disk_size_gib.max(min),
            (None, None) => return Err(ApiError::missing("Size")),
        };
        let encryption = match (encrypted, key) {
            // As the provider does, a disk made from an encrypted snapshot
            // is encrypted as the snapshot is unless asked otherwise.
            (None, None) => source_snapshot.map_or(Encryption::Unencrypted, |s| s.encryption.clone()),
            (encrypted, key) => super::encryption(encrypted.unwrap_or(false), key),
        };
        let disk = DiskId::new(mint(IdKind::Disk));
        tx.apply(
            call.actor,
            CreateDisk::new(disk.clone(), region, category, size_gib).encryption(encryption).source(snapshot.map_or(DiskSource::Blank, DiskSource::Snapshot)),
        )
        .map_err(|violation| call.refused(&violation))?;
        tx.set_attribute(disk.as_str(), "zone", Some(zone.clone()));
        tx.set_attribute(disk.as_str(), DELETE_AUTO_SNAPSHOT, Some("true".into()));
        tx.set_given(disk.as_str(), [("name", name), ("description", description)]);
        if !tags.is_empty() {
            call.bounded_tags(tx, &tags)?;
            tx.set_attribute(disk.as_str(), "tags", serde_json::to_string(&tags).ok());
        }
        Ok(json!({ "DiskId": disk.as_str() }))
    })
}

pub fn delete(engine: &mut Engine, mut call: Call<'_>) -> Result<Value, ApiError> {
    let disk = DiskId::new(call.params.required("DiskId")?);
    call.finish_in(engine, |call, tx| {
        call.visible(tx, ObjectKind::Disk, disk.as_str())?;
        let release_automatic_snapshots =
            tx.attribute(disk.as_str(), DELETE_AUTO_SNAPSHOT) != Some("false");
        tx.apply(
            call.actor,
            ReleaseDisk::new(disk).release_automatic_snapshots(release_automatic_snapshots),
        )
        .map_err(|violation| call.refused(&violation))?;
        Ok(done())
    })
}

pub fn modify_attribute(engine: &mut Engine, mut call: Call<'_>) -> Result<Value, ApiError> {
    let region = call.region(false)?;
    let one = call.params.take("DiskId");
    let many = call.params.list("DiskIds", MAX_DISK_IDS)?;
    let disks: Vec<DiskId> = match (one, many.is_empty()) {
        (Some(_), false) => {
            return Err(ApiError::invalid(
                "DiskIds",
                "give DiskId or DiskIds.N, not both",
            ));
        }
        (Some(one), true) => vec![DiskId::new(one)],
        (None, false) => many.into_iter().map(DiskId::new).collect(),
        (None, true) => return Err(ApiError::missing("DiskId")),
    };
    let delete_auto_snapshot = call.params.boolean("DeleteAutoSnapshot")?;
    let name = call.text("DiskName", 2, 128)?;
    let description = call.text("Description", 2, 256)?;
    call.finish_in(engine, |call, tx| {
        for disk in &disks {
            call.locate(tx, ObjectKind::Disk, disk.as_str(), region.as_ref())?;
            call.authorize(
                tx,
                Action::ModifyDiskAttribute,
                ObjectKind::Disk,
                disk.as_str(),
            )?;
        }
        for disk in &disks {
            if let Some(flag) = delete_auto_snapshot {
                tx.set_attribute(disk.as_str(), DELETE_AUTO_SNAPSHOT, Some(flag.to_string()));
            }
            tx.set_given(
                disk.as_str(),
                [("name", name.clone()), ("description", description.clone())],
            );
        }
        Ok(done())
    })
}

pub fn reset(engine: &mut Engine, mut call: Call<'_>) -> Result<Value, ApiError> {
    let disk = DiskId::new(call.params.required("DiskId")?);
    let snapshot = SnapshotId::new(call.params.required("SnapshotId")?);
    call.finish_in(engine, |call, tx| {
        call.visible(tx, ObjectKind::Disk, disk.as_str())?;
        call.visible(tx, ObjectKind::Snapshot, snapshot.as_str())?;
        tx.apply(call.actor, ResetDisk::new(disk, snapshot))
            .map_err(|violation| call.refused(&violation))?;
        Ok(done())
    })
}

pub fn reinit(engine: &mut Engine, mut call: Call<'_>) -> Result<Value, ApiError> {
    let disk = DiskId::new(call.params.required("DiskId")?);
    call.finish_in(engine, |call, tx| {
        call.visible(tx, ObjectKind::Disk, disk.as_str())?;
        tx.apply(call.actor, ReinitializeDisk::new(disk))
            .map_err(|violation| call.refused(&violation))?;
        Ok(done())
    })
}

/// The provider's disk category names.
pub fn category(name: &str) -> Result<DiskCategory, ApiError> {
    Ok(match name {
        "cloud" => DiskCategory::Basic,
        "cloud_efficiency" => DiskCategory::Efficiency,
        "cloud_ssd" => DiskCategory::Ssd,
        "cloud_essd" => DiskCategory::Essd,
        "cloud_auto" => DiskCategory::EssdAutoPl,
        "cloud_essd_entry" => DiskCategory::EssdEntry,
        other => {
            return Err(ApiError::invalid(
                "DiskCategory",
                format_args!(
                    "`{}` is not one of cloud, cloud_efficiency, cloud_ssd, cloud_essd, cloud_auto, cloud_essd_entry",
                    crate::params::truncated(other)
                ),
            ));
        }
    })
}
