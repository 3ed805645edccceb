//! Loading's input bounds: every id well formed and within its length
//! (GEN-5, GEN-7), the other bounds of GEN-7, and the sharing quotas that
//! bound the indexes (SHARE-1, SHARE-2), all read from the data before any
//! index is built. Past a bound, nothing whose cost grows with it runs: a
//! share naming thousands of accounts for thousands of snapshots is
//! refused without indexing their product.

use std::collections::{BTreeMap, BTreeSet};

use super::{Findings, StateError};
use crate::ids::has_id_characters;
use crate::mint::minted_number;
use crate::policy::policy_chars;
use crate::{AccountId, Bound, Limits, ObjectKind as K, RuleId, SnapshotId, State};

/// A limit as a count.
fn count(limit: u32) -> usize {
    usize::try_from(limit).unwrap_or(usize::MAX)
}

/// GEN-7: refuses `size` past the limit of `bound` for the object `id`.
fn within(limits: &Limits, kind: K, id: &str, bound: Bound, size: usize) -> Result<(), StateError> {
    let max = limits.bound(bound);
    if size > count(max) {
        return Err(StateError::BoundExceeded {
            kind,
            id: id.to_owned(),
            bound,
            size,
            max,
        });
    }
    Ok(())
}

/// GEN-7, GEN-5: an id within the length bound and well formed, as a
/// command checks the id of a new object.
fn well_formed(limits: &Limits, kind: K, id: &str) -> Result<(), StateError> {
    within(limits, kind, id, Bound::IdChars, id.chars().count())?;
    if !has_id_characters(id) {
        return Err(StateError::InvalidId {
            kind,
            id: id.to_owned(),
        });
    }
    Ok(())
}

/// Checks ids against the limits, recording what they break.
struct Ids<'f, 'l> {
    found: &'f mut Findings,
    limits: &'l Limits,
    /// How many ids the state minted.
    minted: u64,
    /// The numbers of the minted ids seen so far: each names one object.
    numbers: BTreeSet<u64>,
}

impl Ids<'_, '_> {
    /// Checks the ids of objects of `kind`: a minted id is below the count
    /// of ids minted, and its number no other object's (GEN-4); any other
    /// id is well formed.
    fn check<'a>(&mut self, kind: K, ids: impl Iterator<Item = &'a str>) {
        let (limits, minted, numbers) = (self.limits, self.minted, &mut self.numbers);
        self.found.each(ids, |id| match minted_number(kind, id) {
            Some(number) if number >= minted => Err(StateError::NotYetMinted {
                kind,
                id: id.to_owned(),
                minted,
            }),
            Some(number) if !numbers.insert(number) => Err(StateError::Duplicate {
                kind,
                id: id.to_owned(),
            }),
            Some(_) => Ok(()),
            None => well_formed(limits, kind, id),
        });
    }
}

/// Adds one to the count of `key`.
fn tally<'a, T: Ord>(counts: &mut BTreeMap<&'a T, usize>, key: &'a T) {
    let entry = counts.entry(key).or_default();
    *entry = entry.saturating_add(1);
}

impl State {
    /// Checks every bound of GEN-7 and the quotas of SHARE-1 and SHARE-2
    /// on freshly loaded data, before the indexes are built.
    pub(super) fn check_bounds(&self, found: &mut Findings) {
        self.check_ids(found);
        let limits = &self.limits;
        found.each(self.users.values(), |user| {
            let size = policy_chars(&user.statements);
            within(limits, K::User, user.id.as_str(), Bound::PolicyChars, size)
        });
        found.each(self.snapshots.values(), |snapshot| {
            let id = snapshot.id.as_str();
            within(limits, K::Snapshot, id, Bound::Tags, snapshot.tags.len())?;
            let chars = |text: &str| {
                within(
                    limits,
                    K::Snapshot,
                    id,
                    Bound::TagChars,
                    text.chars().count(),
                )
            };
            for (key, value) in &snapshot.tags {
                chars(key)?;
                chars(value)?;
            }
            Ok(())
        });
        let mut shares_of = BTreeMap::new();
        for share in self.shares.values() {
            tally(&mut shares_of, &share.owner);
        }
        found.each(shares_of, |(owner, shares)| {
            let bound = Bound::SharesPerAccount;
            within(limits, K::Account, owner.as_str(), bound, shares)
        });
        let mut folders_of = BTreeMap::new();
        for folder in self.folders.values() {
            tally(&mut folders_of, &folder.directory);
        }
        found.each(folders_of, |(directory, folders)| {
            let bound = Bound::FoldersPerDirectory;
            within(limits, K::Directory, directory.as_str(), bound, folders)
        });
        self.check_share_quotas(found);
    }

