//! A tour of Cloud Backup's immutable backup: the vault-level WORM.
//!
//! Run with `cargo run --example vaults`. Immutable backup is enabled on a
//! general-purpose vault and refused on a NAS free-30-days vault (VAULT-2);
//! disabling it is refused (VAULT-3), and so is deleting a locked backup
//! point (VAULT-5) or the vault (VAULT-6); a replica in another region
//! inherits the lock (VAULT-7); an ECS instance policy made immutable locks
//! only its new backup points (VAULT-4); at their retention end time
//! deletes the points, and the vault can be deleted.
//!
//! Each step prints what happened, or which rule refused it and why; every
//! outcome is checked, so the tour fails loudly if the rules change.

use chrono::{DateTime, SecondsFormat, TimeDelta, TimeZone, Utc};
use snapguard::{
    Actor, CreateAccount, CreateBackupPoint, CreateBackupPolicy, CreateRegion, CreateVault,
    Deletability, DeleteBackupPoint, DeleteVault, DisableImmutability, EnableImmutability,
    IntoCommand, PolicyKind, ReplicateBackupPoint, ReplicateVault, RestoreBackupPoint, RuleId,
    Site, State, VaultKind, Violation,
};

type Error = Box<dyn std::error::Error>;

const HANGZHOU: &str = "cn-hangzhou";
const SHANGHAI: &str = "cn-shanghai";
const OWNER: &str = "1001";

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
                for event in &transition.events {
                    println!("{:22}-> {event:#}", "");
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

    /// A command of the owner's root that must be refused by `rule`.
    fn refused(
        &mut self,
        what: &str,
        command: impl IntoCommand,
        rule: RuleId,
    ) -> Result<(), Error> {
        match self.step(what, &Actor::root(OWNER), command) {
            Ok(()) => Err(format!("`{what}` was accepted; {rule} should refuse it").into()),
            Err(refusal) if refusal.rule() == rule => {
                if let Some(at) = refusal.retry_at() {
                    println!("{:22}   (allowed from {})", "", instant(at));
                }
                Ok(())
            }
            Err(refusal) => Err(format!(
                "`{what}` was refused by {}, not {rule}: {refusal}",
                refusal.rule()
            )
            .into()),
        }
    }

    /// A command of the owner's root that must be accepted.
    fn owner(&mut self, what: &str, command: impl IntoCommand) -> Result<(), Violation> {
        self.step(what, &Actor::root(OWNER), command)
    }

    /// Prints a vault's report and checks when it can be deleted.
    fn report(&self, vault: &str, expected: Deletability) -> Result<(), Error> {
        let report = self
            .state
            .vault_report(&vault.into(), self.now)
            .ok_or("no such vault")?;
        let locks: Vec<String> = report
            .points
            .iter()
            .map(|p| match (p.locked, p.until) {
                (true, Some(until)) => format!("{} locked until {}", p.point, instant(until)),
                (true, None) => format!("{} locked for good", p.point),
                (false, _) => format!("{} unlocked", p.point),
            })
            .collect();
        println!(
            "{:22}   vault `{vault}`: {}; deletable: {:?}",
            "",
            if locks.is_empty() {
                "no backup points".to_owned()
            } else {
                locks.join(", ")
            },
            report.deletable
        );
        if report.deletable == expected {
            Ok(())
        } else {
            Err(format!("vault `{vault}` should be deletable {expected:?}").into())
        }
    }
}

fn vault(id: &str, kind: VaultKind) -> CreateVault {
    CreateVault::new(id, HANGZHOU, kind)
}

fn point(id: &str, vault: &str, policy: Option<&str>, days: u32) -> CreateBackupPoint {
    CreateBackupPoint::new(id, vault)
        .maybe_policy(policy.map(Into::into))
        .retention_days(days)
}

