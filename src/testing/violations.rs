//! One sample of each [`Violation`] variant, for tests of code that maps
//! refusals to something else (error codes, messages, HTTP statuses).

use chrono::{DateTime, TimeZone, Utc};

use crate::{
    AccountId, Action, Actor, BackupPointId, BackupPolicyId, Bound, DirectoryId, DiskCategory,
    DiskId, Encryption, ImageId, ImmutableTarget, KeyId, KeyProblem, LockState, ObjectKind,
    Principal, PrincipalProblem, RegionId, ReplicationProblem, Retention, RuleId, ShareId,
    ShareeOperation, Site, SnapshotId, SnapshotStatus, Span, StandardCopyProblem, Unarchivable,
    Unshareable, UserId, VaultId, VaultKind, Violation,
};

/// Midnight UTC on that day (the epoch if the date does not exist, which
/// none of the dates below is).
fn day(year: i32, month: u32, date: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, date, 0, 0, 0)
        .single()
        .unwrap_or_default()
}

/// One instance of each [`Violation`] variant, in the order of
/// [`Violation::KINDS`], with plausible contents: ids in the provider's
/// style, rules consistent with the refusal, and, wherever the variant can
/// carry one, an instant from which waiting lifts it
/// ([`Violation::retry_at`]).
///
/// A table from violations to something else is checked against every
/// variant with it; a variant added to snapguard shows up here (the
/// crate's tests check that the samples cover [`Violation::KINDS`]).
///
/// ```
/// use snapguard::Violation;
/// use snapguard::testing::violation_samples;
///
/// let samples = violation_samples();
/// let kinds: Vec<&str> = samples.iter().map(Violation::kind).collect();
/// assert_eq!(kinds, Violation::KINDS);
/// assert!(samples.iter().any(|v| v.retry_at().is_some()));
/// ```
#[must_use]
pub fn violation_samples() -> Vec<Violation> {
    let now = day(2026, 12, 7);
    let expiry = day(2031, 1, 1);
    let snapshot = || SnapshotId::new("s-bp1locked0000000001");
    let disk = || DiskId::new("d-bp1disk00000000001");
    let image = || ImageId::new("m-bp1image0000000001");
    let owner = || AccountId::new("1000000000000001");
    let other = || AccountId::new("1000000000000002");
    let share = || ShareId::new("rs-1");
    let directory = || DirectoryId::new("rd-1");
    let key = || KeyId::new("key-hzz1");
    let vault = || VaultId::new("v-1");
    let hangzhou = || RegionId::new("cn-hangzhou");
    let shanghai = || RegionId::new("cn-shanghai");
    let user = Actor::User {
        account: owner(),
        user: UserId::new("ops"),
    };
    vec![
        Violation::ClockWentBackwards {
            now: day(2026, 12, 6),
            latest: now,
        },
        Violation::NotFound {
            kind: ObjectKind::Snapshot,
            id: "s-bp1missing000000001".to_owned(),
        },
        Violation::AlreadyExists {
            kind: ObjectKind::Disk,
            id: disk().to_string(),
        },
        Violation::InvalidId {
            kind: ObjectKind::Snapshot,
            id: "s/1".to_owned(),
        },
        Violation::TimeOutOfRange {
            start: now,
            span: Span::Days(u32::MAX),
        },
        Violation::LeapSecond { at: now },
        Violation::BoundExceeded {
            bound: Bound::Tags,
            size: 21,
            max: 20,
        },
        Violation::PermissionDenied {
            actor: user.clone(),
            action: Action::DeleteSnapshot,
            resource: format!("acs:ecs:cn-hangzhou:{}:snapshot/{}", owner(), snapshot()),
            explicit_deny: true,
        },
        Violation::WrongActor {
            actor: user.clone(),
            command: "release_overdue_snapshot".to_owned(),
        },
        Violation::ForeignResource {
            kind: ObjectKind::Disk,
            id: disk().to_string(),
            owner: other(),
            account: owner(),
        },
        Violation::SnapshotNotAvailable {
            snapshot: snapshot(),
            status: SnapshotStatus::InProgress,
            rule: RuleId::Lock3,
        },
        Violation::SnapshotNotInProgress {
            snapshot: snapshot(),
            status: SnapshotStatus::Available,
        },
        Violation::RetentionShortened {
            snapshot: snapshot(),
            current: Retention::Until(expiry),
            requested: Retention::Until(day(2030, 1, 1)),
        },
        Violation::RetentionOutOfRange {
            days: 65_537,
            min: 1,
            max: 65_536,
        },
        Violation::LockDurationOutOfRange {
            days: 36_501,
            min: 1,
            max: 36_500,
        },
        Violation::CoolOffOutOfRange { hours: 73, max: 72 },
        Violation::CoolOffExceedsDuration {
            cool_off_hours: 48,
            duration_days: 1,
        },
        Violation::CloudBackupSnapshot {
            snapshot: snapshot(),
        },
        Violation::LockOutlivesRetention {
            snapshot: snapshot(),
            lock_expiry: expiry,
            retention_end: day(2030, 1, 1),
        },
        Violation::UnlockInCompliance {
            snapshot: snapshot(),
            expiry,
        },
        Violation::NotLocked {
            snapshot: snapshot(),
        },
        Violation::LockShortened {
            snapshot: snapshot(),
            current_expiry: expiry,
            requested_expiry: day(2030, 1, 1),
            allowed_from: Some(day(2027, 12, 7)),
        },
        Violation::CoolOffInCompliance {
            snapshot: snapshot(),
            cool_off_hours: 24,
            expiry,
            allowed_from: Some(expiry),
        },
        Violation::SnapshotLocked {
            snapshot: snapshot(),
            state: LockState::Compliance,
            expiry,
        },
        Violation::AutomaticSnapshotLimitReached {
            disk: disk(),
            limit: 1000,
            earliest_unlock: Some(expiry),
        },
        Violation::NotOverdueLongEnough {
            account: owner(),
            overdue_since: Some(now),
            releasable_at: Some(day(2026, 12, 22)),
        },
        Violation::ArchiveEndsBeforeLock {
            snapshot: snapshot(),
            archive_end: day(2027, 6, 1),
            lock_expiry: expiry,
        },
        Violation::SnapshotTooYoungToArchive {
            snapshot: snapshot(),
            created_at: day(2026, 12, 1),
            archivable_at: day(2026, 12, 15),
        },
        Violation::AlreadyArchived {
            snapshot: snapshot(),
        },
        Violation::ArchiveRetentionOutOfRange {
            days: 30,
            min: 60,
            max: 65_536,
        },
        Violation::ArchiveRetentionEnded {
            snapshot: snapshot(),
            days: 60,
            end: day(2026, 11, 1),
        },
        Violation::NotArchivable {
            snapshot: snapshot(),
            reason: Unarchivable::Encrypted {
                encryption: Encryption::ServiceKey,
            },
        },
        Violation::ArchivedRetentionFixed {
            snapshot: snapshot(),
        },
        Violation::ArchivedSnapshotNotCopyable {
            snapshot: snapshot(),
        },
        Violation::DiskRegionMismatch {
            snapshot: snapshot(),
            snapshot_region: hangzhou(),
            disk_region: shanghai(),
        },
        Violation::ImageRegionMismatch {
            image: image(),
            image_region: hangzhou(),
            disk_region: shanghai(),
        },
        Violation::UnencryptedFromEncryptedImage {
            image: image(),
            encryption: Encryption::CustomerKey(key()),
        },
        Violation::RollbackToOtherSnapshot {
            disk: disk(),
            snapshot: snapshot(),
        },
        Violation::ImageFromForeignSnapshot {
            image: image(),
            snapshot: snapshot(),
            owner: other(),
        },
        Violation::SnapshotNotInShare {
            share: share(),
            snapshot: snapshot(),
        },
        Violation::PrincipalNotInShare {
            share: share(),
            principal: Principal::Account(other()),
        },
        Violation::SharedSnapshotNotLockable {
            snapshot: snapshot(),
            owner: other(),
        },
        Violation::TooManyPrincipals {
            snapshot: snapshot(),
            principals: 11,
            limit: 10,
        },
        Violation::TooManySharedSnapshots {
            account: owner(),
            shared: 1001,
            limit: 1000,
        },
        Violation::CrossSite {
            account: owner(),
            site: Site::China,
            other: other(),
            other_site: Site::International,
        },
        Violation::PrincipalNotAllowed {
            share: share(),
            principal: Principal::Account(owner()),
            reason: PrincipalProblem::Owner,
        },
        Violation::NotShareable {
            snapshot: snapshot(),
            reason: Unshareable::ServiceKey,
        },
        Violation::SharedSnapshotNotArchivable {
            snapshot: snapshot(),
            shares: 1,
        },
        Violation::EncryptedShareNotTrusted {
            snapshot: snapshot(),
            owner: owner(),
            sharee: other(),
        },
        Violation::ShareNotAccepted {
            share: share(),
            account: other(),
        },
        Violation::NoInvitation {
            share: share(),
            account: other(),
        },
        Violation::AlreadyAccepted {
            share: share(),
            account: other(),
        },
        Violation::AlreadyInDirectory {
            account: other(),
            directory: directory(),
        },
        Violation::NotInDirectory {
            account: other(),
            directory: Some(directory()),
        },
        Violation::ManagementAccountLeaving {
            account: owner(),
            directory: directory(),
        },
        Violation::SharedViewExpired {
            share: share(),
            snapshot: snapshot(),
            expired_at: day(2026, 12, 1),
        },
        Violation::ShareeMayNot {
            snapshot: snapshot(),
            owner: other(),
            operation: ShareeOperation::Delete,
        },
        Violation::SharedKeyNotChanged {
            snapshot: snapshot(),
            key: key(),
            requested: Encryption::CustomerKey(key()),
        },
        Violation::SharedDiskCategory {
            snapshot: snapshot(),
            category: DiskCategory::Efficiency,
        },
        Violation::SnapshotShared {
            snapshot: snapshot(),
            shares: 2,
        },
        Violation::RetentionEnded {
            snapshot: snapshot(),
            ended_at: day(2026, 12, 1),
        },
        Violation::ShareNotInPlace {
            disk: disk(),
            snapshot: snapshot(),
        },
        Violation::StandardCopyRefused {
            snapshot: snapshot(),
            problem: StandardCopyProblem::SameRegion { region: hangzhou() },
        },
        Violation::KmsNotActivated { account: owner() },
        Violation::KeyNotUsable {
            key: key(),
            problem: KeyProblem::OtherRegion {
                key_region: hangzhou(),
                wanted: shanghai(),
            },
            rule: RuleId::Copy3,
        },
        Violation::UnencryptedFromEncrypted {
            snapshot: snapshot(),
            encryption: Encryption::ServiceKey,
        },
        Violation::ImmutabilityUnsupported {
            target: ImmutableTarget::Vault(vault()),
            kind: VaultKind::DatabaseRealtime,
        },
        Violation::ImmutabilityIrreversible {
            target: ImmutableTarget::Policy(BackupPolicyId::new("po-1")),
        },
        Violation::BackupPointLocked {
            point: BackupPointId::new("bp-1"),
            until: Some(expiry),
        },
        Violation::VaultNotDeletable {
            vault: VaultId::new("v-2"),
            until: Some(expiry),
            rule: RuleId::Vault6,
        },
        Violation::ReplicationRefused {
            vault: vault(),
            problem: ReplicationProblem::SameRegion { region: hangzhou() },
        },
        Violation::RegionClosingDown { region: shanghai() },
    ]
}
