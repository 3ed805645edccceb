//! The violation table against every kind of violation snapguard has.
//!
//! The samples are `snapguard::testing::violation_samples()`, one of each
//! kind. When the library gains a variant, `every_kind_has_exactly_one_row`
//! fails until the table names it, and `the_samples_are_one_of_each_kind`
//! checks that the samples still cover every kind.

use chrono::SecondsFormat;
use snapguard::testing::violation_samples;
use snapguard::{
    AccountId, Action, Actor, Encryption, KeyId, LockState, ObjectKind, RegionId, SnapshotId,
    StandardCopyProblem, UserId, Violation,
};
use snapguard_server::api::PRODUCTS;
use snapguard_server::violations::{
    TABLE, answer, detail, operation, provider_error, row, table_markdown,
};

/// The operations every product serves, two admin commands' names, and
/// none.
fn actions() -> Vec<&'static str> {
    let mut actions: Vec<&'static str> = PRODUCTS
        .iter()
        .flat_map(|product| product.operations.iter())
        .map(|operation| operation.name)
        .collect();
    actions.extend(["copy_snapshot", "release_overdue_snapshot", ""]);
    actions
}

/// The provider's code syntax: `^[A-Za-z]+(\.[A-Za-z0-9]+)*$`.
fn is_provider_code(code: &str) -> bool {
    let mut parts = code.split('.');
    let first = parts.next().unwrap_or_default();
    !first.is_empty()
        && first.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric()))
}

fn rfc3339(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

#[test]
fn every_kind_has_exactly_one_row() {
    for kind in Violation::KINDS {
        let rows = TABLE.iter().filter(|row| row.kind == *kind).count();
        assert_eq!(rows, 1, "{kind} has {rows} rows");
    }
    let kinds: Vec<&str> = TABLE.iter().map(|row| row.kind).collect();
    assert_eq!(
        kinds,
        Violation::KINDS,
        "the table follows the declaration order"
    );
}

#[test]
fn every_row_names_a_kind() {
    for row in TABLE {
        assert!(
            Violation::KINDS.contains(&row.kind),
            "{} is no kind",
            row.kind
        );
    }
}

#[test]
fn codes_and_statuses_are_the_providers() {
    for row in TABLE {
        assert!(is_provider_code(row.code), "{}: {}", row.kind, row.code);
        assert!(
            (400..600).contains(&row.status),
            "{}: {}",
            row.kind,
            row.status
        );
        assert!(
            !row.note.is_empty() && !row.note.contains('|'),
            "{}",
            row.kind
        );
        for o in row.overrides {
            assert!(is_provider_code(o.code), "{}: {}", row.kind, o.code);
            assert!((400..600).contains(&o.status), "{}: {}", row.kind, o.status);
            assert!(
                o.action.is_some() || o.detail.is_some(),
                "{}: an override for everything",
                row.kind
            );
            if let Some(action) = o.action {
                assert!(
                    actions().contains(&action),
                    "{}: {action} is not served",
                    row.kind
                );
            }
            assert!(!o.note.is_empty() && !o.note.contains('|'), "{}", row.kind);
        }
    }
    for code in [
        "InternalError",
        "Forbidden.RAM",
        "InvalidParameter.KMSKeyId.CMKNotEnabled",
    ] {
        assert!(is_provider_code(code));
    }
    for code in [
        "",
        "Invalid.",
        ".NotFound",
        "Invalid-Id",
        "1Invalid",
        "Invalid..Id",
    ] {
        assert!(!is_provider_code(code), "{code}");
    }
}

#[test]
fn the_samples_are_one_of_each_kind() {
    let kinds: Vec<&str> = violation_samples().iter().map(Violation::kind).collect();
    assert_eq!(kinds, Violation::KINDS);
}

#[test]
fn every_sample_gets_its_rows_answer_and_a_message_naming_the_rule() {
    for sample in violation_samples() {
        let row = row(sample.kind()).unwrap_or_else(|| panic!("no row for {}", sample.kind()));
        for action in actions() {
            let error = provider_error(&sample, action);
            let expected = answer(&sample, action);
            assert_eq!(
                (error.status, error.code.as_str()),
                (expected.status, expected.code)
            );
            // The answer is the row's own or one of its overrides'.
            let candidates: Vec<(u16, &str)> = std::iter::once((row.status, row.code))
                .chain(row.overrides.iter().map(|o| (o.status, o.code)))
                .collect();
            assert!(
                candidates.contains(&(error.status, error.code.as_str())),
                "{sample:?} in {action}"
            );
            // An override applies only where its action and detail match.
            let matching = row.overrides.iter().find(|o| {
                o.action.is_none_or(|a| a == operation(action))
                    && o.detail.is_none_or(|d| Some(d) == detail(&sample))
            });
            match matching {
                Some(o) => assert_eq!((error.status, error.code.as_str()), (o.status, o.code)),
                None => assert_eq!((error.status, error.code.as_str()), (row.status, row.code)),
            }
            let rule = sample.rule().code();
            assert!(
                error.message.starts_with(&format!("{rule}: ")),
                "{}",
                error.message
            );
            assert!(
                error.message.starts_with(&sample.to_string()),
                "{}",
                error.message
            );
            if let Some(at) = sample.retry_at() {
                assert!(error.message.contains(&rfc3339(at)), "{}", error.message);
            } else {
                assert_eq!(error.message, sample.to_string());
            }
        }
    }
}

#[test]
fn the_samples_reach_the_retry_sentence_and_some_overrides() {
    let samples = violation_samples();
    assert!(samples.iter().any(|s| {
        s.retry_at().is_some() && provider_error(s, "LockSnapshot").message.ends_with('.')
    }));
    let overridden = samples
        .iter()
        .filter(|s| {
            actions().into_iter().any(|a| {
                let r = row(s.kind()).map(|r| (r.status, r.code));
                let a = answer(s, a);
                r != Some((a.status, a.code))
            })
        })
        .count();
    assert!(
        overridden >= 5,
        "only {overridden} samples meet an override"
    );
}

fn snapshot() -> SnapshotId {
    SnapshotId::new("s-1")
}

fn at(y: i32, m: u32, d: u32) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    chrono::Utc.with_ymd_and_hms(y, m, d, 0, 0, 0).unwrap()
}

