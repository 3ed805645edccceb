//! What an event says happened, in one line.

use std::fmt;

use crate::time::rfc3339;
use crate::{
    BackupPoint, Event, Image, ImageSource, Lock, Snapshot, SnapshotKind, SnapshotOrigin,
    SnapshotOutcome, Vault,
};

use super::{count, encrypted, list};

/// The event in plain words: its instant, a colon, then what happened to
/// which objects, on one line. The alternate flag (`{:#}`) leaves the
/// instant out, for a list of events already headed by it.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use snapguard::{Event, Lock};
///
/// let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
/// let locked = Event::LockSet { at, snapshot: "s-1".into(), lock: Lock::new(at, 30, 12)? };
/// assert_eq!(
///     locked.to_string(),
///     "2026-01-01T00:00:00Z: snapshot `s-1` locked until 2026-01-31T00:00:00Z, \
///      cooling off until 2026-01-01T12:00:00Z"
/// );
/// let expired = Event::LockExpired { at, snapshot: "s-1".into() };
/// assert_eq!(format!("{expired:#}"), "lock of snapshot `s-1` expired");
/// # Ok::<(), snapguard::Violation>(())
/// ```
impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !f.alternate() {
            write!(f, "{}: ", rfc3339(&self.at()))?;
        }
        what(self, f)
    }
}

