//! A tour of sharing one snapshot across accounts.
//!
//! Run with `cargo run --example sharing`. An owner shares a snapshot with
//! an account and with a folder of its resource directory; a member joins
//! the folder and gains access, then leaves and loses it; the 65th
//! principal is refused; the sharee is refused what only an owner may do,
//! then accepts the share and copies the snapshot; the owner unshares, and
//! the sharee's copy stays.
//!
//! Each step prints what happened, or which rule refused it and why; every
//! outcome is checked, so the tour fails loudly if the rules change.

use chrono::{DateTime, SecondsFormat, TimeDelta, TimeZone, Utc};
use snapguard::{
    AcceptResourceShare, AccountId, ActivateKms, Actor, AddDirectoryMember, ArchiveSnapshot,
    AssociateResourceShare, Command, CopySnapshot, CreateAccount, CreateDisk, CreateFolder,
    CreateImage, CreateRegion, CreateResourceDirectory, CreateResourceShare, CreateSnapshot,
    DeleteSnapshot, DisassociateResourceShare, DiskCategory, Encryption, FinishSnapshot,
    IntoCommand, LockSnapshot, Principal, PrincipalScope, RemoveDirectoryMember, RuleId,
    ShareStatus, Site, SnapshotAccess, SnapshotId, SnapshotStatus, State, Violation,
};

type Error = Box<dyn std::error::Error>;

const REGION: &str = "cn-hangzhou";
/// The owner of the snapshot, and the management account of its directory.
const OWNER: &str = "1001";
/// The account the snapshot is shared with directly.
const SHAREE: &str = "2002";
/// A member of the folder from the start.
const AUDITOR: &str = "3001";
/// A member who joins the folder, and later leaves.
const CONTRACTOR: &str = "3002";
const SNAPSHOT: &str = "s-ledger";
const COPY: &str = "s-ledger-copy";
const SHARE: &str = "rs-audit";
const DIRECTORY: &str = "rd-corp";
const FOLDER: &str = "fd-audit";

/// The state so far, and the instant the tour is at.
struct Tour {
    state: State,
    now: DateTime<Utc>,
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
    ) -> Result<(), Violation> {
        println!("{}  {what}", instant(self.now));
        match self.state.apply(self.now, actor, command) {
            Ok(transition) => {
                let events = &transition.events;
                let shown = if events.len() > 6 { 3 } else { events.len() };
                for event in events.iter().take(shown) {
                    println!("{:22}-> {event:#}", "");
                }
                if events.len() > shown {
                    println!("{:22}-> ... and {} more alike", "", events.len() - shown);
                }
                self.state = transition.state;
                Ok(())
            }
            Err(refusal) => {
                println!("{:22}-> refused by {}: {refusal}", "", refusal.rule());
                Err(refusal)
            }
        }
    }

    /// Applies a command without printing it; for the bulk of a setup.
    fn quietly(&mut self, actor: &Actor, command: impl IntoCommand) -> Result<(), Violation> {
        self.state.apply_mut(self.now, actor, command).map(drop)
    }

    /// Applies a command that must be refused by `rule`, printing the rule
    /// and the refusal's message.
    fn refused(
        &mut self,
        what: &str,
        actor: &Actor,
        command: impl IntoCommand,
        rule: RuleId,
    ) -> Result<Violation, Error> {
        match self.step(what, actor, command) {
            Ok(()) => Err(format!("`{what}` was accepted; {rule} should refuse it").into()),
            Err(refusal) if refusal.rule() == rule => Ok(refusal),
            Err(refusal) => Err(format!(
                "`{what}` was refused by {}, not {rule}: {refusal}",
                refusal.rule()
            )
            .into()),
        }
    }

    /// Moves the tour on by `hours`.
    fn later(&mut self, hours: i64) {
        self.now += TimeDelta::hours(hours);
    }

    /// How `account` sees the snapshot now: `None` when it does not see it.
    fn access(&self, account: &str) -> Option<SnapshotAccess> {
        self.state
            .visible_snapshots(&account.into(), self.now)
            .into_iter()
            .find(|seen| seen.snapshot.as_str() == SNAPSHOT)
            .map(|seen| seen.access)
    }

    /// Prints whether `account` sees the snapshot, and checks it.
    fn expect_sees(&self, account: &str, expected: bool) -> Result<(), Error> {
        let access = self.access(account);
        let seen = match &access {
            None => "does not see it".to_owned(),
            Some(SnapshotAccess::Shared { share, status, .. }) => {
                format!("sees it through `{share}` ({status:?})")
            }
            Some(other) => format!("sees it: {other:?}"),
        };
        println!("{:22}   account {account} {seen}", "");
        if access.is_some() == expected {
            Ok(())
        } else {
            Err(format!("account {account}: expected to see `{SNAPSHOT}`: {expected}").into())
        }
    }
}

fn account(id: &str) -> CreateAccount {
    CreateAccount::new(id, Site::China)
}