#[test]
fn not_found_depends_on_the_object_and_the_operation() {
    let missing = |kind| Violation::NotFound {
        kind,
        id: "x-1".to_owned(),
    };
    let cases = [
        (
            ObjectKind::Snapshot,
            "DeleteSnapshot",
            404,
            "InvalidSnapshotId.NotFound",
        ),
        (
            ObjectKind::Snapshot,
            "CopySnapshot",
            403,
            "InvalidSnapshotId.NotFound",
        ),
        (
            ObjectKind::Snapshot,
            "copy_snapshot",
            403,
            "InvalidSnapshotId.NotFound",
        ),
        (ObjectKind::Disk, "ResetDisk", 404, "InvalidDiskId.NotFound"),
        (
            ObjectKind::Image,
            "DeleteImage",
            404,
            "InvalidImageId.NotFound",
        ),
        (
            ObjectKind::Region,
            "CreateDisk",
            404,
            "InvalidRegionId.NotFound",
        ),
        (
            ObjectKind::Key,
            "CreateDisk",
            404,
            "InvalidParameter.KMSKeyId.NotFound",
        ),
        (
            ObjectKind::Key,
            "CopySnapshot",
            403,
            "InvalidParameter.KMSKeyId.NotFound",
        ),
        (
            ObjectKind::Key,
            "CreateSnapshot",
            400,
            "InvalidParameter.KMSKeyId.NotFound",
        ),
    ];
    for (kind, action, status, code) in cases {
        let error = provider_error(&missing(kind), action);
        assert_eq!(
            (error.status, error.code.as_str()),
            (status, code),
            "{kind} in {action}"
        );
        assert!(error.message.starts_with("GEN-4: "));
    }
    // Another account's snapshot is not revealed.
    let foreign = Violation::ForeignResource {
        kind: ObjectKind::Snapshot,
        id: "s-1".to_owned(),
        owner: AccountId::new("2"),
        account: AccountId::new("1"),
    };
    let error = provider_error(&foreign, "DeleteSnapshot");
    assert_eq!(
        (error.status, error.code.as_str()),
        (404, "InvalidSnapshotId.NotFound")
    );
    assert!(error.message.starts_with("PERM-4: "));
}

