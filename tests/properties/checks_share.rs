//! The sharing invariants a [`Sim`] checks after each step: SHARE-1 /
//! SHARE-2 quotas and counts, SHARE-10 (only owners change snapshots),
//! SHARE-3 (no access across sites), SHARE-13 / SHARE-14 (unsharing keeps
//! sharees' copies; releases wait for unsharing).

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use snapguard::{
    AccountId, Actor, Command, DiskSource, Event, ImageSource, ObjectKind, Principal,
    ReleaseReason, RuleId, ShareId, SnapshotId, SnapshotOrigin, State, Violation,
};

use crate::runner::Sim;

/// The rules that refuse a sharee what only the owner may do, besides the
/// GEN and PERM rules checked before them.
const SHAREE_REFUSALS: [RuleId; 4] = [
    RuleId::Share10,
    RuleId::Lock3,
    RuleId::Image1,
    RuleId::Disk2,
];

/// The snapshots a command changes or uses in a way only their owner may:
/// delete, lock, unlock, archive, set retention, build an image on, roll a
/// disk back to, share.
fn owner_only_targets(command: &Command) -> Vec<&SnapshotId> {
    match command {
        Command::DeleteSnapshot(c) => vec![&c.snapshot],
        Command::LockSnapshot(c) => vec![&c.snapshot],
        Command::UnlockSnapshot(c) => vec![&c.snapshot],
        Command::ArchiveSnapshot(c) => vec![&c.snapshot],
        Command::SetSnapshotRetention(c) => vec![&c.snapshot],
        Command::CreateImage(c) => vec![&c.snapshot],
        Command::ResetDisk(c) => vec![&c.snapshot],
        Command::CreateResourceShare(c) => c.snapshots.iter().collect(),
        Command::AssociateResourceShare(c) => c.snapshots.iter().collect(),
        _ => Vec::new(),
    }
}

/// The snapshot an event changes in a way only its owner may cause, and
/// how.
fn owner_only_change(event: &Event) -> Option<(&'static str, &SnapshotId)> {
    Some(match event {
        Event::SnapshotDeleted { snapshot, .. } => ("deleted", snapshot),
        Event::LockSet { snapshot, .. } => ("locked", snapshot),
        Event::LockReconfigured { snapshot, .. } => ("reconfigured the lock of", snapshot),
        Event::LockExtended { snapshot, .. } => ("extended the lock of", snapshot),
        Event::SnapshotUnlocked { snapshot, .. } => ("unlocked", snapshot),
        Event::SnapshotArchived { snapshot, .. } => ("archived", snapshot),
        Event::SnapshotShared { snapshot, .. } => ("shared", snapshot),
        Event::SnapshotUnshared { snapshot, .. } => ("unshared", snapshot),
        Event::RetentionChanged { snapshot, .. } => ("changed the retention of", snapshot),
        Event::DiskRolledBack { snapshot, .. } => ("rolled a disk back to", snapshot),
        Event::ImageCreated { image, .. } => match &image.source {
            ImageSource::Snapshot(snapshot) => ("built an image on", snapshot),
            _ => return None,
        },
        _ => return None,
    })
}

/// What the shares of a state hold, recounted from `resource_shares()`.
#[derive(Default)]
struct Recount {
    shares_of: BTreeMap<SnapshotId, BTreeSet<ShareId>>,
    principals_of: BTreeMap<SnapshotId, BTreeSet<Principal>>,
    shared_by: BTreeMap<AccountId, BTreeSet<SnapshotId>>,
}

fn recount(state: &State) -> Recount {
    let mut counts = Recount::default();
    for share in state.resource_shares() {
        for snapshot in share.snapshots.keys() {
            counts
                .shares_of
                .entry(snapshot.clone())
                .or_default()
                .insert(share.id.clone());
            counts
                .principals_of
                .entry(snapshot.clone())
                .or_default()
                .extend(share.principals.iter().cloned());
            counts
                .shared_by
                .entry(share.owner.clone())
                .or_default()
                .insert(snapshot.clone());
        }
    }
    counts
}

impl Sim {
    // -- SHARE-1 / SHARE-2 ----------------------------------------------------

