//! Why a command was refused: one typed variant per way of going wrong.
//!
//! The rule each variant reports, and when waiting lifts it, are in
//! `classify`.

mod classify;
mod kind;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::time::{rfc3339, rfc3339_or_never};
use crate::{
    AccountId, Action, Actor, BackupPointId, Bound, DirectoryId, DiskCategory, DiskId, Encryption,
    ImageId, ImmutableTarget, KeyId, KeyProblem, LockState, ObjectKind, Principal,
    PrincipalProblem, RegionId, ReplicationProblem, Retention, RuleId, ShareId, ShareeOperation,
    Site, SnapshotId, SnapshotStatus, Span, StandardCopyProblem, Unarchivable, Unshareable,
    VaultId, VaultKind,
};

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// A refused command: what went wrong, the objects concerned, and the rule
/// that refused it ([`Violation::rule`]).
///
/// A violation never comes with a changed state (GEN-3). Where waiting alone
/// would lift it, [`Violation::retry_at`] gives the earliest instant at which
/// the same command would be allowed.
///
/// ```
/// use snapguard::{RuleId, SnapshotId, LockState, Violation};
/// use chrono::{TimeZone, Utc};
///
/// let expiry = Utc.with_ymd_and_hms(2031, 1, 1, 0, 0, 0).unwrap();
/// let refusal = Violation::SnapshotLocked {
///     snapshot: SnapshotId::new("s-1"),
///     state: LockState::Compliance,
///     expiry,
/// };
/// assert_eq!(refusal.rule(), RuleId::Lock10);
/// assert_eq!(refusal.retry_at(), Some(expiry));
/// assert_eq!(
///     refusal.to_string(),
///     "LOCK-10: snapshot `s-1` is locked (compliance) until 2031-01-01T00:00:00Z"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Violation {
    /// GEN-2: the command's `now` is earlier than an instant already recorded.
    #[error(
        "GEN-2: time runs backwards: the command is at {} but the state has recorded {}",
        rfc3339(.now),
        rfc3339(.latest)
    )]
    ClockWentBackwards {
        /// The command's instant.
        now: DateTime<Utc>,
        /// The latest instant the state has recorded.
        latest: DateTime<Utc>,
    },
    /// GEN-4: no object of that kind has that id.
    #[error("GEN-4: {kind} `{id}` does not exist")]
    NotFound {
        /// What kind of object was looked for.
        kind: ObjectKind,
        /// The id that names nothing.
        id: String,
    },
    /// GEN-4: the id of a new object is already taken.
    #[error("GEN-4: {kind} `{id}` already exists")]
    AlreadyExists {
        /// The kind of object.
        kind: ObjectKind,
        /// The id already in use.
        id: String,
    },
    /// GEN-5: the id of a new object is not well formed
    /// ([`is_well_formed`](crate::is_well_formed)).
    #[error(
        "GEN-5: {kind} id `{id}` is not well formed: use 1 to 128 ASCII letters, digits, `-`, `_` or `.`"
    )]
    InvalidId {
        /// The kind of object.
        kind: ObjectKind,
        /// The rejected id.
        id: String,
    },
    /// GEN-5: an instant plus a span leaves the representable range.
    #[error("GEN-5: {} plus {span} is beyond the representable instants", rfc3339(.start))]
    TimeOutOfRange {
        /// The instant the span was added to.
        start: DateTime<Utc>,
        /// The span.
        span: Span,
    },
    /// GEN-5 (GEN-7): an instant inside a leap second, which UTC as the
    /// model counts it does not hold.
    #[error("GEN-5: {} is inside a leap second, which the model does not represent", rfc3339(.at))]
    LeapSecond {
        /// The instant.
        at: DateTime<Utc>,
    },
    /// GEN-7: an input past one of its bounds, refused before any work
    /// whose cost grows with it.
    #[error("GEN-7: too many {bound}: {size}, where the limit is {max}")]
    BoundExceeded {
        /// What was measured.
        bound: Bound,
        /// Its size.
        size: usize,
        /// The limit in force.
        max: u32,
    },
    /// PERM-1: no Allow matched, or a Deny did. PERM-2 for the lock
    /// actions; PERM-5 when `resource` is the snapshot or image whose data
    /// the action reads or shares rather than what it acts on.
    #[error("{}: {actor} may not perform `{action}` on `{resource}`{}", classify::permission_rule(*.action, .resource), if *.explicit_deny { " (explicitly denied)" } else { "" })]
    PermissionDenied {
        /// Who asked.
        actor: Actor,
        /// What it asked to do.
        action: Action,
        /// The resource name it asked to act on.
        resource: String,
        /// Whether a Deny statement matched (rather than no Allow).
        explicit_deny: bool,
    },
    /// PERM-1: this kind of actor never issues this command (customers do
    /// not run the platform's processes, and system actors do not act for
    /// customers).
    #[error("PERM-1: {actor} cannot issue `{command}`")]
    WrongActor {
        /// Who asked.
        actor: Actor,
        /// The command's name.
        command: String,
    },
    /// PERM-4: the object belongs to another account.
    #[error("PERM-4: {kind} `{id}` belongs to account `{owner}`, not to account `{account}`")]
    ForeignResource {
        /// The kind of object.
        kind: ObjectKind,
        /// The object's id.
        id: String,
        /// Its owner.
        owner: AccountId,
        /// The account that tried to act on it.
        account: AccountId,
    },
    /// SNAP-1: the snapshot is not in the status the command needs; the
    /// variant carries the rule of the command that needs it.
    #[error("{rule}: snapshot `{snapshot}` is {status}, not available")]
    SnapshotNotAvailable {
        /// The snapshot.
        snapshot: SnapshotId,
        /// Its status.
        status: SnapshotStatus,
        /// The rule that needs an available snapshot (LOCK-3, ARCH-1, ...).
        rule: RuleId,
    },
    /// SNAP-1: only a snapshot in progress can be completed.
    #[error("SNAP-1: snapshot `{snapshot}` is {status}, not in progress")]
    SnapshotNotInProgress {
        /// The snapshot.
        snapshot: SnapshotId,
        /// Its status.
        status: SnapshotStatus,
    },
    /// SNAP-3: retention can be extended or made permanent, never shortened.
    #[error("SNAP-3: snapshot `{snapshot}` is retained {current}; {requested} would shorten it")]
    RetentionShortened {
        /// The snapshot.
        snapshot: SnapshotId,
        /// Its retention now.
        current: Retention,
        /// The retention asked for.
        requested: Retention,
    },
    /// SNAP-5: a retention in days out of range.
    #[error("SNAP-5: a retention of {days} days is outside {min} to {max} days")]
    RetentionOutOfRange {
        /// The days asked for.
        days: u32,
        /// The shortest allowed.
        min: u32,
        /// The longest allowed.
        max: u32,
    },
    /// LOCK-1: lock duration out of range.
    #[error("LOCK-1: a lock of {days} days is outside {min} to {max} days")]
    LockDurationOutOfRange {
        /// The days asked for.
        days: u32,
        /// The shortest allowed.
        min: u32,
        /// The longest allowed.
        max: u32,
    },
    /// LOCK-1: cooling-off longer than allowed.
    #[error("LOCK-1: a cooling-off of {hours} hours is longer than {max} hours")]
    CoolOffOutOfRange {
        /// The hours asked for.
        hours: u32,
        /// The longest allowed.
        max: u32,
    },
    /// LOCK-1: cooling-off counts inside the duration and may not exceed it.
    #[error(
        "LOCK-1: a cooling-off of {cool_off_hours} hours exceeds the lock duration of {duration_days} days"
    )]
    CoolOffExceedsDuration {
        /// The hours asked for.
        cool_off_hours: u32,
        /// The lock duration asked for.
        duration_days: u32,
    },
    /// LOCK-3: snapshots made by Cloud Backup cannot be locked.
    #[error("LOCK-3: snapshot `{snapshot}` was made by Cloud Backup and cannot be locked")]
    CloudBackupSnapshot {
        /// The snapshot.
        snapshot: SnapshotId,
    },
    /// LOCK-4: the lock would outlive the snapshot's retention.
    #[error(
        "LOCK-4: a lock of snapshot `{snapshot}` expiring at {} would outlive its retention ending at {}; extend the retention first",
        rfc3339(.lock_expiry),
        rfc3339(.retention_end)
    )]
    LockOutlivesRetention {
        /// The snapshot.
        snapshot: SnapshotId,
        /// When the lock would expire.
        lock_expiry: DateTime<Utc>,
        /// When the snapshot's retention ends.
        retention_end: DateTime<Utc>,
    },
    /// LOCK-6: in compliance nobody can unlock; the lock ends by itself,
    /// and then there is no lock to remove, so waiting lifts nothing.
    #[error("LOCK-6: snapshot `{snapshot}` is locked in compliance until {} and cannot be unlocked", rfc3339(.expiry))]
    UnlockInCompliance {
        /// The snapshot.
        snapshot: SnapshotId,
        /// When the lock expires.
        expiry: DateTime<Utc>,
    },
    /// LOCK-6: there is no lock to remove: the snapshot was never locked,
    /// or its lock was removed during cooling-off.
    #[error("LOCK-6: snapshot `{snapshot}` is not locked")]
    NotLocked {
        /// The snapshot.
        snapshot: SnapshotId,
    },
    /// LOCK-8: in compliance a lock can only be extended.
    #[error(
        "LOCK-8: the lock of snapshot `{snapshot}` expires at {}; in compliance it can only be extended, not moved to {}",
        rfc3339(.current_expiry),
        rfc3339(.requested_expiry)
    )]
    LockShortened {
        /// The snapshot.
        snapshot: SnapshotId,
        /// The lock's expiry now.
        current_expiry: DateTime<Utc>,
        /// The expiry asked for (`now` plus the duration).
        requested_expiry: DateTime<Utc>,
        /// From when the same duration reaches the current expiry.
        allowed_from: Option<DateTime<Utc>>,
    },
    /// LOCK-8: no cooling-off may be given to a lock in compliance.
    ///
    /// Once the lock expires, the same command sets a fresh lock, which is
    /// allowed if it expires within the retention (LOCK-4): `allowed_from`
    /// ([`Violation::retry_at`]) is the expiry when the expiry plus the
    /// duration asked for stays within the retention (or the retention is
    /// permanent), and `None` otherwise.
    #[error(
        "LOCK-8: the lock of snapshot `{snapshot}` is in compliance until {}; a cooling-off of {cool_off_hours} hours cannot be given",
        rfc3339(.expiry)
    )]
    CoolOffInCompliance {
        /// The snapshot.
        snapshot: SnapshotId,
        /// The hours asked for.
        cool_off_hours: u32,
        /// When the lock expires.
        expiry: DateTime<Utc>,
        /// From when the same command would be allowed: the expiry, if a
        /// fresh lock of the requested duration set then stays within the
        /// retention (LOCK-4); otherwise `None`.
        allowed_from: Option<DateTime<Utc>>,
    },
    /// LOCK-10: a locked snapshot survives every deletion path.
    #[error("LOCK-10: snapshot `{snapshot}` is locked ({state}) until {}", rfc3339(.expiry))]
    SnapshotLocked {
        /// The snapshot.
        snapshot: SnapshotId,
        /// Its lock state.
        state: LockState,
        /// When the lock expires.
        expiry: DateTime<Utc>,
    },
    /// LOCK-11: every automatic snapshot of the disk is locked (or shared,
    /// SHARE-12) and the disk is at its limit, so rotation has nothing to
    /// delete.
    #[error(
        "LOCK-11: disk `{disk}` holds {limit} automatic snapshots, all locked or shared; the earliest lock ends at {}",
        rfc3339_or_never(.earliest_unlock)
    )]
    AutomaticSnapshotLimitReached {
        /// The disk.
        disk: DiskId,
        /// The per-disk limit.
        limit: u32,
        /// When the first of its locks expires.
        earliest_unlock: Option<DateTime<Utc>>,
    },
    /// LOCK-12: billing may release only once the account is overdue for the
    /// configured period.
    #[error(
        "LOCK-12: account `{account}` is not overdue long enough for release (overdue since {}, releasable at {})",
        rfc3339_or_never(.overdue_since),
        rfc3339_or_never(.releasable_at)
    )]
    NotOverdueLongEnough {
        /// The account.
        account: AccountId,
        /// Since when it is overdue, if it is.
        overdue_since: Option<DateTime<Utc>>,
        /// From when billing may release its snapshots.
        releasable_at: Option<DateTime<Utc>>,
    },
    /// LOCK-14 (and ARCH-2): the archive retention must reach the lock expiry.
    ///
    /// The archive retention counts from the snapshot's creation, so
    /// waiting does not lift this refusal: at the lock's expiry the same
    /// retention has ended already (ARCH-2).
    #[error(
        "LOCK-14: archiving snapshot `{snapshot}` until {} would end before its lock expires at {}",
        rfc3339(.archive_end),
        rfc3339(.lock_expiry)
    )]
    ArchiveEndsBeforeLock {
        /// The snapshot.
        snapshot: SnapshotId,
        /// When the archive retention would end.
        archive_end: DateTime<Utc>,
        /// When the lock expires.
        lock_expiry: DateTime<Utc>,
    },
    /// ARCH-1: only snapshots at least the minimum age can be archived.
    #[error(
        "ARCH-1: snapshot `{snapshot}` was created at {} and can be archived from {}",
        rfc3339(.created_at),
        rfc3339(.archivable_at)
    )]
    SnapshotTooYoungToArchive {
        /// The snapshot.
        snapshot: SnapshotId,
        /// When it was created.
        created_at: DateTime<Utc>,
        /// When it reaches the minimum age.
        archivable_at: DateTime<Utc>,
    },
    /// ARCH-1: archiving is one-way; the snapshot is archived already.
    #[error("ARCH-1: snapshot `{snapshot}` is archived already")]
    AlreadyArchived {
        /// The snapshot.
        snapshot: SnapshotId,
    },
    /// ARCH-2: archive retention out of range (in days from the
    /// snapshot's creation).
    #[error("ARCH-2: an archive retention of {days} days is outside {min} to {max} days")]
    ArchiveRetentionOutOfRange {
        /// The days asked for.
        days: u32,
        /// The shortest allowed.
        min: u32,
        /// The longest allowed.
        max: u32,
    },
    /// ARCH-2: the archive retention, counted from the snapshot's
    /// creation, would end at or before the instant of archiving.
    #[error(
        "ARCH-2: an archive retention of {days} days from the creation of snapshot `{snapshot}` ends at {}, which is not after now",
        rfc3339(.end)
    )]
    ArchiveRetentionEnded {
        /// The snapshot.
        snapshot: SnapshotId,
        /// The days asked for.
        days: u32,
        /// When that retention would end.
        end: DateTime<Utc>,
    },
    /// ARCH-5: encrypted snapshots and Cloud Backup snapshots are never
    /// archived (follows the ECS API).
    #[error("ARCH-5: snapshot `{snapshot}` cannot be archived: {reason}")]
    NotArchivable {
        /// The snapshot.
        snapshot: SnapshotId,
        /// Why.
        reason: Unarchivable,
    },
    /// ARCH-5: an archived snapshot's retention can no longer be changed
    /// (follows the ECS documentation).
    #[error("ARCH-5: snapshot `{snapshot}` is archived; its retention can no longer be changed")]
    ArchivedRetentionFixed {
        /// The snapshot.
        snapshot: SnapshotId,
    },
    /// ARCH-3: archived snapshots cannot be copied (or shared).
    #[error("ARCH-3: snapshot `{snapshot}` is archived and cannot be copied")]
    ArchivedSnapshotNotCopyable {
        /// The snapshot.
        snapshot: SnapshotId,
    },
    /// DISK-1: a disk is created in the region of the snapshot it is built from.
    #[error("DISK-1: snapshot `{snapshot}` is in region `{snapshot_region}`, not `{disk_region}`")]
    DiskRegionMismatch {
        /// The snapshot.
        snapshot: SnapshotId,
        /// Its region.
        snapshot_region: crate::RegionId,
        /// The region asked for the disk.
        disk_region: crate::RegionId,
    },
    /// DISK-1: a disk made from an image is in the image's region.
    #[error(
        "DISK-1: image `{image}` is in region `{image_region}`; a disk made from it cannot be in `{disk_region}`"
    )]
    ImageRegionMismatch {
        /// The image.
        image: ImageId,
        /// Its region.
        image_region: crate::RegionId,
        /// The region asked for the disk.
        disk_region: crate::RegionId,
    },
    /// DISK-1, IMAGE-1: an image made from an encrypted snapshot is
    /// encrypted as the snapshot was, and a disk made from it must be
    /// encrypted too.
    #[error(
        "DISK-1: image `{image}` holds data encrypted with {encryption}; a disk made from it must be encrypted too"
    )]
    UnencryptedFromEncryptedImage {
        /// The image.
        image: ImageId,
        /// Its encryption.
        encryption: Encryption,
    },
    /// DISK-2: a disk rolls back only to a snapshot taken of that very disk.
    #[error(
        "DISK-2: disk `{disk}` cannot roll back to snapshot `{snapshot}`, which was not taken of it"
    )]
    RollbackToOtherSnapshot {
        /// The disk.
        disk: DiskId,
        /// The snapshot asked for.
        snapshot: SnapshotId,
    },
    /// IMAGE-1: custom images come from the account's own snapshots.
    #[error(
        "IMAGE-1: image `{image}` cannot be created from snapshot `{snapshot}` of account `{owner}`"
    )]
    ImageFromForeignSnapshot {
        /// The image asked for.
        image: ImageId,
        /// The snapshot.
        snapshot: SnapshotId,
        /// The snapshot's owner.
        owner: AccountId,
    },
    /// GEN-4: the snapshot to remove from a share is not in it.
    #[error("GEN-4: snapshot `{snapshot}` is not in resource share `{share}`")]
    SnapshotNotInShare {
        /// The share.
        share: ShareId,
        /// The snapshot.
        snapshot: SnapshotId,
    },
    /// GEN-4: the principal to remove from a share is not in it.
    #[error("GEN-4: {principal} is not a principal of resource share `{share}`")]
    PrincipalNotInShare {
        /// The share.
        share: ShareId,
        /// The principal.
        principal: Principal,
    },
    /// LOCK-3 (and SHARE-10): a snapshot shared with the account cannot be
    /// locked or unlocked by it.
    #[error(
        "LOCK-3: snapshot `{snapshot}` is shared from account `{owner}` and cannot be locked by a sharee"
    )]
    SharedSnapshotNotLockable {
        /// The snapshot.
        snapshot: SnapshotId,
        /// Its owner.
        owner: AccountId,
    },
    /// SHARE-1: a snapshot would have more principals than the limit.
    #[error(
        "SHARE-1: snapshot `{snapshot}` would have {principals} principals; the limit is {limit}"
    )]
    TooManyPrincipals {
        /// The snapshot.
        snapshot: SnapshotId,
        /// How many it would have.
        principals: usize,
        /// The limit.
        limit: u32,
    },
    /// SHARE-2: the account would have more snapshots shared than the limit.
    #[error(
        "SHARE-2: account `{account}` would have {shared} snapshots shared; the limit is {limit}"
    )]
    TooManySharedSnapshots {
        /// The owner.
        account: AccountId,
        /// How many it would have shared.
        shared: usize,
        /// The limit.
        limit: u32,
    },
    /// SHARE-3: accounts of different sites never share, nor join one
    /// directory.
    #[error(
        "SHARE-3: account `{account}` ({site}) and account `{other}` ({other_site}) are on different sites"
    )]
    CrossSite {
        /// The sharer, or the directory's management account.
        account: AccountId,
        /// Its site.
        site: Site,
        /// The other account.
        other: AccountId,
        /// Its site.
        other_site: Site,
    },
    /// SHARE-4: the principal does not fit the share.
    #[error("SHARE-4: resource share `{share}` cannot name {principal}: {reason}")]
    PrincipalNotAllowed {
        /// The share.
        share: ShareId,
        /// The principal.
        principal: Principal,
        /// Why not.
        reason: PrincipalProblem,
    },
    /// SHARE-5: the snapshot cannot be shared.
    #[error("SHARE-5: snapshot `{snapshot}` cannot be shared: {reason}")]
    NotShareable {
        /// The snapshot.
        snapshot: SnapshotId,
        /// Why not.
        reason: Unshareable,
    },
    /// SHARE-5 (**Decision**): archived snapshots are not shared, so a
    /// shared snapshot is not archived; unshare it first.
    #[error(
        "SHARE-5: snapshot `{snapshot}` is in {shares} resource shares and cannot be archived; unshare it first"
    )]
    SharedSnapshotNotArchivable {
        /// The snapshot.
        snapshot: SnapshotId,
        /// How many shares hold it.
        shares: usize,
    },
    /// SHARE-6: the owner's share-encrypted-snapshot role does not trust the
    /// sharee with a snapshot encrypted by a customer key.
    #[error(
        "SHARE-6: snapshot `{snapshot}` is encrypted with a customer key and the share-encrypted-snapshot role of account `{owner}` does not trust account `{sharee}`"
    )]
    EncryptedShareNotTrusted {
        /// The snapshot.
        snapshot: SnapshotId,
        /// Its owner.
        owner: AccountId,
        /// The sharee.
        sharee: AccountId,
    },
    /// SHARE-7: the share reaches the account but it has not accepted it.
    #[error("SHARE-7: account `{account}` has not accepted resource share `{share}`")]
    ShareNotAccepted {
        /// The share.
        share: ShareId,
        /// The account.
        account: AccountId,
    },
    /// SHARE-7: only an account the share reaches can accept it.
    #[error("SHARE-7: resource share `{share}` does not reach account `{account}`")]
    NoInvitation {
        /// The share.
        share: ShareId,
        /// The account.
        account: AccountId,
    },
    /// SHARE-7: the account accepted the resource share already (follows
    /// the Resource Sharing API: `InvitationStatus.AlreadyAccepted`).
    #[error("SHARE-7: account `{account}` has already accepted resource share `{share}`")]
    AlreadyAccepted {
        /// The resource share.
        share: ShareId,
        /// The account.
        account: AccountId,
    },
    /// SHARE-8: an account belongs to one resource directory at most.
    #[error("SHARE-8: account `{account}` is already a member of resource directory `{directory}`")]
    AlreadyInDirectory {
        /// The account.
        account: AccountId,
        /// Its directory.
        directory: DirectoryId,
    },
    /// SHARE-8: the account is not a member of the directory (or of any).
    #[error("SHARE-8: account `{account}` is not a member of {}", .directory.as_ref().map_or_else(|| "any resource directory".to_owned(), |d| format!("resource directory `{d}`")))]
    NotInDirectory {
        /// The account.
        account: AccountId,
        /// The directory, or `None` for any.
        directory: Option<DirectoryId>,
    },
    /// SHARE-8: the management account does not leave its directory.
    #[error(
        "SHARE-8: account `{account}` manages resource directory `{directory}` and cannot leave it"
    )]
    ManagementAccountLeaving {
        /// The account.
        account: AccountId,
        /// Its directory.
        directory: DirectoryId,
    },
    /// SHARE-9: what the sharee saw of the snapshot has expired.
    #[error("SHARE-9: the share of snapshot `{snapshot}` through resource share `{share}` expired at {}", rfc3339(.expired_at))]
    SharedViewExpired {
        /// The share.
        share: ShareId,
        /// The snapshot.
        snapshot: SnapshotId,
        /// When it expired.
        expired_at: DateTime<Utc>,
    },
    /// SHARE-10: a sharee may create disks from and copy a shared snapshot,
    /// nothing an owner does.
    #[error(
        "SHARE-10: snapshot `{snapshot}` is shared from account `{owner}`; a sharee cannot {operation} it"
    )]
    ShareeMayNot {
        /// The snapshot.
        snapshot: SnapshotId,
        /// Its owner.
        owner: AccountId,
        /// What was asked.
        operation: ShareeOperation,
    },
    /// SHARE-11: from a shared encrypted snapshot, a disk or copy must use
    /// a key other than the snapshot's.
    #[error(
        "SHARE-11: snapshot `{snapshot}` is shared encrypted with key `{key}`; a disk or copy made from it must be encrypted with another key (asked for {requested})"
    )]
    SharedKeyNotChanged {
        /// The snapshot.
        snapshot: SnapshotId,
        /// Its key.
        key: KeyId,
        /// The encryption asked for the disk or copy.
        requested: Encryption,
    },
    /// SHARE-11: from a shared encrypted snapshot, disks are of the ESSD
    /// family only.
    #[error(
        "SHARE-11: a disk made from shared encrypted snapshot `{snapshot}` must be ESSD, ESSD AutoPL or ESSD Entry, not {category}"
    )]
    SharedDiskCategory {
        /// The snapshot.
        snapshot: SnapshotId,
        /// The category asked for.
        category: DiskCategory,
    },
    /// SHARE-12: a shared snapshot is not deleted; unshare it first.
    #[error("SHARE-12: snapshot `{snapshot}` is in {}; unshare it before deleting it", shares_phrase(*.shares))]
    SnapshotShared {
        /// The snapshot.
        snapshot: SnapshotId,
        /// How many shares hold it.
        shares: usize,
    },
    /// SHARE-14: the snapshot's retention has ended; it is kept only until
    /// it leaves its last share, and its retention no longer changes.
    #[error(
        "SHARE-14: the retention of snapshot `{snapshot}` ended at {}; it is kept only while shared and is released when unshared",
        rfc3339(.ended_at)
    )]
    RetentionEnded {
        /// The snapshot.
        snapshot: SnapshotId,
        /// When its retention ended.
        ended_at: DateTime<Utc>,
    },
    /// DISK-4: the disk was created from a shared snapshot that is no
    /// longer shared with the account (or no longer usable by it).
    #[error(
        "DISK-4: disk `{disk}` was created from snapshot `{snapshot}`, which is no longer shared with its account"
    )]
    ShareNotInPlace {
        /// The disk.
        disk: DiskId,
        /// The snapshot it was created from.
        snapshot: SnapshotId,
    },
    /// COPY-2: a standard copy goes to another region, from an unencrypted
    /// snapshot.
    #[error("COPY-2: snapshot `{snapshot}` cannot have a standard (unencrypted) copy: {problem}")]
    StandardCopyRefused {
        /// The source snapshot.
        snapshot: SnapshotId,
        /// What is wrong.
        problem: StandardCopyProblem,
    },
    /// COPY-3: encrypted copies and customer master keys need KMS activated
    /// for the account.
    #[error(
        "COPY-3: account `{account}` has not activated KMS; encrypted copies and customer master keys need it"
    )]
    KmsNotActivated {
        /// The account.
        account: AccountId,
    },
    /// COPY-3 for a copy, DISK-1 for a disk (**Decision**): a customer
    /// master key encrypts only while enabled, in its own region.
    #[error("{rule}: key `{key}` cannot encrypt a new disk or copy: {problem}")]
    KeyNotUsable {
        /// The key.
        key: KeyId,
        /// What is wrong.
        problem: KeyProblem,
        /// COPY-3 (a copy) or DISK-1 (a disk).
        rule: RuleId,
    },
    /// DISK-1 (**Decision**): a disk made from an encrypted snapshot is
    /// encrypted too, as the provider encrypts disks made from encrypted
    /// snapshots.
    #[error(
        "DISK-1: snapshot `{snapshot}` is encrypted with {encryption}; a disk made from it must be encrypted too"
    )]
    UnencryptedFromEncrypted {
        /// The snapshot.
        snapshot: SnapshotId,
        /// Its encryption.
        encryption: Encryption,
    },
    /// VAULT-2: immutability is enabled only on general-purpose and database
    /// vaults (not Realtime Backup), archive vaults with a retention, and
    /// policies backing up into those.
    #[error("VAULT-2: {target} cannot be made immutable: a {kind} does not support it")]
    ImmutabilityUnsupported {
        /// The vault or policy.
        target: ImmutableTarget,
        /// The kind of vault it is or backs up into.
        kind: VaultKind,
    },
    /// VAULT-3: immutability is never disabled.
    #[error("VAULT-3: immutability, once enabled, is never disabled ({target})")]
    ImmutabilityIrreversible {
        /// The vault or policy.
        target: ImmutableTarget,
    },
    /// VAULT-5: a locked backup point is neither modified nor deleted, by
    /// anyone, before its retention ends. Waiting does not lift it: at its
    /// retention end time deletes the point itself.
    #[error("VAULT-5: backup point `{point}` is locked {}", until_phrase(.until))]
    BackupPointLocked {
        /// The backup point.
        point: BackupPointId,
        /// When its retention ends; `None` when it never does.
        until: Option<DateTime<Utc>>,
    },
    /// VAULT-6: an immutable vault is not deleted while it holds a backup
    /// point whose retention has not ended; VAULT-5: another vault is not
    /// deleted while it holds a locked backup point, which would go with it.
    #[error(
        "{rule}: vault `{vault}` cannot be deleted: {} kept {}",
        if *.rule == RuleId::Vault6 {
            "it is immutable and holds a backup point"
        } else {
            "it holds a locked backup point"
        },
        until_phrase(.until)
    )]
    VaultNotDeletable {
        /// The vault.
        vault: VaultId,
        /// When the last retention of the points that hold it ends; `None`
        /// when one never does.
        until: Option<DateTime<Utc>>,
        /// VAULT-6 (an immutable vault) or VAULT-5 (locked points).
        rule: RuleId,
    },
    /// VAULT-7: cross-region replication, refused.
    #[error("VAULT-7: vault `{vault}` cannot be replicated there: {problem}")]
    ReplicationRefused {
        /// The vault replicated.
        vault: VaultId,
        /// What is wrong.
        problem: ReplicationProblem,
    },
    /// COPY-4: a region closing down accepts no encrypted copies.
    #[error("COPY-4: region `{region}` is closing down and accepts no encrypted copies")]
    RegionClosingDown {
        /// The destination region.
        region: RegionId,
    },
}

/// "until <instant>", or "for good" when there is no end.
fn until_phrase(until: &Option<DateTime<Utc>>) -> String {
    until.as_ref().map_or_else(
        || "for good: its retention is permanent".to_owned(),
        |end| format!("until {}", rfc3339(end)),
    )
}

/// "1 resource share", "2 resource shares".
fn shares_phrase(count: usize) -> String {
    if count == 1 {
        "1 resource share".to_owned()
    } else {
        format!("{count} resource shares")
    }
}

impl From<crate::time::OutOfRange> for Violation {
    fn from(crate::time::OutOfRange { start, span }: crate::time::OutOfRange) -> Self {
        Self::TimeOutOfRange { start, span }
    }
}

impl From<crate::limits::Exceeded> for Violation {
    fn from(crate::limits::Exceeded { bound, size, max }: crate::limits::Exceeded) -> Self {
        Self::BoundExceeded { bound, size, max }
    }
}
