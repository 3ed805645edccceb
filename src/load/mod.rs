//! Loading a state: the trust boundary.
//!
//! A state is serialized as its data, without indexes, after its format
//! version (`format.rs`). Loading rebuilds the
//! indexes and refuses, with a [`StateError`], any state that no accepted
//! history could have produced: ill-formed ids and inputs past their
//! bounds, duplicate or dangling ids, impossible locks and retentions,
//! snapshots held past their retention, objects newer than the clock or
//! older than what they need, disks and images unlike their sources,
//! incoherent limits.
//!
//! The checks are linear in the data, and the bounds and quotas a share's
//! own data breaks are read before any index is built (`bounds.rs`): the
//! indexes, whose size is the data's times the quota of principals per
//! snapshot, are built only for data that passes every check.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::index::Indexes;
use crate::state::Retired;
use crate::store::{Map, Set, Table};
use crate::{
    Account, AccountId, Disk, Folder, Image, Key, Limits, ObjectKind, Region, RegionId,
    ResourceDirectory, ResourceShare, Snapshot, SnapshotId, State, User,
};

mod bounds;
mod copies;
mod error;
mod format;
mod instants;
mod provenance;
mod references;
mod sharing;
mod vaults;

pub use copies::CopyDefect;
pub use error::StateError;
pub(crate) use format::Versioned;
pub use vaults::BackupDefect;

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// A serialized state before its invariants are checked: the input side of
/// the trust boundary.
///
/// Deserializing a [`State`] refuses data that breaks an invariant with
/// the first [`StateError`] found. Deserialize an `UncheckedState` to learn
/// every invariant the data breaks, for instance to check a state exported
/// by another implementation. A state of a newer format than this version
/// of snapguard reads ([`State::FORMAT_VERSION`]) deserializes too, and
/// its check finds only [`StateError::UnsupportedFormat`].
///
/// ```
/// use snapguard::{RuleId, State, StateError, UncheckedState};
///
/// let mut data = serde_json::to_value(State::default())?;
/// data["clock"] = serde_json::json!("2026-01-01T00:00:00Z");
/// data["regions"] = serde_json::json!([
///     {"id": "r-1", "created_at": "2027-01-01T00:00:00Z", "closing_down": false},
/// ]);
/// data["limits"]["min_lock_days"] = serde_json::json!(0);
///
/// let unchecked: UncheckedState = serde_json::from_value(data)?;
/// let errors = unchecked.check().unwrap_err();
/// let rules: Vec<RuleId> = errors.iter().map(StateError::rule).collect();
/// assert_eq!(rules, [RuleId::Gen5, RuleId::Gen2]);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UncheckedState(Versioned);

impl UncheckedState {
    /// Checks every invariant: the state, or every invariant broken, in
    /// the order the checks run.
    ///
    /// Each family of checks (ids; input bounds, with the sharing quotas a
    /// share's own data breaks; instants; references, locks and retention;
    /// sharing; keys and copies; what disks, images and snapshots were made
    /// from; Cloud Backup) reports an object once, with the first
    /// invariant of the family it breaks; one defect may break invariants
    /// of several families. The bounds are read from the data before
    /// anything else, and every check is linear in the data: the indexes
    /// are built only for data that passes every check, and the quota of
    /// principals across the shares holding a snapshot (SHARE-1) and the
    /// automatic snapshot limit (LOCK-11) are counted on them.
    ///
    /// # Errors
    ///
    /// Every [`StateError`] found, never an empty list.
    pub fn check(self) -> Result<State, Vec<StateError>> {
        let data = match self.0 {
            Versioned::Readable(data) => *data,
            Versioned::Newer(found) => return Err(vec![format::unsupported(found)]),
        };
        let (state, findings) = data.load();
        let errors = findings.into_errors();
        if errors.is_empty() {
            Ok(state)
        } else {
            Err(errors)
        }
    }
}

impl From<State> for UncheckedState {
    fn from(state: State) -> Self {
        Self(Versioned::Readable(Box::new(state.into())))
    }
}

