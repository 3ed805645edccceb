//! Snapshots: CreateSnapshot, DescribeSnapshots, DeleteSnapshot,
//! ModifySnapshotAttribute, ModifySnapshotCategory, CopySnapshot.

use serde_json::{Value, json};
use snapguard::{
    Action, ArchiveSnapshot, CopySnapshot, CreateSnapshot, DeleteSnapshot, DiskId, Encryption,
    KeyId, ObjectKind, RegionId, Retention, SetSnapshotRetention, Snapshot, SnapshotId,
    SnapshotKind, SnapshotOrigin, SnapshotStatus, StorageTier,
};

use super::{Call, done, time};
use crate::engine::{Engine, Tx};
use crate::error::ApiError;
use crate::mint::{IdKind, mint};

/// The most snapshot ids one `DescribeSnapshots` names.
const MAX_IDS: usize = 100;
/// The most tags on a resource, as the provider allows.
pub const MAX_TAGS: usize = 20;

pub fn create(engine: &mut Engine, mut call: Call<'_>) -> Result<Value, ApiError> {
    let disk = DiskId::new(call.params.required("DiskId")?);
    let name = call.text("SnapshotName", 2, 128)?;
    if name.as_deref().is_some_and(|name| name.starts_with("auto")) {
        return Err(ApiError::invalid(
            "SnapshotName",
            "it cannot start with `auto`, which marks automatic snapshots",
        ));
    }
    let description = call.text("Description", 2, 256)?;
    let retention_days = days(&mut call, "RetentionDays")?;
    let instant_access = call.params.boolean("InstantAccess")?.unwrap_or(false);
    let tags = call.params.tags(MAX_TAGS)?;
    if let Some(category) = call.params.take("Category") {
        if !category.eq_ignore_ascii_case("standard") {
            return Err(ApiError::invalid(
                "Category",
                "snapguard emulates standard snapshots only",
            ));
        }
    }
    call.finish_in(engine, |call, tx| {
        call.visible(tx, ObjectKind::Disk, disk.as_str())?;
        let snapshot = SnapshotId::new(mint(IdKind::Snapshot));
        tx.apply(
            call.actor,
            CreateSnapshot::new(snapshot.clone(), disk)
                .maybe_retention_days(retention_days)
                .tags(tags)
                .instant_access(instant_access),
        )
        .map_err(|violation| call.refused(&violation))?;
        tx.set_given(
            snapshot.as_str(),
            [("name", name), ("description", description)],
        );
        tx.started(&snapshot)?;
        Ok(json!({ "SnapshotId": snapshot.as_str() }))
    })
}