#[test]
fn lock_refusals_use_the_documented_codes() {
    let locked = Violation::SnapshotLocked {
        snapshot: snapshot(),
        state: LockState::Compliance,
        expiry: at(2031, 1, 1),
    };
    let error = provider_error(&locked, "DeleteSnapshot");
    assert_eq!(
        (error.status, error.code.as_str()),
        (403, "InvalidOperation.SnapshotLocked")
    );
    // The text names the expiry already: no retry sentence.
    assert_eq!(
        error.message,
        "LOCK-10: snapshot `s-1` is locked (compliance) until 2031-01-01T00:00:00Z"
    );

    let shortened = Violation::LockShortened {
        snapshot: snapshot(),
        current_expiry: at(2031, 1, 1),
        requested_expiry: at(2030, 1, 1),
        allowed_from: Some(at(2027, 12, 7)),
    };
    let error = provider_error(&shortened, "LockSnapshot");
    assert_eq!(
        (error.status, error.code.as_str()),
        (403, "InvalidOperation.CoolOffPeriodExpired")
    );
    assert!(error.message.starts_with("LOCK-8: "));
    assert!(
        error.message.ends_with(" Retry at 2027-12-07T00:00:00Z."),
        "{}",
        error.message
    );

    let cases = [
        (
            Violation::CoolOffExceedsDuration {
                cool_off_hours: 48,
                duration_days: 1,
            },
            "LockSnapshot",
            400,
            "InvalidCoolOffPeriod.ExceedLockDuration",
        ),
        (
            Violation::LockOutlivesRetention {
                snapshot: snapshot(),
                lock_expiry: at(2031, 1, 1),
                retention_end: at(2030, 1, 1),
            },
            "LockSnapshot",
            400,
            "InvalidLockDuration.ExceedRetentionDays",
        ),
        (
            Violation::UnlockInCompliance {
                snapshot: snapshot(),
                expiry: at(2031, 1, 1),
            },
            "UnlockSnapshot",
            403,
            "InvalidOperation.CoolOffPeriodExpired",
        ),
        (
            Violation::NotLocked {
                snapshot: snapshot(),
            },
            "UnlockSnapshot",
            404,
            "InvalidSnapshotLock.NotFound",
        ),
        (
            Violation::SnapshotShared {
                snapshot: snapshot(),
                shares: 1,
            },
            "DeleteSnapshot",
            403,
            "InvalidOperation.DeleteSharedSnapshotUnsupported",
        ),
        (
            Violation::ArchiveEndsBeforeLock {
                snapshot: snapshot(),
                archive_end: at(2027, 1, 1),
                lock_expiry: at(2031, 1, 1),
            },
            "ModifySnapshotCategory",
            400,
            "InvalidRetentionDays.LessThanLockExpiredTime",
        ),
        (
            Violation::RetentionShortened {
                snapshot: snapshot(),
                current: snapguard::Retention::Permanent,
                requested: snapguard::Retention::Until(at(2030, 1, 1)),
            },
            "ModifySnapshotAttribute",
            400,
            "InvalidOperation.DecreaseRetentionDaysUnsupported",
        ),
    ];
    for (violation, action, status, code) in cases {
        let error = provider_error(&violation, action);
        assert_eq!(
            (error.status, error.code.as_str()),
            (status, code),
            "{violation:?}"
        );
        assert!(row(violation.kind()).is_some_and(|r| r.documented || !r.overrides.is_empty()));
    }
}

#[test]
fn copy_and_key_refusals_use_the_documented_codes() {
    let same_region = Violation::StandardCopyRefused {
        snapshot: snapshot(),
        problem: StandardCopyProblem::SameRegion {
            region: RegionId::new("cn-hangzhou"),
        },
    };
    let encrypted = Violation::StandardCopyRefused {
        snapshot: snapshot(),
        problem: StandardCopyProblem::EncryptedSource {
            encryption: Encryption::CustomerKey(KeyId::new("k-1")),
        },
    };
    let kms = Violation::KmsNotActivated {
        account: AccountId::new("1"),
    };
    let cases = [
        (
            &same_region,
            "CopySnapshot",
            403,
            "InvalidOperation.NotSupportCopyInSameRegion",
        ),
        (
            &encrypted,
            "CopySnapshot",
            403,
            "InvalidEncrypted.NotSupportDecrypt",
        ),
        (&kms, "CopySnapshot", 403, "InvalidParameter.KmsNotEnabled"),
        (&kms, "CreateDisk", 400, "InvalidParameter.KmsNotEnabled"),
    ];
    for (violation, action, status, code) in cases {
        let error = provider_error(violation, action);
        assert_eq!(
            (error.status, error.code.as_str()),
            (status, code),
            "{violation:?} in {action}"
        );
    }
}

