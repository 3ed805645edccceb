//! Helpers for the sharing tests: principals, shares, directories, and a
//! snapshot shared encrypted with a customer master key.
#![allow(dead_code)]

use snapguard::{
    AcceptResourceShare, AccountId, Actor, AddDirectoryMember, AssociateResourceShare, Command,
    CreateAccount, CreateFolder, CreateResourceDirectory, CreateResourceShare,
    DisassociateResourceShare, Encryption, Event, Principal, PrincipalScope, RuleId,
    SetEncryptedShareRole, Site, Violation,
};

use crate::common::{OTHER, OWNER, REGION, World, blank_disk, root};

/// An account principal.
pub fn account(id: &str) -> Principal {
    Principal::account(id)
}

/// A resource directory principal.
pub fn directory(id: &str) -> Principal {
    Principal::directory(id)
}

/// A folder principal.
pub fn folder(id: &str) -> Principal {
    Principal::folder(id)
}

/// A share of all-accounts scope with these principals and snapshots.
pub fn create_share(
    share: &str,
    principals: &[Principal],
    snapshots: &[&str],
) -> CreateResourceShare {
    create_scoped_share(share, PrincipalScope::AllAccounts, principals, snapshots)
}

/// A share of the given scope with these principals and snapshots.
pub fn create_scoped_share(
    share: &str,
    scope: PrincipalScope,
    principals: &[Principal],
    snapshots: &[&str],
) -> CreateResourceShare {
    CreateResourceShare::new(share, scope)
        .principals(principals.to_vec())
        .snapshots(snapshots.iter().copied())
}

/// Adds principals and snapshots to a share.
pub fn associate(
    share: &str,
    principals: &[Principal],
    snapshots: &[&str],
) -> AssociateResourceShare {
    AssociateResourceShare::new(share)
        .principals(principals.to_vec())
        .snapshots(snapshots.iter().copied())
}

/// Removes principals and snapshots from a share.
pub fn disassociate(
    share: &str,
    principals: &[Principal],
    snapshots: &[&str],
) -> DisassociateResourceShare {
    DisassociateResourceShare::new(share)
        .principals(principals.to_vec())
        .snapshots(snapshots.iter().copied())
}

/// Accepting a share.
pub fn accept(share: &str) -> AcceptResourceShare {
    AcceptResourceShare::new(share)
}

impl World {
    /// A command by [`OWNER`]'s root that must be accepted.
    #[track_caller]
    pub fn by_owner(&mut self, command: impl Into<Command>) -> Vec<Event> {
        self.ok(&root(OWNER), command)
    }

    /// A command by [`OWNER`]'s root that must be refused by `rule`.
    #[track_caller]
    pub fn owner_refused(&mut self, command: impl Into<Command>, rule: RuleId) -> Violation {
        self.refused(&root(OWNER), command, rule)
    }

    /// Registers more accounts on a site.
    #[track_caller]
    pub fn accounts(&mut self, ids: &[&str], site: Site) {
        for id in ids {
            self.ok(&Actor::Platform, CreateAccount::new(*id, site));
        }
    }

    /// [`OWNER`] shares its snapshot `s-1` with `sharee` through `rs-1`, and
    /// `sharee` accepts.
    #[track_caller]
    pub fn share_with(&mut self, sharee: &str) {
        self.ok(
            &root(OWNER),
            create_share("rs-1", &[account(sharee)], &["s-1"]),
        );
        self.ok(&root(sharee), accept("rs-1"));
    }

    /// [`OWNER`] creates directory `rd-1` with folder `fd-1`, and adds
    /// `members` at the directory's root.
    #[track_caller]
    pub fn directory(&mut self, members: &[&str]) {
        self.ok(&root(OWNER), CreateResourceDirectory::new("rd-1"));
        self.ok(&root(OWNER), CreateFolder::new("fd-1"));
        for member in members {
            self.join(member, None);
        }
    }

    /// Adds an account to [`OWNER`]'s directory, in a folder or at its root.
    #[track_caller]
    pub fn join(&mut self, member: &str, folder: Option<&str>) {
        self.ok(
            &root(OWNER),
            AddDirectoryMember::new(AccountId::new(member)).maybe_folder(folder.map(Into::into)),
        );
    }
}

/// [`OWNER`]'s disk `d-e` encrypted with its customer key `k-1` (in
/// [`REGION`]), its permanent snapshot `s-e`, the share-encrypted-snapshot
/// role trusting [`OTHER`], and `s-e` shared with and accepted by [`OTHER`]
/// through `rs-1`. [`OTHER`] has KMS and its own key `k-2` in [`REGION`].
pub fn encrypted_shared() -> World {
    let mut w = World::new();
    w.key(OWNER, "k-1", REGION);
    w.key(OTHER, "k-2", REGION);
    w.ok(
        &root(OWNER),
        blank_disk("d-e", REGION).encryption(Encryption::CustomerKey("k-1".into())),
    );
    w.snapshot(OWNER, "d-e", "s-e", None);
    w.ok(
        &root(OWNER),
        SetEncryptedShareRole::new().trust(AccountId::new(OTHER)),
    );
    w.ok(
        &root(OWNER),
        create_share("rs-1", &[account(OTHER)], &["s-e"]),
    );
    w.ok(&root(OTHER), accept("rs-1"));
    w
}