impl From<&State> for UncheckedState {
    fn from(state: &State) -> Self {
        Self::from(state.clone())
    }
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// The serialized form of a state: its format version, then its data as
/// lists, without indexes.
///
/// Every field is required except `format` (a missing one is version 1,
/// the version of states saved before it was written) and `limits` (a
/// missing one is the default); `clock` is `null` for a state that
/// recorded nothing (`deserialize_with` stops serde from reading a missing
/// `Option` key as `None`). `format` is read first (`format.rs`); its
/// field stays first so that it is written first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StateData {
    #[serde(default = "format::first")]
    format: std::num::NonZeroU32,
    #[serde(default)]
    limits: Limits,
    #[serde(deserialize_with = "Option::deserialize")]
    #[cfg_attr(feature = "schema", schemars(required))]
    clock: Option<DateTime<Utc>>,
    accounts: Vec<Account>,
    users: Vec<User>,
    regions: Vec<Region>,
    disks: Vec<Disk>,
    snapshots: Vec<Snapshot>,
    images: Vec<Image>,
    directories: Vec<ResourceDirectory>,
    folders: Vec<Folder>,
    shares: Vec<ResourceShare>,
    keys: Vec<Key>,
    lineages: Vec<copies::LineageRecord>,
    backup: vaults::BackupData,
    retired: Retired,
    /// How many ids the state minted ([`MINT`](crate::MINT)); zero when
    /// missing, as in states saved before ids were minted.
    #[serde(default)]
    minted: u64,
}

impl From<State> for StateData {
    fn from(state: State) -> Self {
        Self {
            format: format::CURRENT,
            limits: state.limits,
            clock: state.clock,
            accounts: state.accounts.into_values().collect(),
            users: state.users.into_values().collect(),
            regions: state.regions.into_values().collect(),
            disks: state.disks.into_values().collect(),
            snapshots: state.snapshots.into_values().collect(),
            images: state.images.into_values().collect(),
            directories: state.directories.into_values().collect(),
            folders: state.folders.into_values().collect(),
            shares: state.shares.into_values().collect(),
            keys: state.keys.into_values().collect(),
            lineages: state
                .lineages
                .into_iter()
                .map(|(lineage, first_copy)| copies::LineageRecord {
                    lineage,
                    first_copy,
                })
                .collect(),
            backup: state.backup.into(),
            retired: state.retired,
            minted: state.minted,
        }
    }
}

/// Every broken invariant the checks of a loaded state find.
#[derive(Debug, Default)]
pub(crate) struct Findings(Vec<StateError>);

impl Findings {
    /// Records what `result` found, if anything.
    pub(super) fn record(&mut self, result: Result<(), StateError>) {
        if let Err(error) = result {
            self.0.push(error);
        }
    }

    /// Checks each of `items`, recording every refusal: one per item, the
    /// first it breaks.
    pub(super) fn each<T>(
        &mut self,
        items: impl IntoIterator<Item = T>,
        mut check: impl FnMut(T) -> Result<(), StateError>,
    ) {
        for item in items {
            self.record(check(item));
        }
    }

    /// What was found, in the order the checks ran.
    pub(crate) fn into_errors(self) -> Vec<StateError> {
        self.0
    }
}

/// Collects objects by key, recording a duplicate and keeping the first.
pub(super) fn unique<K: Ord + Clone, V: Clone>(
    findings: &mut Findings,
    items: Vec<V>,
    kind: ObjectKind,
    key: impl Fn(&V) -> K,
    name: impl Fn(&V) -> String,
) -> Table<K, V> {
    let mut map = Table::default();
    for item in items {
        let key = key(&item);
        if map.contains_key(&key) {
            findings.record(Err(StateError::Duplicate {
                kind,
                id: name(&item),
            }));
        } else {
            map.insert(key, item);
        }
    }
    map
}

/// Collects copy lineages, recording one recorded twice.
fn unique_lineages(
    findings: &mut Findings,
    records: Vec<copies::LineageRecord>,
) -> Map<crate::CopyLineage, SnapshotId> {
    let mut map = Map::new();
    for record in records {
        if map.contains_key(&record.lineage) {
            findings.record(Err(StateError::InconsistentLineage(record.first_copy)));
        } else {
            map.insert(record.lineage, record.first_copy);
        }
    }
    map
}

/// Records each live object whose id is also retired.
pub(super) fn live_and_retired<K: Ord + Clone + std::fmt::Display, V: Clone>(
    findings: &mut Findings,
    kind: ObjectKind,
    retired: &Set<K>,
    live: &Table<K, V>,
) {
    findings.each(retired.iter().filter(|id| live.contains_key(*id)), |id| {
        Err(StateError::Duplicate {
            kind,
            id: id.to_string(),
        })
    });
}

pub(crate) fn dangling(
    kind: ObjectKind,
    id: &str,
    missing_kind: ObjectKind,
    missing: &str,
) -> StateError {
    StateError::Dangling {
        kind,
        id: id.to_owned(),
        missing_kind,
        missing_id: missing.to_owned(),
    }
}

impl TryFrom<StateData> for State {
    type Error = StateError;

    /// Loads `data`, refusing it with the first invariant it breaks.
    fn try_from(data: StateData) -> Result<Self, StateError> {
        let (state, findings) = data.load();
        match findings.into_errors().into_iter().next() {
            Some(error) => Err(error),
            None => Ok(state),
        }
    }
}

