//! The ECS API 2014-05-26 operations snapguard emulates, by name.
//!
//! Each operation reads its parameters with the provider's names and
//! ranges, refuses any it does not take ([`Params::finish`](crate::params::Params::finish)), runs one
//! engine transaction of snapguard commands and queries, and answers the
//! provider's response fields. A refusal by the library becomes the
//! provider's error through [`crate::violations`].

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::Value;
use snapguard::{DiskId, Encryption, ImageId, KeyId, ObjectKind, RegionId, SnapshotId, Violation};

pub use crate::api::Call;
use crate::api::{Operation, Product};
use crate::engine::Tx;
use crate::error::ApiError;
use crate::violations::provider_error;

mod disks;
mod images;
mod locks;
mod shared;
mod snapshots;

pub use disks::{DELETE_AUTO_SNAPSHOT, category as disk_category};

/// The ECS API version the server speaks.
pub const VERSION: &str = "2014-05-26";

/// The product: ECS at [`VERSION`].
pub const PRODUCT: Product = Product {
    name: "ECS",
    version: VERSION,
    operations: OPERATIONS,
    refuse: provider_error,
    host: "ecs.snapguard.local",
    shape: crate::api::plain,
    // The provider's reseller fields, which the SDK sends only when the
    // caller sets them.
    unsupported: &[
        "OwnerId",
        "OwnerAccount",
        "ResourceOwnerId",
        "ResourceOwnerAccount",
    ],
};

/// Every operation, by the provider's action name, with whether it takes
/// `ClientToken` and `DryRun` as the provider's API reference lists them.
pub const OPERATIONS: &[Operation] = &[
    Operation::new("CreateSnapshot", snapshots::create).idempotent(),
    Operation::new("DescribeSnapshots", snapshots::describe).dry_runs(),
    Operation::new("DeleteSnapshot", snapshots::delete),
    Operation::new("ModifySnapshotAttribute", snapshots::modify_attribute),
    Operation::new("ModifySnapshotCategory", snapshots::modify_category),
    Operation::new("CopySnapshot", snapshots::copy).idempotent(),
    Operation::new("LockSnapshot", locks::lock)
        .idempotent()
        .dry_runs(),
    Operation::new("UnlockSnapshot", locks::unlock)
        .idempotent()
        .dry_runs(),
    Operation::new("DescribeLockedSnapshots", locks::describe).dry_runs(),
    Operation::new("CreateDisk", disks::create).idempotent(),
    Operation::new("DeleteDisk", disks::delete),
    Operation::new("ModifyDiskAttribute", disks::modify_attribute),
    Operation::new("ResetDisk", disks::reset).dry_runs(),
    Operation::new("ReInitDisk", disks::reinit),
    Operation::new("CreateImage", images::create)
        .idempotent()
        .dry_runs(),
    Operation::new("DeleteImage", images::delete).dry_runs(),
];