#[test]
fn permission_and_impossible_refusals() {
    let denied = Violation::PermissionDenied {
        actor: Actor::User {
            account: AccountId::new("1"),
            user: UserId::new("ops"),
        },
        action: Action::DeleteSnapshot,
        resource: "acs:ecs:cn-hangzhou:1:snapshot/s-1".to_owned(),
        explicit_deny: false,
    };
    let error = provider_error(&denied, "DeleteSnapshot");
    assert_eq!((error.status, error.code.as_str()), (403, "Forbidden.RAM"));
    assert!(error.message.starts_with("PERM-1: "));
    for impossible in [
        Violation::ClockWentBackwards {
            now: at(2026, 1, 1),
            latest: at(2026, 1, 2),
        },
        Violation::LeapSecond { at: at(2026, 1, 1) },
    ] {
        let error = provider_error(&impossible, "CreateSnapshot");
        assert_eq!((error.status, error.code.as_str()), (500, "InternalError"));
    }
}

#[test]
fn the_codes_the_issue_names_are_documented_rows_or_overrides() {
    let named = [
        "InvalidCoolOffPeriod.ExceedLockDuration",
        "InvalidLockDuration.ExceedRetentionDays",
        "InvalidOperation.CoolOffPeriodExpired",
        "InvalidSnapshotLock.NotFound",
        "InvalidSnapshotId.NotFound",
        "InvalidOperation.DeleteSharedSnapshotUnsupported",
        "InvalidRetentionDays.LessThanLockExpiredTime",
        "InvalidOperation.NotSupportCopyInSameRegion",
        "InvalidEncrypted.NotSupportDecrypt",
        "InvalidParameter.KmsNotEnabled",
        "InvalidOperation.DecreaseRetentionDaysUnsupported",
    ];
    for code in named {
        let documented = TABLE.iter().any(|row| {
            (row.code == code && row.documented)
                || row.overrides.iter().any(|o| o.code == code && o.documented)
        });
        assert!(documented, "{code}");
    }
}

#[test]
fn the_markdown_has_a_line_per_row_and_override() {
    let markdown = table_markdown();
    let overrides: usize = TABLE.iter().map(|row| row.overrides.len()).sum();
    assert_eq!(markdown.lines().count(), 2 + TABLE.len() + overrides);
    for row in TABLE {
        assert!(
            markdown.contains(&format!("| `{}` |", row.kind)),
            "{}",
            row.kind
        );
    }
    assert!(
        markdown.contains(
            "| ↳ | `CopySnapshot`, snapshot | 403 | `InvalidSnapshotId.NotFound` | yes |"
        )
    );
    for line in markdown.lines() {
        assert_eq!(line.matches('|').count(), 7, "{line}");
    }
}

#[test]
fn cloud_backup_refusals_have_hbr_codes_and_leave_ecs_alone() {
    let denied = |action: Action| Violation::PermissionDenied {
        actor: Actor::User {
            account: AccountId::new("1"),
            user: UserId::new("ops"),
        },
        action,
        resource: "acs:hbr:cn-hangzhou:1:vault/v-1".to_owned(),
        explicit_deny: false,
    };
    // HBR's DeleteSnapshot shares ECS's name: the action refused tells them
    // apart.
    let hbr = provider_error(&denied(Action::DeleteBackupPoint), "DeleteSnapshot");
    assert_eq!((hbr.status, hbr.code.as_str()), (403, "NoPermission"));
    let ecs = provider_error(&denied(Action::DeleteSnapshot), "DeleteSnapshot");
    assert_eq!((ecs.status, ecs.code.as_str()), (403, "Forbidden.RAM"));
    for (kind, code) in [
        (ObjectKind::Vault, "VaultNotExist"),
        (ObjectKind::BackupPoint, "ResourceNotFound"),
        (ObjectKind::BackupPolicy, "ResourceNotFound"),
    ] {
        let missing = Violation::NotFound {
            kind,
            id: "x-1".to_owned(),
        };
        let error = provider_error(&missing, "DeleteSnapshot");
        assert_eq!((error.status, error.code.as_str()), (404, code), "{kind:?}");
    }
    let missing_snapshot = Violation::NotFound {
        kind: ObjectKind::Snapshot,
        id: "s-1".to_owned(),
    };
    let ecs = provider_error(&missing_snapshot, "DeleteSnapshot");
    assert_eq!(ecs.code, "InvalidSnapshotId.NotFound");
    let locked = Violation::BackupPointLocked {
        point: "s-1".into(),
        until: None,
    };
    let error = provider_error(&locked, "DeleteSnapshot");
    assert_eq!((error.status, error.code.as_str()), (403, "SnapshotLocked"));
}

