//! Ids the model mints: a new object whose command names the id
//! [`MINT`](crate::MINT) gets the next id of the state's own namespace.
//!
//! A minted id is the kind's prefix, `~` and a number of 19 digits:
//! `s-~0000000000000000000`, then `d-~0000000000000000001`. The number is
//! the state's count of ids minted so far, so the same history mints the
//! same ids, and ids sort in the order they were minted; with the
//! provider's prefixes (`s-`, `d-`, `m-`, `v-`) a minted id has the
//! provider's length too. `~` is no character of a caller's ids (GEN-5),
//! so no caller can take a minted id, and no minted id can be given twice:
//! a minted id is taken once its number is below the count, with nothing
//! remembered when its object is deleted. The state's memory follows its
//! live objects, not its history.
//!
//! Ids chosen by callers work as before and are remembered after their
//! objects are deleted (GEN-4).

use crate::store::Set;
use crate::{Event, ObjectKind};

impl Event {
    /// The object this event creates, as its kind and id: how a caller
    /// learns the id the model minted for it ([`MINT`](crate::MINT)). `None` for events
    /// that create nothing.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use snapguard::{Event, ObjectKind};
    ///
    /// let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// let region = Event::RegionCreated { at, region: "cn-hangzhou".into() };
    /// assert_eq!(region.created(), Some((ObjectKind::Region, "cn-hangzhou")));
    /// assert_eq!(Event::LockExpired { at, snapshot: "s-1".into() }.created(), None);
    /// ```
    #[must_use]
    pub fn created(&self) -> Option<(ObjectKind, &str)> {
        let (kind, id) = match self {
            Self::AccountCreated { account, .. } => (ObjectKind::Account, account.as_str()),
            Self::RegionCreated { region, .. } => (ObjectKind::Region, region.as_str()),
            Self::UserCreated { user, .. } => (ObjectKind::User, user.as_str()),
            Self::DiskCreated { disk, .. } => (ObjectKind::Disk, disk.id.as_str()),
            Self::SnapshotCreated { snapshot, .. } | Self::SnapshotCopied { snapshot, .. } => {
                (ObjectKind::Snapshot, snapshot.id.as_str())
            }
            Self::ImageCreated { image, .. } => (ObjectKind::Image, image.id.as_str()),
            Self::DirectoryCreated { directory, .. } => (ObjectKind::Directory, directory.as_str()),
            Self::FolderCreated { folder, .. } => (ObjectKind::Folder, folder.as_str()),
            Self::ResourceShareCreated { share, .. } => (ObjectKind::ResourceShare, share.as_str()),
            Self::KeyCreated { key, .. } => (ObjectKind::Key, key.id.as_str()),
            Self::VaultCreated { vault, .. } => (ObjectKind::Vault, vault.id.as_str()),
            Self::BackupPolicyCreated { policy, .. } => {
                (ObjectKind::BackupPolicy, policy.id.as_str())
            }
            Self::BackupPointCreated { point, .. } => (ObjectKind::BackupPoint, point.id.as_str()),
            // Listed one by one: a new event that creates an object must
            // say so here, or minting would give its id again.
            Self::UserPolicySet { .. }
            | Self::AccountOverdue { .. }
            | Self::AccountSettled { .. }
            | Self::DiskReleased { .. }
            | Self::DiskRolledBack { .. }
            | Self::SnapshotFinished { .. }
            | Self::RetentionChanged { .. }
            | Self::SnapshotArchived { .. }
            | Self::SnapshotDeleted { .. }
            | Self::SnapshotReleased { .. }
            | Self::LockSet { .. }
            | Self::LockReconfigured { .. }
            | Self::LockExtended { .. }
            | Self::SnapshotUnlocked { .. }
            | Self::CoolOffEnded { .. }
            | Self::LockExpired { .. }
            | Self::ImageDeleted { .. }
            | Self::DiskReinitialized { .. }
            | Self::DirectoryMemberAdded { .. }
            | Self::DirectoryMemberRemoved { .. }
            | Self::EncryptedShareRoleSet { .. }
            | Self::SharePrincipalAdded { .. }
            | Self::SharePrincipalRemoved { .. }
            | Self::SnapshotShared { .. }
            | Self::SnapshotUnshared { .. }
            | Self::ResourceShareDeleted { .. }
            | Self::ResourceShareAccepted { .. }
            | Self::ShareExpired { .. }
            | Self::KmsActivated { .. }
            | Self::KeyEnabled { .. }
            | Self::KeyDisabled { .. }
            | Self::RegionClosingDown { .. }
            | Self::ImmutabilityEnabled { .. }
            | Self::BackupPointLocked { .. }
            | Self::BackupPointDeleted { .. }
            | Self::BackupPointExpired { .. }
            | Self::BackupPointRestored { .. }
            | Self::VaultDeleted { .. } => return None,
        };
        Some((kind, id))
    }
}

/// What separates a minted id's prefix from its number.
const MARK: char = '~';

/// The digits of a minted id's number.
const DIGITS: usize = 19;

/// The first number no minted id can take: the count of ids a state can
/// mint in all.
const END: u64 = 10_000_000_000_000_000_000;

