//! The provider's answer to each snapguard refusal: an HTTP status, the
//! provider's error code and a message naming the rule.
//!
//! [`TABLE`] has one [`Row`] per [`Violation::KINDS`] entry. Where the
//! provider answers the same refusal differently depending on the operation
//! (`InvalidSnapshotId.NotFound` is 404 on most operations but 403 on
//! `CopySnapshot`) or on what the refusal is about (a missing snapshot,
//! disk or image each has its own code), the row carries [`Override`]s,
//! tried in order before the row's own answer. Codes are the provider's
//! documented ones wherever its API reference lists one for the situation
//! (`documented: true`); elsewhere they are made up in the provider's style
//! and marked `documented: false`. [`table_markdown`] renders the table for
//! the README.

use chrono::SecondsFormat;
use snapguard::{
    Bound, KeyProblem, ObjectKind, PrincipalProblem, ShareeOperation, StandardCopyProblem,
    Unarchivable, Unshareable, Violation,
};

use crate::error::ApiError;

/// How the provider answers one kind of violation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    /// The violation's kind ([`Violation::kind`]).
    pub kind: &'static str,
    /// The HTTP status, unless an override applies.
    pub status: u16,
    /// The provider's error code, unless an override applies.
    pub code: &'static str,
    /// Whether the provider documents this code for this situation.
    pub documented: bool,
    /// Where the code is documented, or why it was chosen.
    pub note: &'static str,
    /// Answers for particular operations or details, tried in order.
    pub overrides: &'static [Override],
}

/// A different answer for one operation, one detail ([`detail`]), or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Override {
    /// The operation it applies to (ECS `CopySnapshot`, Resource Sharing
    /// `CreateResourceShare`, HBR `DeleteVault`); `None` for any.
    pub action: Option<&'static str>,
    /// The detail ([`detail`]) it applies to; `None` for any.
    pub detail: Option<&'static str>,
    /// The HTTP status.
    pub status: u16,
    /// The provider's error code.
    pub code: &'static str,
    /// Whether the provider documents this code for this situation.
    pub documented: bool,
    /// Where the code is documented, or why it was chosen.
    pub note: &'static str,
}

/// The answer the table gives for one violation in one operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The provider's error code.
    pub code: &'static str,
    /// Whether the provider documents this code for this situation.
    pub documented: bool,
}

/// The provider's error for `violation`, refused in the operation
/// `action` (`"CopySnapshot"`; a snapguard command name such as
/// `"copy_snapshot"` is read as the operation that issues it, see
/// [`operation`]). The message is the library's text, which starts with
/// the rule id, and, where waiting lifts the refusal and the text does not
/// already name the instant, ends with " Retry at <RFC 3339 instant>.".
///
/// ```
/// use snapguard::{ObjectKind, Violation};
/// use snapguard_server::violations::provider_error;
///
/// let missing = Violation::NotFound { kind: ObjectKind::Snapshot, id: "s-1".to_owned() };
/// let error = provider_error(&missing, "DeleteSnapshot");
/// assert_eq!((error.status, error.code.as_str()), (404, "InvalidSnapshotId.NotFound"));
/// assert_eq!(error.message, "GEN-4: snapshot `s-1` does not exist");
/// // The provider documents 403 for the same refusal in CopySnapshot.
/// assert_eq!(provider_error(&missing, "CopySnapshot").status, 403);
/// ```
pub fn provider_error(violation: &Violation, action: &str) -> ApiError {
    let answer = answer(violation, action);
    ApiError::new(answer.status, answer.code, message(violation))
}

/// The status and code [`TABLE`] gives `violation` in `action`: the first
/// override of its row that matches, or the row's own answer. A kind
/// without a row (a variant newer than the table) is a 500 `InternalError`.
pub fn answer(violation: &Violation, action: &str) -> Answer {
    let Some(row) = row(violation.kind()) else {
        return Answer {
            status: 500,
            code: "InternalError",
            documented: true,
        };
    };
    let action = operation(action);
    let detail = detail(violation);
    row.overrides
        .iter()
        .find(|o| {
            o.action.is_none_or(|a| a == action) && o.detail.is_none_or(|d| Some(d) == detail)
        })
        .map_or(
            Answer {
                status: row.status,
                code: row.code,
                documented: row.documented,
            },
            |o| Answer {
                status: o.status,
                code: o.code,
                documented: o.documented,
            },
        )
}

