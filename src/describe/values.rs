//! The small values events and commands print: causes, reasons, outcomes,
//! retentions asked for, sources, billing bases, kinds and scopes.

use std::fmt;

use crate::{
    BillingBasis, DeletionCause, DiskSource, PolicyKind, PrincipalScope, ReleaseReason,
    RetentionRequest, SnapshotOutcome,
};

/// How the snapshot went, to follow "deleted".
///
/// ```
/// use snapguard::DeletionCause;
/// assert_eq!(DeletionCause::Requested.to_string(), "on request");
/// assert_eq!(DeletionCause::Rotation.to_string(), "by rotation");
/// ```
impl fmt::Display for DeletionCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Requested => "on request",
            Self::DiskReleased => "with its disk",
            Self::ImageDeleted => "with its image",
            Self::Rotation => "by rotation",
        })
    }
}

/// Why the provider released the snapshot.
///
/// ```
/// use snapguard::ReleaseReason;
/// assert_eq!(ReleaseReason::RetentionEnded.to_string(), "its retention ended");
/// assert_eq!(ReleaseReason::Overdue.to_string(), "its account was overdue");
/// ```
impl fmt::Display for ReleaseReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::RetentionEnded => "its retention ended",
            Self::Overdue => "its account was overdue",
        })
    }
}

/// ```
/// use snapguard::SnapshotOutcome;
/// assert_eq!(SnapshotOutcome::Available { size_gib: 5 }.to_string(), "available with 5 GiB");
/// assert_eq!(SnapshotOutcome::Failed.to_string(), "failed");
/// ```
impl fmt::Display for SnapshotOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Available { size_gib } => write!(f, "available with {size_gib} GiB"),
            Self::Failed => f.write_str("failed"),
        }
    }
}

/// How long, to follow "kept".
///
/// ```
/// use snapguard::RetentionRequest;
/// assert_eq!(RetentionRequest::Days(30).to_string(), "for 30 days");
/// assert_eq!(RetentionRequest::Permanent.to_string(), "permanently");
/// ```
impl fmt::Display for RetentionRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Permanent => f.write_str("permanently"),
            Self::Days(n) => write!(f, "for {}", super::days(*n)),
        }
    }
}

/// Where the data comes from, to follow "created".
///
/// ```
/// use snapguard::DiskSource;
/// assert_eq!(DiskSource::Blank.to_string(), "blank");
/// assert_eq!(DiskSource::Snapshot("s-1".into()).to_string(), "from snapshot `s-1`");
/// ```
impl fmt::Display for DiskSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Blank => f.write_str("blank"),
            Self::Snapshot(snapshot) => write!(f, "from snapshot `{snapshot}`"),
            Self::Image(image) => write!(f, "from image `{image}`"),
        }
    }
}

/// How a copy is charged, to follow "charged".
///
/// ```
/// use snapguard::BillingBasis;
/// assert_eq!(BillingBasis::Incremental.to_string(), "incrementally");
/// assert_eq!(
///     BillingBasis::FullDiskSize { size_gib: 40 }.to_string(),
///     "in full, the source disk's 40 GiB"
/// );
/// ```
impl fmt::Display for BillingBasis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FullSnapshotSize { size_gib } => {
                write!(f, "in full, the snapshot's {size_gib} GiB")
            }
            Self::FullDiskSize { size_gib } => {
                write!(f, "in full, the source disk's {size_gib} GiB")
            }
            Self::Incremental => f.write_str("incrementally"),
        }
    }
}

/// ```
/// use snapguard::PolicyKind;
/// assert_eq!(PolicyKind::EcsInstance.to_string(), "ECS instance backup policy");
/// ```
impl fmt::Display for PolicyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::General => "general backup policy",
            Self::EcsInstance => "ECS instance backup policy",
        })
    }
}

/// Whom a share may name, to follow "open to".
///
/// ```
/// use snapguard::PrincipalScope;
/// assert_eq!(PrincipalScope::AllAccounts.to_string(), "any account");
/// ```
impl fmt::Display for PrincipalScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::AllAccounts => "any account",
            Self::ResourceDirectory => "the owner's resource directory",
        })
    }
}
