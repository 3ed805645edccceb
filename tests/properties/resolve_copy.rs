//! Resolution of the copy, key and region templates: keys, and a copy's
//! destination and encryption relative to its source.

use std::collections::BTreeMap;

use snapguard::{
    ActivateKms, Command, CopySnapshot, CreateKey, DeleteSnapshot, DisableKey, EnableKey,
    Encryption, FinishSnapshot, Key, KeyId, LineageRoot, MarkRegionClosingDown, RegionId,
    ShareStatus, Snapshot, SnapshotAccess, SnapshotId, SnapshotOrigin, SnapshotStatus,
};

use crate::common::{OTHER_REGION, REGION};
use crate::generate::Snap;
use crate::generate_copy::{CopyOp, Crypt, Dest, KeyRef, Src};
use crate::resolve::{FreshIds, Resolver, nth, pick};
use crate::setup::{KEYS, REGIONS};

/// The tags of a new manual snapshot: none, or two when bit 1 of `extras`
/// is set.
pub(crate) fn snapshot_tags(extras: u8) -> BTreeMap<String, String> {
    if extras & 2 == 0 {
        return BTreeMap::new();
    }
    BTreeMap::from([
        ("env".to_owned(), "prod".to_owned()),
        ("team".to_owned(), "storage".to_owned()),
    ])
}

