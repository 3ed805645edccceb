//! Questions about a state at an instant that change nothing.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ctx::Ctx;
use crate::{
    AccountId, Action, Actor, BackupPolicyId, Command, DeleteSnapshot, DiskId, ImageId, ObjectKind,
    ResourceShare, ShareId, SnapshotId, State, VaultId, Violation,
};

/// Why a snapshot cannot be deleted now, and when it can.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct DeletionReport {
    /// Every rule that refuses the deletion now, in the order they are
    /// checked; empty when deletion is allowed now.
    pub blockers: Vec<Violation>,
    /// The earliest instant at which deletion becomes possible by waiting
    /// alone: `now` when nothing blocks it, `None` when some blocker does
    /// not lift with time (a permission, ownership, an unknown id).
    pub earliest: Option<DateTime<Utc>>,
}

impl DeletionReport {
    /// Whether the snapshot can be deleted now.
    ///
    /// ```
    /// use snapguard::{Actor, SnapshotId, State};
    /// use chrono::{TimeZone, Utc};
    /// let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// let report = State::new().deletion_report(now, &Actor::root("1001"), &SnapshotId::new("s-9"));
    /// assert!(!report.allowed());
    /// ```
    #[must_use]
    pub fn allowed(&self) -> bool {
        self.blockers.is_empty()
    }
}

impl State {
    /// Why `actor` cannot delete `snapshot` at `now`: every blocking rule,
    /// and the earliest instant at which waiting alone makes deletion
    /// possible.
    ///
    /// ```
    /// use snapguard::{Actor, RuleId, SnapshotId, State};
    /// use chrono::{TimeZone, Utc};
    ///
    /// let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// let report = State::new().deletion_report(now, &Actor::root("1001"), &SnapshotId::new("s-1"));
    /// assert!(!report.allowed());
    /// assert_eq!(report.blockers[0].rule(), RuleId::Gen4);
    /// assert_eq!(report.earliest, None);
    /// ```
    #[must_use]
    pub fn deletion_report(
        &self,
        now: DateTime<Utc>,
        actor: &Actor,
        snapshot: &SnapshotId,
    ) -> DeletionReport {
        let command = Command::DeleteSnapshot(DeleteSnapshot {
            snapshot: snapshot.clone(),
        });
        let blockers = self.explain(now, actor, &command);
        let earliest = blockers
            .iter()
            .map(Violation::retry_at)
            .try_fold(now, |latest, at| at.map(|at| latest.max(at)));
        DeletionReport { blockers, earliest }
    }
}

impl State {
    /// Whether `actor` may take `action` on one of its account's snapshots,
    /// disks or images at `now`, checked as every command checks it: a
    /// customer (PERM-1), the object exists (GEN-4) and is the account's
    /// own (PERM-4), and a user holds the permission with no Deny of it
    /// (PERM-1, PERM-2). The account's root may do anything.
    ///
    /// Commands check their own actions; this is for what a caller keeps
    /// beside the state and must guard the same way: describing snapshots
    /// ([`Action::DescribeSnapshots`]), a disk's attributes
    /// ([`Action::ModifyDiskAttribute`]), a snapshot's name
    /// ([`Action::ModifySnapshotAttribute`]), listing shares
    /// ([`Action::ListResourceShares`] and the other `List` actions, on a
    /// [`ObjectKind::ResourceShare`]), a vault's or backup policy's name and
    /// settings ([`Action::UpdateVault`] on an [`ObjectKind::Vault`],
    /// [`Action::UpdateBackupPlan`] on an [`ObjectKind::BackupPolicy`]).
    ///
    /// ```
    /// use snapguard::{Action, Actor, CreateAccount, CreateDisk, CreateRegion, CreateUser, DiskCategory,
    ///     DiskSource, Encryption, ObjectKind, RuleId, Site, State, Statement};
    /// use chrono::{TimeZone, Utc};
    ///
    /// let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// let mut state = State::new();
    /// state.apply_mut(now, &Actor::Platform, CreateRegion::new("cn-hangzhou"))?;
    /// state.apply_mut(now, &Actor::Platform, CreateAccount::new("1001", Site::China))?;
    /// state.apply_mut(now, &Actor::root("1001"), CreateDisk::new("d-1", "cn-hangzhou", DiskCategory::Essd, 40))?;
    /// state.apply_mut(now, &Actor::root("1001"), CreateUser::new("ops").statements([Statement::allow(["ecs:*"], ["*"]), Statement::deny(["ecs:ModifyDiskAttribute"], ["*"])]))?;
    ///
    /// let ops = Actor::user("1001", "ops");
    /// let refusal = state.authorize(now, &ops, Action::ModifyDiskAttribute, ObjectKind::Disk, "d-1").unwrap_err();
    /// assert_eq!(refusal.rule(), RuleId::Perm1);
    /// assert!(state.authorize(now, &ops, Action::DeleteDisk, ObjectKind::Disk, "d-1").is_ok());
    /// assert!(state.authorize(now, &Actor::root("1001"), Action::ModifyDiskAttribute, ObjectKind::Disk, "d-1").is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// The violation a command would report: [`Violation::WrongActor`] for
    /// the platform or billing, [`Violation::NotFound`] for an unknown
    /// object or a kind other than snapshot, disk, image, resource share,
    /// vault or backup policy,
    /// [`Violation::ForeignResource`] for another account's object,
    /// [`Violation::PermissionDenied`] for a user without the permission.
    pub fn authorize(
        &self,
        now: DateTime<Utc>,
        actor: &Actor,
        action: Action,
        kind: ObjectKind,
        id: &str,
    ) -> Result<(), Violation> {
        self.as_customer(now, actor, action.name(), |ctx, account| {
            let resource = own_resource(ctx, account, kind, id)?;
            ctx.authorize(action, || resource)
        })
    }
}

/// The resource name of `account`'s own snapshot, disk, image, resource
/// share, vault or backup policy `id`.
fn own_resource(
    ctx: &Ctx<'_>,
    account: &AccountId,
    kind: ObjectKind,
    id: &str,
) -> Result<String, Violation> {
    match kind {
        ObjectKind::Snapshot => ctx
            .own_snapshot(account, &SnapshotId::new(id))
            .map(crate::ctx::snapshot_resource),
        ObjectKind::Disk => ctx
            .own_disk(account, &DiskId::new(id))
            .map(|d| d.resource()),
        ObjectKind::Image => ctx
            .own_image(account, &ImageId::new(id))
            .map(|i| i.resource()),
        ObjectKind::ResourceShare => {
            crate::rules::share::own_share(ctx, account, &ShareId::new(id))
                .map(ResourceShare::resource_name)
        }
        ObjectKind::Vault => ctx
            .own_vault(account, &VaultId::new(id))
            .map(crate::rules::vault::vault_resource),
        ObjectKind::BackupPolicy => {
            let policy = ctx.policy(&BackupPolicyId::new(id))?;
            crate::ctx::owned(account, &policy.owner, kind, id)?;
            let vault = ctx.vault(&policy.vault)?;
            Ok(crate::rules::vault::policy_resource(vault, policy))
        }
        _ => Err(crate::ctx::not_found(kind, id)),
    }
}
