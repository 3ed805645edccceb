//! Constructors and setters of the copy, key and region payloads.

use crate::{
    ActivateKms, CopySnapshot, CreateKey, DisableKey, EnableKey, Encryption, KeyId,
    MarkRegionClosingDown, RegionId, SnapshotId,
};

impl CopySnapshot {
    /// Copies `source` into new snapshot `snapshot` in `region`: a
    /// standard (unencrypted), permanent copy until
    /// [`encryption`](CopySnapshot::encryption) and
    /// [`retention_days`](CopySnapshot::retention_days) are set.
    ///
    /// ```
    /// use snapguard::{CopySnapshot, Encryption};
    /// let command = CopySnapshot::new("s-1", "s-copy", "cn-shanghai")
    ///     .encryption(Encryption::CustomerKey("k-1".into()))
    ///     .retention_days(30);
    /// assert_eq!(command.retention_days, Some(30));
    /// ```
    #[must_use]
    pub fn new(
        source: impl Into<SnapshotId>,
        snapshot: impl Into<SnapshotId>,
        region: impl Into<RegionId>,
    ) -> Self {
        Self {
            source: source.into(),
            snapshot: snapshot.into(),
            region: region.into(),
            encryption: Encryption::Unencrypted,
            retention_days: None,
        }
    }

    /// The copy's encryption: a key asks for an encrypted copy.
    #[must_use]
    pub fn encryption(mut self, encryption: Encryption) -> Self {
        self.encryption = encryption;
        self
    }

    /// Keeps the copy `days` days from its creation.
    #[must_use]
    pub fn retention_days(self, days: u32) -> Self {
        self.maybe_retention_days(Some(days))
    }

    /// Keeps the copy `Some(days)` days from its creation, or permanently
    /// for `None`.
    #[must_use]
    pub fn maybe_retention_days(mut self, days: Option<u32>) -> Self {
        self.retention_days = days;
        self
    }
}

impl ActivateKms {
    /// Activates Key Management Service for the actor's account.
    ///
    /// ```
    /// use snapguard::ActivateKms;
    /// assert_eq!(ActivateKms::new(), ActivateKms::default());
    /// ```
    #[must_use]
    pub fn new() -> Self {
        Self {}
    }
}

impl CreateKey {
    /// Creates customer master key `key` in `region`.
    ///
    /// ```
    /// let command = snapguard::CreateKey::new("k-1", "cn-hangzhou");
    /// assert_eq!(command.key, "k-1");
    /// ```
    #[must_use]
    pub fn new(key: impl Into<KeyId>, region: impl Into<RegionId>) -> Self {
        Self {
            key: key.into(),
            region: region.into(),
        }
    }
}

impl EnableKey {
    /// Enables customer master key `key`.
    ///
    /// ```
    /// let command = snapguard::EnableKey::new("k-1");
    /// assert_eq!(command.key, "k-1");
    /// ```
    #[must_use]
    pub fn new(key: impl Into<KeyId>) -> Self {
        Self { key: key.into() }
    }
}

impl DisableKey {
    /// Disables customer master key `key`.
    ///
    /// ```
    /// let command = snapguard::DisableKey::new("k-1");
    /// assert_eq!(command.key, "k-1");
    /// ```
    #[must_use]
    pub fn new(key: impl Into<KeyId>) -> Self {
        Self { key: key.into() }
    }
}

impl MarkRegionClosingDown {
    /// Records that `region` is closing down.
    ///
    /// ```
    /// let command = snapguard::MarkRegionClosingDown::new("cn-shanghai");
    /// assert_eq!(command.region, "cn-shanghai");
    /// ```
    #[must_use]
    pub fn new(region: impl Into<RegionId>) -> Self {
        Self {
            region: region.into(),
        }
    }
}