    /// Every shared snapshot exists and belongs to its share's owner; no
    /// snapshot has more distinct principals over all its shares than the
    /// limit; no account more snapshots shared; `is_shared`,
    /// `shares_holding` and `shared_snapshot_count` agree with a recount.
    pub(crate) fn check_quotas(&self, context: &str) -> Result<(), TestCaseError> {
        let state = &self.state;
        let limits = state.limits();
        let counts = recount(state);
        for share in state.resource_shares() {
            for snapshot in share.snapshots.keys() {
                let owner = state.snapshot(snapshot).map(|s| &s.owner);
                prop_assert_eq!(
                    owner,
                    Some(&share.owner),
                    "share {} of {} holds snapshot {} which is not its owner's ({})",
                    share.id,
                    share.owner,
                    snapshot,
                    context
                );
            }
        }
        for (snapshot, principals) in &counts.principals_of {
            prop_assert!(
                principals.len() <= limits.max_principals_per_snapshot as usize,
                "SHARE-1: snapshot {} has {} principals, more than {}: {:?} ({})",
                snapshot,
                principals.len(),
                limits.max_principals_per_snapshot,
                principals,
                context
            );
        }
        for (account, shared) in &counts.shared_by {
            prop_assert!(
                shared.len() <= limits.max_shared_snapshots_per_account as usize,
                "SHARE-2: account {} has {} snapshots shared, more than {}: {:?} ({})",
                account,
                shared.len(),
                limits.max_shared_snapshots_per_account,
                shared,
                context
            );
        }
        for account in state.accounts() {
            let recounted = counts.shared_by.get(&account.id).map_or(0, BTreeSet::len);
            prop_assert_eq!(
                state.shared_snapshot_count(&account.id),
                recounted,
                "shared_snapshot_count({}) disagrees with the shares ({})",
                account.id,
                context
            );
        }
        let mut ids: BTreeSet<&SnapshotId> = state.snapshots().map(|s| &s.id).collect();
        ids.extend(counts.shares_of.keys());
        for id in ids {
            let recounted = counts.shares_of.get(id).cloned().unwrap_or_default();
            prop_assert_eq!(
                state.is_shared(id),
                !recounted.is_empty(),
                "is_shared({}) disagrees with the shares ({})",
                id,
                context
            );
            let holding: BTreeSet<ShareId> =
                state.shares_holding(id).map(|s| s.id.clone()).collect();
            prop_assert_eq!(
                &holding,
                &recounted,
                "shares_holding({}) disagrees with the shares ({})",
                id,
                context
            );
        }
        Ok(())
    }

    // -- SHARE-10 -------------------------------------------------------------

    /// An accepted command of a customer changes only its own account's
    /// snapshots in the ways only an owner may: never deletes, locks,
    /// unlocks, archives, shares, unshares, changes the retention of, builds
    /// an image on or rolls a disk back to another account's snapshot.
    pub(crate) fn check_only_owners_change_snapshots(
        &self,
        before: &State,
        actor: &Actor,
        events: &[Event],
        context: &str,
    ) -> Result<(), TestCaseError> {
        // The platform and billing are system actors, not sharees.
        let Some(account) = actor.account() else {
            return Ok(());
        };
        for event in events {
            let Some((what, snapshot)) = owner_only_change(event) else {
                continue;
            };
            let owner = before
                .snapshot(snapshot)
                .map(|s| &s.owner)
                .or_else(|| self.owners.get(snapshot));
            prop_assert_eq!(
                owner,
                Some(account),
                "SHARE-10: {} {} snapshot {} of {:?}: {:?} ({})",
                actor,
                what,
                snapshot,
                owner,
                event,
                context
            );
        }
        Ok(())
    }