    /// GEN-5, GEN-7: every id, of live objects and retired ones; GEN-4 for
    /// minted ids, which no bound applies to.
    fn check_ids(&self, found: &mut Findings) {
        let (backup, retired) = (&self.backup, &self.retired);
        let mut ids = Ids {
            found,
            limits: &self.limits,
            minted: self.minted,
            numbers: BTreeSet::new(),
        };
        ids.check(K::Account, self.accounts.values().map(|o| o.id.as_str()));
        ids.check(K::User, self.users.values().map(|u| u.id.as_str()));
        ids.check(K::Region, self.regions.values().map(|o| o.id.as_str()));
        ids.check(K::Disk, self.disks.values().map(|o| o.id.as_str()));
        ids.check(K::Snapshot, self.snapshots.values().map(|o| o.id.as_str()));
        ids.check(K::Image, self.images.values().map(|o| o.id.as_str()));
        ids.check(
            K::Directory,
            self.directories.values().map(|o| o.id.as_str()),
        );
        ids.check(K::Folder, self.folders.values().map(|o| o.id.as_str()));
        ids.check(
            K::ResourceShare,
            self.shares.values().map(|o| o.id.as_str()),
        );
        ids.check(K::Key, self.keys.values().map(|o| o.id.as_str()));
        ids.check(K::Vault, backup.vaults.values().map(|o| o.id.as_str()));
        ids.check(
            K::BackupPolicy,
            backup.policies.values().map(|o| o.id.as_str()),
        );
        ids.check(
            K::BackupPoint,
            backup.points.values().map(|o| o.id.as_str()),
        );
        ids.check(K::Snapshot, retired.snapshots.iter().map(|i| i.as_str()));
        ids.check(K::Disk, retired.disks.iter().map(|i| i.as_str()));
        ids.check(K::Image, retired.images.iter().map(|i| i.as_str()));
        ids.check(K::ResourceShare, retired.shares.iter().map(|i| i.as_str()));
        let retired = &backup.retired;
        ids.check(K::Vault, retired.vaults.iter().map(|i| i.as_str()));
        ids.check(K::BackupPolicy, retired.policies.iter().map(|i| i.as_str()));
        ids.check(K::BackupPoint, retired.points.iter().map(|i| i.as_str()));
    }

    /// SHARE-1 and SHARE-2 as far as they can be read from the shares
    /// themselves: a snapshot held by a share naming more principals than
    /// a snapshot may have is over the quota whatever other shares name,
    /// and an owner's shares hold at most so many distinct snapshots of
    /// its own. Linear in the shares' data: what passes bounds the
    /// indexes to the quota times that data. SHARE-1 across shares (the
    /// principals of all the shares holding a snapshot) is counted on the
    /// rebuilt index ([`State::check_quotas`]).
    fn check_share_quotas(&self, found: &mut Findings) {
        let principals = count(self.limits.max_principals_per_snapshot);
        let mut over = BTreeSet::new();
        for share in self.shares.values() {
            if share.principals.len() <= principals {
                continue;
            }
            let held = share.snapshots.keys();
            found.each(held.filter(|id| over.insert(*id)), |snapshot| {
                Err(StateError::QuotaExceeded {
                    rule: RuleId::Share1,
                    id: snapshot.to_string(),
                })
            });
        }
        let mut shared: BTreeMap<&AccountId, BTreeSet<&SnapshotId>> = BTreeMap::new();
        for share in self.shares.values() {
            let own = share.snapshots.keys().filter(|id| {
                self.snapshots
                    .get(*id)
                    .is_some_and(|snapshot| snapshot.owner == share.owner)
            });
            shared.entry(&share.owner).or_default().extend(own);
        }
        let limit = count(self.limits.max_shared_snapshots_per_account);
        found.each(
            shared.iter().filter(|(_, held)| held.len() > limit),
            |(account, _)| {
                Err(StateError::QuotaExceeded {
                    rule: RuleId::Share2,
                    id: account.to_string(),
                })
            },
        );
    }
}