impl Call<'_> {
    /// Reads `RegionId`, checked against the regions snapguard knows inside
    /// the transaction ([`Call::known_region`]).
    pub fn region(&mut self, required: bool) -> Result<Option<RegionId>, ApiError> {
        let region = if required {
            Some(self.params.required("RegionId")?)
        } else {
            self.params.take("RegionId")
        };
        Ok(region.map(RegionId::new))
    }

    /// Refuses a region snapguard does not know.
    pub fn known_region(&self, tx: &Tx<'_>, region: Option<&RegionId>) -> Result<(), ApiError> {
        match region {
            Some(region) if tx.state().region(region).is_none() => {
                Err(self.refused(&Violation::NotFound {
                    kind: ObjectKind::Region,
                    id: region.to_string(),
                }))
            }
            _ => Ok(()),
        }
    }

    /// Checks an object a request names in `region` (when it names one):
    /// the region is known, the object is visible to the caller
    /// ([`Call::visible`]) and in that region ([`Call::in_region`]).
    pub fn locate(
        &self,
        tx: &Tx<'_>,
        kind: ObjectKind,
        id: &str,
        region: Option<&RegionId>,
    ) -> Result<(), ApiError> {
        self.known_region(tx, region)?;
        self.visible(tx, kind, id)?;
        let state = tx.state();
        let actual = match kind {
            ObjectKind::Snapshot => state.snapshot(&SnapshotId::new(id)).map(|s| &s.region),
            ObjectKind::Disk => state.disk(&DiskId::new(id)).map(|d| &d.region),
            ObjectKind::Image => state.image(&ImageId::new(id)).map(|i| &i.region),
            _ => None,
        };
        self.in_region(kind, id, actual, region)
    }

    /// Refuses an object asked for in a region it is not in, as the
    /// provider does: it does not exist there.
    pub fn in_region(
        &self,
        kind: ObjectKind,
        id: &str,
        actual: Option<&RegionId>,
        asked: Option<&RegionId>,
    ) -> Result<(), ApiError> {
        match (actual, asked) {
            (Some(actual), Some(asked)) if actual != asked => {
                let mut error = self.refused(&Violation::NotFound {
                    kind,
                    id: id.to_owned(),
                });
                error.message = format!(
                    "GEN-4: {kind} `{id}` does not exist in region `{asked}` (RegionId); it is in `{actual}`."
                );
                Err(error)
            }
            _ => Ok(()),
        }
    }

    /// Refuses, exactly as an id that names nothing, an object of another
    /// account that this account may not see: a snapshot neither its own
    /// nor shared with it, another account's disk or image. The library
    /// would refuse it too (PERM-4), later and naming the owner; the
    /// provider reveals nothing of another account's objects.
    pub fn visible(&self, tx: &Tx<'_>, kind: ObjectKind, id: &str) -> Result<(), ApiError> {
        let Some(account) = self.actor.account() else {
            return Ok(());
        };
        let state = tx.state();
        let owner = match kind {
            ObjectKind::Snapshot => {
                let snapshot = SnapshotId::new(id);
                match state.snapshot(&snapshot) {
                    Some(found)
                        if found.owner != *account
                            && state
                                .shared_with(&snapshot, tx.now())
                                .accounts
                                .contains_key(account) =>
                    {
                        return Ok(());
                    }
                    found => found.map(|s| &s.owner),
                }
            }
            ObjectKind::Disk => state.disk(&DiskId::new(id)).map(|d| &d.owner),
            ObjectKind::Image => state.image(&ImageId::new(id)).map(|i| &i.owner),
            _ => None,
        };
        match owner {
            Some(owner) if owner != account => Err(self.refused(&Violation::NotFound {
                kind,
                id: id.to_owned(),
            })),
            _ => Ok(()),
        }
    }

    /// Checks tags the server keeps beside the state (on copies and disks,
    /// which the model gives no tags) against the library's bounds, as the
    /// library checks a snapshot's own (GEN-7).
    pub fn bounded_tags(
        &self,
        tx: &Tx<'_>,
        tags: &std::collections::BTreeMap<String, String>,
    ) -> Result<(), ApiError> {
        let limits = tx.state().limits();
        let too_many = (tags.len()
            > usize::try_from(limits.max_tags_per_resource).unwrap_or(usize::MAX))
        .then_some((
            snapguard::Bound::Tags,
            tags.len(),
            limits.max_tags_per_resource,
        ));
        let too_long = tags
            .iter()
            .flat_map(|(key, value)| [key.chars().count(), value.chars().count()])
            .find(|chars| *chars > usize::try_from(limits.max_tag_chars).unwrap_or(usize::MAX))
            .map(|chars| (snapguard::Bound::TagChars, chars, limits.max_tag_chars));
        match too_many.or(too_long) {
            None => Ok(()),
            Some((bound, size, max)) => {
                Err(self.refused(&Violation::BoundExceeded { bound, size, max }))
            }
        }
    }
}

/// An instant as the provider writes it: `2026-12-07T06:00:00Z`.
pub fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The encryption a request asks for with `Encrypted` and `KMSKeyId`: a
/// key named is a customer master key (whatever `Encrypted` says, as the
/// provider reads it), otherwise the service key or none.
pub fn encryption(encrypted: bool, key: Option<KeyId>) -> Encryption {
    match (encrypted, key) {
        (_, Some(key)) => Encryption::CustomerKey(key),
        (true, None) => Encryption::ServiceKey,
        (false, None) => Encryption::Unencrypted,
    }
}

/// An empty success: only the `RequestId` the envelope adds.
pub fn done() -> Value {
    Value::Object(serde_json::Map::new())
}