impl Resolver<'_> {
    /// A key id; `region` is where a [`KeyRef::Usable`] key should be.
    pub(crate) fn key(&self, key: KeyRef, region: Option<&RegionId>) -> KeyId {
        let mine = |keep: &dyn Fn(&Key) -> bool| -> Vec<KeyId> {
            self.state
                .keys()
                .filter(|k| self.account.as_ref().is_none_or(|a| k.owner == *a) && keep(k))
                .map(|k| k.id.clone())
                .collect()
        };
        let pool = |index| KeyId::new(pick(&KEYS, index));
        match key {
            KeyRef::Pool(index) => pool(index),
            // Key ids start at 1: fresh ones continue after `key-3`.
            KeyRef::Fresh => FreshIds::next(&self.fresh.keys, "key", KEYS.len() + 1).into(),
            KeyRef::Mine(index) => nth(&mine(&|_| true), index).unwrap_or_else(|| pool(index)),
            KeyRef::Disabled(index) => nth(&mine(&|k| !k.enabled), index)
                .or_else(|| nth(&mine(&|_| true), index))
                .unwrap_or_else(|| pool(index)),
            KeyRef::Usable(index) => {
                let usable = |k: &Key| k.enabled && region.is_none_or(|r| k.region == *r);
                nth(&mine(&usable), index)
                    .or_else(|| nth(&mine(&|_| true), index))
                    .unwrap_or_else(|| pool(index))
            }
        }
    }

    /// The snapshots `keep` accepts, in the state's order.
    fn snapshots_where(&self, keep: &dyn Fn(&Snapshot) -> bool) -> Vec<SnapshotId> {
        self.state
            .snapshots()
            .filter(|s| keep(s))
            .map(|s| s.id.clone())
            .collect()
    }

    fn owns(&self, snapshot: &Snapshot) -> bool {
        self.account.as_ref().is_none_or(|a| snapshot.owner == *a)
    }

    fn copy_source(&self, source: Src) -> SnapshotId {
        match source {
            Src::Snap(snap) => self.snapshot(snap),
            Src::Copyable(index) => {
                let copyable = |s: &Snapshot| {
                    self.owns(s) && s.status == SnapshotStatus::Available && !s.is_archived()
                };
                nth(&self.snapshots_where(&copyable), index)
                    .unwrap_or_else(|| self.snapshot(Snap::Mine(index)))
            }
            Src::Archived(index) => {
                let archived = |s: &Snapshot| self.owns(s) && s.is_archived();
                nth(&self.snapshots_where(&archived), index)
                    .unwrap_or_else(|| self.copy_source(Src::Copyable(index)))
            }
            Src::Diskless(index) => {
                let diskless = |s: &Snapshot| {
                    self.owns(s)
                        && s.status == SnapshotStatus::Available
                        && matches!(s.lineage_root(), LineageRoot::Snapshot(_))
                };
                nth(&self.snapshots_where(&diskless), index)
                    .unwrap_or_else(|| self.copy_source(Src::Copyable(index)))
            }
            Src::SharedEncrypted(index) => {
                let Some(account) = &self.account else {
                    return self.snapshot(Snap::Shared(index));
                };
                // Accepted and unexpired views first (SHARE-7, SHARE-9).
                let mut encrypted: Vec<(bool, SnapshotId)> = self
                    .state
                    .visible_snapshots(account, self.now)
                    .into_iter()
                    .filter_map(|seen| match seen.access {
                        SnapshotAccess::Shared {
                            status, expires_at, ..
                        } => Some((
                            status == ShareStatus::Accepted && self.now < expires_at,
                            seen.snapshot,
                        )),
                        _ => None,
                    })
                    .filter(|(_, id)| {
                        self.state
                            .snapshot(id)
                            .is_some_and(|s| s.encryption.customer_key().is_some())
                    })
                    .collect();
                if encrypted.iter().any(|(usable, _)| *usable) {
                    encrypted.retain(|(usable, _)| *usable);
                }
                nth(&encrypted, index)
                    .map(|(_, id)| id)
                    .unwrap_or_else(|| self.snapshot(Snap::Shared(index)))
            }
        }
    }

    /// The index-th copy in progress, of the actor's account if `mine`,
    /// or Cloud Backup snapshot in progress if `backups`.
    fn pending_copy(&self, index: u8, mine: bool, backups: bool) -> Option<SnapshotId> {
        let pending = |s: &Snapshot| {
            s.status == SnapshotStatus::InProgress
                && match s.origin {
                    SnapshotOrigin::Copy { .. } => !mine || self.owns(s),
                    SnapshotOrigin::CloudBackup => backups,
                    _ => false,
                }
        };
        nth(&self.snapshots_where(&pending), index)
    }

    /// The source, region and encryption of the index-th copy of the
    /// actor's account whose source is still there.
    fn earlier_copy(&self, index: u8) -> Option<(SnapshotId, RegionId, Encryption)> {
        let again: Vec<(SnapshotId, RegionId, Encryption)> = self
            .state
            .snapshots()
            .filter(|s| self.owns(s))
            .filter_map(|s| match &s.origin {
                SnapshotOrigin::Copy { source, .. } if self.state.snapshot(source).is_some() => {
                    Some((source.clone(), s.region.clone(), s.encryption.clone()))
                }
                _ => None,
            })
            .collect();
        nth(&again, index)
    }

    /// A copy's destination, given its source's region if it exists.
    fn destination(&self, dest: Dest, source: Option<&RegionId>) -> RegionId {
        match dest {
            Dest::Closing => {
                let closing = REGIONS.iter().find(|id| {
                    self.state
                        .region(&RegionId::new(**id))
                        .is_some_and(|r| r.closing_down)
                });
                match closing {
                    Some(id) => RegionId::new(*id),
                    None => self.destination(Dest::Other, source),
                }
            }
            Dest::Pool(index) => pick(&REGIONS, index).into(),
            Dest::Same => source.cloned().unwrap_or_else(|| REGION.into()),
            Dest::Other if source.is_some_and(|r| r.as_str() == OTHER_REGION) => REGION.into(),
            Dest::Other => OTHER_REGION.into(),
        }
    }

    pub(crate) fn copy_command(&self, op: &CopyOp) -> Command {
        match *op {
            CopyOp::Copy {
                source,
                snap,
                region,
                encryption,
                retention,
            } => {
                let source = self.copy_source(source);
                let from = self.state.snapshot(&source);
                let region = self.destination(region, from.map(|s| &s.region));
                let encryption = match encryption {
                    Crypt::Unencrypted => Encryption::Unencrypted,
                    Crypt::ServiceKey => Encryption::ServiceKey,
                    Crypt::CustomerKey(key) => {
                        Encryption::CustomerKey(self.key(key, Some(&region)))
                    }
                    Crypt::SourceKey => Encryption::CustomerKey(
                        from.and_then(|s| s.encryption.customer_key())
                            .cloned()
                            .unwrap_or_else(|| KEYS[0].into()),
                    ),
                };
                CopySnapshot::new(source, self.snapshot(snap), region)
                    .encryption(encryption)
                    .maybe_retention_days(retention)
                    .into()
            }
            CopyOp::Recopy { copy, retention } => {
                let (source, region, encryption) = self.earlier_copy(copy).unwrap_or_else(|| {
                    let source = self.copy_source(Src::Copyable(copy));
                    let from = self.state.snapshot(&source).map(|s| &s.region);
                    let region = self.destination(Dest::Other, from);
                    (source, region, Encryption::ServiceKey)
                });
                CopySnapshot::new(source, self.snapshot(Snap::Fresh), region)
                    .encryption(encryption)
                    .maybe_retention_days(retention)
                    .into()
            }
            CopyOp::FinishCopy { copy, outcome } => FinishSnapshot::new(
                self.pending_copy(copy, false, true)
                    .unwrap_or_else(|| self.snapshot(Snap::Pending(copy))),
                outcome,
            )
            .into(),
            CopyOp::CancelCopy { copy } => DeleteSnapshot::new(
                self.pending_copy(copy, true, false)
                    .or_else(|| self.pending_copy(copy, false, false))
                    .unwrap_or_else(|| self.snapshot(Snap::Mine(copy))),
            )
            .into(),
            CopyOp::ActivateKms => ActivateKms::new().into(),
            CopyOp::CreateKey { key, region } => {
                CreateKey::new(self.key(key, None), pick(&REGIONS, region)).into()
            }
            CopyOp::EnableKey { key } => EnableKey::new(self.key(key, None)).into(),
            CopyOp::DisableKey { key } => DisableKey::new(self.key(key, None)).into(),
            CopyOp::CloseRegion { region } => {
                MarkRegionClosingDown::new(pick(&REGIONS, region)).into()
            }
        }
    }
}