impl StateData {
    /// Builds the state `data` describes and checks every invariant,
    /// returning the state with what the checks found. The state is only
    /// meaningful when nothing was found.
    pub(crate) fn load(self) -> (State, Findings) {
        use ObjectKind as K;
        let data = self;
        let mut findings = Findings::default();
        let found = &mut findings;
        let mut state = State {
            limits: data.limits,
            clock: data.clock,
            accounts: unique(
                found,
                data.accounts,
                K::Account,
                |a| a.id.clone(),
                |a| a.id.to_string(),
            ),
            users: unique(
                found,
                data.users,
                K::User,
                |u| (u.account.clone(), u.id.clone()),
                |u| u.id.to_string(),
            ),
            regions: unique(
                found,
                data.regions,
                K::Region,
                |r| r.id.clone(),
                |r| r.id.to_string(),
            ),
            disks: unique(
                found,
                data.disks,
                K::Disk,
                |d| d.id.clone(),
                |d| d.id.to_string(),
            ),
            snapshots: unique(
                found,
                data.snapshots,
                K::Snapshot,
                |s| s.id.clone(),
                |s| s.id.to_string(),
            ),
            images: unique(
                found,
                data.images,
                K::Image,
                |i| i.id.clone(),
                |i| i.id.to_string(),
            ),
            directories: unique(
                found,
                data.directories,
                K::Directory,
                |d| d.id.clone(),
                |d| d.id.to_string(),
            ),
            folders: unique(
                found,
                data.folders,
                K::Folder,
                |f| f.id.clone(),
                |f| f.id.to_string(),
            ),
            shares: unique(
                found,
                data.shares,
                K::ResourceShare,
                |s| s.id.clone(),
                |s| s.id.to_string(),
            ),
            keys: unique(
                found,
                data.keys,
                K::Key,
                |k| k.id.clone(),
                |k| k.id.to_string(),
            ),
            lineages: unique_lineages(found, data.lineages),
            backup: data.backup.load(found),
            retired: data.retired,
            minted: data.minted,
            index: Indexes::default(),
        };
        state.check_bounds(found);
        state.check_instants(found);
        state.check(found);
        state.check_sharing(found);
        state.check_copies(found);
        state.check_provenance(found);
        state.check_backup(found);
        // The indexes, and the quotas read from them, are only built for
        // data that passes every check: building them for broken data
        // costs as much as the data claims (a share naming thousands of
        // accounts for thousands of snapshots: their product) and adds
        // nothing to what was found. The bounds checked, what they cost is
        // linear in the data.
        if !findings.0.is_empty() {
            return (state, findings);
        }
        let found = &mut findings;
        state.reindex();
        state.check_quotas(found);
        let limit = usize::try_from(state.limits.auto_snapshots_per_disk).unwrap_or(usize::MAX);
        found.each(
            state
                .index
                .automatic_counts()
                .filter(|(_, held)| *held > limit),
            |(disk, _)| Err(StateError::AutomaticLimitExceeded(disk.clone())),
        );
        (state, findings)
    }
}

/// Refuses an object recorded after the state's clock (or with no clock).
pub(crate) fn created_by(
    clock: Option<DateTime<Utc>>,
    kind: ObjectKind,
    id: &str,
    at: DateTime<Utc>,
) -> Result<(), StateError> {
    if clock.is_none_or(|clock| at > clock) {
        return Err(StateError::AfterClock {
            kind,
            id: id.to_owned(),
        });
    }
    Ok(())
}

/// Refuses an object of `kind` created at `at` before the object it needs
/// at its creation, `needed` of `needed_kind`, created at `needed_at`
/// (GEN-2).
pub(crate) fn created_after(
    (kind, id): (ObjectKind, &str),
    at: DateTime<Utc>,
    (needed_kind, needed): (ObjectKind, &str),
    needed_at: DateTime<Utc>,
) -> Result<(), StateError> {
    if at < needed_at {
        return Err(StateError::CreatedBefore {
            kind,
            id: id.to_owned(),
            needed_kind,
            needed_id: needed.to_owned(),
        });
    }
    Ok(())
}

impl State {
    /// Checks an object of `kind` owned by `owner` in `region`, created at
    /// `at`: its account and region exist, and it is not newer than the clock.
    fn check_placed(
        &self,
        kind: ObjectKind,
        id: &str,
        owner: &AccountId,
        region: &RegionId,
        at: DateTime<Utc>,
    ) -> Result<(), StateError> {
        if !self.accounts.contains_key(owner) {
            return Err(dangling(kind, id, ObjectKind::Account, owner.as_str()));
        }
        if !self.regions.contains_key(region) {
            return Err(dangling(kind, id, ObjectKind::Region, region.as_str()));
        }
        created_by(self.clock, kind, id, at)
    }
}