/// The row for a kind.
pub fn row(kind: &str) -> Option<&'static Row> {
    TABLE.iter().find(|row| row.kind == kind)
}

/// The message: the library's text (rule id first), and the instant from
/// which the same request would pass, unless the text names it already.
pub fn message(violation: &Violation) -> String {
    let mut text = violation.to_string();
    if let Some(at) = violation.retry_at() {
        let at = at.to_rfc3339_opts(SecondsFormat::AutoSi, true);
        if !text.contains(&at) {
            text.push_str(". Retry at ");
            text.push_str(&at);
            text.push('.');
        }
    }
    text
}

/// The ECS operation that issues a snapguard command (`"reset_disk"` ->
/// `"ResetDisk"`), for callers that name the command; anything else,
/// ECS operation names included, is returned as it is.
pub fn operation(action: &str) -> &str {
    match action {
        "create_snapshot" => "CreateSnapshot",
        "delete_snapshot" => "DeleteSnapshot",
        "set_snapshot_retention" => "ModifySnapshotAttribute",
        "archive_snapshot" => "ModifySnapshotCategory",
        "copy_snapshot" => "CopySnapshot",
        "lock_snapshot" => "LockSnapshot",
        "unlock_snapshot" => "UnlockSnapshot",
        "create_disk" => "CreateDisk",
        "release_disk" => "DeleteDisk",
        "reset_disk" => "ResetDisk",
        "reinitialize_disk" => "ReInitDisk",
        "create_image" => "CreateImage",
        "delete_image" => "DeleteImage",
        other => other,
    }
}

/// What a violation is about, where the provider's code depends on it: the
/// kind of object (`"snapshot"`, `"disk"`, `"key"`, ...) for `not_found`,
/// `already_exists`, `invalid_id` and `foreign_resource`; the reason or
/// problem (`"encrypted_source"`, `"other_region"`, `"owner"`, ...) for
/// the variants that carry one; `"hbr"` for a `permission_denied` on a
/// Cloud Backup action (whose operation names ECS shares, such as
/// `DeleteSnapshot`); `None` otherwise.
pub fn detail(violation: &Violation) -> Option<&'static str> {
    match violation {
        Violation::PermissionDenied { action, .. } if action.name().starts_with("hbr:") => {
            Some("hbr")
        }
        Violation::NotFound { kind, .. }
        | Violation::AlreadyExists { kind, .. }
        | Violation::InvalidId { kind, .. }
        | Violation::ForeignResource { kind, .. } => object(*kind),
        Violation::BoundExceeded { bound, .. } => match bound {
            Bound::PolicyChars => Some("policy_chars"),
            Bound::Tags => Some("tags"),
            Bound::TagChars => Some("tag_chars"),
            Bound::SharesPerAccount => Some("shares_per_account"),
            Bound::FoldersPerDirectory => Some("folders_per_directory"),
            Bound::IdChars => Some("id_chars"),
            _ => None,
        },
        Violation::NotArchivable { reason, .. } => match reason {
            Unarchivable::Encrypted { .. } => Some("encrypted"),
            Unarchivable::CloudBackup => Some("cloud_backup"),
            _ => None,
        },
        Violation::PrincipalNotAllowed { reason, .. } => match reason {
            PrincipalProblem::Owner => Some("owner"),
            PrincipalProblem::OutsideDirectory => Some("outside_directory"),
            _ => None,
        },
        Violation::NotShareable { reason, .. } => match reason {
            Unshareable::ImportedImageDisk => Some("imported_image_disk"),
            Unshareable::ServiceKey => Some("service_key"),
            Unshareable::Archived => Some("archived"),
            Unshareable::RetentionEnded => Some("retention_ended"),
            _ => None,
        },
        Violation::ShareeMayNot { operation, .. } => match operation {
            ShareeOperation::Delete => Some("delete"),
            ShareeOperation::Archive => Some("archive"),
            ShareeOperation::Reshare => Some("reshare"),
            ShareeOperation::ChangeRetention => Some("change_retention"),
            _ => None,
        },
        Violation::StandardCopyRefused { problem, .. } => match problem {
            StandardCopyProblem::EncryptedSource { .. } => Some("encrypted_source"),
            StandardCopyProblem::SameRegion { .. } => Some("same_region"),
            _ => None,
        },
        Violation::KeyNotUsable { problem, .. } => match problem {
            KeyProblem::Disabled => Some("disabled"),
            KeyProblem::OtherRegion { .. } => Some("other_region"),
            _ => None,
        },
        _ => None,
    }
}

