//! The rule catalog: one line per rule of `RULES.md`, with its stable id.
//!
//! Rule ids are public API. They are never renumbered, and every refusal
//! names one (see [`Violation::rule`](crate::Violation::rule)).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The family a rule belongs to: the prefix of its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE", deny_unknown_fields)]
#[non_exhaustive]
pub enum Family {
    /// The state machine itself.
    Gen,
    /// Who may do what.
    Perm,
    /// Snapshots.
    Snap,
    /// Snapshot locks (WORM).
    Lock,
    /// Sharing with other accounts.
    Share,
    /// Copies and encryption.
    Copy,
    /// The archive tier.
    Arch,
    /// Disks.
    Disk,
    /// Custom images.
    Image,
    /// Cloud Backup immutable backup.
    Vault,
}

macro_rules! rules {
    ($($variant:ident => $code:literal, $family:ident, $text:literal;)*) => {
        /// A rule of the catalog, named by its stable id such as `LOCK-6`.
        ///
        /// Serialized, displayed and parsed as its id string.
        ///
        /// | id | rule |
        /// |---|---|
        $(#[doc = concat!("| `", $code, "` | ", $text, " |")])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum RuleId {
            $(#[doc = $text] $variant,)*
        }

        impl RuleId {
            /// Every rule, in catalog order.
            pub const ALL: &'static [RuleId] = &[$(RuleId::$variant),*];

            /// The stable id, such as `"LOCK-6"`.
            ///
            /// ```
            /// assert_eq!(snapguard::RuleId::Lock6.code(), "LOCK-6");
            /// ```
            #[must_use]
            pub const fn code(self) -> &'static str {
                match self { $(Self::$variant => $code,)* }
            }

            /// The family the rule belongs to.
            ///
            /// ```
            /// use snapguard::{Family, RuleId};
            /// assert_eq!(RuleId::Arch2.family(), Family::Arch);
            /// ```
            #[must_use]
            pub const fn family(self) -> Family {
                match self { $(Self::$variant => Family::$family,)* }
            }

            /// The rule as `RULES.md` states it.
            ///
            /// ```
            /// assert!(snapguard::RuleId::Lock6.statement().starts_with("Unlock is allowed only"));
            /// ```
            #[must_use]
            pub const fn statement(self) -> &'static str {
                match self { $(Self::$variant => $text,)* }
            }
        }
    };
}