/// What happened, without the instant.
fn what(event: &Event, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match event {
        Event::AccountCreated { account, site, .. } => {
            write!(f, "account `{account}` registered on the {site}")
        }
        Event::RegionCreated { region, .. } => write!(f, "region `{region}` registered"),
        Event::UserCreated {
            account,
            user,
            statements,
            ..
        } => write!(
            f,
            "user `{user}` added to account `{account}` with {}",
            statements_phrase(statements.len())
        ),
        Event::UserPolicySet {
            account,
            user,
            statements,
            ..
        } => write!(
            f,
            "user `{user}` of account `{account}` now has {}",
            statements_phrase(statements.len())
        ),
        Event::AccountOverdue { account, .. } => write!(f, "account `{account}` became overdue"),
        Event::AccountSettled { account, .. } => {
            write!(f, "account `{account}` paid and is no longer overdue")
        }
        Event::DiskCreated { disk, .. } => write!(
            f,
            "disk `{}` of account `{}` created in region `{}`: {} GiB {}, {}, {}",
            disk.id,
            disk.owner,
            disk.region,
            disk.size_gib,
            disk.category,
            encrypted(&disk.encryption),
            disk.source
        ),
        Event::DiskReleased { disk, .. } => write!(f, "disk `{disk}` released"),
        Event::DiskRolledBack { disk, snapshot, .. } => {
            write!(f, "disk `{disk}` rolled back to snapshot `{snapshot}`")
        }
        Event::SnapshotCreated { snapshot, .. } => snapshot_created(snapshot, f),
        Event::SnapshotCopied {
            snapshot, billing, ..
        } => {
            let source = match &snapshot.origin {
                SnapshotOrigin::Copy { source, .. } => format!(" of snapshot `{source}`"),
                _ => String::new(),
            };
            write!(
                f,
                "copy `{}`{source} started for account `{}` in region `{}`, {}, charged {billing}",
                snapshot.id,
                snapshot.owner,
                snapshot.region,
                encrypted(&snapshot.encryption)
            )
        }
        Event::SnapshotFinished {
            snapshot, outcome, ..
        } => match outcome {
            SnapshotOutcome::Available { .. } => {
                write!(f, "snapshot `{snapshot}` is {outcome}")
            }
            SnapshotOutcome::Failed => write!(f, "snapshot `{snapshot}` failed"),
        },
        Event::RetentionChanged {
            snapshot,
            retention,
            ..
        } => write!(f, "snapshot `{snapshot}` now kept {retention}"),
        Event::SnapshotArchived {
            snapshot,
            retention,
            ..
        } => write!(f, "snapshot `{snapshot}` archived, kept {retention}"),
        Event::SnapshotDeleted {
            snapshot,
            cause,
            cancelled_in_progress,
            early_archive_deletion,
            ..
        } => {
            write!(f, "snapshot `{snapshot}` deleted {cause}")?;
            if *cancelled_in_progress {
                f.write_str(" while in progress, cancelling its creation or copy")?;
            }
            if *early_archive_deletion {
                f.write_str(", with an early-deletion charge for the archive tier")?;
            }
            Ok(())
        }
        Event::SnapshotReleased {
            snapshot, reason, ..
        } => write!(
            f,
            "snapshot `{snapshot}` released by the provider: {reason}"
        ),
        Event::LockSet { snapshot, lock, .. } => {
            write!(f, "snapshot `{snapshot}` locked {}", lock_phrase(lock))
        }
        Event::LockReconfigured { snapshot, lock, .. } => write!(
            f,
            "lock of snapshot `{snapshot}` reconfigured: locked {}",
            lock_phrase(lock)
        ),
        Event::LockExtended {
            snapshot, expiry, ..
        } => write!(
            f,
            "lock of snapshot `{snapshot}` extended until {}",
            rfc3339(expiry)
        ),
        Event::SnapshotUnlocked { snapshot, .. } => {
            write!(f, "snapshot `{snapshot}` unlocked during its cooling-off")
        }
        Event::CoolOffEnded { snapshot, .. } => write!(
            f,
            "cooling-off of snapshot `{snapshot}` ended: its lock is in compliance"
        ),
        Event::LockExpired { snapshot, .. } => write!(f, "lock of snapshot `{snapshot}` expired"),
        Event::ImageCreated { image, .. } => image_created(image, f),
        Event::ImageDeleted { image, .. } => write!(f, "image `{image}` deleted"),
        Event::DiskReinitialized { disk, .. } => write!(f, "disk `{disk}` re-initialized"),
        Event::DirectoryCreated {
            directory,
            management,
            ..
        } => write!(
            f,
            "resource directory `{directory}` created, managed by account `{management}`"
        ),
        Event::FolderCreated {
            folder, directory, ..
        } => write!(
            f,
            "folder `{folder}` created in resource directory `{directory}`"
        ),
        Event::DirectoryMemberAdded {
            directory,
            account,
            folder,
            ..
        } => {
            write!(
                f,
                "account `{account}` joined resource directory `{directory}`"
            )?;
            match folder {
                Some(folder) => write!(f, " in folder `{folder}`"),
                None => f.write_str(" at its root"),
            }
        }
        Event::DirectoryMemberRemoved {
            directory, account, ..
        } => write!(
            f,
            "account `{account}` left resource directory `{directory}`"
        ),
        Event::EncryptedShareRoleSet {
            account, trusted, ..
        } => {
            let trusted: Vec<String> = trusted.iter().map(|a| format!("`{a}`")).collect();
            match trusted.len() {
                0 => write!(
                    f,
                    "account `{account}` no longer has a share-encrypted-snapshot role"
                ),
                n => write!(
                    f,
                    "the share-encrypted-snapshot role of account `{account}` now trusts {} {}",
                    if n == 1 { "account" } else { "accounts" },
                    list(&trusted, usize::MAX)
                ),
            }
        }
        Event::ResourceShareCreated {
            share,
            owner,
            scope,
            ..
        } => write!(
            f,
            "resource share `{share}` of account `{owner}` created, open to {scope}"
        ),
        Event::SharePrincipalAdded {
            share, principal, ..
        } => write!(f, "resource share `{share}` now reaches {principal}"),
        Event::SharePrincipalRemoved {
            share, principal, ..
        } => write!(f, "resource share `{share}` no longer reaches {principal}"),
        Event::SnapshotShared {
            share,
            snapshot,
            expires_at,
            ..
        } => write!(
            f,
            "snapshot `{snapshot}` shared through resource share `{share}`, visible until {}",
            rfc3339(expires_at)
        ),
        Event::SnapshotUnshared {
            share, snapshot, ..
        } => write!(
            f,
            "snapshot `{snapshot}` unshared from resource share `{share}`"
        ),
        Event::ResourceShareDeleted { share, .. } => {
            write!(f, "resource share `{share}` deleted")
        }
        Event::ResourceShareAccepted { share, account, .. } => {
            write!(f, "account `{account}` accepted resource share `{share}`")
        }
        Event::ShareExpired {
            share, snapshot, ..
        } => write!(
            f,
            "the share of snapshot `{snapshot}` through resource share `{share}` expired"
        ),
        Event::KmsActivated { account, .. } => write!(f, "account `{account}` activated KMS"),
        Event::KeyCreated { key, .. } => write!(
            f,
            "customer key `{}` of account `{}` created in region `{}`, {}",
            key.id,
            key.owner,
            key.region,
            if key.enabled { "enabled" } else { "disabled" }
        ),
        Event::KeyEnabled { key, .. } => write!(f, "customer key `{key}` enabled"),
        Event::KeyDisabled { key, .. } => write!(f, "customer key `{key}` disabled"),
        Event::VaultCreated { vault, .. } => vault_created(vault, f),
        Event::BackupPolicyCreated { policy, .. } => {
            write!(
                f,
                "{} `{}` of account `{}` created, backing up into vault `{}`",
                policy.kind, policy.id, policy.owner, policy.vault
            )?;
            if policy.immutable_since.is_some() {
                f.write_str(", immutable")?;
            }
            Ok(())
        }
        Event::ImmutabilityEnabled { target, .. } => write!(f, "{target} is now immutable"),
        Event::BackupPointCreated { point, .. } => point_created(point, f),
        Event::BackupPointLocked { point, .. } => write!(f, "backup point `{point}` locked"),
        Event::BackupPointDeleted { point, .. } => write!(f, "backup point `{point}` deleted"),
        Event::BackupPointExpired { point, .. } => {
            write!(f, "backup point `{point}` deleted at its retention end")
        }
        Event::BackupPointRestored { point, .. } => {
            write!(f, "data restored from backup point `{point}`")
        }
        Event::VaultDeleted { vault, .. } => {
            write!(f, "vault `{vault}` deleted with its backup policies")
        }
        Event::RegionClosingDown { region, .. } => {
            write!(f, "region `{region}` announced as closing down")
        }
    }
}