/// An object kind in snake case.
fn object(kind: ObjectKind) -> Option<&'static str> {
    Some(match kind {
        ObjectKind::Account => "account",
        ObjectKind::User => "user",
        ObjectKind::Region => "region",
        ObjectKind::Disk => "disk",
        ObjectKind::Snapshot => "snapshot",
        ObjectKind::Image => "image",
        ObjectKind::ResourceShare => "resource_share",
        ObjectKind::Directory => "directory",
        ObjectKind::Folder => "folder",
        ObjectKind::Key => "key",
        ObjectKind::Vault => "vault",
        ObjectKind::BackupPolicy => "backup_policy",
        ObjectKind::BackupPoint => "backup_point",
        _ => return None,
    })
}

/// The table as Markdown: one line per kind, then one per override,
/// marked with `↳` and what it applies to.
///
/// ```
/// let markdown = snapguard_server::violations::table_markdown();
/// assert!(markdown.contains(
///     "| `snapshot_locked` | any | 403 | `InvalidOperation.SnapshotLocked` | no |"
/// ));
/// ```
pub fn table_markdown() -> String {
    let mut out = String::from(
        "| Violation | When | HTTP | Code | Documented | Note |\n\
         |---|---|---|---|---|---|\n",
    );
    let yes_no = |documented: bool| if documented { "yes" } else { "no" };
    for row in TABLE {
        out.push_str(&format!(
            "| `{}` | any | {} | `{}` | {} | {} |\n",
            row.kind,
            row.status,
            row.code,
            yes_no(row.documented),
            row.note
        ));
        for o in row.overrides {
            let when = match (o.action, o.detail) {
                (Some(action), Some(detail)) => format!("`{action}`, {detail}"),
                (Some(action), None) => format!("`{action}`"),
                (None, Some(detail)) => detail.to_owned(),
                (None, None) => "any".to_owned(),
            };
            out.push_str(&format!(
                "| ↳ | {when} | {} | `{}` | {} | {} |\n",
                o.status,
                o.code,
                yes_no(o.documented),
                o.note
            ));
        }
    }
    out
}

const fn r(
    kind: &'static str,
    status: u16,
    code: &'static str,
    documented: bool,
    note: &'static str,
) -> Row {
    Row {
        kind,
        status,
        code,
        documented,
        note,
        overrides: &[],
    }
}

const fn o(
    action: Option<&'static str>,
    detail: Option<&'static str>,
    status: u16,
    code: &'static str,
    documented: bool,
    note: &'static str,
) -> Override {
    Override {
        action,
        detail,
        status,
        code,
        documented,
        note,
    }
}

