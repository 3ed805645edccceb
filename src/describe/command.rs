//! What a command asks for, as an order in one line.

use std::fmt;

use crate::{AccountId, Command, Principal, RetentionRequest, SnapshotId};

use super::{count, days, encrypted, kept_days, list};

/// Past this many principals or snapshots, a command counts the rest.
const SHOWN: usize = 3;

/// The command in plain words, as an order: what it asks for and the
/// objects it names, on one line. The actor and the instant are not part
/// of a command, so they are not printed.
///
/// ```
/// use snapguard::Command;
///
/// let lock: Command = serde_json::from_str(
///     r#"{"type": "lock_snapshot", "snapshot": "s-1", "duration_days": 30, "cool_off_hours": 12}"#,
/// )?;
/// assert_eq!(
///     lock.to_string(),
///     "lock snapshot `s-1` for 30 days with 12 hours of cooling-off"
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::CreateAccount(c) => {
                write!(f, "register account `{}` on the {}", c.account, c.site)
            }
            Self::CreateRegion(c) => write!(f, "register region `{}`", c.region),
            Self::CreateUser(c) => write!(
                f,
                "add user `{}` with {}",
                c.user,
                statements_phrase(c.statements.len())
            ),
            Self::SetUserPolicy(c) => write!(
                f,
                "give user `{}` {}",
                c.user,
                statements_phrase(c.statements.len())
            ),
            Self::MarkAccountOverdue(c) => write!(f, "mark account `{}` overdue", c.account),
            Self::SettleAccount(c) => write!(f, "settle account `{}`", c.account),
            Self::ReleaseOverdueSnapshot(c) => {
                write!(f, "release snapshot `{}` of an overdue account", c.snapshot)
            }
            Self::CreateDisk(c) => write!(
                f,
                "create disk `{}` in region `{}`: {} GiB {}, {}, {}",
                c.disk,
                c.region,
                c.size_gib,
                c.category,
                encrypted(&c.encryption),
                c.source
            ),
            Self::ReleaseDisk(c) => {
                write!(f, "release disk `{}`", c.disk)?;
                if c.release_automatic_snapshots {
                    f.write_str(" with its automatic snapshots")?;
                }
                Ok(())
            }
            Self::ResetDisk(c) => write!(
                f,
                "roll disk `{}` back to snapshot `{}`",
                c.disk, c.snapshot
            ),
            Self::CreateSnapshot(c) => {
                write!(
                    f,
                    "take snapshot `{}` of disk `{}`, {}",
                    c.snapshot,
                    c.disk,
                    kept_days(c.retention_days)
                )?;
                if !c.tags.is_empty() {
                    write!(f, ", with {}", count(c.tags.len(), "tag", "tags"))?;
                }
                if c.instant_access {
                    f.write_str(", with instant access")?;
                }
                Ok(())
            }
            Self::CreateAutomaticSnapshot(c) => write!(
                f,
                "take automatic snapshot `{}` of disk `{}`, {}",
                c.snapshot,
                c.disk,
                kept_days(c.retention_days)
            ),
            Self::CreateBackupSnapshot(c) => write!(
                f,
                "record Cloud Backup snapshot `{}` of account `{}` in region `{}`, {}",
                c.snapshot,
                c.account,
                c.region,
                kept_days(c.retention_days)
            ),
            Self::FinishSnapshot(c) => {
                write!(f, "finish snapshot `{}`: {}", c.snapshot, c.outcome)
            }
            Self::DeleteSnapshot(c) => write!(f, "delete snapshot `{}`", c.snapshot),
            Self::SetSnapshotRetention(c) => {
                write!(f, "keep snapshot `{}` {}", c.snapshot, c.retention)?;
                if let RetentionRequest::Days(_) = c.retention {
                    f.write_str(" from its creation")?;
                }
                Ok(())
            }
            Self::ArchiveSnapshot(c) => {
                write!(
                    f,
                    "archive snapshot `{}`, {}",
                    c.snapshot,
                    kept_days(c.retention_days)
                )?;
                if c.retention_days.is_some() {
                    f.write_str(" from its creation")?;
                }
                Ok(())
            }
            Self::CopySnapshot(c) => write!(
                f,
                "copy snapshot `{}` as `{}` to region `{}`, {}, {}",
                c.source,
                c.snapshot,
                c.region,
                encrypted(&c.encryption),
                kept_days(c.retention_days)
            ),
            Self::LockSnapshot(c) => {
                write!(
                    f,
                    "lock snapshot `{}` for {} ",
                    c.snapshot,
                    days(c.duration_days)
                )?;
                match c.cool_off_hours {
                    0 => f.write_str("without cooling-off"),
                    1 => f.write_str("with 1 hour of cooling-off"),
                    hours => write!(f, "with {hours} hours of cooling-off"),
                }
            }
            Self::UnlockSnapshot(c) => write!(f, "unlock snapshot `{}`", c.snapshot),
            Self::ImportImage(c) => {
                write!(f, "import image `{}` into region `{}`", c.image, c.region)
            }
            Self::CreateImage(c) => write!(
                f,
                "create image `{}` from snapshot `{}`",
                c.image, c.snapshot
            ),
            Self::DeleteImage(c) => {
                write!(f, "delete image `{}`", c.image)?;
                if c.delete_snapshots {
                    f.write_str(" with its snapshot")?;
                }
                Ok(())
            }
            Self::ReinitializeDisk(c) => write!(f, "re-initialize disk `{}`", c.disk),
            Self::CreateResourceDirectory(c) => {
                write!(f, "create resource directory `{}`", c.directory)
            }
            Self::CreateFolder(c) => write!(f, "create folder `{}`", c.folder),
            Self::AddDirectoryMember(c) => {
                write!(f, "add account `{}` to the resource directory", c.account)?;
                match &c.folder {
                    Some(folder) => write!(f, " in folder `{folder}`"),
                    None => f.write_str(" at its root"),
                }
            }
            Self::RemoveDirectoryMember(c) => write!(
                f,
                "remove account `{}` from the resource directory",
                c.account
            ),
            Self::SetEncryptedShareRole(c) => {
                let trusted: Vec<&AccountId> = c.trusted.iter().collect();
                match trusted.len() {
                    0 => f.write_str("remove the share-encrypted-snapshot role"),
                    n => write!(
                        f,
                        "let the share-encrypted-snapshot role trust {} {}",
                        if n == 1 { "account" } else { "accounts" },
                        list(&quoted(&trusted), SHOWN)
                    ),
                }
            }
            Self::CreateResourceShare(c) => {
                write!(f, "create resource share `{}` open to {}", c.share, c.scope)?;
                if !c.principals.is_empty() || !c.snapshots.is_empty() {
                    write!(f, ", with {}", items(&c.principals, &c.snapshots))?;
                }
                Ok(())
            }
            Self::AssociateResourceShare(c) => write!(
                f,
                "add {} to resource share `{}`",
                items(&c.principals, &c.snapshots),
                c.share
            ),
            Self::DisassociateResourceShare(c) => write!(
                f,
                "remove {} from resource share `{}`",
                items(&c.principals, &c.snapshots),
                c.share
            ),
            Self::DeleteResourceShare(c) => write!(f, "delete resource share `{}`", c.share),
            Self::AcceptResourceShare(c) => write!(f, "accept resource share `{}`", c.share),
            Self::ActivateKms(_) => f.write_str("activate KMS"),
            Self::CreateKey(c) => write!(
                f,
                "create customer key `{}` in region `{}`",
                c.key, c.region
            ),
            Self::EnableKey(c) => write!(f, "enable customer key `{}`", c.key),
            Self::DisableKey(c) => write!(f, "disable customer key `{}`", c.key),
            Self::MarkRegionClosingDown(c) => {
                write!(f, "mark region `{}` as closing down", c.region)
            }
            Self::CreateVault(c) => write!(
                f,
                "create vault `{}` in region `{}`: {}",
                c.vault, c.region, c.kind
            ),
            Self::CreateBackupPolicy(c) => {
                write!(
                    f,
                    "create {} `{}` backing up into vault `{}`",
                    c.kind, c.policy, c.vault
                )?;
                if c.immutable {
                    f.write_str(", immutable")?;
                }
                Ok(())
            }
            Self::EnableImmutability(c) => write!(f, "make {} immutable", c.target),
            Self::DisableImmutability(c) => {
                write!(f, "disable the immutability of {}", c.target)
            }
            Self::CreateBackupPoint(c) => {
                write!(
                    f,
                    "record backup point `{}` in vault `{}`",
                    c.point, c.vault
                )?;
                if let Some(policy) = &c.policy {
                    write!(f, " by backup policy `{policy}`")?;
                }
                if let Some(snapshot) = &c.snapshot {
                    write!(f, " from snapshot `{snapshot}`")?;
                }
                match c.retention_days {
                    Some(n) => write!(f, ", kept for {}", days(n)),
                    None => f.write_str(", kept as long as the vault keeps its points"),
                }
            }
            Self::DeleteBackupPoint(c) => write!(f, "delete backup point `{}`", c.point),
            Self::RestoreBackupPoint(c) => {
                write!(f, "restore from backup point `{}`", c.point)
            }
            Self::DeleteVault(c) => write!(f, "delete vault `{}`", c.vault),
            Self::ReplicateVault(c) => write!(
                f,
                "replicate vault `{}` as `{}` in region `{}`",
                c.vault, c.replica, c.region
            ),
            Self::ReplicateBackupPoint(c) => write!(
                f,
                "replicate backup point `{}` as `{}` into vault `{}`",
                c.point, c.replica, c.vault
            ),
        }
    }
}

/// `1 permission statement`, `3 permission statements`.
fn statements_phrase(n: usize) -> String {
    count(n, "permission statement", "permission statements")
}

/// Each id in backquotes.
fn quoted<T: fmt::Display>(ids: &[T]) -> Vec<String> {
    ids.iter().map(|id| format!("`{id}`")).collect()
}

/// ``account `a`, snapshot `s-1` and 4 more``, or `nothing`.
fn items(principals: &[Principal], snapshots: &[SnapshotId]) -> String {
    let words: Vec<String> = principals
        .iter()
        .map(ToString::to_string)
        .chain(snapshots.iter().map(|s| format!("snapshot `{s}`")))
        .collect();
    if words.is_empty() {
        "nothing".to_owned()
    } else {
        list(&words, SHOWN)
    }
}
