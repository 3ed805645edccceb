//! The rule context: what every rule family sees and shares (the state as
//! of `now`, the actor), looking objects up, checking the actor, checking
//! permissions.
//!
//! Each family's rule function (in `rules/`) runs its checks in the
//! documented order through a [`Verdict`]. In "first" mode the first
//! refusal stops it (that is [`State::decide`]); in "all" mode checks that
//! later ones do not depend on are collected and evaluation goes on (that
//! is [`State::explain`]).

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use crate::ids::has_id_characters;
use crate::policy::{Decision, evaluate, resource_name};
use crate::share::reach::{self, Standing};
use crate::{
    AccountId, Action, Actor, Bound, DirectoryId, Disk, DiskId, Event, Folder, FolderId, Image,
    ImageId, ObjectKind, Region, RegionId, ResourceDirectory, ResourceShare, Retention, ShareId,
    ShareeOperation, Snapshot, SnapshotId, SnapshotKind, Span, State, Violation, time,
};

/// Evaluation stopped at this refusal.
pub(crate) struct Halt(pub(crate) Violation);

impl From<Violation> for Halt {
    fn from(violation: Violation) -> Self {
        Self(violation)
    }
}

impl From<time::OutOfRange> for Halt {
    fn from(out_of_range: time::OutOfRange) -> Self {
        Self(out_of_range.into())
    }
}

impl From<crate::limits::Exceeded> for Halt {
    fn from(exceeded: crate::limits::Exceeded) -> Self {
        Self(exceeded.into())
    }
}

/// The result of a step of evaluation.
pub(crate) type Step<T> = Result<T, Halt>;

/// Collects refusals: stops at the first, or gathers all independent ones.
pub(crate) struct Verdict {
    all: bool,
    found: Vec<Violation>,
}

impl Verdict {
    pub(crate) fn first() -> Self {
        Self {
            all: false,
            found: Vec::new(),
        }
    }

    pub(crate) fn all() -> Self {
        Self {
            all: true,
            found: Vec::new(),
        }
    }

    /// A check that later checks do not depend on.
    pub(crate) fn check(&mut self, result: Result<(), Violation>) -> Step<()> {
        match result {
            Ok(()) => Ok(()),
            Err(violation) if self.all => {
                self.found.push(violation);
                Ok(())
            }
            Err(violation) => Err(Halt(violation)),
        }
    }

    /// A check that later checks do not depend on, as a condition.
    pub(crate) fn ensure(
        &mut self,
        holds: bool,
        violation: impl FnOnce() -> Violation,
    ) -> Step<()> {
        self.check(if holds { Ok(()) } else { Err(violation()) })
    }

    /// Every refusal found in "all" mode, in the documented order; empty
    /// when the command would be accepted.
    pub(crate) fn into_refusals(mut self, outcome: Step<Vec<Event>>) -> Vec<Violation> {
        if let Err(Halt(violation)) = outcome {
            self.found.push(violation);
        }
        self.found
    }
}

/// What every rule sees: the state, the instant and the actor.
pub(crate) struct Ctx<'a> {
    pub(crate) state: &'a State,
    pub(crate) now: DateTime<Utc>,
    pub(crate) actor: &'a Actor,
    /// Snapshots released by time by `now` but not yet recorded: to the
    /// rules they are gone. Read snapshots through `Ctx`, never `state`.
    pub(crate) released: &'a BTreeSet<SnapshotId>,
    /// Backup points deleted by time by `now` but not yet recorded.
    pub(crate) expired: &'a BTreeSet<crate::BackupPointId>,
    /// The command being decided ([`crate::Command::name`]), or the query
    /// being answered, as a refusal of the actor names it (PERM-1).
    pub(crate) operation: &'static str,
}

