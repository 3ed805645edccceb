//! **The reference semantics of cloud snapshot compliance**: WORM snapshot
//! locks with cooling-off windows, retention, the archive tier, sharing
//! across accounts, copies and encryption, Cloud Backup's immutable vaults,
//! and who may do what, as a pure Rust state machine modelled on Alibaba
//! Cloud.
//!
//! Every operation takes the [`State`], an [`Actor`], a [`Command`] and the
//! current instant (`now`, passed in, never read from a clock), and returns
//! either a new state with the [`Event`]s it caused, or a typed
//! [`Violation`] that names the rule that refused it ([`Violation::rule`])
//! and leaves the state untouched. Nothing reads a clock, a random source,
//! the environment or any I/O (GEN-1).
//!
//! # Three uses
//!
//! - **Embed it to decide requests.** A control plane keeps a [`State`] and
//!   asks it about each request: [`State::decide`] (what would happen),
//!   [`State::apply`] or [`State::apply_mut`] (do it), [`State::explain`]
//!   (every rule that refuses), [`State::advance`] with
//!   [`State::next_deadline`] (what time alone causes). Threads and timers
//!   that read their own clocks decide at [`State::monotonic_now`], never
//!   refused for time running backwards (GEN-2). The state serializes with
//!   serde and is checked when it is loaded back ([`UncheckedState`]).
//! - **Property-test a service against it** with the `testing` feature:
//!   `snapguard::testing` generates realistic histories (proptest
//!   strategies, with a share of hostile steps) to run through your
//!   service and through snapguard, and lists every invariant a state,
//!   or one exported by your service, breaks.
//! - **Read it, or drive it from any language.** The
//!   [rule catalog](RuleId#catalog) states every rule with its stable id
//!   (`LOCK-6`, `SHARE-2`, ...), and each refusal names one. The [`oracle`]
//!   answers JSON requests one line at a time, and the
//!   [scenario corpus](https://github.com/snapguard/snapguard/tree/main/tests/scenarios)
//!   holds histories in that format, each step with its expected outcome,
//!   that together cover every rule: replay them through your own
//!   implementation to check it rule by rule.
//!
//! # Example
//!
//! Lock a snapshot with no cooling-off, and watch deletion be refused until
//! the lock expires:
//!
//! ```
//! use chrono::{TimeDelta, TimeZone, Utc};
//! use snapguard::{
//!     Actor, Command, CreateAccount, CreateDisk, CreateRegion, CreateSnapshot, DeleteSnapshot,
//!     DiskCategory, FinishSnapshot, LockSnapshot, RuleId, Site, State,
//! };
//!
//! let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
//! let owner = Actor::root("1001");
//! let mut state = State::new();
//!
//! // The platform registers a region and an account; the owner takes a snapshot.
//! state.apply_mut(now, &Actor::Platform, CreateRegion::new("cn-hangzhou"))?;
//! state.apply_mut(now, &Actor::Platform, CreateAccount::new("1001", Site::China))?;
//! state.apply_mut(now, &owner, CreateDisk::new("d-1", "cn-hangzhou", DiskCategory::Essd, 40))?;
//! state.apply_mut(now, &owner, CreateSnapshot::new("s-1", "d-1"))?;
//! state.apply_mut(now, &Actor::Platform, FinishSnapshot::available("s-1", 12))?;
//!
//! // Lock it for 30 days, in compliance at once.
//! state.apply_mut(now, &owner, LockSnapshot::new("s-1", 30, 0))?;
//!
//! // Nobody can delete it now: LOCK-10 refuses, says when it will allow it,
//! // and the state is unchanged.
//! let delete = Command::from(DeleteSnapshot::new("s-1"));
//! let before = state.clone();
//! let refusal = state.apply_mut(now, &owner, &delete).unwrap_err();
//! assert_eq!(refusal.rule(), RuleId::Lock10);
//! let expiry = now + TimeDelta::days(30);
//! assert_eq!(refusal.retry_at(), Some(expiry));
//! assert_eq!(state, before);
//!
//! // At expiry the same request goes through.
//! let events = state.apply_mut(expiry, &owner, &delete)?;
//! assert_eq!(events.len(), 2); // the lock expired, then the snapshot was deleted
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # How it works
//!
//! - **decide** borrows the state and holds every rule: it returns the
//!   events a command causes, or the first [`Violation`] in a documented
//!   order. **explain** lists every rule that refuses a command.
//! - **evolve** records one event. It cannot fail and holds no rules, so
//!   replaying the events of an accepted history rebuilds its state.
//! - **apply** (and `apply_mut`) decides and records: a new state with its
//!   events, or a violation and no change at all.
//! - **advance** records what time alone causes by `now`: cooling-off
//!   ended, lock expired, retention reached. **next_deadline** says when to
//!   call it. Every command first catches up with time, and its transition
//!   lists those events first.
//!
//! A [`State`] is a persistent value: [`State::apply`] returns a new state
//! that shares everything the command did not change with the old one.
//! Every size a caller chooses is bounded by [`Limits`], whose defaults are
//! the provider's published limits (GEN-7).
//!
//! # Feature flags
//!
//! | feature | adds |
//! |---|---|
//! | `testing` | `snapguard::testing`: proptest strategies of histories and states, generated hostile steps, and the invariant checker `testing::broken_invariants` (depends on `proptest`) |
//! | `oracle` | the `snapguard-oracle` binary |
//! | `schema` | JSON Schema of the oracle's format |
//!
//! No feature is on by default. The documentation on docs.rs is built with
//! every feature and marks the items each needs.
//!
//! # Saved states
//!
//! A [`State`] serializes as its data (no indexes) with a `format` version
//! ([`State::FORMAT_VERSION`], now 1), written first. A state without one
//! is read as version 1; a state of a newer version is refused with
//! [`StateError::UnsupportedFormat`], naming both versions, rather than
//! misread: load it with the snapguard version that wrote it, or a later
//! one. Loading checks every invariant and refuses a state no accepted
//! history could produce ([`UncheckedState`] lists every one it breaks).
//!
//! # More
//!
//! The [README](https://github.com/snapguard/snapguard#readme) walks
//! through sharing, copies, Cloud Backup vaults, fleet-scale use, fuzzing
//! and `snapguard-server`, a local Alibaba Cloud endpoint backed by this
//! crate that the official SDKs run against unchanged. The minimum
//! supported Rust version is 1.85.
//!
//! # Decisions
//!
//! Where the source documents are silent, the crate decides as the
//! [rule catalog](RuleId#catalog) records (each such rule says
//! **Decision**), and documents each decision where it applies. Those
//! specific to this crate's model:
//!
//! - Retention given in days counts from the snapshot's creation, on
//!   creation and on modification (as `RetentionDays` does in the ECS API);
//!   a copy's counts from the copy's creation.
//! - Archiving replaces the snapshot's retention by the archive retention,
//!   counted from the instant of archiving (ARCH-2, LOCK-14).
//! - An archived snapshot's retention is its archive retention (ARCH-2):
//!   setting it in days counts from the instant of archiving and must stay
//!   within the archive range, making it permanent is refused, and it is
//!   never shortened (SNAP-3).
//! - A disk built from a snapshot is in the snapshot's region (DISK-1).
//! - In compliance, extending a lock to exactly its current expiry is an
//!   accepted no-op (LOCK-8); unlocking an expired lock is an accepted
//!   no-op, so the instant a compliance lock refuses unlocking until is its
//!   expiry (LOCK-6).
//! - The instant a state "has seen" (GEN-2) is the latest instant of an
//!   event it recorded ([`State::clock`]). A call that records nothing (an
//!   `advance` with nothing due, an accepted no-op) leaves no trace in the
//!   state, so it does not move the clock; nothing recorded can then
//!   contradict a later command at an earlier instant, and replaying the
//!   events rebuilds the clock exactly.
//! - Ids are never given twice, not even after the object is deleted
//!   (GEN-4). A caller's ids are remembered for that; ids the model mints
//!   ([`MINT`]) are not, as their numbers only grow.
//! - A window whose end lies beyond the instants chrono can represent never
//!   ends: an overdue threshold there is never reached (LOCK-12), an
//!   archived snapshot deleted under such a minimum storage period is
//!   always early (ARCH-4).
//! - Ids a caller gives new objects must be well formed
//!   ([`is_well_formed`]), so that resource names stay unambiguous (GEN-5);
//!   [`MINT`] asks the model for one instead.
//! - Releasing a disk with its automatic snapshots, or deleting an image
//!   with its snapshot, is authorized by the action on the disk or image
//!   (`ecs:DeleteDisk`, `ecs:DeleteImage`), as in the provider's API; a Deny
//!   of `ecs:DeleteSnapshot` does not stop them. Locks still do (LOCK-10).
//! - Describing locks checks `ecs:DescribeLockedSnapshots` on each snapshot
//!   reported; an account with no matching lock reports an empty list.
//! - Resource names are `acs:ecs:<region>:<account>:<kind>/<id>` with kind
//!   `snapshot`, `disk` or `image` (PERM-1); a resource share, which has no
//!   region, is `acs:resourcesharing::<account>:resourceshare/<id>`; a key
//!   is `acs:kms:<region>:<account>:key/<id>`.
//!
//! Sharing (SHARE):
//!
//! - A snapshot is *shared* while it belongs to at least one resource share,
//!   whoever that share's principals are (SHARE-2, SHARE-12, SHARE-14).
//!   Unsharing removes it from a share or deletes the share; removing a
//!   principal only narrows whom the share reaches.
//! - A share reaches an account of its owner's site (SHARE-3), never its
//!   owner, that it names; or, while both are members of the owner's
//!   directory, through the directory or the account's folder (SHARE-8). A
//!   share scoped to the directory reaches only members of it (SHARE-4).
//!   Reach is computed from the memberships of each instant.
//! - Directory and folder principals are always the owner's own directory
//!   and its folders, whatever the scope (SHARE-4). Folders are flat. A
//!   directory's members are on its management account's site, and only its
//!   management account's root adds or removes them.
//! - Acceptance is once per share and account (SHARE-7), whichever principal
//!   reaches the account, and is kept if it stops being reached.
//! - What sharees see of a snapshot expires at an instant fixed when the
//!   snapshot joins a share: its retention end then, or 1,096 days later if
//!   it was permanent (SHARE-9). Extending the retention later does not
//!   extend views already granted; sharing it again grants a new one.
//! - SHARE-6 is checked when sharing for account principals, and when a
//!   sharee uses the snapshot for everyone, so members joining a directory
//!   later, and trust withdrawn later, are covered.
//! - A snapshot whose retention has ended is not shareable (SHARE-5), and a
//!   shared snapshot cannot be archived (SHARE-5, with ARCH-3): archiving
//!   would replace the retention its sharees' views were fixed against.
//! - A sharee acting as an owner is refused by SHARE-10, except where a more
//!   specific rule says the same: locking (LOCK-3), images (IMAGE-1) and
//!   rollback (DISK-2). SHARE-5's "snapshots shared with you" is reported as
//!   a re-share, SHARE-10.
//! - Like locked snapshots, shared ones survive every deletion path but
//!   billing's overdue release (LOCK-12), which removes them from their
//!   shares.
//!
//! Copies and keys (COPY):
//!
//! - The service key needs no record: it exists in every region of every
//!   account. Customer master keys ([`Key`]) belong to one account and one
//!   region, and are created only with KMS activated (COPY-3). They are
//!   never deleted, so every key an object names stays known.
//! - A customer master key encrypts a new copy or disk only if it is the
//!   account's own (PERM-4), enabled and in the copy's or disk's region.
//!   For a copy that is COPY-3's "uses a customer master key"; for a disk
//!   the catalog is silent, and the refusal reports DISK-1
//!   ([`Violation::KeyNotUsable`]). Encrypting a disk does not need KMS
//!   activated; creating the key does. Disabling a key stops only new
//!   encryption with it: what it encrypts stays usable (copies, disks,
//!   snapshots), as the catalog does not say otherwise.
//! - A disk made from an encrypted snapshot is encrypted too (DISK-1,
//!   [`Violation::UnencryptedFromEncrypted`]), as the provider does for
//!   disks made from encrypted snapshots. With COPY-2 this keeps encrypted
//!   data from ever becoming plaintext.
//! - A copy of data from a disk built from an imported image is no more
//!   shareable than the original (SHARE-5): the mark travels with copies
//!   ([`SnapshotOrigin::from_imported_image`]).
//! - Only an account's root activates KMS ([`ActivateKms`]), as only the
//!   root sets the share-encrypted-snapshot role.
//! - A sharee naming the shared snapshot's own key for a disk or copy is
//!   refused by SHARE-11 before the key's ownership is looked at, since
//!   that is the rule it needs to read.
//! - A copy is a new snapshot: [`Event::SnapshotCopied`] records it with
//!   its lineage and billing basis, and the copy's retention counts from
//!   the copy's creation (COPY-5).
//! - A lineage (COPY-7) is also per account billed; the root of a copy of a
//!   copy is the disk the chain started from, and a chain started by a
//!   snapshot of no disk is charged its snapshot size; a lineage starts when its
//!   first copy completes, and stays after its copies are deleted. See
//!   [`CopyLineage`].
//! - A region closing down refuses encrypted copies only (COPY-4); standard
//!   copies, disks and snapshots there go on.
//!
//! Cloud Backup (VAULT):
//!
//! - Backup points are recorded by the platform ([`CreateBackupPoint`]):
//!   backing up is never hindered (VAULT-8). A point's retention is given in
//!   days (the SNAP-5 range, as for an archive vault's), or defaults to its
//!   archive vault's, or is permanent. A locked point is locked until its
//!   retention ends, so a permanent one for good.
//! - Immutability on a policy needs the policy's vault to support it
//!   (VAULT-2). Asking to disable it is refused whether or not it was on
//!   (VAULT-3): there is no disabling.
//! - The model has no command that modifies a backup point: deletion is the
//!   only change, and VAULT-5 refuses it while the point is locked.
//! - Deleting a vault deletes its points and policies. A vault that is not
//!   immutable but holds a point locked by an immutable policy is refused by
//!   VAULT-5, as deleting it would delete that point.
//! - Replication is one level deep: a replica is not replicated again
//!   (VAULT-7). A point may be replicated more than once into its vault's
//!   replica: each replication run makes a new replica point. Enabling immutability on a vault enables it on its replicas;
//!   locking a point locks its replicas; a replica point keeps its source's
//!   retention.
//! - The ECS snapshot a backup point holds stays an ordinary snapshot
//!   (VAULT-8): disks, copies, sharing and deletion follow the snapshot's
//!   own rules, not the point's lock.
//! - Vault, policy and point resource names are
//!   `acs:hbr:<region>:<account>:vault/<id>`,
//!   `acs:hbr:<region>:<account>:backupplan/<id>` and
//!   `acs:hbr:<region>:<account>:vault/<vault>/backuppoint/<id>`.
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::todo,
        clippy::unimplemented,
        clippy::unreachable,
        clippy::arithmetic_side_effects,
        clippy::as_conversions
    )
)]

