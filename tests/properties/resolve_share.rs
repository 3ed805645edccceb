//! Resolution of the directory and sharing templates: share ids,
//! principals, and what a share holds.

use std::collections::BTreeSet;

use snapguard::{
    AcceptResourceShare, AccountId, AddDirectoryMember, AssociateResourceShare, Command,
    CreateFolder, CreateResourceDirectory, CreateResourceShare, DeleteResourceShare,
    DisassociateResourceShare, Principal, PrincipalScope, RemoveDirectoryMember, ResourceShare,
    SetEncryptedShareRole, ShareId, ShareStatus, SnapshotAccess, SnapshotId,
};

use crate::generate::Snap;
use crate::generate_share::{Member, PrincipalRef, ShareOp, ShareRef};
use crate::resolve::{FreshIds, Resolver, nth, pick, shareable};
use crate::setup::{ACCOUNTS, DIRECTORIES, FOLDERS, SHARES, SNAPSHOTS};

/// A share id no history gives.
const NO_SHARE: &str = "rs-none";

fn principal(p: PrincipalRef) -> Principal {
    match p {
        PrincipalRef::Account(i) => Principal::Account(pick(&ACCOUNTS, i).into()),
        PrincipalRef::Directory(i) => Principal::Directory(pick(&DIRECTORIES, i).into()),
        PrincipalRef::Folder(i) => Principal::Folder(pick(&FOLDERS, i).into()),
    }
}