rules! {
    Gen1 => "GEN-1", Gen, "No operation reads a clock, a random source, the environment or any I/O. Time enters only as the command's now.";
    Gen2 => "GEN-2", Gen, "Time never runs backwards: a command whose now is earlier than the latest instant the state has seen is refused.";
    Gen3 => "GEN-3", Gen, "A refused command leaves the state exactly as it was and returns a typed violation: the rule id, the objects concerned, a human sentence, and, where waiting would lift it, the earliest instant at which the same command would be allowed (lock expiry, cooling-off end, overdue threshold, ...).";
    Gen4 => "GEN-4", Gen, "Unknown ids are refused as not found; reusing an id is refused.";
    Gen5 => "GEN-5", Gen, "Out-of-range input (durations, counts, instants beyond what the time library can represent, sums that would overflow) is a typed violation, never a panic, wrap-around or saturation that changes meaning.";
    Gen6 => "GEN-6", Gen, "Advancing time produces the events that time alone causes: cooling-off ended, lock expired, retention reached, share expired, backup point retention reached. Applying the same commands at the same instants always yields the same state and the same events.";
    Gen7 => "GEN-7", Gen, "Every input is bounded, with the provider's published limits as defaults: a custom permission policy holds at most 6,144 characters, and a RAM user has at most 10 custom policies attached (RAM limits); a resource carries at most 20 tags, each key and value at most 128 characters; an account creates at most 1,000 resource shares (Resource Sharing limits); a resource directory holds at most 100 folders (Resource Directory limits); ids are at most 128 characters. Past a bound the input is refused before any work whose cost grows with it. Instants inside a leap second are out of range (GEN-5).";
    Perm1 => "PERM-1", Perm, "An actor is an account's root identity or a user of an account with permission statements (effect Allow/Deny, actions, resources). Resources are names of the form `acs:ecs:<region>:<account>:snapshot/<id>`; `*` is a wildcard in actions and resources. An explicit Deny wins; no matching Allow means denied. The account root may do everything its account may do.";
    Perm2 => "PERM-2", Perm, "Locking or modifying a lock needs ecs:LockSnapshot; unlocking needs ecs:UnlockSnapshot; reading lock configuration needs ecs:DescribeLockedSnapshots.";
    Perm3 => "PERM-3", Perm, "No identity and no permission overrides an active compliance lock or an immutable backup point: not the root, not an Allow *.";
    Perm4 => "PERM-4", Perm, "An actor acts only on its own account's resources, except what was shared with its account (SHARE rules).";
    Perm5 => "PERM-5", Perm, "Putting a snapshot into a resource share is an action on that snapshot as well as on the share: the sharing action is evaluated against the snapshot's resource name too, so an explicit Deny on the snapshot wins. Statements carrying elements the model does not evaluate (Condition, NotAction, NotResource, Principal, ...) are refused, never read as unconditional.";
    Snap1 => "SNAP-1", Snap, "A snapshot has an id, owner account, region, origin (a disk of the owner; a copy of another snapshot; Cloud Backup; a disk built from an imported custom image), status (in progress, available, failed), encryption (none, the service key, or a customer master key), retention (permanent or an end instant), tags, its size and its source disk's size, storage tier (standard or archive, with the archive retention), and whether it is automatic (made by an automatic snapshot policy) or manual.";
    Snap2 => "SNAP-2", Snap, "When its retention ends, a snapshot is released, unless it is still shared (SHARE-14).";
    Snap3 => "SNAP-3", Snap, "The owner may extend retention or make it permanent; retention is never shortened (that also keeps LOCK-4 true). An archived snapshot's retention cannot be changed at all (ARCH-5).";
    Snap4 => "SNAP-4", Snap, "Deleting is refused while a lock is in cooling-off or compliance (LOCK-10), while the snapshot is shared (SHARE-12), and for anyone but the owner (SHARE-10). Deleting a snapshot still in progress cancels its creation or copy (COPY-6).";
    Snap5 => "SNAP-5", Snap, "A retention given in days is 1 to 65,536 days, on creation, on copy and on modification.";
    Lock1 => "LOCK-1", Lock, "Lock duration is 1 to 36,500 days; cooling-off is 0 to 72 hours and is counted inside the duration, so it may not exceed it.";
    Lock2 => "LOCK-2", Lock, "A lock set at now starts at now; its cooling-off ends at start + cooling-off; it expires at start + duration.";
    Lock3 => "LOCK-3", Lock, "Only available snapshots can be locked; never snapshots made by Cloud Backup nor snapshots shared from another account.";
    Lock4 => "LOCK-4", Lock, "The lock must expire no later than the snapshot's retention end (permanent retention never conflicts). The remedy offered is to extend retention first.";
    Lock5 => "LOCK-5", Lock, "Lock state at instant t: compliance-cooloff while start <= t < cooling-off end; compliance while cooling-off end <= t < expiry; expired once t >= expiry. Zero cooling-off means compliance at once.";
    Lock6 => "LOCK-6", Lock, "Unlock is allowed only in compliance-cooloff, with ecs:UnlockSnapshot. In compliance nobody can unlock. Unlocking a snapshot that has no lock in cooling-off or compliance (never locked, already unlocked, or expired) is refused too (follows the ECS API: UnlockSnapshot answers InvalidSnapshotLock.NotFound).";
    Lock7 => "LOCK-7", Lock, "During cooling-off the lock may be reconfigured (duration and cooling-off, up or down); both are recomputed from now as a new lock.";
    Lock8 => "LOCK-8", Lock, "During compliance the only change is an extension: the new expiry (now + requested duration) may not be earlier than the current one (Decision: equal is an accepted no-op), no cooling-off may be given, and LOCK-4 still holds.";
    Lock9 => "LOCK-9", Lock, "After expiry the snapshot is unlocked and may be deleted or locked again as a fresh lock.";
    Lock10 => "LOCK-10", Lock, "While locked (cooling-off or compliance) the snapshot survives every deletion path: manual deletion, release of its disk with \"release automatic snapshots with the disk\", deletion of a custom image built on it, and automatic-snapshot rotation.";
    Lock11 => "LOCK-11", Lock, "Rotation: when a new automatic snapshot of a disk would exceed the per-disk automatic snapshot limit (Decision: default 1,000), the oldest unlocked automatic snapshot of that disk (across all its automatic snapshot policies) is deleted; locked ones are skipped; if every automatic snapshot is locked, the new one is refused.";
    Lock12 => "LOCK-12", Lock, "Overdue exception: once the owning account has been overdue for the configured period (Decision: default 30 days: 15 days usable, then 15 days stopped, as Alibaba's overdue rules for snapshots), the billing process (a system actor, not a user) may release its locked snapshots.";
    Lock13 => "LOCK-13", Lock, "A locked snapshot can be copied; the copy carries no lock.";
    Lock14 => "LOCK-14", Lock, "A locked snapshot can be archived only if the archive retention ends no earlier than the lock expiry.";
    Lock15 => "LOCK-15", Lock, "Describing lock configuration reports state, start, cooling-off end and expiry, and needs ecs:DescribeLockedSnapshots.";
    Lock16 => "LOCK-16", Lock, "Apart from deletion, a locked snapshot is used like any other (create disks, copy, share).";
    Share1 => "SHARE-1", Share, "Principals are accounts, a resource directory, or a folder of one. A snapshot has at most 64 principals (Decision: a directory or folder counts as one principal).";
    Share2 => "SHARE-2", Share, "An account has at most 1,024 of its snapshots shared at a time.";
    Share3 => "SHARE-3", Share, "China-site and international-site accounts never share with each other.";
    Share4 => "SHARE-4", Share, "A share scoped to the resource directory may name only the directory, its folders and its member accounts; a share scoped to all accounts may name any account.";
    Share5 => "SHARE-5", Share, "Not shareable: snapshots of disks built from imported custom images; snapshots encrypted with the service key (remedy: copy with a customer master key, then share the copy); snapshots shared with you; archived snapshots; and (Decision) snapshots not yet available. (Decision) \"Built from an imported custom image\" follows the data: it holds for copies of such snapshots, for disks created from them or from images made from them, and for those disks' snapshots.";
    Share6 => "SHARE-6", Share, "Sharing a snapshot encrypted with a customer master key needs the sharer account's share-encrypted-snapshot role, trusting the sharee.";
    Share7 => "SHARE-7", Share, "A sharee must accept a resource share the first time; until then it cannot use what it holds. Resources added later to an accepted share need no new acceptance. Accepting a share the account has already accepted is refused (follows the Resource Sharing API: InvitationStatus.AlreadyAccepted).";
    Share8 => "SHARE-8", Share, "Sharing with a directory or folder reaches every member account; accounts that join later gain access, accounts that leave lose it.";
    Share9 => "SHARE-9", Share, "What the sharee sees expires 1,096 days after sharing when the source is permanent, and at the source's retention end otherwise. The sharee cannot extend it.";
    Share10 => "SHARE-10", Share, "A sharee may create disks from and copy a shared snapshot. It may not create a custom image, roll back a disk, delete, archive, re-share, extend retention or lock it.";
    Share11 => "SHARE-11", Share, "From a shared encrypted snapshot, a sharee's disk must use a key other than the snapshot's and be of category ESSD, ESSD AutoPL or ESSD Entry; a sharee's copy must use a key other than the snapshot's.";
    Share12 => "SHARE-12", Share, "The sharer cannot delete a snapshot that is shared; unshare first.";
    Share13 => "SHARE-13", Share, "After unsharing, the sharee no longer sees the snapshot, disks it created from it can no longer be re-initialized, and its copies are unaffected.";
    Share14 => "SHARE-14", Share, "A shared snapshot whose retention has ended is not released while still shared; it is released when the last share is removed.";
    Share15 => "SHARE-15", Share, "Sharing is free; what a sharee creates from a share is billed to the sharee.";
    Copy1 => "COPY-1", Copy, "Only available snapshots in the standard tier can be copied; archived snapshots cannot.";
    Copy2 => "COPY-2", Copy, "A standard (unencrypted) copy goes to a different region only, and only from an unencrypted snapshot; encrypted snapshots must be copied with encryption.";
    Copy3 => "COPY-3", Copy, "An encrypted copy goes to the same or another region, needs KMS activated for the account, and uses the service key or a customer master key.";
    Copy4 => "COPY-4", Copy, "Encrypted copies into a region that is closing down are refused.";
    Copy5 => "COPY-5", Copy, "A copy gets a new id, the copier as owner, the destination region, status in progress until completed, the requested retention or permanent by default, no tags, no lock, no instant access; it records its source and cannot roll back the source's disk.";
    Copy6 => "COPY-6", Copy, "Deleting a copy still in progress cancels it.";
    Copy7 => "COPY-7", Copy, "Billing basis of a copy, per lineage (Decision: lineage = source disk, destination region and key): the first standard copy of an unencrypted snapshot is charged the full snapshot size; the first encrypted copy of an unencrypted snapshot the full source disk size; the first encrypted copy of an encrypted snapshot the full snapshot size; later copies in the same lineage are incremental; a different key starts a new lineage (full again).";
    Arch1 => "ARCH-1", Arch, "Only the owner archives, only an available standard-tier snapshot at least 14 days old. Archiving is one-way.";
    Arch2 => "ARCH-2", Arch, "Archive retention, when given, is 74 to 65,536 days counted from the snapshot's creation (follows the ECS API: ModifySnapshotCategory.RetentionDays \"started at the point in time when the snapshot was created\"; 74 is the 14 days before archiving plus the 60 days of minimum archive storage). When it is not given, the archived snapshot is kept permanently. A retention that would end at or before the instant of archiving is refused. Either way it must end no earlier than the lock expiry (LOCK-14).";
    Arch3 => "ARCH-3", Arch, "Archived snapshots cannot be copied or shared (COPY-1, SHARE-5).";
    Arch4 => "ARCH-4", Arch, "Deleting an archived snapshot less than 60 days after it was archived is allowed (if no lock forbids it) and the event says an early-deletion charge applies.";
    Arch5 => "ARCH-5", Arch, "Encrypted snapshots cannot be archived, and neither can Cloud Backup snapshots (follows the ECS API: \"You cannot archive encrypted snapshots\", \"snapshots managed by Cloud Backup\"). The retention of an archived snapshot can no longer be changed (follows the ECS documentation: \"You cannot extend the retention period of archived snapshots\").";
    Disk1 => "DISK-1", Disk, "Disks can be created from one's own snapshots or from shared ones the account has accepted (subject to SHARE-11), or from one's own custom images. A disk is in the region of the snapshot or image it is made from, and a disk made from encrypted data is encrypted: encryption follows the data through images as through snapshots.";
    Disk2 => "DISK-2", Disk, "A disk can be rolled back only to a snapshot taken of that very disk, owned by the same account: not to a copy, not to a shared snapshot.";
    Disk3 => "DISK-3", Disk, "Releasing a disk may release its automatic snapshots with it; locked ones stay (LOCK-10).";
    Disk4 => "DISK-4", Disk, "Re-initializing a disk created from a shared snapshot needs the share to still be in place.";
    Image1 => "IMAGE-1", Image, "Custom images are created from one's own snapshots, never from shared ones. An image made from an encrypted snapshot is encrypted with its key.";
    Image2 => "IMAGE-2", Image, "Deleting a custom image with its snapshots leaves locked snapshots in place.";
    Vault1 => "VAULT-1", Vault, "Vault types: general-purpose, database, database realtime, NAS free-30-days, OSS free-30-days, Tablestore free-30-days, and archive (permanent or a retention in days).";
    Vault2 => "VAULT-2", Vault, "Immutable backup can be enabled on general-purpose and database vaults (not realtime) and on backup policies; immutable archive on archive vaults whose retention is not permanent. Everything else is refused.";
    Vault3 => "VAULT-3", Vault, "Enabling either is irreversible; disabling is always refused.";
    Vault4 => "VAULT-4", Vault, "Enabling on a vault or a general backup policy locks the backup points it already holds and every later one; on an ECS instance backup policy it locks only backup points created afterwards.";
    Vault5 => "VAULT-5", Vault, "A locked backup point cannot be modified or deleted by anyone before its retention ends; at its retention end it is deleted automatically.";
    Vault6 => "VAULT-6", Vault, "An immutable vault cannot be deleted while it holds a backup point whose retention has not ended.";
    Vault7 => "VAULT-7", Vault, "Cross-region replicas of an immutable vault or of locked backup points are immutable and locked too.";
    Vault8 => "VAULT-8", Vault, "Immutability does not hinder backup, restore, or the normal use of the disks and snapshots an ECS instance policy covers.";
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The error of parsing a string that names no rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a rule id of the catalog")]
pub struct UnknownRuleId(pub String);

impl FromStr for RuleId {
    type Err = UnknownRuleId;

    /// Parses an id such as `LOCK-6`.
    ///
    /// ```
    /// use snapguard::RuleId;
    /// assert_eq!("LOCK-6".parse::<RuleId>()?, RuleId::Lock6);
    /// assert!("LOCK-99".parse::<RuleId>().is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .iter()
            .copied()
            .find(|rule| rule.code() == s)
            .ok_or_else(|| UnknownRuleId(s.to_owned()))
    }
}

impl Serialize for RuleId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for RuleId {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RuleId".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let codes: Vec<&str> = Self::ALL.iter().map(|rule| rule.code()).collect();
        schemars::json_schema!({
            "type": "string",
            "description": "A rule of the specification, by its id.",
            "enum": codes,
        })
    }
}

impl<'de> Deserialize<'de> for RuleId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        code.parse().map_err(serde::de::Error::custom)
    }
}
