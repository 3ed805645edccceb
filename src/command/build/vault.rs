//! Constructors and setters of the Cloud Backup payloads, and of
//! [`ImmutableTarget`].

use crate::{
    BackupPointId, BackupPolicyId, CreateBackupPoint, CreateBackupPolicy, CreateVault,
    DeleteBackupPoint, DeleteVault, DisableImmutability, EnableImmutability, ImmutableTarget,
    PolicyKind, RegionId, ReplicateBackupPoint, ReplicateVault, RestoreBackupPoint, SnapshotId,
    VaultId, VaultKind,
};

impl ImmutableTarget {
    /// Vault `vault`.
    ///
    /// ```
    /// use snapguard::{ImmutableTarget, VaultId};
    /// assert_eq!(ImmutableTarget::vault("v-1"), ImmutableTarget::Vault(VaultId::new("v-1")));
    /// ```
    #[must_use]
    pub fn vault(vault: impl Into<VaultId>) -> Self {
        Self::Vault(vault.into())
    }

    /// Backup policy `policy`.
    ///
    /// ```
    /// use snapguard::{BackupPolicyId, ImmutableTarget};
    /// assert_eq!(
    ///     ImmutableTarget::policy("po-1"),
    ///     ImmutableTarget::Policy(BackupPolicyId::new("po-1")),
    /// );
    /// ```
    #[must_use]
    pub fn policy(policy: impl Into<BackupPolicyId>) -> Self {
        Self::Policy(policy.into())
    }
}

impl CreateVault {
    /// Creates vault `vault` of `kind` in `region`.
    ///
    /// ```
    /// use snapguard::{CreateVault, VaultKind};
    /// let command = CreateVault::new("v-1", "cn-hangzhou", VaultKind::GeneralPurpose);
    /// assert_eq!(command.vault, "v-1");
    /// ```
    #[must_use]
    pub fn new(vault: impl Into<VaultId>, region: impl Into<RegionId>, kind: VaultKind) -> Self {
        Self {
            vault: vault.into(),
            region: region.into(),
            kind,
        }
    }
}

impl CreateBackupPolicy {
    /// Creates policy `policy` of `kind` backing up into `vault`, not
    /// immutable until [`immutable`](CreateBackupPolicy::immutable) is set.
    ///
    /// ```
    /// use snapguard::{CreateBackupPolicy, PolicyKind};
    /// let command = CreateBackupPolicy::new("po-1", "v-1", PolicyKind::General).immutable(true);
    /// assert!(command.immutable);
    /// ```
    #[must_use]
    pub fn new(
        policy: impl Into<BackupPolicyId>,
        vault: impl Into<VaultId>,
        kind: PolicyKind,
    ) -> Self {
        Self {
            policy: policy.into(),
            vault: vault.into(),
            kind,
            immutable: false,
        }
    }

    /// Whether immutable backup is on from the start (VAULT-2).
    #[must_use]
    pub fn immutable(mut self, immutable: bool) -> Self {
        self.immutable = immutable;
        self
    }
}

impl EnableImmutability {
    /// Enables immutability on `target`; see also
    /// [`EnableImmutability::vault`] and [`EnableImmutability::policy`].
    ///
    /// ```
    /// use snapguard::{EnableImmutability, ImmutableTarget};
    /// let command = EnableImmutability::new(ImmutableTarget::vault("v-1"));
    /// assert_eq!(command, EnableImmutability::vault("v-1"));
    /// ```
    #[must_use]
    pub fn new(target: ImmutableTarget) -> Self {
        Self { target }
    }

    /// Enables immutability on vault `vault`.
    ///
    /// ```
    /// use snapguard::{EnableImmutability, ImmutableTarget};
    /// assert_eq!(EnableImmutability::vault("v-1").target, ImmutableTarget::vault("v-1"));
    /// ```
    #[must_use]
    pub fn vault(vault: impl Into<VaultId>) -> Self {
        Self::new(ImmutableTarget::vault(vault))
    }

    /// Enables immutability on backup policy `policy`.
    ///
    /// ```
    /// use snapguard::{EnableImmutability, ImmutableTarget};
    /// assert_eq!(EnableImmutability::policy("po-1").target, ImmutableTarget::policy("po-1"));
    /// ```
    #[must_use]
    pub fn policy(policy: impl Into<BackupPolicyId>) -> Self {
        Self::new(ImmutableTarget::policy(policy))
    }
}

impl DisableImmutability {
    /// Asks to disable immutability on `target`; see also
    /// [`DisableImmutability::vault`] and [`DisableImmutability::policy`].
    ///
    /// ```
    /// use snapguard::{DisableImmutability, ImmutableTarget};
    /// let command = DisableImmutability::new(ImmutableTarget::policy("po-1"));
    /// assert_eq!(command, DisableImmutability::policy("po-1"));
    /// ```
    #[must_use]
    pub fn new(target: ImmutableTarget) -> Self {
        Self { target }
    }

    /// Asks to disable immutability on vault `vault`.
    ///
    /// ```
    /// use snapguard::{DisableImmutability, ImmutableTarget};
    /// assert_eq!(DisableImmutability::vault("v-1").target, ImmutableTarget::vault("v-1"));
    /// ```
    #[must_use]
    pub fn vault(vault: impl Into<VaultId>) -> Self {
        Self::new(ImmutableTarget::vault(vault))
    }

