//! Loading the sharing part of a state: directories, folders and shares
//! are checked against the accounts and snapshots, and the principals of
//! each shared snapshot against the rebuilt index (SHARE-1).

use std::collections::BTreeSet;

use super::{Findings, StateError, created_after, created_by, dangling};
use crate::{
    DiskSource, Encryption, ObjectKind as K, Principal, Retention, RuleId, SharedSnapshot,
    Snapshot, SnapshotStatus, Span, State, time,
};

impl State {
    /// Checks directories, folders, shares and trust lists on freshly
    /// loaded data, before the indexes are built.
    pub(super) fn check_sharing(&self, found: &mut Findings) {
        found.each(self.accounts.values(), |account| {
            if let Some(missing) = account
                .encrypted_share_trustees
                .iter()
                .find(|id| !self.accounts.contains_key(*id))
            {
                return Err(dangling(
                    K::Account,
                    account.id.as_str(),
                    K::Account,
                    missing.as_str(),
                ));
            }
            Ok(())
        });
        found.each(self.folders.values(), |folder| {
            let id = folder.id.as_str();
            let Some(directory) = self.directories.get(&folder.directory) else {
                return Err(dangling(
                    K::Folder,
                    id,
                    K::Directory,
                    folder.directory.as_str(),
                ));
            };
            created_by(self.clock, K::Folder, id, folder.created_at)?;
            let needed = (K::Directory, directory.id.as_str());
            created_after(
                (K::Folder, id),
                folder.created_at,
                needed,
                directory.created_at,
            )
        });
        self.check_directories(found);
        found.each(self.shares.values(), |share| self.check_share(share));
        found.each(self.disks.values(), |disk| {
            let from_shared = match &disk.source {
                DiskSource::Snapshot(source) => match self.snapshots.get(source) {
                    Some(snapshot) => snapshot.owner != disk.owner,
                    // A source gone since cannot be checked.
                    None => disk.from_shared_snapshot,
                },
                DiskSource::Blank | DiskSource::Image(_) => false,
            };
            if from_shared != disk.from_shared_snapshot {
                return Err(StateError::InconsistentDisk(disk.id.clone()));
            }
            Ok(())
        });
    }

    /// Whether a snapshot could have been shared as `shared` says: it was
    /// shareable (SHARE-5), shared before its retention ended, and its view
    /// ends within the longest any sharing could grant (SHARE-9).
    fn could_share(&self, snapshot: &Snapshot, shared: &SharedSnapshot) -> bool {
        let shareable = snapshot.status == SnapshotStatus::Available
            && !snapshot.is_archived()
            && snapshot.encryption != Encryption::ServiceKey
            && !snapshot.origin.from_imported_image();
        // The retention only grows, so the one at sharing ended no later.
        let longest = match snapshot.retention {
            Retention::Until(end) => Some(end),
            Retention::Permanent => {
                let permanent = time::later(
                    shared.shared_at,
                    Span::Days(self.limits.permanent_share_days),
                );
                let in_days = time::later(
                    snapshot.created_at,
                    Span::Days(self.limits.max_retention_days),
                );
                match (permanent, in_days) {
                    (Ok(a), Ok(b)) => Some(a.max(b)),
                    _ => None,
                }
            }
        };
        shareable
            && snapshot
                .retention
                .end()
                .is_none_or(|end| shared.shared_at < end)
            && longest.is_none_or(|longest| shared.expires_at <= longest)
    }

    fn check_directories(&self, found: &mut Findings) {
        let mut members = BTreeSet::new();
        found.each(self.directories.values(), |directory| {
            let id = directory.id.as_str();
            created_by(self.clock, K::Directory, id, directory.created_at)?;
            let management = self.accounts.get(&directory.management).ok_or_else(|| {
                dangling(K::Directory, id, K::Account, directory.management.as_str())
            })?;
            let needed = (K::Account, management.id.as_str());
            let at = directory.created_at;
            created_after((K::Directory, id), at, needed, management.created_at)?;
            let inconsistent = || StateError::InconsistentDirectory(directory.id.clone());
            if !directory.members.contains_key(&management.id) {
                return Err(inconsistent());
            }
            for (account, folder) in &directory.members {
                let member = self
                    .accounts
                    .get(account)
                    .ok_or_else(|| dangling(K::Directory, id, K::Account, account.as_str()))?;
                let folder_elsewhere = folder.as_ref().is_some_and(|f| {
                    self.folders
                        .get(f)
                        .is_none_or(|f| f.directory != directory.id)
                });
                if !members.insert(account) || member.site != management.site || folder_elsewhere {
                    return Err(inconsistent());
                }
            }
            Ok(())
        });
    }