/// `1 permission statement`, `3 permission statements`.
fn statements_phrase(n: usize) -> String {
    count(n, "permission statement", "permission statements")
}

/// `until <expiry>, cooling off until <end>`, or `in compliance at once`
/// for a lock without cooling-off.
fn lock_phrase(lock: &Lock) -> String {
    let expiry = rfc3339(&lock.expiry);
    if lock.cool_off_end <= lock.start {
        format!("until {expiry}, in compliance at once")
    } else {
        format!(
            "until {expiry}, cooling off until {}",
            rfc3339(&lock.cool_off_end)
        )
    }
}

/// ``manual snapshot `s-1` of disk `d-1` started for account `1001` in
/// region `r`, kept until ...``.
fn snapshot_created(snapshot: &Snapshot, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let kind = match (&snapshot.origin, snapshot.kind) {
        (SnapshotOrigin::CloudBackup, _) => "Cloud Backup",
        (_, SnapshotKind::Manual) => "manual",
        (_, SnapshotKind::Automatic) => "automatic",
    };
    write!(f, "{kind} snapshot `{}`", snapshot.id)?;
    match &snapshot.origin {
        SnapshotOrigin::Disk { disk } | SnapshotOrigin::ImportedImageDisk { disk } => {
            write!(f, " of disk `{disk}`")?;
        }
        SnapshotOrigin::Copy { source, .. } => write!(f, " copied from snapshot `{source}`")?,
        SnapshotOrigin::CloudBackup => {}
    }
    write!(
        f,
        " started for account `{}` in region `{}`, kept {}",
        snapshot.owner, snapshot.region, snapshot.retention
    )
}

/// ``image `i-1` of account `1001` created in region `r` from snapshot
/// `s-1` ``, or imported.
fn image_created(image: &Image, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match &image.source {
        ImageSource::Snapshot(snapshot) => write!(
            f,
            "image `{}` of account `{}` created in region `{}` from snapshot `{snapshot}`",
            image.id, image.owner, image.region
        ),
        ImageSource::Imported => write!(
            f,
            "image `{}` of account `{}` imported into region `{}`",
            image.id, image.owner, image.region
        ),
    }
}

/// ``vault `v-1` of account `1001` created in region `r`: general-purpose
/// vault``, with its source if a replica, and whether immutable.
fn vault_created(vault: &Vault, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    write!(
        f,
        "vault `{}` of account `{}` created in region `{}`: {}",
        vault.id, vault.owner, vault.region, vault.kind
    )?;
    if let Some(source) = &vault.replica_of {
        write!(f, ", replicating vault `{source}`")?;
    }
    if vault.is_immutable() {
        f.write_str(", immutable")?;
    }
    Ok(())
}

/// ``backup point `p-1` stored in vault `v-1` `` with what made it, how long
/// it is kept and whether locked.
fn point_created(point: &BackupPoint, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match &point.replica_of {
        Some(source) => write!(
            f,
            "backup point `{}` replicated from backup point `{source}` into vault `{}`",
            point.id, point.vault
        )?,
        None => write!(
            f,
            "backup point `{}` stored in vault `{}`",
            point.id, point.vault
        )?,
    }
    if let Some(policy) = &point.policy {
        write!(f, " by backup policy `{policy}`")?;
    }
    if let Some(snapshot) = &point.snapshot {
        write!(f, " from snapshot `{snapshot}`")?;
    }
    write!(f, ", kept {}", point.retention)?;
    if point.locked_since.is_some() {
        f.write_str(", locked")?;
    }
    Ok(())
}