#[test]
fn operation_names_are_unique_across_products_but_for_hbr_delete_snapshot() {
    // Overrides are keyed by operation name alone. HBR's DeleteSnapshot
    // shares ECS's name; its refusals are told apart by what is refused
    // (a backup point, an `hbr:` action), as the test above shows. A new
    // shared name must be looked at the same way before it is added here.
    let mut names: Vec<&str> = PRODUCTS
        .iter()
        .flat_map(|product| product.operations)
        .map(|operation| operation.name)
        .collect();
    names.sort_unstable();
    let shared: Vec<&str> = names
        .windows(2)
        .filter(|pair| pair[0] == pair[1])
        .map(|pair| pair[0])
        .collect();
    assert_eq!(shared, ["DeleteSnapshot"]);
}

#[test]
fn sharing_refusals_use_resource_sharing_codes_in_the_sharing_operations() {
    use snapguard::{Principal, ShareId, ShareeOperation, Site};
    let share = || ShareId::new("rs-1");
    let other = || AccountId::new("2002");
    let cases = [
        (
            Violation::TooManyPrincipals {
                snapshot: snapshot(),
                principals: 65,
                limit: 64,
            },
            "AssociateResourceShare",
            409,
            "QuotaExceeded.SharedTarget.Count",
        ),
        (
            Violation::CrossSite {
                account: AccountId::new("1001"),
                site: Site::China,
                other: other(),
                other_site: Site::International,
            },
            "CreateResourceShare",
            409,
            "InvalidTarget.SiteMismatch",
        ),
        (
            Violation::EncryptedShareNotTrusted {
                snapshot: snapshot(),
                owner: AccountId::new("1001"),
                sharee: other(),
            },
            "CreateResourceShare",
            403,
            "InvalidTarget.EncryptedShareRoleNotTrusted",
        ),
        // The sharee's use of the snapshot keeps the ECS code.
        (
            Violation::EncryptedShareNotTrusted {
                snapshot: snapshot(),
                owner: AccountId::new("1001"),
                sharee: other(),
            },
            "CreateDisk",
            403,
            "InvalidParameter.KMSKeyId.KMSUnauthorized",
        ),
        (
            Violation::ShareeMayNot {
                snapshot: snapshot(),
                owner: AccountId::new("1001"),
                operation: ShareeOperation::Reshare,
            },
            "AssociateResourceShare",
            400,
            "InvalidParameter.Resources",
        ),
        (
            Violation::TooManySharedSnapshots {
                account: AccountId::new("1001"),
                shared: 1025,
                limit: 1024,
            },
            "CreateResourceShare",
            409,
            "QuotaExceeded.SharedResource.Count",
        ),
        (
            Violation::BoundExceeded {
                bound: snapguard::Bound::SharesPerAccount,
                size: 1001,
                max: 1000,
            },
            "CreateResourceShare",
            409,
            "QuotaExceeded.ResourceShare.Count",
        ),
        (
            Violation::SnapshotNotInShare {
                share: share(),
                snapshot: snapshot(),
            },
            "DisassociateResourceShare",
            400,
            "DisassociateInvalid",
        ),
        (
            Violation::PrincipalNotInShare {
                share: share(),
                principal: Principal::Account(other()),
            },
            "DisassociateResourceShare",
            400,
            "DisassociateInvalid",
        ),
        (
            Violation::NotFound {
                kind: ObjectKind::Snapshot,
                id: "s-9".to_owned(),
            },
            "CreateResourceShare",
            400,
            "InvalidParameter.Resources",
        ),
        (
            Violation::NotFound {
                kind: ObjectKind::Account,
                id: "2999".to_owned(),
            },
            "AssociateResourceShare",
            400,
            "InvalidTarget",
        ),
        (
            Violation::NotFound {
                kind: ObjectKind::ResourceShare,
                id: "rs-9".to_owned(),
            },
            "DeleteResourceShare",
            404,
            "EntityNotExists.ResourceShare",
        ),
        (
            Violation::AlreadyAccepted {
                share: share(),
                account: other(),
            },
            "AcceptResourceShareInvitation",
            409,
            "InvitationStatus.AlreadyAccepted",
        ),
    ];
    for (violation, action, status, code) in cases {
        let error = provider_error(&violation, action);
        assert_eq!(
            (error.status, error.code.as_str()),
            (status, code),
            "{violation:?} in {action}"
        );
    }
}