    fn check_share(&self, share: &crate::ResourceShare) -> Result<(), StateError> {
        let id = share.id.as_str();
        let owner = self
            .accounts
            .get(&share.owner)
            .ok_or_else(|| dangling(K::ResourceShare, id, K::Account, share.owner.as_str()))?;
        created_by(self.clock, K::ResourceShare, id, share.created_at)?;
        let needed = (K::Account, owner.id.as_str());
        created_after(
            (K::ResourceShare, id),
            share.created_at,
            needed,
            owner.created_at,
        )?;
        let inconsistent = || StateError::InconsistentShare(share.id.clone());
        for principal in &share.principals {
            match principal {
                Principal::Account(account) => {
                    let sharee = self.accounts.get(account).ok_or_else(|| {
                        dangling(K::ResourceShare, id, K::Account, account.as_str())
                    })?;
                    if sharee.id == owner.id || sharee.site != owner.site {
                        return Err(inconsistent());
                    }
                }
                Principal::Directory(directory) => {
                    let named = self.directories.get(directory).ok_or_else(|| {
                        dangling(K::ResourceShare, id, K::Directory, directory.as_str())
                    })?;
                    if !self.same_site(&named.management, owner) {
                        return Err(inconsistent());
                    }
                }
                Principal::Folder(folder) => {
                    let named = self.folders.get(folder).ok_or_else(|| {
                        dangling(K::ResourceShare, id, K::Folder, folder.as_str())
                    })?;
                    let management = self
                        .directories
                        .get(&named.directory)
                        .map(|d| &d.management);
                    if !management.is_some_and(|m| self.same_site(m, owner)) {
                        return Err(inconsistent());
                    }
                }
            }
        }
        if let Some(missing) = share
            .accepted
            .iter()
            .find(|a| !self.accounts.contains_key(*a))
        {
            return Err(dangling(K::ResourceShare, id, K::Account, missing.as_str()));
        }
        if share
            .accepted
            .iter()
            .any(|a| *a == owner.id || !self.same_site(a, owner))
        {
            return Err(inconsistent());
        }
        for (snapshot, shared) in &share.snapshots {
            let held = self
                .snapshots
                .get(snapshot)
                .ok_or_else(|| dangling(K::ResourceShare, id, K::Snapshot, snapshot.as_str()))?;
            let after_clock = self.clock.is_none_or(|clock| shared.shared_at > clock);
            let impossible = || StateError::ImpossibleSharing {
                share: share.id.clone(),
                snapshot: snapshot.clone(),
            };
            if held.owner != share.owner
                || !self.could_share(held, shared)
                || shared.shared_at < held.created_at
                || shared.shared_at < share.created_at
                || shared.expires_at <= shared.shared_at
                || after_clock
            {
                return Err(impossible());
            }
        }
        Ok(())
    }

    /// Whether `account` exists and is on `other`'s site.
    fn same_site(&self, account: &crate::AccountId, other: &crate::Account) -> bool {
        self.accounts
            .get(account)
            .is_some_and(|a| a.site == other.site)
    }

    /// SHARE-1 against the rebuilt index: the principals of every share
    /// holding a snapshot. What a share's own data breaks, SHARE-2
    /// included, was refused before the index was built
    /// (`check_bounds`).
    pub(super) fn check_quotas(&self, found: &mut Findings) {
        let max = |limit: u32| usize::try_from(limit).unwrap_or(usize::MAX);
        let principals = max(self.limits.max_principals_per_snapshot);
        let over = self.index.principal_counts();
        found.each(
            over.filter(|(_, named)| *named > principals),
            |(snapshot, _)| {
                Err(StateError::QuotaExceeded {
                    rule: RuleId::Share1,
                    id: snapshot.to_string(),
                })
            },
        );
    }
}