impl Ctx<'_> {
    /// The customer account the actor acts for (PERM-1), checking that the
    /// account and user exist (GEN-4).
    pub(crate) fn customer(&self) -> Result<&AccountId, Violation> {
        let account = self.actor.account().ok_or_else(|| self.wrong_actor())?;
        self.account(account)?;
        if let Actor::User { user, .. } = self.actor {
            if self.state.user(account, user).is_none() {
                return Err(not_found(ObjectKind::User, user.as_str()));
            }
        }
        Ok(account)
    }

    /// Requires a system actor (PERM-1).
    pub(crate) fn system(&self, expected: &Actor) -> Result<(), Violation> {
        if self.actor == expected {
            Ok(())
        } else {
            Err(self.wrong_actor())
        }
    }

    /// PERM-1: the actor may not issue the operation being decided.
    pub(crate) fn wrong_actor(&self) -> Violation {
        Violation::WrongActor {
            actor: self.actor.clone(),
            command: self.operation.to_owned(),
        }
    }

    /// PERM-1, PERM-2: the account root may do everything its account may
    /// do; a user needs a matching Allow and no matching Deny.
    ///
    /// The resource name is built only when a policy must be evaluated or a
    /// refusal names it: a root account's commands never format one.
    pub(crate) fn authorize(
        &self,
        action: Action,
        resource: impl FnOnce() -> String,
    ) -> Result<(), Violation> {
        match self.actor {
            Actor::Root { .. } => Ok(()),
            Actor::User { account, user } => {
                let resource = resource();
                let decision = self.user_decision(account, user, action, &resource);
                self.refuse(action, resource, decision)
            }
            Actor::Platform | Actor::Billing => {
                self.refuse(action, resource(), Decision::ImplicitDeny)
            }
        }
    }

    /// [`Ctx::authorize`] for an action on `target` that reads the data of
    /// `source` (the snapshot a disk or image is made from, the image a
    /// disk is made from, the snapshot a disk rolls back to), as one
    /// permission check: a user's Deny naming the source refuses it too
    /// (PERM-5). No Allow is needed on the source: the action is granted on
    /// what it creates or changes, but a Deny on data holds on every path
    /// that reads it. The source's name is only built for a user.
    pub(crate) fn authorize_reading(
        &self,
        action: Action,
        target: impl FnOnce() -> String,
        source: impl FnOnce() -> Option<String>,
    ) -> Result<(), Violation> {
        self.authorize(action, target)?;
        let Actor::User { account, user } = self.actor else {
            return Ok(());
        };
        let Some(resource) = source() else {
            return Ok(());
        };
        match self.user_decision(account, user, action, &resource) {
            Decision::ExplicitDeny => self.refuse(action, resource, Decision::ExplicitDeny),
            Decision::Allowed | Decision::ImplicitDeny => Ok(()),
        }
    }

    /// What a user's statements decide for `action` on `resource` (PERM-1);
    /// a user that does not exist is allowed nothing.
    fn user_decision(
        &self,
        account: &AccountId,
        user: &crate::UserId,
        action: Action,
        resource: &str,
    ) -> Decision {
        self.state
            .user(account, user)
            .map_or(Decision::ImplicitDeny, |u| {
                evaluate(&u.statements, action, resource)
            })
    }

    /// The refusal `decision` means for the actor, if it is not an Allow.
    fn refuse(
        &self,
        action: Action,
        resource: String,
        decision: Decision,
    ) -> Result<(), Violation> {
        match decision {
            Decision::Allowed => Ok(()),
            Decision::ImplicitDeny | Decision::ExplicitDeny => Err(Violation::PermissionDenied {
                actor: self.actor.clone(),
                action,
                resource,
                explicit_deny: decision == Decision::ExplicitDeny,
            }),
        }
    }

    /// GEN-7, GEN-5, GEN-4: the id of a new object of `kind`. The id
    /// requested must be within the length bound, well formed and not
    /// `taken`. [`MINT`](crate::MINT) asks for the state's next minted id,
    /// which no bound applies to and which is free by construction: every
    /// minted id a state holds is below its count (loading refuses any
    /// other, `StateError::NotYetMinted`, and recording a creation moves
    /// the count past the id created), and the count only grows. Once all
    /// 10^19 numbers are spent, every minted id is taken (GEN-4).
    pub(crate) fn fresh<I>(
        &self,
        kind: ObjectKind,
        requested: &I,
        taken: impl FnOnce(&I) -> bool,
    ) -> Result<I, Violation>
    where
        I: Clone + AsRef<str> + From<String>,
    {
        let text = requested.as_ref();
        if text == crate::MINT {
            return kind
                .minted_id(self.state.minted)
                .map(I::from)
                .ok_or_else(|| Violation::AlreadyExists {
                    kind,
                    id: text.to_owned(),
                });
        }
        self.state
            .limits
            .within(Bound::IdChars, text.chars().count())?;
        if !has_id_characters(text) {
            Err(Violation::InvalidId {
                kind,
                id: text.to_owned(),
            })
        } else if taken(requested) {
            Err(Violation::AlreadyExists {
                kind,
                id: text.to_owned(),
            })
        } else {
            Ok(requested.clone())
        }
    }

    pub(crate) fn account(&self, id: &AccountId) -> Result<&crate::Account, Violation> {
        self.state
            .account(id)
            .ok_or_else(|| not_found(ObjectKind::Account, id.as_str()))
    }

    pub(crate) fn region(&self, id: &RegionId) -> Result<&Region, Violation> {
        self.state
            .region(id)
            .ok_or_else(|| not_found(ObjectKind::Region, id.as_str()))
    }

    pub(crate) fn snapshot(&self, id: &SnapshotId) -> Result<&Snapshot, Violation> {
        self.state
            .snapshot(id)
            .filter(|_| !self.released.contains(id))
            .ok_or_else(|| not_found(ObjectKind::Snapshot, id.as_str()))
    }

    /// The automatic snapshots of a disk held at `now`, oldest first.
    pub(crate) fn automatic_snapshots<'s>(
        &'s self,
        disk: &'s DiskId,
    ) -> impl Iterator<Item = &'s SnapshotId> + 's {
        self.state
            .automatic_snapshots(disk)
            .filter(|id| !self.released.contains(*id))
    }

    /// How many automatic snapshots a disk holds at `now`, from the index's
    /// length less those just released (no scan of the disk's snapshots).
    pub(crate) fn automatic_count(&self, disk: &DiskId) -> usize {
        let indexed = self.state.index.automatic_count(disk);
        let released = self
            .released
            .iter()
            .filter_map(|id| self.state.snapshot(id))
            .filter(|s| s.kind == SnapshotKind::Automatic && s.origin.disk() == Some(disk))
            .count();
        indexed.saturating_sub(released)
    }

    pub(crate) fn disk(&self, id: &DiskId) -> Result<&Disk, Violation> {
        self.state
            .disk(id)
            .ok_or_else(|| not_found(ObjectKind::Disk, id.as_str()))
    }

    pub(crate) fn image(&self, id: &ImageId) -> Result<&Image, Violation> {
        self.state
            .image(id)
            .ok_or_else(|| not_found(ObjectKind::Image, id.as_str()))
    }

    pub(crate) fn directory(&self, id: &DirectoryId) -> Result<&ResourceDirectory, Violation> {
        self.state
            .directory(id)
            .ok_or_else(|| not_found(ObjectKind::Directory, id.as_str()))
    }

    pub(crate) fn folder(&self, id: &FolderId) -> Result<&Folder, Violation> {
        self.state
            .folder(id)
            .ok_or_else(|| not_found(ObjectKind::Folder, id.as_str()))
    }

    pub(crate) fn resource_share(&self, id: &ShareId) -> Result<&ResourceShare, Violation> {
        self.state
            .resource_share(id)
            .ok_or_else(|| not_found(ObjectKind::ResourceShare, id.as_str()))
    }

    /// A snapshot of `account` (GEN-4, then PERM-4).
    pub(crate) fn own_snapshot(
        &self,
        account: &AccountId,
        id: &SnapshotId,
    ) -> Result<&Snapshot, Violation> {
        let snapshot = self.snapshot(id)?;
        owned(account, &snapshot.owner, ObjectKind::Snapshot, id.as_str())?;
        Ok(snapshot)
    }

    /// A snapshot only its owner `account` may act on this way (GEN-4):
    /// one shared with the account is refused by `forbidden` (SHARE-10 and
    /// its kin), any other of another account by PERM-4.
    pub(crate) fn owned_snapshot_or(
        &self,
        account: &AccountId,
        id: &SnapshotId,
        forbidden: impl FnOnce(&Snapshot) -> Violation,
    ) -> Result<&Snapshot, Violation> {
        let snapshot = self.snapshot(id)?;
        if snapshot.owner != *account
            && reach::standing(self.state, snapshot, account, self.now).is_visible()
        {
            return Err(forbidden(snapshot));
        }
        owned(account, &snapshot.owner, ObjectKind::Snapshot, id.as_str())?;
        Ok(snapshot)
    }

    /// A snapshot only its owner may act on: a sharee is refused by
    /// SHARE-10 naming `operation`, anyone else by PERM-4.
    pub(crate) fn owned_snapshot(
        &self,
        account: &AccountId,
        id: &SnapshotId,
        operation: ShareeOperation,
    ) -> Result<&Snapshot, Violation> {
        self.owned_snapshot_or(account, id, |snapshot| Violation::ShareeMayNot {
            snapshot: snapshot.id.clone(),
            owner: snapshot.owner.clone(),
            operation,
        })
    }

    /// A snapshot `account` owns or that a share holding it reaches
    /// (GEN-4, PERM-4); whether it may use it now is [`Ctx::usable`].
    pub(crate) fn reachable_snapshot(
        &self,
        account: &AccountId,
        id: &SnapshotId,
    ) -> Result<(&Snapshot, Option<Standing<'_>>), Violation> {
        let snapshot = self.snapshot(id)?;
        if snapshot.owner == *account {
            return Ok((snapshot, None));
        }
        match reach::standing(self.state, snapshot, account, self.now) {
            Standing::Foreign => Err(foreign(
                ObjectKind::Snapshot,
                id.as_str(),
                &snapshot.owner,
                account,
            )),
            standing => Ok((snapshot, Some(standing))),
        }
    }

    /// Whether `account` may use a snapshot shared with it now: it accepted
    /// the share (SHARE-7), the view has not expired (SHARE-9), the owner's
    /// role trusts it with a customer-key snapshot (SHARE-6).
    pub(crate) fn usable(
        &self,
        account: &AccountId,
        snapshot: &Snapshot,
        standing: Option<Standing<'_>>,
    ) -> Result<(), Violation> {
        match standing {
            None | Some(Standing::Usable(_)) => Ok(()),
            Some(Standing::Untrusted(_)) => Err(Violation::EncryptedShareNotTrusted {
                snapshot: snapshot.id.clone(),
                owner: snapshot.owner.clone(),
                sharee: account.clone(),
            }),
            Some(Standing::Pending(share)) => Err(Violation::ShareNotAccepted {
                share: share.id.clone(),
                account: account.clone(),
            }),
            Some(Standing::Expired(share, expired_at)) => Err(Violation::SharedViewExpired {
                share: share.id.clone(),
                snapshot: snapshot.id.clone(),
                expired_at,
            }),
            Some(Standing::Foreign) => Err(foreign(
                ObjectKind::Snapshot,
                snapshot.id.as_str(),
                &snapshot.owner,
                account,
            )),
        }
    }

    /// SHARE-12: refuses the deletion of a snapshot that is shared.
    pub(crate) fn guard_shared(&self, snapshot: &Snapshot) -> Result<(), Violation> {
        match self.state.share_count(&snapshot.id) {
            0 => Ok(()),
            shares => Err(Violation::SnapshotShared {
                snapshot: snapshot.id.clone(),
                shares,
            }),
        }
    }

    /// Whether a deletion path other than a request may remove the snapshot
    /// at `now`: not while a lock protects it (LOCK-10) nor while it is
    /// shared (SHARE-12).
    pub(crate) fn removable(&self, snapshot: &Snapshot) -> bool {
        !snapshot.is_locked_at(self.now) && !self.state.is_shared(&snapshot.id)
    }

    /// A disk of `account` (GEN-4, then PERM-4).
    pub(crate) fn own_disk(&self, account: &AccountId, id: &DiskId) -> Result<&Disk, Violation> {
        let disk = self.disk(id)?;
        owned(account, &disk.owner, ObjectKind::Disk, id.as_str())?;
        Ok(disk)
    }

    /// An image of `account` (GEN-4, then PERM-4).
    pub(crate) fn own_image(&self, account: &AccountId, id: &ImageId) -> Result<&Image, Violation> {
        let image = self.image(id)?;
        owned(account, &image.owner, ObjectKind::Image, id.as_str())?;
        Ok(image)
    }

    /// SNAP-5: a retention in days from `from`, or permanent.
    pub(crate) fn retention(
        &self,
        days: Option<u32>,
        from: DateTime<Utc>,
    ) -> Result<Retention, Violation> {
        let Some(days) = days else {
            return Ok(Retention::Permanent);
        };
        let limits = &self.state.limits;
        if !(limits.min_retention_days..=limits.max_retention_days).contains(&days) {
            return Err(Violation::RetentionOutOfRange {
                days,
                min: limits.min_retention_days,
                max: limits.max_retention_days,
            });
        }
        Ok(Retention::Until(time::later(from, Span::Days(days))?))
    }
}

/// The resource name of a snapshot, as permission statements name it.
pub(crate) fn snapshot_resource(snapshot: &Snapshot) -> String {
    resource_name(
        &snapshot.region,
        &snapshot.owner,
        "snapshot",
        snapshot.id.as_str(),
    )
}

pub(crate) fn not_found(kind: ObjectKind, id: &str) -> Violation {
    Violation::NotFound {
        kind,
        id: id.to_owned(),
    }
}

/// PERM-4: an actor acts only on its own account's resources.
pub(crate) fn owned(
    account: &AccountId,
    owner: &AccountId,
    kind: ObjectKind,
    id: &str,
) -> Result<(), Violation> {
    if account == owner {
        Ok(())
    } else {
        Err(foreign(kind, id, owner, account))
    }
}

/// PERM-4: `account` acted on an object of `owner`.
pub(crate) fn foreign(
    kind: ObjectKind,
    id: &str,
    owner: &AccountId,
    account: &AccountId,
) -> Violation {
    Violation::ForeignResource {
        kind,
        id: id.to_owned(),
        owner: owner.clone(),
        account: account.clone(),
    }
}