pub fn describe(engine: &mut Engine, mut call: Call<'_>) -> Result<Value, ApiError> {
    let ids = call.params.list_or_json("SnapshotIds", MAX_IDS)?;
    let disk = call.params.take("DiskId");
    let status = call.params.take("Status");
    let kind = call.params.take("SnapshotType");
    let category = call.params.take("Category");
    let encrypted = call.params.boolean("Encrypted")?;
    let name = call.params.take("SnapshotName");
    let tags = call.params.tags(MAX_TAGS)?;
    let page = super::locks::Page::read(&mut call, 10)?;
    let region = call.region(true)?;
    for (value, allowed) in [
        (
            &status,
            &["progressing", "accomplished", "failed", "all"][..],
        ),
        (&kind, &["auto", "user", "all"][..]),
        (&category, &["standard", "archive", "flash"][..]),
    ] {
        if let Some(value) = value {
            if !allowed.iter().any(|a| a.eq_ignore_ascii_case(value)) {
                return Err(ApiError::invalid(
                    "Status/SnapshotType/Category",
                    format_args!(
                        "`{}` is not one of {}",
                        crate::params::truncated(value),
                        allowed.join(", ")
                    ),
                ));
            }
        }
    }
    call.finish_in(engine, |call, tx| {
        call.known_region(tx, region.as_ref())?;
        let account = call.actor.account().cloned();
        let state = tx.state();
        // The account's own snapshots and those shared with it through a
        // share it accepted, from the indexes of what it owns and what
        // reaches it, or the ones it names, looked up each: never a scan
        // of every account's.
        let candidates: Vec<&Snapshot> = match &account {
            None => Vec::new(),
            Some(account) if ids.is_empty() => {
                let mut seen = std::collections::BTreeSet::new();
                state
                    .visible_snapshots(account, tx.now())
                    .into_iter()
                    .filter(|seen| match seen.access {
                        snapguard::SnapshotAccess::Own => true,
                        snapguard::SnapshotAccess::Shared { status, .. } => {
                            status == snapguard::ShareStatus::Accepted
                        }
                        _ => false,
                    })
                    .filter(|visible| seen.insert(visible.snapshot.clone()))
                    .filter_map(|seen| state.snapshot(&seen.snapshot))
                    .collect()
            }
            Some(account) => ids
                .iter()
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .filter_map(|id| state.snapshot(&SnapshotId::new(id.as_str())))
                .filter(|s| s.owner == *account || super::shared::accepted(tx, s, account))
                .collect(),
        };
        let mut found: Vec<&Snapshot> = candidates
            .into_iter()
            .filter(|s| Some(&s.region) == region.as_ref())
            .filter(|s| {
                // A shared snapshot shows no disk: the sharer's is not the
                // sharee's to filter by.
                disk.as_deref().is_none_or(|d| {
                    Some(&s.owner) == account.as_ref()
                        && s.origin.disk().is_some_and(|x| x.as_str() == d)
                })
            })
            .filter(|s| {
                status.as_deref().is_none_or(|v| {
                    v.eq_ignore_ascii_case("all") || v.eq_ignore_ascii_case(status_name(s.status))
                })
            })
            .filter(|s| {
                kind.as_deref().is_none_or(|v| {
                    v.eq_ignore_ascii_case("all") || v.eq_ignore_ascii_case(kind_name(s.kind))
                })
            })
            .filter(|s| {
                category
                    .as_deref()
                    .is_none_or(|v| v.eq_ignore_ascii_case(category_name(s)))
            })
            .filter(|s| encrypted.is_none_or(|e| e == (s.encryption != Encryption::Unencrypted)))
            .filter(|s| {
                name.as_deref()
                    .is_none_or(|n| tx.attribute(s.id.as_str(), "name") == Some(n))
            })
            .filter(|s| {
                let all = seen_tags(tx, s, call.actor.account());
                tags.iter()
                    .all(|(k, v)| all.get(k).is_some_and(|x| v.is_empty() || x == v))
            })
            .collect();
        found.sort_by(|a, b| {
            b.created_at
                .cmp(&a.created_at)
                .then_with(|| a.id.cmp(&b.id))
        });
        // Every match is checked, not only the page's: neither the count
        // nor an empty later page may tell a RAM user anything of a
        // snapshot it may not describe (PERM-1). An account's root may.
        let user = matches!(call.actor, snapguard::Actor::User { .. });
        for snapshot in found.iter().filter(|_| user) {
            if Some(&snapshot.owner) == call.actor.account() {
                call.authorize(
                    tx,
                    Action::DescribeSnapshots,
                    ObjectKind::Snapshot,
                    snapshot.id.as_str(),
                )?;
            } else {
                super::shared::authorize(call, tx, snapshot)?;
            }
        }
        let total = found.len();
        let (items, next) = page.slice(&found)?;
        let snapshots: Vec<Value> = items
            .iter()
            .map(|s| view(tx, s, Some(&s.owner) != call.actor.account()))
            .collect();
        let mut body = json!({
            "TotalCount": total,
            "Snapshots": { "Snapshot": snapshots },
        });
        page.fields(&mut body, next);
        Ok(body)
    })
}

pub fn delete(engine: &mut Engine, mut call: Call<'_>) -> Result<Value, ApiError> {
    let snapshot = SnapshotId::new(call.params.required("SnapshotId")?);
    // `Force` skips the provider's check that no disk was built from the
    // snapshot, a check the model does not make: either way the rules
    // apply (a lock still refuses), so the value changes nothing.
    call.params.boolean("Force")?;
    call.finish_in(engine, |call, tx| {
        call.visible(tx, ObjectKind::Snapshot, snapshot.as_str())?;
        tx.apply(call.actor, DeleteSnapshot::new(snapshot))
            .map_err(|violation| call.refused(&violation))?;
        Ok(done())
    })
}