impl ObjectKind {
    /// The id minted for an object of this kind as a state's `number`th
    /// minted id (counting from 0): the kind's prefix, `~` and the number
    /// in 19 digits. `None` past the last number, 10^19 − 1. With
    /// [`State::minted_count`](crate::State::minted_count) it names the next minted id ahead of the
    /// command that mints it, for a caller that builds its commands ahead.
    ///
    /// ```
    /// use snapguard::ObjectKind;
    /// let id = ObjectKind::Snapshot.minted_id(17);
    /// assert_eq!(id.as_deref(), Some("s-~0000000000000000017"));
    /// let id = ObjectKind::ResourceShare.minted_id(0);
    /// assert_eq!(id.as_deref(), Some("rs-~0000000000000000000"));
    /// assert_eq!(ObjectKind::Disk.minted_id(10_u64.pow(19)), None);
    /// ```
    #[must_use]
    pub fn minted_id(self, number: u64) -> Option<String> {
        (number < END).then(|| format!("{}{MARK}{number:0DIGITS$}", self.mint_prefix()))
    }

    /// The prefix of the ids minted for this kind: the provider's where it
    /// has one (`s-`, `d-`, `m-`, `rs-`, `v-`...; a backup point's is `s-`, as
    /// Cloud Backup names its backup snapshots).
    fn mint_prefix(self) -> &'static str {
        match self {
            Self::Account => "acct-",
            Self::User => "user-",
            Self::Region => "region-",
            Self::Disk => "d-",
            Self::Snapshot => "s-",
            Self::Image => "m-",
            Self::ResourceShare => "rs-",
            Self::Directory => "rd-",
            Self::Folder => "fd-",
            Self::Key => "key-",
            Self::Vault => "v-",
            Self::BackupPolicy => "po-",
            Self::BackupPoint => "s-",
        }
    }
}

/// The number of `id`, if it is an id minted for an object of `kind`:
/// the kind's prefix, `~`, and 19 decimal digits.
pub(crate) fn minted_number(kind: ObjectKind, id: &str) -> Option<u64> {
    let digits = id.strip_prefix(kind.mint_prefix())?.strip_prefix(MARK)?;
    let canonical = digits.len() == DIGITS && digits.bytes().all(|b| b.is_ascii_digit());
    canonical.then(|| digits.parse().ok()).flatten()
}

/// Whether `id` is an id of `kind` minted before the state's count of
/// minted ids reached `count`: taken for good, live or deleted.
pub(crate) fn minted_before(kind: ObjectKind, id: &str, count: u64) -> bool {
    minted_number(kind, id).is_some_and(|number| number < count)
}

/// Remembers the id of a deleted object of `kind` (GEN-4), unless it was
/// minted: a minted id stays taken by its number alone.
pub(crate) fn retire<I: Ord + Clone + AsRef<str>>(retired: &mut Set<I>, kind: ObjectKind, id: I) {
    if minted_number(kind, id.as_ref()).is_none() {
        retired.insert(id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minted_id_reads_back_as_its_number_and_nothing_else_does() {
        let id = ObjectKind::Snapshot.minted_id(42).unwrap();
        assert_eq!(id, "s-~0000000000000000042");
        assert_eq!(minted_number(ObjectKind::Snapshot, &id), Some(42));
        assert_eq!(minted_number(ObjectKind::Disk, &id), None);
        for other in [
            "s-~",
            "s-~42",
            "s-~000000000000000042",
            "s-~00000000000000000042",
            "s-~000000000000000004a",
            "s-0000000000000000042",
            "s~0000000000000000042",
            "s-~-000000000000000042",
        ] {
            assert_eq!(minted_number(ObjectKind::Snapshot, other), None, "{other}");
        }
        let last = ObjectKind::Vault.minted_id(END - 1).unwrap();
        assert_eq!(last, "v-~9999999999999999999");
        assert_eq!(minted_number(ObjectKind::Vault, &last), Some(END - 1));
        assert_eq!(ObjectKind::Vault.minted_id(END), None);
        assert_eq!(ObjectKind::Vault.minted_id(u64::MAX), None);
    }

    #[test]
    fn minted_ids_sort_in_the_order_they_were_minted() {
        let ids: Vec<String> = [0, 9, 10, 99, 1_000, END - 1]
            .into_iter()
            .filter_map(|n| ObjectKind::Disk.minted_id(n))
            .collect();
        assert!(ids.is_sorted(), "{ids:?}");
        assert!(ids.iter().all(|id| id.len() == "d-".len() + 20));
    }

    #[test]
    fn minted_ids_are_taken_below_the_count_and_never_retired() {
        let id = |n| ObjectKind::Image.minted_id(n).unwrap();
        assert!(minted_before(ObjectKind::Image, &id(4), 5));
        assert!(!minted_before(ObjectKind::Image, &id(5), 5));
        assert!(!minted_before(ObjectKind::Image, "m-4", 5));
        let mut retired = Set::new();
        retire(&mut retired, ObjectKind::Image, id(4));
        retire(&mut retired, ObjectKind::Image, "m-4".to_owned());
        assert_eq!(retired.into_iter().collect::<Vec<_>>(), ["m-4"]);
    }
}