/// Not found, by the kind of object; also what the provider answers for
/// another account's object, which it does not reveal.
#[rustfmt::skip]
const BY_OBJECT: &[Override] = &[
    o(Some("CreateResourceShare"), Some("snapshot"), 400, "InvalidParameter.Resources", false, "an unknown snapshot is answered as a resource that cannot be shared"),
    o(Some("AssociateResourceShare"), Some("snapshot"), 400, "InvalidParameter.Resources", false, "an unknown snapshot is answered as a resource that cannot be shared"),
    o(Some("CreateResourceShare"), Some("account"), 400, "InvalidTarget", false, "an unknown account is answered as a target that cannot be named"),
    o(Some("AssociateResourceShare"), Some("account"), 400, "InvalidTarget", false, "an unknown account is answered as a target that cannot be named"),
    o(None, Some("directory"), 400, "InvalidTarget", false, "CreateResourceShare, AssociateResourceShare: an unknown resource directory target"),
    o(None, Some("folder"), 400, "InvalidTarget", false, "CreateResourceShare, AssociateResourceShare: an unknown folder target"),
    o(Some("CopySnapshot"), Some("snapshot"), 403, "InvalidSnapshotId.NotFound", true, "CopySnapshot documents 403"),
    o(Some("CopySnapshot"), Some("key"), 403, "InvalidParameter.KMSKeyId.NotFound", true, "CopySnapshot documents 403"),
    o(Some("CreateSnapshot"), Some("key"), 400, "InvalidParameter.KMSKeyId.NotFound", true, "CreateSnapshot documents 400"),
    o(None, Some("snapshot"), 404, "InvalidSnapshotId.NotFound", true, "every snapshot operation"),
    o(None, Some("disk"), 404, "InvalidDiskId.NotFound", true, "CreateSnapshot, DeleteDisk, ResetDisk, ReInitDisk"),
    o(None, Some("image"), 404, "InvalidImageId.NotFound", true, "DeleteImage, ReInitDisk"),
    // Cloud Backup (HBR 2017-09-08).
    o(Some("CreateVault"), Some("region"), 404, "InvalidRegionId.NotFound", false, "HBR documents no code for an unknown VaultRegionId; ECS's"),
    o(Some("DescribeVaults"), Some("region"), 404, "InvalidRegionId.NotFound", false, "HBR documents no code for an unknown VaultRegionId; ECS's"),
    o(Some("CreateReplicationVault"), Some("region"), 404, "InvalidRegionId.NotFound", false, "HBR documents no code for an unknown VaultRegionId; ECS's"),
    o(None, Some("vault"), 404, "VaultNotExist", true, "HBR error codes: the specified vault does not exist"),
    o(None, Some("backup_point"), 404, "ResourceNotFound", true, "HBR's generic code (the specified resource is not found); no snapshot code found"),
    o(None, Some("backup_policy"), 404, "ResourceNotFound", true, "HBR's generic code (the specified resource is not found); no policy code found"),
    o(None, Some("region"), 404, "InvalidRegionId.NotFound", true, "CreateDisk"),
    o(None, Some("key"), 404, "InvalidParameter.KMSKeyId.NotFound", true, "CreateDisk, ResetDisk"),
    o(None, Some("resource_share"), 404, "EntityNotExists.ResourceShare", true, "Resource Sharing AssociateResourceShare"),
    o(None, Some("user"), 404, "EntityNotExist.User", true, "RAM API errors"),
    o(None, Some("account"), 404, "InvalidAccount.NotFound", false, "admin API only"),
];