pub fn modify_attribute(engine: &mut Engine, mut call: Call<'_>) -> Result<Value, ApiError> {
    let snapshot = SnapshotId::new(call.params.required("SnapshotId")?);
    let name = call.text("SnapshotName", 2, 128)?;
    let description = call.text("Description", 0, 256)?;
    let retention_days = days(&mut call, "RetentionDays")?;
    call.finish_in(engine, |call, tx| {
        call.visible(tx, ObjectKind::Snapshot, snapshot.as_str())?;
        call.authorize(
            tx,
            Action::ModifySnapshotAttribute,
            ObjectKind::Snapshot,
            snapshot.as_str(),
        )?;
        if let Some(days) = retention_days {
            tx.apply(
                call.actor,
                SetSnapshotRetention::days(snapshot.clone(), days),
            )
            .map_err(|violation| call.refused(&violation))?;
        }
        tx.set_given(
            snapshot.as_str(),
            [("name", name), ("description", description)],
        );
        Ok(done())
    })
}

pub fn modify_category(engine: &mut Engine, mut call: Call<'_>) -> Result<Value, ApiError> {
    let snapshot = SnapshotId::new(call.params.required("SnapshotId")?);
    let category = call.params.required("Category")?;
    if !category.eq_ignore_ascii_case("archive") {
        return Err(ApiError::invalid(
            "Category",
            "the only category a snapshot moves to is `Archive`",
        ));
    }
    let retention_days = days(&mut call, "RetentionDays")?;
    call.finish_in(engine, |call, tx| {
        call.visible(tx, ObjectKind::Snapshot, snapshot.as_str())?;
        tx.apply(
            call.actor,
            ArchiveSnapshot::new(snapshot.clone()).maybe_retention_days(retention_days),
        )
        .map_err(|violation| call.refused(&violation))?;
        Ok(json!({ "TaskId": format!("t-{}", snapshot.as_str().trim_start_matches("s-")) }))
    })
}

pub fn copy(engine: &mut Engine, mut call: Call<'_>) -> Result<Value, ApiError> {
    let source = SnapshotId::new(call.params.required("SnapshotId")?);
    let destination = RegionId::new(call.params.required("DestinationRegionId")?);
    let name = call.text("DestinationSnapshotName", 2, 128)?;
    let description = call.text("DestinationSnapshotDescription", 2, 256)?;
    let retention_days = days(&mut call, "RetentionDays")?;
    let encrypted = call.params.boolean("Encrypted")?.unwrap_or(false);
    let key = call.params.take("KMSKeyId");
    let tags = call.params.tags(MAX_TAGS)?;
    let region = call.region(true)?;
    let encryption = super::encryption(encrypted, key.map(KeyId::new));
    call.finish_in(engine, |call, tx| {
        call.known_region(tx, Some(&destination))?;
        call.locate(tx, ObjectKind::Snapshot, source.as_str(), region.as_ref())?;
        let snapshot = SnapshotId::new(mint(IdKind::Snapshot));
        tx.apply(
            call.actor,
            CopySnapshot::new(source.clone(), snapshot.clone(), destination.clone())
                .encryption(encryption.clone())
                .maybe_retention_days(retention_days),
        )
        .map_err(|violation| call.refused(&violation))?;
        if !tags.is_empty() {
            // The model's copy carries no tags of its own (COPY-5): tags on
            // the copy are kept as the server's attribute, bounded as the
            // library bounds a snapshot's.
            call.bounded_tags(tx, &tags)?;
            tx.set_attribute(snapshot.as_str(), "tags", serde_json::to_string(&tags).ok());
        }
        tx.set_given(
            snapshot.as_str(),
            [("name", name.clone()), ("description", description.clone())],
        );
        tx.started(&snapshot)?;
        Ok(json!({ "SnapshotId": snapshot.as_str() }))
    })
}

/// Reads a retention in days: a whole number is all the form asks; the
/// library checks the range (SNAP-5, ARCH-2), so the refusal names its rule
/// and has the provider's code for it.
fn days(call: &mut Call<'_>, name: &str) -> Result<Option<u32>, ApiError> {
    let days = call.params.number(name, 0, u64::from(u32::MAX))?;
    Ok(days.and_then(|days| u32::try_from(days).ok()))
}

