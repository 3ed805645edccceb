//! A tour of copying snapshots: standard and encrypted copies, keys,
//! regions closing down, billing lineages, and locks that copies do not
//! carry.
//!
//! Run with `cargo run --example copies`. A standard copy is refused in its
//! own region (COPY-2), and for an encrypted snapshot; an encrypted copy
//! needs KMS (COPY-3) and stays out of a region closing down (COPY-4). A
//! sequence of copies of one disk's snapshots is charged in full, then
//! incrementally, then in full again when the key changes (COPY-7). A
//! locked snapshot's copy carries no lock (LOCK-13), and deleting a copy in
//! progress cancels it (COPY-6).
//!
//! Each step prints what happened, or which rule refused it and why; every
//! outcome is checked, so the tour fails loudly if the rules change.

use chrono::{DateTime, SecondsFormat, TimeDelta, TimeZone, Utc};
use snapguard::{
    ActivateKms, Actor, BillingBasis, CopySnapshot, CreateAccount, CreateDisk, CreateKey,
    CreateRegion, CreateSnapshot, DeleteSnapshot, DiskCategory, Encryption, Event, FinishSnapshot,
    IntoCommand, LockSnapshot, LockState, MarkRegionClosingDown, RuleId, Site, State, Violation,
};

type Error = Box<dyn std::error::Error>;

const HANGZHOU: &str = "cn-hangzhou";
const SHANGHAI: &str = "cn-shanghai";
/// A region the provider announced as closing down.
const NANJING: &str = "cn-nanjing";
const OWNER: &str = "1001";

/// The state so far, and the instant the tour is at.
struct Tour {
    state: State,
    now: DateTime<Utc>,
    owner: Actor,
}