/// One row per [`Violation::KINDS`] entry, in the same order (one line
/// each: the table is data, kept out of rustfmt).
#[rustfmt::skip]
pub const TABLE: &[Row] = &[
    r("clock_went_backwards", 500, "InternalError", true, "cannot come from this server, whose clock never moves back (GEN-2)"),
    Row {
        overrides: BY_OBJECT,
        ..r("not_found", 404, "InvalidResourceId.NotFound", false, "code by the kind of object")
    },
    Row {
        overrides: &[o(None, Some("user"), 409, "EntityAlreadyExists.User", true, "RAM API errors")],
        ..r("already_exists", 409, "EntityAlreadyExists", false, "ids are minted by the server; admin requests only")
    },
    r("invalid_id", 400, "InvalidParameter", true, "the provider's code for a malformed parameter"),
    r("time_out_of_range", 400, "InvalidParameter", true, "a duration reaching past the representable instants"),
    r("leap_second", 500, "InternalError", true, "cannot come from this server, whose clock never stands in a leap second"),
    Row {
        overrides: &[
            o(None, Some("tags"), 403, "QuotaExceed.Tags", true, "CreateDisk, CreateImage"),
            o(None, Some("tag_chars"), 400, "InvalidTagKey.Malformed", true, "CreateSnapshot, CreateDisk"),
            o(None, Some("shares_per_account"), 409, "QuotaExceeded.ResourceShare.Count", false, "CreateResourceShare: named like QuotaExceeded.SharedResource.Count"),
        ],
        ..r("bound_exceeded", 400, "InvalidParameter", true, "an input past its published limit")
    },
    Row {
        overrides: &[o(None, Some("hbr"), 403, "NoPermission", true, "HBR error codes: user is not authorized (every hbr: action)")],
        ..r("permission_denied", 403, "Forbidden.RAM", true, "ECS authorization failures")
    },
    r("wrong_actor", 403, "InvalidOperation.Unauthorized", false, "platform processes are not customer calls"),
    Row {
        overrides: BY_OBJECT,
        ..r("foreign_resource", 404, "InvalidResourceId.NotFound", false, "another account's object is not revealed: not found, by kind")
    },
    Row {
        overrides: &[
            o(Some("LockSnapshot"), None, 403, "InvalidOperation.SnapshotNotAvailable", true, "LockSnapshot"),
            o(Some("ModifySnapshotCategory"), None, 400, "InvalidStatus.SnapshotUnfinished", true, "ModifySnapshotCategory"),
            o(Some("ModifySnapshotAttribute"), None, 400, "InvalidSnapshotId.NotReady", true, "ModifySnapshotAttribute"),
            o(Some("CreateResourceShare"), None, 400, "InvalidParameter.Resources", false, "SHARE-5: a snapshot not yet available is not a resource that can be shared"),
            o(Some("AssociateResourceShare"), None, 400, "InvalidParameter.Resources", false, "SHARE-5: a snapshot not yet available is not a resource that can be shared"),
        ],
        ..r("snapshot_not_available", 403, "InvalidSnapshotId.NotReady", true, "CopySnapshot, CreateDisk, ResetDisk, CreateImage")
    },
    r("snapshot_not_in_progress", 403, "IncorrectSnapshotStatus", false, "admin API only (finishing a snapshot)"),
    r("retention_shortened", 400, "InvalidOperation.DecreaseRetentionDaysUnsupported", true, "ModifySnapshotAttribute, ModifySnapshotCategory"),
    Row {
        overrides: &[o(Some("CopySnapshot"), None, 403, "InvalidRetentionDays.Malformed", true, "CopySnapshot documents 403")],
        ..r("retention_out_of_range", 400, "InvalidRetentionDays.Malformed", true, "CreateSnapshot, ModifySnapshotAttribute")
    },
    r("lock_duration_out_of_range", 400, "InvalidLockDuration.Malformed", false, "LockSnapshot documents the range but no code"),
    r("cool_off_out_of_range", 400, "InvalidCoolOffPeriod.Malformed", false, "LockSnapshot documents the range but no code"),
    r("cool_off_exceeds_duration", 400, "InvalidCoolOffPeriod.ExceedLockDuration", true, "LockSnapshot"),
    r("cloud_backup_snapshot", 403, "InvalidOperation.ResourceManagedByCloudProduct", true, "LockSnapshot"),
    r("lock_outlives_retention", 400, "InvalidLockDuration.ExceedRetentionDays", true, "LockSnapshot"),
    r("unlock_in_compliance", 403, "InvalidOperation.CoolOffPeriodExpired", true, "UnlockSnapshot"),
    r("not_locked", 404, "InvalidSnapshotLock.NotFound", true, "UnlockSnapshot, DescribeLockedSnapshots"),
    r("lock_shortened", 403, "InvalidOperation.CoolOffPeriodExpired", true, "LockSnapshot"),
    r("cool_off_in_compliance", 403, "InvalidOperation.CoolOffPeriodExpired", true, "LockSnapshot"),
    r("snapshot_locked", 403, "InvalidOperation.SnapshotLocked", false, "DeleteSnapshot documents no code for a locked snapshot"),
    r("automatic_snapshot_limit_reached", 403, "QuotaExceed.Snapshot", true, "CreateSnapshot"),
    r("not_overdue_long_enough", 403, "InvalidAccountStatus.NotOverdue", false, "billing process, admin API only"),
    r("archive_ends_before_lock", 400, "InvalidRetentionDays.LessThanLockExpiredTime", true, "ModifySnapshotCategory"),
    r("snapshot_too_young_to_archive", 400, "InvalidStatus.SnapshotAgeLimit", true, "ModifySnapshotCategory"),
    r("already_archived", 400, "InvalidStatus.SnapshotInArchive", true, "ModifySnapshotCategory (archiving is immediate here)"),
    r("archive_retention_out_of_range", 400, "InvalidRetentionDays.Malformed", true, "ModifySnapshotCategory"),
    r("archive_retention_ended", 400, "InvalidRetentionDays.Malformed", true, "ModifySnapshotCategory"),
    Row {
        overrides: &[o(None, Some("cloud_backup"), 403, "InvalidOperation.ResourceManagedByCloudProduct", true, "ModifySnapshotCategory")],
        ..r("not_archivable", 403, "InvalidOperation.EncryptedSnapshotUnsupport", true, "ModifySnapshotCategory")
    },
    r("archived_retention_fixed", 403, "InvalidSnapshotCategory.NotSupportModifyRetention", false, "named like CopySnapshot's InvalidSnapshotCategory.NotSupportCopy"),
    r("archived_snapshot_not_copyable", 403, "InvalidSnapshotCategory.NotSupportCopy", true, "CopySnapshot"),
    r("disk_region_mismatch", 404, "InvalidSnapshotId.NotFound", true, "CreateDisk looks the snapshot up in the disk's region"),
    r("image_region_mismatch", 404, "InvalidImageId.NotFound", true, "the image is looked up in the disk's region"),
    r("unencrypted_from_encrypted_image", 400, "InvalidParameter.Encrypted", false, "CreateDisk documents it for encrypted snapshots"),
    r("rollback_to_other_snapshot", 403, "InvalidParameter.Mismatch", true, "ResetDisk"),
    r("image_from_foreign_snapshot", 400, "OperationDenied", true, "CreateImage: shared snapshots do not support creating images"),
    Row {
        overrides: &[o(Some("DisassociateResourceShare"), None, 400, "DisassociateInvalid", true, "DisassociateResourceShare: the resource is not associated")],
        ..r("snapshot_not_in_share", 404, "EntityNotExists.ResourceShareAssociation", false, "Resource Sharing style")
    },
    Row {
        overrides: &[o(Some("DisassociateResourceShare"), None, 400, "DisassociateInvalid", true, "DisassociateResourceShare: the target is not associated")],
        ..r("principal_not_in_share", 404, "EntityNotExists.ResourceShareAssociation", false, "Resource Sharing style")
    },
    Row {
        overrides: &[o(Some("UnlockSnapshot"), None, 403, "InvalidOperation.LockSharedSnapshotUnsupported", false, "documented for LockSnapshot only")],
        ..r("shared_snapshot_not_lockable", 403, "InvalidOperation.LockSharedSnapshotUnsupported", true, "LockSnapshot")
    },
    Row {
        overrides: &[
            o(Some("CreateResourceShare"), None, 409, "QuotaExceeded.SharedTarget.Count", false, "SHARE-1, 64 principals a snapshot across shares"),
            o(Some("AssociateResourceShare"), None, 409, "QuotaExceeded.SharedTarget.Count", false, "SHARE-1, 64 principals a snapshot across shares"),
        ],
        ..r("too_many_principals", 409, "QuotaExceeded.SharedTarget.Count", false, "named like QuotaExceeded.SharedResource.Count")
    },
    Row {
        overrides: &[
            o(Some("CreateResourceShare"), None, 409, "QuotaExceeded.SharedResource.Count", true, "SHARE-2, Resource Sharing error codes"),
            o(Some("AssociateResourceShare"), None, 409, "QuotaExceeded.SharedResource.Count", true, "SHARE-2, Resource Sharing error codes"),
        ],
        ..r("too_many_shared_snapshots", 409, "QuotaExceeded.SharedResource.Count", true, "AssociateResourceShare")
    },
    Row {
        overrides: &[
            o(Some("CreateResourceShare"), None, 409, "InvalidTarget.SiteMismatch", true, "SHARE-3, Resource Sharing error codes"),
            o(Some("AssociateResourceShare"), None, 409, "InvalidTarget.SiteMismatch", true, "SHARE-3, Resource Sharing error codes"),
        ],
        ..r("cross_site", 409, "InvalidTarget.SiteMismatch", true, "AssociateResourceShare")
    },
    Row {
        overrides: &[
            o(None, Some("owner"), 409, "ShareWithYourself", true, "AssociateResourceShare"),
            o(Some("CreateResourceShare"), None, 400, "InvalidTarget", true, "SHARE-4: outside the resource directory the share is scoped to"),
            o(Some("AssociateResourceShare"), None, 400, "InvalidTarget", true, "SHARE-4: outside the resource directory the share is scoped to"),
        ],
        ..r("principal_not_allowed", 400, "InvalidTarget", true, "AssociateResourceShare: not in the resource directory")
    },
    Row {
        overrides: &[
            o(Some("CreateResourceShare"), None, 400, "InvalidParameter.Resources", true, "SHARE-5: the shared resource is invalid"),
            o(Some("AssociateResourceShare"), None, 400, "InvalidParameter.Resources", true, "SHARE-5: the shared resource is invalid"),
        ],
        ..r("not_shareable", 400, "InvalidParameter.Resources", true, "AssociateResourceShare: the shared resource is invalid")
    },
    r("shared_snapshot_not_archivable", 400, "InvalidOperation.ArchiveSharedSnapshotUnsupported", true, "ModifySnapshotCategory"),
    Row {
        overrides: &[
            o(Some("CreateResourceShare"), None, 403, "InvalidTarget.EncryptedShareRoleNotTrusted", false, "SHARE-6: the sharer's share-encrypted-snapshot role does not trust the target"),
            o(Some("AssociateResourceShare"), None, 403, "InvalidTarget.EncryptedShareRoleNotTrusted", false, "SHARE-6: the sharer's share-encrypted-snapshot role does not trust the target"),
        ],
        ..r("encrypted_share_not_trusted", 403, "InvalidParameter.KMSKeyId.KMSUnauthorized", true, "CreateDisk, CopySnapshot")
    },
    Row {
        overrides: &[o(Some("CopySnapshot"), None, 403, "InvalidSnapshotId.NotFound", true, "CopySnapshot documents 403")],
        ..r("share_not_accepted", 404, "InvalidSnapshotId.NotFound", true, "a snapshot of a share not accepted is not visible")
    },
    Row {
        overrides: &[o(Some("AcceptResourceShareInvitation"), None, 409, "EntityNotExists.ResourceShareInvitation", true, "SHARE-7: no invitation of the caller's has this id")],
        ..r("no_invitation", 409, "EntityNotExists.ResourceShareInvitation", true, "AcceptResourceShareInvitation")
    },
    Row {
        overrides: &[o(Some("AcceptResourceShareInvitation"), None, 409, "InvitationStatus.AlreadyAccepted", true, "SHARE-7: accepted once already")],
        ..r("already_accepted", 409, "InvitationStatus.AlreadyAccepted", true, "AcceptResourceShareInvitation")
    },
    r("already_in_directory", 409, "InvalidAccount.AlreadyInResourceDirectory", false, "Resource Directory style"),
    r("not_in_directory", 409, "AccountNotInResourceDirectory", true, "AssociateResourceShare"),
    r("management_account_leaving", 409, "InvalidOperation.ManagementAccountCannotLeave", false, "Resource Directory style"),
    Row {
        overrides: &[o(Some("CopySnapshot"), None, 403, "InvalidSnapshotId.NotFound", true, "CopySnapshot documents 403")],
        ..r("shared_view_expired", 404, "InvalidSnapshotId.NotFound", true, "an expired share's snapshot is not visible")
    },
    Row {
        overrides: &[
            o(None, Some("archive"), 400, "InvalidOperation.ArchiveSharedSnapshotUnsupported", true, "ModifySnapshotCategory"),
            o(None, Some("reshare"), 400, "InvalidParameter.Resources", false, "CreateResourceShare, AssociateResourceShare: a snapshot shared with you is not shared onward (SHARE-10)"),
        ],
        ..r("sharee_may_not", 403, "InvalidOperation.SharedSnapshotUnsupported", false, "only archiving has a documented code")
    },
    Row {
        overrides: &[o(Some("CopySnapshot"), None, 400, "InvalidParam.EncryptedMismatch", false, "documented for CreateDisk only")],
        ..r("shared_key_not_changed", 400, "InvalidParam.EncryptedMismatch", true, "CreateDisk")
    },
    r("shared_disk_category", 403, "InvalidDiskCategory.NotSupported", true, "CreateDisk"),
    r("snapshot_shared", 403, "InvalidOperation.DeleteSharedSnapshotUnsupported", true, "DeleteSnapshot"),
    r("retention_ended", 403, "InvalidOperation.SnapshotRetentionEnded", false, "kept only while shared"),
    r("share_not_in_place", 403, "InvalidSourceSnapshot", true, "ReInitDisk"),
    Row {
        overrides: &[o(None, Some("encrypted_source"), 403, "InvalidEncrypted.NotSupportDecrypt", true, "CopySnapshot")],
        ..r("standard_copy_refused", 403, "InvalidOperation.NotSupportCopyInSameRegion", true, "CopySnapshot")
    },
    Row {
        overrides: &[o(Some("CreateDisk"), None, 400, "InvalidParameter.KmsNotEnabled", true, "CreateDisk documents 400")],
        ..r("kms_not_activated", 403, "InvalidParameter.KmsNotEnabled", true, "CopySnapshot")
    },
    Row {
        overrides: &[
            o(Some("CopySnapshot"), Some("other_region"), 403, "InvalidParameter.KMSKeyId.NotFound", true, "CopySnapshot documents 403"),
            o(Some("CreateSnapshot"), Some("other_region"), 400, "InvalidParameter.KMSKeyId.NotFound", true, "CreateSnapshot documents 400"),
            o(None, Some("other_region"), 404, "InvalidParameter.KMSKeyId.NotFound", true, "the key is looked up in the region; CreateDisk"),
        ],
        ..r("key_not_usable", 403, "InvalidParameter.KMSKeyId.CMKNotEnabled", true, "CopySnapshot, CreateDisk, ResetDisk")
    },
    r("unencrypted_from_encrypted", 400, "InvalidParameter.Encrypted", true, "CreateDisk"),
    Row {
        overrides: &[
            o(Some("CreateVault"), None, 400, "WormNotSupported", false, "CreateVault WormEnabled: HBR documents which vaults support it, no code"),
            o(Some("UpdateVault"), None, 400, "WormNotSupported", false, "UpdateVault WormEnabled: only standard and archive vaults, no code"),
            o(Some("CreatePolicyV2"), None, 400, "WormNotSupported", false, "CreatePolicyV2 Immutable: no code documented"),
            o(Some("UpdatePolicyV2"), None, 400, "WormNotSupported", false, "UpdatePolicyV2 Immutable: no code documented"),
        ],
        ..r("immutability_unsupported", 400, "WormNotSupported", false, "Cloud Backup (HBR): no code documented")
    },
    Row {
        overrides: &[
            o(Some("UpdateVault"), None, 403, "WormCannotBeDisabled", false, "UpdateVault: documented irreversible, no code"),
            o(Some("UpdatePolicyV2"), None, 403, "WormCannotBeDisabled", false, "UpdatePolicyV2: documented irreversible, no code"),
        ],
        ..r("immutability_irreversible", 403, "WormCannotBeDisabled", false, "Cloud Backup (HBR): no code documented")
    },
    Row {
        overrides: &[o(Some("DeleteSnapshot"), None, 403, "SnapshotLocked", false, "HBR DeleteSnapshot: no code documented for an immutable backup")],
        ..r("backup_point_locked", 403, "SnapshotLocked", false, "Cloud Backup (HBR): no code documented")
    },
    Row {
        overrides: &[o(Some("DeleteVault"), None, 403, "CannotDeleteLockedVault", false, "named like the DeleteVault code CannotDeleteReplicationSourceVault")],
        ..r("vault_not_deletable", 403, "CannotDeleteLockedVault", false, "Cloud Backup (HBR): no code documented")
    },
    Row {
        overrides: &[o(Some("CreateReplicationVault"), None, 400, "CannotCreateReplicationVault", false, "HBR documents no code for the region or source refused")],
        ..r("replication_refused", 400, "CannotCreateReplicationVault", false, "Cloud Backup (HBR): no code documented; admin replication")
    },
    r("region_closing_down", 403, "InvalidRegionId.NotSupportedEncryptedSnapshotCopy", true, "CopySnapshot"),
];