fn status_name(status: SnapshotStatus) -> &'static str {
    match status {
        SnapshotStatus::InProgress => "progressing",
        SnapshotStatus::Available => "accomplished",
        SnapshotStatus::Failed => "failed",
    }
}

fn kind_name(kind: SnapshotKind) -> &'static str {
    match kind {
        SnapshotKind::Automatic => "auto",
        SnapshotKind::Manual => "user",
    }
}

fn category_name(snapshot: &Snapshot) -> &'static str {
    match snapshot.tier {
        StorageTier::Standard => "standard",
        StorageTier::Archive { .. } => "archive",
        _ => "standard",
    }
}

/// A snapshot's tags: its own, and those the server keeps for a copy.
fn all_tags(tx: &Tx<'_>, snapshot: &Snapshot) -> std::collections::BTreeMap<String, String> {
    let mut tags = snapshot.tags.clone();
    if let Some(kept) = tx.attribute(snapshot.id.as_str(), "tags").and_then(|json| {
        serde_json::from_str::<std::collections::BTreeMap<String, String>>(json).ok()
    }) {
        tags.extend(kept);
    }
    tags
}

/// The tags an account sees on a snapshot: its own snapshot's, or the
/// provider's mark of a snapshot shared with it ([`super::shared`]).
fn seen_tags(
    tx: &Tx<'_>,
    snapshot: &Snapshot,
    account: Option<&snapguard::AccountId>,
) -> std::collections::BTreeMap<String, String> {
    if account == Some(&snapshot.owner) {
        all_tags(tx, snapshot)
    } else {
        super::shared::tags(snapshot)
    }
}

/// A snapshot as `DescribeSnapshots` shows it, to its owner or, `shared`,
/// to an account it is shared with: then with the provider's
/// `acs:ecs:sharedFrom` tag instead of the owner's tags, and without the
/// owner's disk or source snapshot.
fn view(tx: &Tx<'_>, snapshot: &Snapshot, shared: bool) -> Value {
    let id = snapshot.id.as_str();
    let shown_tags = if shared {
        super::shared::tags(snapshot)
    } else {
        all_tags(tx, snapshot)
    };
    let tags: Vec<Value> = shown_tags
        .iter()
        .map(|(key, value)| json!({ "TagKey": key, "TagValue": value }))
        .collect();
    let mut view = json!({
        "SnapshotId": id,
        "SnapshotName": tx.attribute(id, "name").unwrap_or_default(),
        "Description": tx.attribute(id, "description").unwrap_or_default(),
        "Status": status_name(snapshot.status),
        "Progress": if snapshot.status == SnapshotStatus::InProgress { "0%" } else { "100%" },
        "Available": snapshot.status == SnapshotStatus::Available,
        "CreationTime": time(snapshot.created_at),
        "RegionId": snapshot.region.as_str(),
        "Category": category_name(snapshot),
        "SnapshotType": kind_name(snapshot.kind),
        "Encrypted": snapshot.encryption != Encryption::Unencrypted,
        "KMSKeyId": snapshot.encryption.customer_key().map(KeyId::as_str).unwrap_or_default(),
        "InstantAccess": snapshot.instant_access,
        "SourceDiskSize": snapshot.source_disk_size_gib.to_string(),
        "SourceDiskType": "data",
        "SourceStorageType": "disk",
        "Usage": "none",
        "ProductCode": "",
        "Tags": { "Tag": tags },
    });
    if let Some(fields) = view.as_object_mut() {
        match &snapshot.origin {
            _ if shared => {
                fields.insert("SourceDiskId".into(), json!(""));
            }
            SnapshotOrigin::Disk { disk } | SnapshotOrigin::ImportedImageDisk { disk } => {
                fields.insert("SourceDiskId".into(), json!(disk.as_str()));
            }
            SnapshotOrigin::Copy { source, .. } => {
                fields.insert("SourceSnapshotId".into(), json!(source.as_str()));
                fields.insert("SourceDiskId".into(), json!(""));
            }
            _ => {
                fields.insert("SourceDiskId".into(), json!(""));
            }
        }
        if let Retention::Until(end) = snapshot.retention {
            let days = end.signed_duration_since(snapshot.created_at).num_days();
            fields.insert("RetentionDays".into(), json!(days));
        }
    }
    view
}