    /// Asks to disable immutability on backup policy `policy`.
    ///
    /// ```
    /// use snapguard::{DisableImmutability, ImmutableTarget};
    /// assert_eq!(DisableImmutability::policy("po-1").target, ImmutableTarget::policy("po-1"));
    /// ```
    #[must_use]
    pub fn policy(policy: impl Into<BackupPolicyId>) -> Self {
        Self::new(ImmutableTarget::policy(policy))
    }
}

impl CreateBackupPoint {
    /// Records backup point `point` in `vault`, made on demand, holding no
    /// snapshot, with the vault's default retention, until the setters say
    /// otherwise.
    ///
    /// ```
    /// use snapguard::CreateBackupPoint;
    /// let command = CreateBackupPoint::new("bp-1", "v-1")
    ///     .policy("po-1")
    ///     .snapshot("s-1")
    ///     .retention_days(30);
    /// assert_eq!(command.retention_days, Some(30));
    /// ```
    #[must_use]
    pub fn new(point: impl Into<BackupPointId>, vault: impl Into<VaultId>) -> Self {
        Self {
            point: point.into(),
            vault: vault.into(),
            policy: None,
            snapshot: None,
            retention_days: None,
        }
    }

    /// The policy that made the point, backing up into the same vault.
    #[must_use]
    pub fn policy(self, policy: impl Into<BackupPolicyId>) -> Self {
        self.maybe_policy(Some(policy.into()))
    }

    /// The policy that made the point, or `None` for a point made on
    /// demand.
    #[must_use]
    pub fn maybe_policy(mut self, policy: Option<BackupPolicyId>) -> Self {
        self.policy = policy;
        self
    }

    /// The ECS snapshot the point holds, of the vault's account.
    #[must_use]
    pub fn snapshot(self, snapshot: impl Into<SnapshotId>) -> Self {
        self.maybe_snapshot(Some(snapshot.into()))
    }

    /// The ECS snapshot the point holds, or `None`.
    #[must_use]
    pub fn maybe_snapshot(mut self, snapshot: Option<SnapshotId>) -> Self {
        self.snapshot = snapshot;
        self
    }

    /// Keeps the point `days` days from now (SNAP-5 range).
    #[must_use]
    pub fn retention_days(self, days: u32) -> Self {
        self.maybe_retention_days(Some(days))
    }

    /// Keeps the point `Some(days)` days from now, or as the vault's
    /// default for `None`.
    #[must_use]
    pub fn maybe_retention_days(mut self, days: Option<u32>) -> Self {
        self.retention_days = days;
        self
    }
}

impl DeleteBackupPoint {
    /// Deletes backup point `point`.
    ///
    /// ```
    /// let command = snapguard::DeleteBackupPoint::new("bp-1");
    /// assert_eq!(command.point, "bp-1");
    /// ```
    #[must_use]
    pub fn new(point: impl Into<BackupPointId>) -> Self {
        Self {
            point: point.into(),
        }
    }
}

impl RestoreBackupPoint {
    /// Restores from backup point `point`.
    ///
    /// ```
    /// let command = snapguard::RestoreBackupPoint::new("bp-1");
    /// assert_eq!(command.point, "bp-1");
    /// ```
    #[must_use]
    pub fn new(point: impl Into<BackupPointId>) -> Self {
        Self {
            point: point.into(),
        }
    }
}

impl DeleteVault {
    /// Deletes `vault` with its policies and backup points.
    ///
    /// ```
    /// let command = snapguard::DeleteVault::new("v-1");
    /// assert_eq!(command.vault, "v-1");
    /// ```
    #[must_use]
    pub fn new(vault: impl Into<VaultId>) -> Self {
        Self {
            vault: vault.into(),
        }
    }
}

impl ReplicateVault {
    /// Replicates `vault` into new replica vault `replica` in `region`.
    ///
    /// ```
    /// let command = snapguard::ReplicateVault::new("v-1", "v-1-replica", "cn-shanghai");
    /// assert_eq!(command.replica, "v-1-replica");
    /// ```
    #[must_use]
    pub fn new(
        vault: impl Into<VaultId>,
        replica: impl Into<VaultId>,
        region: impl Into<RegionId>,
    ) -> Self {
        Self {
            vault: vault.into(),
            replica: replica.into(),
            region: region.into(),
        }
    }
}

impl ReplicateBackupPoint {
    /// Records replica `replica` of backup point `point` in replica vault
    /// `vault`.
    ///
    /// ```
    /// let command = snapguard::ReplicateBackupPoint::new("bp-1", "bp-1-replica", "v-1-replica");
    /// assert_eq!(command.vault, "v-1-replica");
    /// ```
    #[must_use]
    pub fn new(
        point: impl Into<BackupPointId>,
        replica: impl Into<BackupPointId>,
        vault: impl Into<VaultId>,
    ) -> Self {
        Self {
            point: point.into(),
            replica: replica.into(),
            vault: vault.into(),
        }
    }
}