mod account;
mod actor;
mod archive;
mod command;
mod copy;
mod ctx;
mod deadline;
mod describe;
mod directory;
mod disk;
mod dispatch;
mod encryption;
mod event;
mod evolve;
mod ids;
mod image;
mod index;
mod key;
mod limits;
mod lineage;
mod load;
mod lock;
mod lock_query;
mod machine;
mod mint;
pub mod oracle;
mod policy;
mod query;
mod region;
mod rule;
mod rules;
mod share;
mod snapshot;
mod state;
mod store;
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;
mod time;
mod vault;
mod violation;

pub use account::{Account, Site, User};
pub use actor::{Action, Actor};
pub use archive::Unarchivable;
pub use command::{
    AcceptResourceShare, ActivateKms, AddDirectoryMember, ArchiveSnapshot, AssociateResourceShare,
    Command, CopySnapshot, CreateAccount, CreateAutomaticSnapshot, CreateBackupPoint,
    CreateBackupPolicy, CreateBackupSnapshot, CreateDisk, CreateFolder, CreateImage, CreateKey,
    CreateRegion, CreateResourceDirectory, CreateResourceShare, CreateSnapshot, CreateUser,
    CreateVault, DeleteBackupPoint, DeleteImage, DeleteResourceShare, DeleteSnapshot, DeleteVault,
    DisableImmutability, DisableKey, DisassociateResourceShare, DiskSource, EnableImmutability,
    EnableKey, FinishSnapshot, ImportImage, IntoCommand, LockSnapshot, MarkAccountOverdue,
    MarkRegionClosingDown, ReinitializeDisk, ReleaseDisk, ReleaseOverdueSnapshot,
    RemoveDirectoryMember, ReplicateBackupPoint, ReplicateVault, ResetDisk, RestoreBackupPoint,
    RetentionRequest, SetEncryptedShareRole, SetSnapshotRetention, SetUserPolicy, SettleAccount,
    SnapshotOutcome, UnlockSnapshot,
};
pub use copy::StandardCopyProblem;
pub use directory::{Folder, ResourceDirectory};
pub use disk::{Disk, DiskCategory};
pub use encryption::Encryption;
pub use event::{DeletionCause, Event, ReleaseReason};
pub use ids::{
    AccountId, BackupPointId, BackupPolicyId, DirectoryId, DiskId, FolderId, ImageId, KeyId,
    MAX_ID_LEN, MINT, ObjectKind, RegionId, ShareId, SnapshotId, UserId, VaultId, is_well_formed,
};
pub use image::{Image, ImageSource};
pub use key::{Key, KeyProblem};
pub use limits::{Bound, Limits, LimitsError};
pub use lineage::{BillingBasis, CopyLineage};
pub use load::{BackupDefect, CopyDefect, StateError, UncheckedState};
pub use lock::{Lock, LockState};
pub use lock_query::{LockQuery, LockView};
pub use machine::Transition;
pub use policy::{Effect, Statement, UnsupportedStatementElement};
pub use query::DeletionReport;
pub use region::Region;
pub use rule::{Family, RuleId, UnknownRuleId};
pub use share::{
    Principal, PrincipalProblem, PrincipalScope, ResourceShare, ShareStatus, SharedSnapshot,
    SharedWith, ShareeOperation, SnapshotAccess, Unshareable, VisibleSnapshot,
};
pub use snapshot::{
    LineageRoot, Retention, Snapshot, SnapshotKind, SnapshotOrigin, SnapshotStatus, StorageTier,
};
pub use state::State;
pub use time::Span;
pub use vault::{
    BackupPoint, BackupPolicy, Deletability, ImmutableTarget, PointLockView, PolicyKind,
    ReplicationProblem, Vault, VaultKind, VaultReport,
};
pub use violation::Violation;