fn instant(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

impl Tour {
    /// Applies a command, printing what it caused or why it was refused.
    fn step(
        &mut self,
        what: &str,
        actor: &Actor,
        command: impl IntoCommand,
    ) -> Result<Vec<Event>, Violation> {
        println!("{}  {what}", instant(self.now));
        match self.state.apply(self.now, actor, command) {
            Ok(transition) => {
                for event in &transition.events {
                    println!("{:22}-> {event:#}", "");
                }
                self.state = transition.state;
                Ok(transition.events)
            }
            Err(refusal) => {
                println!("{:22}-> refused by {}: {refusal}", "", refusal.rule());
                Err(refusal)
            }
        }
    }

    /// Applies a command of the owner without printing it.
    fn quietly(&mut self, actor: &Actor, command: impl IntoCommand) -> Result<(), Violation> {
        self.state.apply_mut(self.now, actor, command).map(drop)
    }

    /// A command of the owner that must be refused by `rule`.
    fn refused(
        &mut self,
        what: &str,
        command: impl IntoCommand,
        rule: RuleId,
    ) -> Result<(), Error> {
        let owner = self.owner.clone();
        match self.step(what, &owner, command) {
            Ok(_) => Err(format!("`{what}` was accepted; {rule} should refuse it").into()),
            Err(refusal) if refusal.rule() == rule => Ok(()),
            Err(refusal) => Err(format!(
                "`{what}` was refused by {}, not {rule}: {refusal}",
                refusal.rule()
            )
            .into()),
        }
    }

    /// The owner copies `source` into `copy`; the copy completes at once.
    /// Checks the billing basis the accepted event states.
    fn copy(
        &mut self,
        what: &str,
        source: &str,
        copy: &str,
        region: &str,
        encryption: Encryption,
        billed: BillingBasis,
    ) -> Result<(), Error> {
        let owner = self.owner.clone();
        let events = self.step(what, &owner, copy_of(source, copy, region, encryption))?;
        match events.as_slice() {
            [Event::SnapshotCopied { billing, .. }] if *billing == billed => {}
            other => return Err(format!("expected a copy billed on {billed:?}: {other:?}").into()),
        }
        self.quietly(&Actor::Platform, finish(copy, 12))?;
        Ok(())
    }

    /// The owner takes a snapshot of `disk`, completed, an hour on.
    fn snapshot(&mut self, disk: &str, snapshot: &str) -> Result<(), Violation> {
        self.now += TimeDelta::hours(1);
        let owner = self.owner.clone();
        let create = CreateSnapshot::new(snapshot, disk);
        self.quietly(&owner, create)?;
        self.quietly(&Actor::Platform, finish(snapshot, 12))
    }
}

fn copy_of(source: &str, copy: &str, region: &str, encryption: Encryption) -> CopySnapshot {
    CopySnapshot::new(source, copy, region).encryption(encryption)
}

fn finish(snapshot: &str, size_gib: u64) -> FinishSnapshot {
    FinishSnapshot::available(snapshot, size_gib)
}

fn disk(id: &str, encryption: Encryption) -> CreateDisk {
    CreateDisk::new(id, HANGZHOU, DiskCategory::Essd, 100).encryption(encryption)
}

fn key(id: &str) -> Encryption {
    Encryption::CustomerKey(id.into())
}

fn main() -> Result<(), Error> {
    let start = Utc
        .with_ymd_and_hms(2026, 5, 4, 9, 0, 0)
        .single()
        .ok_or("no such instant")?;
    let mut tour = Tour {
        state: State::new(),
        now: start,
        owner: Actor::root(OWNER),
    };
    let owner = tour.owner.clone();
    for region in [HANGZHOU, SHANGHAI, NANJING] {
        let create = CreateRegion::new(region);
        tour.quietly(&Actor::Platform, create)?;
    }
    let closing = MarkRegionClosingDown::new(NANJING);
    tour.quietly(&Actor::Platform, closing)?;
    let account = CreateAccount::new(OWNER, Site::China);
    tour.quietly(&Actor::Platform, account)?;
    tour.quietly(&owner, disk("d-ledger", Encryption::Unencrypted))?;
    tour.quietly(&owner, disk("d-vault", Encryption::ServiceKey))?;
    tour.snapshot("d-ledger", "s-ledger-1")?;
    tour.snapshot("d-vault", "s-vault")?;
    println!(
        "Account {OWNER} has two 100 GiB disks in {HANGZHOU}: `d-ledger` unencrypted, \
         `d-vault` under the service key, each with a 12 GiB snapshot.\n"
    );

    println!("Standard copies leave the region, and only unencrypted data (COPY-2).");
    let same_region = copy_of("s-ledger-1", "c-0", HANGZHOU, Encryption::Unencrypted);
    tour.refused(
        "a standard copy within cn-hangzhou",
        same_region,
        RuleId::Copy2,
    )?;
    let plaintext = copy_of("s-vault", "c-0", SHANGHAI, Encryption::Unencrypted);
    tour.refused(
        "a standard copy of the encrypted snapshot",
        plaintext,
        RuleId::Copy2,
    )?;
    tour.copy(
        "a standard copy to cn-shanghai",
        "s-ledger-1",
        "c-std",
        SHANGHAI,
        Encryption::Unencrypted,
        BillingBasis::FullSnapshotSize { size_gib: 12 },
    )?;

    println!("\nEncrypted copies need KMS (COPY-3) and an open region (COPY-4).");
    let service = copy_of("s-ledger-1", "c-0", HANGZHOU, Encryption::ServiceKey);
    tour.refused("a service-key copy before KMS", service, RuleId::Copy3)?;
    tour.step("the owner activates KMS", &owner, ActivateKms::new())?;
    for id in ["k-ledger", "k-rotated"] {
        let create = CreateKey::new(id, HANGZHOU);
        tour.step(&format!("the owner creates key `{id}`"), &owner, create)?;
    }
    let closing = copy_of("s-ledger-1", "c-0", NANJING, Encryption::ServiceKey);
    tour.refused("an encrypted copy into cn-nanjing", closing, RuleId::Copy4)?;
    tour.copy(
        "the encrypted snapshot copied to cn-shanghai",
        "s-vault",
        "c-vault",
        SHANGHAI,
        Encryption::ServiceKey,
        BillingBasis::FullSnapshotSize { size_gib: 12 },
    )?;

    println!("\nOne lineage per disk, region and key: full, incremental, full again (COPY-7).");
    tour.copy(
        "s-ledger-1 encrypted with `k-ledger`",
        "s-ledger-1",
        "c-1",
        HANGZHOU,
        key("k-ledger"),
        BillingBasis::FullDiskSize { size_gib: 100 },
    )?;
    tour.snapshot("d-ledger", "s-ledger-2")?;
    tour.copy(
        "s-ledger-2 encrypted with `k-ledger`",
        "s-ledger-2",
        "c-2",
        HANGZHOU,
        key("k-ledger"),
        BillingBasis::Incremental,
    )?;
    tour.snapshot("d-ledger", "s-ledger-3")?;
    tour.copy(
        "s-ledger-3 encrypted with the new key `k-rotated`",
        "s-ledger-3",
        "c-3",
        HANGZHOU,
        key("k-rotated"),
        BillingBasis::FullDiskSize { size_gib: 100 },
    )?;
    tour.snapshot("d-ledger", "s-ledger-4")?;
    tour.copy(
        "s-ledger-4 encrypted with `k-rotated`",
        "s-ledger-4",
        "c-4",
        HANGZHOU,
        key("k-rotated"),
        BillingBasis::Incremental,
    )?;

    println!("\nA locked snapshot is copied; the copy carries no lock (LOCK-13).");
    let lock = LockSnapshot::new("s-ledger-4", 30, 0);
    tour.step("the owner locks s-ledger-4 in compliance", &owner, lock)?;
    let copy = copy_of("s-ledger-4", "c-locked", SHANGHAI, Encryption::ServiceKey);
    tour.step("s-ledger-4 copied to cn-shanghai", &owner, copy)?;
    let lock_of = |id: &str| {
        tour.state
            .snapshot(&id.into())
            .and_then(|snapshot| snapshot.lock_state(tour.now))
    };
    let (source_lock, copy_lock) = (lock_of("s-ledger-4"), lock_of("c-locked"));
    println!(
        "{:22}   source lock: {source_lock:?}; copy lock: {copy_lock:?}",
        ""
    );
    if source_lock != Some(LockState::Compliance) || copy_lock.is_some() {
        return Err("the copy should carry no lock, the source its own".into());
    }
    let delete = |id: &str| DeleteSnapshot::new(id);
    tour.refused(
        "the owner deletes s-ledger-4",
        delete("s-ledger-4"),
        RuleId::Lock10,
    )?;
    tour.step(
        "the owner deletes the copy in progress",
        &owner,
        delete("c-locked"),
    )?;

    println!("\nSummary.");
    for (lineage, first) in tour.state.copy_lineages() {
        println!(
            "- copies of {} into `{}` with {}: started by `{first}`",
            lineage.root, lineage.region, lineage.encryption
        );
    }
    if tour.state.copy_lineages().count() != 4 {
        return Err("expected four lineages".into());
    }
    Ok(())
}