    /// A sharee's attempt at what only the owner may do with a snapshot it
    /// sees as shared is refused, by SHARE-10, LOCK-3, IMAGE-1 or DISK-2 or
    /// an earlier GEN or PERM rule, never as if the snapshot were foreign
    /// to it (PERM-4 naming it). Counts the attempts; checks them if
    /// enabled.
    pub(crate) fn sharee_attempt(
        &mut self,
        before: &State,
        actor: &Actor,
        command: &Command,
        refusal: Option<&Violation>,
        context: &str,
    ) -> Result<(), TestCaseError> {
        let Some(account) = actor.account() else {
            return Ok(());
        };
        let now = self.now;
        let attempted: Vec<&SnapshotId> = owner_only_targets(command)
            .into_iter()
            .filter(|id| {
                before.snapshot(id).is_some_and(|s| s.owner != *account)
                    && before.shared_with(id, now).accounts.contains_key(account)
            })
            .collect();
        if attempted.is_empty() {
            return Ok(());
        }
        self.stats.saw("sharee tried what only the owner may do");
        if !self.checks.sharee {
            return Ok(());
        }
        let Some(violation) = refusal else {
            return Err(TestCaseError::fail(format!(
                "SHARE-10: sharee {actor} was allowed {} on shared {attempted:?} ({context})",
                command.name()
            )));
        };
        let rule = violation.rule();
        let code = rule.code();
        prop_assert!(
            SHAREE_REFUSALS.contains(&rule)
                || code.starts_with("GEN-")
                || code.starts_with("PERM-"),
            "SHARE-10: sharee {}'s {} on shared {:?} refused by {} instead: {} ({})",
            actor,
            command.name(),
            attempted,
            code,
            violation,
            context
        );
        if let Violation::ForeignResource {
            kind: ObjectKind::Snapshot,
            id,
            ..
        } = violation
        {
            prop_assert!(
                !attempted.iter().any(|s| s.as_str() == id),
                "SHARE-10: sharee {}'s {} refused as if shared {} were foreign to it: {} ({})",
                actor,
                command.name(),
                id,
                violation,
                context
            );
        }
        Ok(())
    }

    // -- SHARE-3 --------------------------------------------------------------

    /// No account sees, or is reached by a share of, a snapshot of an
    /// account of another site; share principals and directory members are
    /// on the owner's or management account's site.
    pub(crate) fn check_sites(&self, context: &str) -> Result<(), TestCaseError> {
        let state = &self.state;
        let now = self.now;
        let site = |account: &AccountId| state.account(account).map(|a| a.site);
        for account in state.accounts() {
            for seen in state.visible_snapshots(&account.id, now) {
                let owner = state.snapshot(&seen.snapshot).map(|s| &s.owner);
                prop_assert_eq!(
                    owner,
                    Some(&seen.owner),
                    "visible_snapshots({}) names {} with the wrong owner ({})",
                    account.id,
                    seen.snapshot,
                    context
                );
                prop_assert_eq!(
                    site(&seen.owner),
                    Some(account.site),
                    "SHARE-3: {} ({:?}) sees {} of {} across sites ({})",
                    account.id,
                    account.site,
                    seen.snapshot,
                    seen.owner,
                    context
                );
            }
        }
        let mut shared: BTreeSet<&SnapshotId> = BTreeSet::new();
        for share in state.resource_shares() {
            let owner_site = site(&share.owner);
            for principal in &share.principals {
                if let Principal::Account(sharee) = principal {
                    prop_assert_eq!(
                        site(sharee),
                        owner_site,
                        "SHARE-3: share {} of {} names {} of another site ({})",
                        share.id,
                        share.owner,
                        sharee,
                        context
                    );
                }
            }
            shared.extend(share.snapshots.keys());
        }
        for id in shared {
            let Some(owner) = state.snapshot(id).map(|s| &s.owner) else {
                continue;
            };
            for sharee in state.shared_with(id, now).accounts.keys() {
                prop_assert!(
                    sharee != owner && site(sharee) == site(owner),
                    "SHARE-3: shared_with({}) of {} ({:?}) lists {} ({:?}) ({})",
                    id,
                    owner,
                    site(owner),
                    sharee,
                    site(sharee),
                    context
                );
            }
        }
        for directory in state.directories() {
            for member in directory.members.keys() {
                prop_assert_eq!(
                    site(member),
                    site(&directory.management),
                    "SHARE-3: directory {} of {} holds {} of another site ({})",
                    directory.id,
                    directory.management,
                    member,
                    context
                );
            }
        }
        Ok(())
    }