fn main() -> Result<(), Error> {
    let start = Utc
        .with_ymd_and_hms(2026, 6, 1, 9, 0, 0)
        .single()
        .ok_or("no such instant")?;
    let mut tour = Tour {
        state: State::new(),
        now: start,
    };
    let platform = Actor::Platform;
    for region in [HANGZHOU, SHANGHAI] {
        let create = CreateRegion::new(region);
        tour.state.apply_mut(start, &platform, create)?;
    }
    let account = CreateAccount::new(OWNER, Site::China);
    tour.state.apply_mut(start, &platform, account)?;

    println!("Immutable backup on a supported vault; not on a NAS free-30-days one (VAULT-2).");
    tour.owner(
        "the owner creates `v-prod`",
        vault("v-prod", VaultKind::GeneralPurpose),
    )?;
    tour.step(
        "a nightly backup",
        &platform,
        point("bp-1", "v-prod", None, 30),
    )?;
    tour.owner(
        "the owner enables immutable backup on `v-prod`",
        EnableImmutability::vault("v-prod"),
    )?;
    tour.owner(
        "the owner creates `v-nas`",
        vault("v-nas", VaultKind::NasFree30Days),
    )?;
    tour.refused(
        "immutable backup on `v-nas`",
        EnableImmutability::vault("v-nas"),
        RuleId::Vault2,
    )?;

    println!("\nNo way back, and nothing locked goes early (VAULT-3, VAULT-5, VAULT-6).");
    tour.now += TimeDelta::days(1);
    let disable = DisableImmutability::vault("v-prod");
    tour.refused("the owner disables it", disable, RuleId::Vault3)?;
    let delete_point = DeleteBackupPoint::new("bp-1");
    tour.refused("the owner deletes `bp-1`", delete_point, RuleId::Vault5)?;
    let delete_vault = || DeleteVault::new("v-prod");
    tour.refused("the owner deletes `v-prod`", delete_vault(), RuleId::Vault6)?;
    let restore = RestoreBackupPoint::new("bp-1");
    tour.owner("the owner restores from `bp-1` (VAULT-8)", restore)?;
    let last_end = start + TimeDelta::days(30);
    tour.report("v-prod", Deletability::From(last_end))?;

    println!("\nA replica in another region is immutable and locked too (VAULT-7).");
    let replicate = ReplicateVault::new("v-prod", "v-dr", SHANGHAI);
    tour.owner("the owner replicates `v-prod` to cn-shanghai", replicate)?;
    let copy = ReplicateBackupPoint::new("bp-1", "bp-1-dr", "v-dr");
    tour.step("the platform replicates `bp-1`", &platform, copy)?;
    tour.report("v-dr", Deletability::From(last_end))?;

    println!("\nAn ECS instance policy made immutable locks only new points (VAULT-4).");
    tour.owner(
        "the owner creates `v-ecs`",
        vault("v-ecs", VaultKind::GeneralPurpose),
    )?;
    let policy = CreateBackupPolicy::new("po-ecs", "v-ecs", PolicyKind::EcsInstance);
    tour.owner("the owner creates policy `po-ecs`", policy)?;
    tour.step(
        "a backup by `po-ecs`",
        &platform,
        point("bp-old", "v-ecs", Some("po-ecs"), 10),
    )?;
    let on_policy = EnableImmutability::policy("po-ecs");
    tour.owner("the owner makes `po-ecs` immutable", on_policy)?;
    tour.step(
        "a backup by `po-ecs`",
        &platform,
        point("bp-new", "v-ecs", Some("po-ecs"), 10),
    )?;
    tour.report("v-ecs", Deletability::From(tour.now + TimeDelta::days(10)))?;
    let old = DeleteBackupPoint::new("bp-old");
    tour.owner("the owner deletes the older `bp-old`", old)?;

    println!("\nAt their retention end, time deletes the points; then the vault goes.");
    tour.now = last_end;
    println!("{}  time passes", instant(tour.now));
    let transition = tour.state.advance(tour.now)?;
    for event in &transition.events {
        println!("{:22}-> {event}", "");
    }
    tour.state = transition.state;
    tour.report("v-prod", Deletability::Now)?;
    tour.owner("the owner deletes `v-prod`", delete_vault())?;
    if tour.state.vault(&"v-prod".into()).is_some() {
        return Err("`v-prod` should be gone".into());
    }
    Ok(())
}