impl Resolver<'_> {
    /// Whether a snapshot's retention has ended by now.
    fn retention_ended(&self, id: &SnapshotId) -> bool {
        self.state
            .snapshot(id)
            .and_then(|s| s.retention.end())
            .is_some_and(|end| end <= self.now)
    }

    fn mine(&self, share: &ResourceShare) -> bool {
        self.account.as_ref().is_none_or(|a| share.owner == *a)
    }

    /// The shares of other accounts through which the actor's account sees
    /// a snapshot now, with whether it accepted them, each once.
    fn reaching(&self) -> Vec<(ShareId, ShareStatus)> {
        let Some(account) = &self.account else {
            return Vec::new();
        };
        let mut shares: Vec<(ShareId, ShareStatus)> = Vec::new();
        for seen in self.state.visible_snapshots(account, self.now) {
            if let SnapshotAccess::Shared { share, status, .. } = seen.access {
                if !shares.iter().any(|(id, _)| *id == share) {
                    shares.push((share, status));
                }
            }
        }
        shares
    }

    fn share(&self, share: ShareRef) -> ShareId {
        let ids = |keep: &dyn Fn(&ResourceShare) -> bool| -> Vec<ShareId> {
            self.state
                .resource_shares()
                .filter(|s| keep(s))
                .map(|s| s.id.clone())
                .collect()
        };
        let found = match share {
            ShareRef::Pool(_) | ShareRef::Fresh => None,
            ShareRef::Mine(index) => nth(&ids(&|s| self.mine(s)), index),
            ShareRef::WithEnded(index) => {
                let ended = |s: &ResourceShare| {
                    self.mine(s) && s.snapshots.keys().any(|id| self.retention_ended(id))
                };
                let expired = |s: &ResourceShare| {
                    self.mine(s) && s.snapshots.values().any(|v| !v.is_live_at(self.now))
                };
                // Never a healthy share: one that does not exist instead.
                nth(&ids(&ended), index)
                    .or_else(|| nth(&ids(&expired), index))
                    .or_else(|| Some(NO_SHARE.into()))
            }
            ShareRef::Reaching(index) => {
                let reaching = self.reaching();
                let pending: Vec<ShareId> = reaching
                    .iter()
                    .filter(|(_, status)| *status == ShareStatus::Pending)
                    .map(|(id, _)| id.clone())
                    .collect();
                let any: Vec<ShareId> = reaching.into_iter().map(|(id, _)| id).collect();
                nth(&pending, index)
                    .or_else(|| nth(&any, index))
                    .or_else(|| nth(&ids(&|s| !self.mine(s)), index))
            }
        };
        match share {
            ShareRef::Fresh => FreshIds::next(&self.fresh.shares, "rs", SHARES.len()).into(),
            ShareRef::Pool(index)
            | ShareRef::Mine(index)
            | ShareRef::WithEnded(index)
            | ShareRef::Reaching(index) => found.unwrap_or_else(|| pick(&SHARES, index).into()),
        }
    }

    /// The index-th snapshot of the actor's account encrypted with a
    /// customer key that can be shared now, else as [`Snap::Shareable`].
    fn shareable_encrypted(&self, index: u8) -> SnapshotId {
        let ids: Vec<SnapshotId> = self
            .state
            .snapshots()
            .filter(|s| {
                self.account.as_ref().is_none_or(|a| s.owner == *a)
                    && s.encryption.customer_key().is_some()
                    && shareable(s, self.now)
            })
            .map(|s| s.id.clone())
            .collect();
        nth(&ids, index).unwrap_or_else(|| self.snapshot(Snap::Shareable(index)))
    }

    fn snapshots(&self, snaps: &[Snap]) -> Vec<SnapshotId> {
        snaps.iter().map(|s| self.snapshot(*s)).collect()
    }

    /// The principals and snapshots to take out of `share`.
    fn members(
        &self,
        share: &ShareId,
        principals: &[Member],
        snapshots: &[Member],
    ) -> (Vec<Principal>, Vec<SnapshotId>) {
        let held = self.state.resource_share(share);
        let held_principals: Vec<Principal> = held
            .map(|s| s.principals.iter().cloned().collect())
            .unwrap_or_default();
        let held_snapshots: Vec<SnapshotId> = held
            .map(|s| s.snapshots.keys().cloned().collect())
            .unwrap_or_default();
        let ended: Vec<SnapshotId> = held_snapshots
            .iter()
            .filter(|id| self.retention_ended(id))
            .cloned()
            .collect();
        let expired: Vec<SnapshotId> = held
            .map(|s| {
                s.snapshots
                    .iter()
                    .filter(|(_, shared)| !shared.is_live_at(self.now))
                    .map(|(id, _)| id.clone())
                    .collect()
            })
            .unwrap_or_default();
        let stray_principal = |i| Principal::Account(pick(&ACCOUNTS, i).into());
        let principals = principals
            .iter()
            .map(|m| match *m {
                Member::InShare(i) | Member::Ended(i) => {
                    nth(&held_principals, i).unwrap_or_else(|| stray_principal(i))
                }
                Member::Stray(i) => stray_principal(i),
            })
            .collect();
        let stray_snapshot = |i| SnapshotId::new(pick(&SNAPSHOTS, i));
        let snapshots = snapshots
            .iter()
            .map(|m| match *m {
                Member::InShare(i) => nth(&held_snapshots, i).unwrap_or_else(|| stray_snapshot(i)),
                Member::Ended(i) => nth(&ended, i)
                    .or_else(|| nth(&expired, i))
                    .or_else(|| nth(&held_snapshots, i))
                    .unwrap_or_else(|| stray_snapshot(i)),
                Member::Stray(i) => stray_snapshot(i),
            })
            .collect();
        (principals, snapshots)
    }

    pub(crate) fn share_command(&self, op: &ShareOp) -> Command {
        match op {
            ShareOp::CreateDirectory { directory } => {
                CreateResourceDirectory::new(pick(&DIRECTORIES, *directory)).into()
            }
            ShareOp::CreateFolder { folder } => CreateFolder::new(pick(&FOLDERS, *folder)).into(),
            ShareOp::AddMember { account, folder } => {
                AddDirectoryMember::new(pick(&ACCOUNTS, *account))
                    .maybe_folder(folder.map(|f| pick(&FOLDERS, f).into()))
                    .into()
            }
            ShareOp::RemoveMember { account } => {
                RemoveDirectoryMember::new(pick(&ACCOUNTS, *account)).into()
            }
            ShareOp::SetRole { trusted } => {
                let trusted: BTreeSet<AccountId> = ACCOUNTS
                    .iter()
                    .enumerate()
                    .filter(|(bit, _)| trusted & (1 << bit) != 0)
                    .map(|(_, account)| (*account).into())
                    .collect();
                SetEncryptedShareRole::new().trusted(trusted).into()
            }
            ShareOp::Create {
                share,
                directory_scope,
                principals,
                snapshots,
            } => CreateResourceShare::new(
                self.share(*share),
                if *directory_scope {
                    PrincipalScope::ResourceDirectory
                } else {
                    PrincipalScope::AllAccounts
                },
            )
            .principals(principals.iter().map(|p| principal(*p)))
            .snapshots(self.snapshots(snapshots))
            .into(),
            ShareOp::Associate {
                share,
                principals,
                snapshots,
            } => AssociateResourceShare::new(self.share(*share))
                .principals(principals.iter().map(|p| principal(*p)))
                .snapshots(self.snapshots(snapshots))
                .into(),
            ShareOp::Disassociate {
                share,
                principals,
                snapshots,
            } => {
                let share = self.share(*share);
                let (principals, snapshots) = self.members(&share, principals, snapshots);
                DisassociateResourceShare::new(share)
                    .principals(principals)
                    .snapshots(snapshots)
                    .into()
            }
            ShareOp::Delete { share } => DeleteResourceShare::new(self.share(*share)).into(),
            ShareOp::Accept { share } => AcceptResourceShare::new(self.share(*share)).into(),
            ShareOp::ShareEncrypted { share, snapshot } => {
                AssociateResourceShare::new(self.share(*share))
                    .snapshot(self.shareable_encrypted(*snapshot))
                    .into()
            }
        }
    }
}
