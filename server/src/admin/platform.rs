//! What the platform does by itself: imported images, the system disks
//! instances get, finishing snapshots, and automatic snapshots.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;
use snapguard::{
    Actor, CreateAutomaticSnapshot, CreateDisk, DiskCategory, DiskId, DiskSource, ImageId,
    ImportImage, KeyId, RegionId, SnapshotId,
};

use super::{apply, body, run};
use crate::engine::Shared;
use crate::mint::{self, IdKind};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewImage {
    region_id: String,
}

pub async fn import_image(
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
                ImportImage::new(image.clone(), RegionId::new(request.region_id.as_str())),
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

pub async fn system_disk(
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
        let encryption =
            crate::ecs::encryption(request.encrypted, request.kms_key_id.map(KeyId::new));
        engine.transact(|tx| {
            let disk = DiskId::new(mint::mint(IdKind::Disk));
            apply(
                tx,
                &Actor::root(account.as_str()),
                CreateDisk::new(
                    disk.clone(),
                    RegionId::new(request.region_id.as_str()),
                    category,
                    request.size_gib,
                )
                .encryption(encryption.clone())
                .source(DiskSource::image(ImageId::new(request.image_id.as_str()))),
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

pub async fn finish(
    State(engine): State<Shared>,
    Path(snapshot): Path<String>,
    bytes: Bytes,
) -> Response {
    run(engine, move |engine| {
        let request: Finish = body(&bytes)?;
        engine.transact(|tx| {
            let id = SnapshotId::new(snapshot.as_str());
            let refused = |violation: snapguard::Violation| {
                crate::violations::provider_error(&violation, "finish_snapshot")
            };
            if request.failed {
                apply(tx, &Actor::Platform, snapguard::FinishSnapshot::failed(id))?;
            } else {
                tx.finish(&id, request.size_gib).map_err(refused)?;
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

pub async fn automatic_snapshot(
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
                CreateAutomaticSnapshot::new(snapshot.clone(), DiskId::new(disk.as_str()))
                    .maybe_retention_days(request.retention_days),
            )?;
            tx.started(&snapshot)?;
            Ok(json!({ "snapshot_id": snapshot.as_str() }))
        })
    })
    .await
}