// The README's Rust examples run as doc tests, although the README is no
// longer the crate's front page.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

#[cfg(test)]
mod readme {
    /// The README's lines outside its fenced code blocks.
    fn prose() -> Vec<&'static str> {
        let mut fenced = false;
        include_str!("../README.md")
            .lines()
            .filter(|line| {
                if line.starts_with("```") {
                    fenced = !fenced;
                    return false;
                }
                !fenced
            })
            .collect()
    }

    /// crates.io and docs.rs show the README away from the repository and
    /// from rustdoc: relative links and intra-doc links resolve on neither.
    #[test]
    fn readme_links_are_absolute() {
        let lines = prose();
        for line in &lines {
            for (_, rest) in line
                .match_indices("](")
                .map(|(at, _)| line.split_at(at + 2))
            {
                assert!(
                    rest.starts_with("https://"),
                    "README.md links to a relative target: {line}"
                );
            }
        }
        // API links written as `[`Name`]` need a definition with a URL.
        for line in &lines {
            let mut rest = *line;
            while let Some(start) = rest.find("[`") {
                let after = &rest[start + 1..];
                let Some(end) = after.find("`]") else { break };
                let label = &after[..end + 1];
                let next = after[end + 2..].chars().next();
                if !matches!(next, Some('(' | '[' | ':')) {
                    let definition = format!("[{label}]: https://");
                    assert!(
                        lines.iter().any(|line| line.starts_with(&definition)),
                        "README.md's [{label}] has no absolute link definition"
                    );
                }
                rest = &after[end + 2..];
            }
        }
    }
}