/// The accounts that fill the snapshot's principals up to the limit.
fn filler(index: usize) -> String {
    format!("{}", 5001 + index)
}

fn main() -> Result<(), Error> {
    let start = Utc
        .with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
        .single()
        .ok_or("the tour's start instant is ambiguous")?;
    let owner = Actor::root(OWNER);
    let sharee = Actor::root(SHAREE);
    let snapshot = || SnapshotId::from(SNAPSHOT);
    let mut tour = Tour {
        state: State::new(),
        now: start,
    };

    println!("Setting up: a region, four accounts of the China site, one snapshot.");
    tour.step(
        "the platform registers a region",
        &Actor::Platform,
        CreateRegion::new(REGION),
    )?;
    for (who, id) in [
        ("the owner", OWNER),
        ("the sharee", SHAREE),
        ("an auditor", AUDITOR),
        ("a contractor", CONTRACTOR),
    ] {
        tour.step(
            &format!("the platform registers {who}, account {id}"),
            &Actor::Platform,
            account(id),
        )?;
    }
    tour.step(
        "the owner creates a disk",
        &owner,
        CreateDisk::new("d-ledger", REGION, DiskCategory::Essd, 100),
    )?;
    tour.step(
        "the owner snapshots it",
        &owner,
        CreateSnapshot::new(snapshot(), "d-ledger"),
    )?;
    tour.step(
        "the platform completes the snapshot",
        &Actor::Platform,
        FinishSnapshot::available(snapshot(), 60),
    )?;

    println!("\nThe owner's resource directory, with a folder for auditors.");
    tour.later(1);
    tour.step(
        "the owner creates a resource directory (it becomes the management account)",
        &owner,
        CreateResourceDirectory::new(DIRECTORY),
    )?;
    tour.step(
        "the owner creates a folder",
        &owner,
        CreateFolder::new(FOLDER),
    )?;
    tour.step(
        "the owner adds the auditor to the folder",
        &owner,
        AddDirectoryMember::new(AUDITOR).folder(FOLDER),
    )?;

    println!("\nSharing with an account and a folder.");
    tour.later(1);
    tour.step(
        "the owner shares the snapshot with account 2002 and the auditors' folder",
        &owner,
        CreateResourceShare::new(SHARE, PrincipalScope::AllAccounts)
            .principals([Principal::account(SHAREE), Principal::folder(FOLDER)])
            .snapshot(snapshot()),
    )?;
    let audience = tour.state.shared_with(&snapshot(), tour.now);
    let reached: Vec<&AccountId> = audience.accounts.keys().collect();
    let names: Vec<&str> = reached.iter().map(|account| account.as_str()).collect();
    println!(
        "{:22}   the share reaches accounts {}",
        "",
        names.join(", ")
    );
    if audience.principals.len() != 2
        || reached != [&AccountId::from(SHAREE), &AccountId::from(AUDITOR)]
        || audience
            .accounts
            .values()
            .any(|status| *status != ShareStatus::Pending)
    {
        return Err(format!("unexpected audience after sharing: {audience:?}").into());
    }
    tour.expect_sees(SHAREE, true)?;
    tour.expect_sees(AUDITOR, true)?;
    tour.expect_sees(CONTRACTOR, false)?;

    println!("\nA member joins the folder, and later leaves it (SHARE-8).");
    tour.later(1);
    tour.step(
        "the owner adds the contractor to the folder",
        &owner,
        AddDirectoryMember::new(CONTRACTOR).folder(FOLDER),
    )?;
    tour.expect_sees(CONTRACTOR, true)?;
    tour.later(24);
    tour.step(
        "the owner removes the contractor from the directory",
        &owner,
        RemoveDirectoryMember::new(CONTRACTOR),
    )?;
    tour.expect_sees(CONTRACTOR, false)?;
    tour.refused(
        "the contractor tries to accept the share anyway",
        &Actor::root(CONTRACTOR),
        AcceptResourceShare::new(SHARE),
        RuleId::Share7,
    )?;

    println!("\nAt most 64 principals per snapshot (SHARE-1).");
    tour.later(1);
    tour.step(
        "the owner adds the whole directory (one principal, however many members)",
        &owner,
        AssociateResourceShare::new(SHARE).principal(Principal::directory(DIRECTORY)),
    )?;
    let limit = tour.state.limits().max_principals_per_snapshot;
    let room = usize::try_from(limit)?.saturating_sub(3);
    for index in 0..=room {
        tour.quietly(&Actor::Platform, account(&filler(index)))?;
    }
    println!(
        "{}  the platform registers {} more accounts, {} to {} (not shown)",
        instant(tour.now),
        room + 1,
        filler(0),
        filler(room)
    );
    let fillers: Vec<Principal> = (0..room)
        .map(|index| Principal::Account(filler(index).into()))
        .collect();
    tour.step(
        &format!(
            "the owner adds {room} more accounts ({} to {})",
            filler(0),
            filler(room - 1)
        ),
        &owner,
        AssociateResourceShare::new(SHARE).principals(fillers),
    )?;
    let principals = tour
        .state
        .shared_with(&snapshot(), tour.now)
        .principals
        .len();
    println!("{:22}   the snapshot has {principals} principals", "");
    if principals != usize::try_from(limit)? {
        return Err(format!("expected {limit} principals, found {principals}").into());
    }
    let refusal = tour.refused(
        &format!("the owner adds a 65th principal, account {}", filler(room)),
        &owner,
        AssociateResourceShare::new(SHARE).principal(Principal::Account(filler(room).into())),
        RuleId::Share1,
    )?;
    if !matches!(
        refusal,
        Violation::TooManyPrincipals {
            principals: 65,
            limit: 64,
            ..
        }
    ) {
        return Err(format!("unexpected SHARE-1 refusal: {refusal:?}").into());
    }

    println!("\nWhat a sharee may not do with a snapshot shared with it.");
    tour.later(1);
    let forbidden: [(&str, Command, RuleId); 5] = [
        (
            "the sharee tries to delete the snapshot",
            DeleteSnapshot::new(snapshot()).into(),
            RuleId::Share10,
        ),
        (
            "the sharee tries to lock it for 30 days",
            LockSnapshot::new(snapshot(), 30, 0).into(),
            RuleId::Lock3,
        ),
        (
            "the sharee tries to archive it for 100 days",
            ArchiveSnapshot::new(snapshot()).retention_days(100).into(),
            RuleId::Share10,
        ),
        (
            "the sharee tries to re-share it with account 3001",
            CreateResourceShare::new("rs-onward", PrincipalScope::AllAccounts)
                .principal(Principal::account(AUDITOR))
                .snapshot(snapshot())
                .into(),
            RuleId::Share10,
        ),
        (
            "the sharee tries to create a custom image from it",
            CreateImage::new("m-ledger", snapshot()).into(),
            RuleId::Image1,
        ),
    ];
    for (what, command, rule) in forbidden {
        tour.refused(what, &sharee, command, rule)?;
    }

    println!("\nThe sharee accepts the share (SHARE-7) and copies the snapshot.");
    tour.later(1);
    let copy = || CopySnapshot::new(snapshot(), COPY, REGION).encryption(Encryption::ServiceKey);
    // An encrypted copy can stay in the region (COPY-2, COPY-3).
    tour.quietly(&sharee, ActivateKms::new())?;
    tour.refused(
        "the sharee tries to copy it before accepting",
        &sharee,
        copy(),
        RuleId::Share7,
    )?;
    tour.step(
        "the sharee accepts the share",
        &sharee,
        AcceptResourceShare::new(SHARE),
    )?;
    if !matches!(
        tour.access(SHAREE),
        Some(SnapshotAccess::Shared {
            status: ShareStatus::Accepted,
            ..
        })
    ) {
        return Err("the sharee's acceptance is not visible".into());
    }
    tour.step(
        "the sharee copies the snapshot into its own account, encrypted",
        &sharee,
        copy(),
    )?;
    tour.step(
        "the platform completes the copy",
        &Actor::Platform,
        FinishSnapshot::available(COPY, 60),
    )?;

    println!("\nThe owner unshares; the sharee's copy stays (SHARE-13).");
    tour.later(24);
    tour.step(
        "the owner removes the snapshot from the share",
        &owner,
        DisassociateResourceShare::new(SHARE).snapshot(snapshot()),
    )?;
    tour.expect_sees(SHAREE, false)?;
    tour.expect_sees(AUDITOR, false)?;
    let kept = tour
        .state
        .snapshot(&COPY.into())
        .ok_or("the sharee's copy is gone")?;
    println!(
        "{:22}   the copy `{COPY}` is still there: owned by `{}`, {}",
        "", kept.owner, kept.status
    );
    if kept.owner.as_str() != SHAREE || kept.status != SnapshotStatus::Available {
        return Err(format!("the sharee's copy changed: {kept:?}").into());
    }
    let own: Vec<String> = tour
        .state
        .visible_snapshots(&SHAREE.into(), tour.now)
        .into_iter()
        .map(|seen| format!("{} ({:?})", seen.snapshot, seen.access))
        .collect();
    if own != [format!("{COPY} (Own)")] {
        return Err(format!("the sharee should see only its copy, not {own:?}").into());
    }

    println!("\nSummary.");
    println!(
        "- `{SNAPSHOT}` is shared: {}; account {OWNER} has {} snapshots shared",
        tour.state.is_shared(&snapshot()),
        tour.state.shared_snapshot_count(&OWNER.into())
    );
    let share = tour.state.resource_share(&SHARE.into()).ok_or("no share")?;
    println!(
        "- share `{SHARE}` still names {} principals and holds {} snapshots",
        share.principals.len(),
        share.snapshots.len()
    );
    println!("- account {SHAREE} sees: {}", own.join(", "));
    if tour.state.is_shared(&snapshot()) || tour.state.shared_snapshot_count(&OWNER.into()) != 0 {
        return Err("the snapshot is still counted as shared".into());
    }
    Ok(())
}