    /// An accepted disk creation or copy from a snapshot uses one of an
    /// account of the actor's site (SHARE-3).
    pub(crate) fn check_sources_on_site(
        &self,
        before: &State,
        actor: &Actor,
        command: &Command,
        context: &str,
    ) -> Result<(), TestCaseError> {
        let source = match command {
            Command::CreateDisk(c) => match &c.source {
                DiskSource::Snapshot(id) => Some(id),
                _ => None,
            },
            Command::CopySnapshot(c) => Some(&c.source),
            _ => None,
        };
        let (Some(account), Some(source)) = (actor.account(), source) else {
            return Ok(());
        };
        let site = |account: &AccountId| before.account(account).map(|a| a.site);
        let owner = before.snapshot(source).map(|s| &s.owner);
        prop_assert!(
            owner.is_some_and(|owner| site(owner) == site(account)),
            "SHARE-3: {} ({:?}) used {} of {:?} ({:?}) in an accepted {} ({})",
            actor,
            site(account),
            source,
            owner,
            owner.and_then(site),
            command.name(),
            context
        );
        Ok(())
    }

    // -- SHARE-13 / SHARE-14 --------------------------------------------------

    /// After an accepted unsharing step (disassociation, share deletion,
    /// member removal), every copy a sharee made of another account's
    /// snapshot that was there is still there (SHARE-13). Counts what the
    /// step reached.
    pub(crate) fn unsharing_step(
        &mut self,
        before: &State,
        command: &Command,
        events: &[Event],
        context: &str,
    ) -> Result<(), TestCaseError> {
        if !matches!(
            command,
            Command::RemoveDirectoryMember(_)
                | Command::DisassociateResourceShare(_)
                | Command::DeleteResourceShare(_)
        ) {
            return Ok(());
        }
        // Time-caused releases of the step are not the unsharing's doing.
        let caught_up = match before.advance(self.now) {
            Ok(transition) => transition.state,
            Err(_) => before.clone(),
        };
        let unshared: BTreeSet<&SnapshotId> = events
            .iter()
            .filter_map(|e| match e {
                Event::SnapshotUnshared { snapshot, .. } => Some(snapshot),
                _ => None,
            })
            .collect();
        for copy in caught_up.snapshots() {
            let SnapshotOrigin::Copy { source, .. } = &copy.origin else {
                continue;
            };
            if self.owners.get(source).is_none_or(|o| *o == copy.owner) {
                continue;
            }
            self.stats.saw("sharee copy present at an unsharing step");
            if unshared.contains(source) {
                self.stats.saw("unshared the source of a sharee copy");
            }
            if self.checks.unsharing {
                prop_assert!(
                    self.state.snapshot(&copy.id).is_some(),
                    "SHARE-13: {} removed {}'s copy {} of {} ({})",
                    command.name(),
                    copy.owner,
                    copy.id,
                    source,
                    context
                );
            }
        }
        Ok(())
    }

    /// Walks the events: a release at retention end never names a snapshot
    /// still shared (SHARE-14, SNAP-2).
    pub(crate) fn check_releases_wait_for_unsharing(
        &self,
        before: &State,
        events: &[Event],
        context: &str,
    ) -> Result<(), TestCaseError> {
        let ended = |e: &Event| {
            matches!(
                e,
                Event::SnapshotReleased {
                    reason: ReleaseReason::RetentionEnded,
                    ..
                }
            )
        };
        if !events.iter().any(ended) {
            return Ok(());
        }
        let mut running = before.clone();
        for event in events {
            if let Event::SnapshotReleased {
                snapshot,
                reason: ReleaseReason::RetentionEnded,
                ..
            } = event
            {
                let holding: Vec<ShareId> = running
                    .shares_holding(snapshot)
                    .map(|s| s.id.clone())
                    .collect();
                prop_assert!(
                    holding.is_empty(),
                    "SHARE-14: {} released at retention end while in shares {:?} ({})",
                    snapshot,
                    holding,
                    context
                );
            }
            running = running.evolve(event);
        }
        Ok(())
    }

    /// No snapshot outside every share outlives its retention end as of the
    /// state's clock: released by time, or on leaving its last share
    /// (SNAP-2, SHARE-14).
    pub(crate) fn check_ended_snapshots_released(
        &self,
        context: &str,
    ) -> Result<(), TestCaseError> {
        let Some(clock) = self.state.clock() else {
            return Ok(());
        };
        for snapshot in self.state.snapshots() {
            if snapshot.retention.end().is_some_and(|end| end <= clock) {
                prop_assert!(
                    self.state.is_shared(&snapshot.id),
                    "SHARE-14: {} is in no share but still held after its retention ended at {:?} (clock {}) ({})",
                    snapshot.id,
                    snapshot.retention.end(),
                    clock,
                    context
                );
            }
        }
        Ok(())
    }
}
