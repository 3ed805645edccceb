//! The copy invariants a [`Sim`] checks after each step: what a copy
//! carries (LOCK-13, COPY-5), encryption kept along copies (COPY-2), and
//! the billing basis against a naive model of lineages (COPY-7); and what
//! copies, keys and regions closing down reached, for the coverage test.

use std::collections::BTreeMap;

use chrono::TimeDelta;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use snapguard::{
    AccountId, Actor, BillingBasis, Command, CopyLineage, CopySnapshot, Encryption, Event,
    KeyProblem, LineageRoot, RegionId, Retention, RuleId, Snapshot, SnapshotId, SnapshotKind,
    SnapshotOrigin, SnapshotOutcome, SnapshotStatus, StandardCopyProblem, State, Violation,
};

use crate::runner::Sim;

/// Which copy invariants a run checks.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct CopyChecks {
    /// LOCK-13, COPY-5: a copy carries no lock, tags, instant access or
    /// retention of its source; owner, region, encryption as asked.
    pub(crate) fields: bool,
    /// COPY-2: copies of encrypted snapshots are encrypted; standard
    /// copies of them are refused by COPY-2 or an earlier rule.
    pub(crate) encrypted: bool,
    /// COPY-2: no live copy of encrypted data is in plaintext, along
    /// chains of copies.
    pub(crate) plaintext: bool,
    /// COPY-7: billing bases and started lineages agree with a naive
    /// model.
    pub(crate) billing: bool,
}

/// A lineage as the model keys it: copy owner, root, region, encryption.
type Lineage = (AccountId, LineageRoot, RegionId, Encryption);

/// What the test remembers of every snapshot ever created, from the events
/// alone (ids are never given twice, so deleted ones stay meaningful).
#[derive(Debug, Default)]
pub(crate) struct CopyModel {
    /// Each snapshot's encryption when it was created.
    encryption: BTreeMap<SnapshotId, Encryption>,
    /// The source of each copy.
    source: BTreeMap<SnapshotId, SnapshotId>,
    /// Each snapshot's lineage root: the disk of a disk snapshot, itself
    /// for a Cloud Backup snapshot, its source's for a copy.
    root: BTreeMap<SnapshotId, LineageRoot>,
    /// Each copy's lineage.
    lineage: BTreeMap<SnapshotId, Lineage>,
    /// The started lineages, with the copy that started each: the first
    /// of their copies to complete as available.
    started: BTreeMap<Lineage, SnapshotId>,
}

impl CopyModel {
    /// Folds one recorded event into the model.
    pub(crate) fn note(&mut self, event: &Event) {
        match event {
            Event::SnapshotCreated { snapshot, .. } => {
                let id = &snapshot.id;
                let root = match &snapshot.origin {
                    SnapshotOrigin::Disk { disk } | SnapshotOrigin::ImportedImageDisk { disk } => {
                        Some(LineageRoot::Disk(disk.clone()))
                    }
                    SnapshotOrigin::CloudBackup => Some(LineageRoot::Snapshot(id.clone())),
                    _ => None,
                };
                if let Some(root) = root {
                    self.root.insert(id.clone(), root);
                }
                self.encryption
                    .insert(id.clone(), snapshot.encryption.clone());
            }
            Event::SnapshotCopied { snapshot, .. } => {
                let id = &snapshot.id;
                self.encryption
                    .insert(id.clone(), snapshot.encryption.clone());
                let SnapshotOrigin::Copy { source, .. } = &snapshot.origin else {
                    return;
                };
                self.source.insert(id.clone(), source.clone());
                if let Some(root) = self.root.get(source).cloned() {
                    self.root.insert(id.clone(), root.clone());
                    let lineage = (
                        snapshot.owner.clone(),
                        root,
                        snapshot.region.clone(),
                        snapshot.encryption.clone(),
                    );
                    self.lineage.insert(id.clone(), lineage);
                }
            }
            Event::SnapshotFinished {
                snapshot,
                outcome: SnapshotOutcome::Available { .. },
                ..
            } => {
                if let Some(lineage) = self.lineage.get(snapshot) {
                    self.started
                        .entry(lineage.clone())
                        .or_insert_with(|| snapshot.clone());
                }
            }
            _ => {}
        }
    }

    /// Whether a snapshot's data was encrypted at some point up its chain
    /// of copies (the snapshot excluded).
    fn encrypted_upstream(&self, id: &SnapshotId) -> Option<&SnapshotId> {
        let mut current = id;
        // Sources are older than their copies, so the chain ends; the bound
        // only guards against a broken model.
        for _ in 0..=self.source.len() {
            let source = self.source.get(current)?;
            if self
                .encryption
                .get(source)
                .is_some_and(|e| *e != Encryption::Unencrypted)
            {
                return Some(source);
            }
            current = source;
        }
        None
    }

    /// The billing basis of a copy of `source` in `lineage`: incremental
    /// once the lineage started; else the full disk size for an encrypted
    /// copy of an unencrypted snapshot taken of a disk; else the full
    /// snapshot size (**Decision** of `src/lineage.rs`: data taken of no
    /// disk, by Cloud Backup, has no source disk size to charge).
    fn billing(&self, lineage: &Lineage, source: &Snapshot) -> BillingBasis {
        if self.started.contains_key(lineage) {
            BillingBasis::Incremental
        } else if source.encryption == Encryption::Unencrypted
            && lineage.3 != Encryption::Unencrypted
            && matches!(lineage.1, LineageRoot::Disk(_))
        {
            BillingBasis::FullDiskSize {
                size_gib: source.source_disk_size_gib,
            }
        } else {
            BillingBasis::FullSnapshotSize {
                size_gib: source.size_gib,
            }
        }
    }
}

fn as_copy_lineage(lineage: &Lineage) -> CopyLineage {
    let (account, root, region, encryption) = lineage.clone();
    CopyLineage {
        account,
        root,
        region,
        encryption,
    }
}

/// The rules that may refuse a standard copy of an encrypted snapshot
/// before COPY-2, in the documented order: the clock, a customer, the
/// source, region and copy id, the permission, a shared source usable,
/// available and not archived.
const BEFORE_COPY_2: [RuleId; 10] = [
    RuleId::Gen2,
    RuleId::Perm1,
    RuleId::Gen4,
    RuleId::Perm4,
    RuleId::Gen5,
    RuleId::Share7,
    RuleId::Share9,
    RuleId::Share6,
    RuleId::Copy1,
    RuleId::Arch3,
];

impl Sim {
    /// Counts what an accepted command did with copies; checks the copies
    /// it started (COPY-5, LOCK-13, COPY-2, COPY-7) before its events are
    /// recorded.
    pub(crate) fn copy_accepted(
        &mut self,
        before: &State,
        actor: &Actor,
        command: &Command,
        events: &[Event],
        context: &str,
    ) -> Result<(), TestCaseError> {
        let checks = self.checks.copies;
        let mut copied = Vec::new();
        for event in events {
            match event {
                Event::SnapshotDeleted {
                    snapshot,
                    cancelled_in_progress: true,
                    ..
                } if before
                    .snapshot(snapshot)
                    .is_some_and(|s| matches!(s.origin, SnapshotOrigin::Copy { .. })) =>
                {
                    self.stats.saw("copy cancelled in progress");
                }
                Event::SnapshotCreated { snapshot, .. } if checks.fields => prop_assert!(
                    !matches!(snapshot.origin, SnapshotOrigin::Copy { .. }),
                    "COPY-5: a copy recorded as created, not copied: {:?} ({})",
                    snapshot,
                    context
                ),
                Event::SnapshotCopied {
                    snapshot,
                    lineage,
                    billing,
                    ..
                } => copied.push((snapshot, lineage, *billing)),
                _ => {}
            }
        }
        let Command::CopySnapshot(c) = command else {
            prop_assert!(
                !checks.fields || copied.is_empty(),
                "COPY-5: {} copied a snapshot: {:?} ({})",
                command.name(),
                copied,
                context
            );
            return Ok(());
        };
        let checked = checks.fields || checks.encrypted || checks.billing;
        let (Some(source), [(copy, lineage, billing)]) = (before.snapshot(&c.source), &copied[..])
        else {
            prop_assert!(
                !checked,
                "COPY-5: an accepted copy of {} ({:?} before the step) recorded {} copies: {:?} ({})",
                c.source,
                before.snapshot(&c.source),
                copied.len(),
                events,
                context
            );
            return Ok(());
        };
        let (copy, lineage, billing) = (*copy, *lineage, *billing);
        self.observe_copy(source, actor, c, billing);
        if checks.fields {
            self.check_copy_fields(source, actor, c, copy, context)?;
        }
        if checks.encrypted {
            prop_assert!(
                source.encryption == Encryption::Unencrypted
                    || copy.encryption != Encryption::Unencrypted,
                "COPY-2: {} of {:?} copied into plaintext {} ({})",
                source.id,
                source.encryption,
                copy.id,
                context
            );
        }
        if checks.billing {
            self.check_billing((actor, c), source, (copy, lineage, billing), context)?;
        }
        Ok(())
    }

    fn observe_copy(
        &mut self,
        source: &Snapshot,
        actor: &Actor,
        c: &CopySnapshot,
        billing: BillingBasis,
    ) {
        self.stats.saw(match c.encryption {
            Encryption::Unencrypted => "standard copy accepted",
            Encryption::ServiceKey => "encrypted copy accepted with the service key",
            Encryption::CustomerKey(_) => "encrypted copy accepted with a customer key",
        });
        if source.is_locked_at(self.now) {
            self.stats.saw("copy of a locked snapshot");
        }
        if matches!(source.lineage_root(), LineageRoot::Snapshot(_)) {
            self.stats.saw("copy of data taken of no disk");
        }
        let by_sharee = actor.account().is_some_and(|a| *a != source.owner);
        if by_sharee && source.encryption.customer_key().is_some() {
            self.stats
                .saw("sharee copied a shared customer-key snapshot");
        }
        self.stats.saw(match billing {
            BillingBasis::FullSnapshotSize { .. } => "billing full snapshot size",
            BillingBasis::FullDiskSize { .. } => "billing full disk size",
            BillingBasis::Incremental => "billing incremental",
            _ => "billing of another kind",
        });
    }

    /// LOCK-13, COPY-5: the copy as the command asked, none of the source's
    /// lock, tags, instant access or retention.
    fn check_copy_fields(
        &self,
        source: &Snapshot,
        actor: &Actor,
        c: &CopySnapshot,
        copy: &Snapshot,
        context: &str,
    ) -> Result<(), TestCaseError> {
        let now = self.now;
        let retention = match c.retention_days {
            None => Some(Retention::Permanent),
            Some(days) => now
                .checked_add_signed(TimeDelta::days(days.into()))
                .map(Retention::Until),
        };
        let expected = (
            &c.snapshot,
            actor.account(),
            &c.region,
            &c.encryption,
            retention,
        );
        let got = (
            &copy.id,
            Some(&copy.owner),
            &copy.region,
            &copy.encryption,
            Some(copy.retention),
        );
        prop_assert_eq!(
            got,
            expected,
            "COPY-5: id, owner, region, encryption or retention not as asked; source {:?} ({})",
            source,
            context
        );
        prop_assert!(
            copy.lock.is_none()
                && copy.tags.is_empty()
                && !copy.instant_access
                && copy.status == SnapshotStatus::InProgress
                && copy.kind == SnapshotKind::Manual
                && !copy.is_archived()
                && copy.created_at == now
                && copy.source_disk_size_gib == source.source_disk_size_gib,
            "LOCK-13, COPY-5: the copy {:?} inherits from, or differs unduly from, its source {:?} ({})",
            copy,
            source,
            context
        );
        prop_assert!(
            matches!(&copy.origin, SnapshotOrigin::Copy { source: s, .. } if *s == c.source),
            "COPY-5: the copy does not record its source {}: {:?} ({})",
            c.source,
            copy.origin,
            context
        );
        prop_assert_eq!(
            self.state.snapshot(&copy.id),
            Some(copy),
            "COPY-5: the state does not hold the copy as recorded ({})",
            context
        );
        Ok(())
    }

    /// COPY-7: the copy's lineage and billing basis are those of the model,
    /// with the source as it was before the step.
    fn check_billing(
        &self,
        (actor, c): (&Actor, &CopySnapshot),
        source: &Snapshot,
        copied: (&Snapshot, &CopyLineage, BillingBasis),
        context: &str,
    ) -> Result<(), TestCaseError> {
        let (copy, lineage, billing) = copied;
        let model = &self.copy_model;
        let (Some(account), Some(root)) = (actor.account(), model.root.get(&source.id)) else {
            return Err(TestCaseError::fail(format!(
                "COPY-7: {actor} copied {}, of which the model knows no root ({context})",
                source.id
            )));
        };
        // The copier's, of the source's root, into the region and under
        // the key the command asked for.
        let expected_lineage = (
            account.clone(),
            root.clone(),
            c.region.clone(),
            c.encryption.clone(),
        );
        prop_assert_eq!(
            lineage,
            &as_copy_lineage(&expected_lineage),
            "COPY-7: the copy's lineage is not the model's ({})",
            context
        );
        prop_assert!(
            matches!(&copy.origin, SnapshotOrigin::Copy { root: r, .. } if r == root),
            "COPY-7: the copy's root {:?} is not the model's {:?} ({})",
            copy.origin,
            root,
            context
        );
        let expected = model.billing(&expected_lineage, source);
        prop_assert_eq!(
            billing,
            expected,
            "COPY-7: billing of a copy of {:?} in {:?} (started: {:?}) ({})",
            source,
            lineage,
            model.started.get(&expected_lineage),
            context
        );
        Ok(())
    }

    /// Counts the copy refusals; checks that a standard copy of an
    /// encrypted snapshot is refused by COPY-2 or an earlier rule.
    pub(crate) fn copy_refused(
        &mut self,
        before: &State,
        command: &Command,
        violation: &Violation,
        context: &str,
    ) -> Result<(), TestCaseError> {
        let Command::CopySnapshot(c) = command else {
            return Ok(());
        };
        let what = match violation {
            Violation::StandardCopyRefused { problem, .. } => match problem {
                StandardCopyProblem::EncryptedSource { .. } => {
                    Some("COPY-2 refusal (encrypted source)")
                }
                StandardCopyProblem::SameRegion { .. } => Some("COPY-2 refusal (same region)"),
                _ => None,
            },
            Violation::KmsNotActivated { .. } => Some("COPY-3 refusal (KMS not activated)"),
            Violation::KeyNotUsable {
                problem,
                rule: RuleId::Copy3,
                ..
            } => match problem {
                KeyProblem::Disabled => Some("COPY-3 refusal (key disabled)"),
                KeyProblem::OtherRegion { .. } => Some("COPY-3 refusal (key in another region)"),
                _ => None,
            },
            Violation::RegionClosingDown { .. } => Some("COPY-4 refusal"),
            Violation::SharedKeyNotChanged { .. } => Some("SHARE-11 copy refusal"),
            _ => None,
        };
        if let Some(what) = what {
            self.stats.saw(what);
        }
        if !self.checks.copies.encrypted || c.encryption != Encryption::Unencrypted {
            return Ok(());
        }
        let Some(source) = before.snapshot(&c.source) else {
            return Ok(());
        };
        if source.encryption == Encryption::Unencrypted {
            return Ok(());
        }
        let rule = violation.rule();
        let by_copy_2 = matches!(
            violation,
            Violation::StandardCopyRefused {
                problem: StandardCopyProblem::EncryptedSource { .. },
                ..
            }
        );
        prop_assert!(
            by_copy_2 || BEFORE_COPY_2.contains(&rule),
            "COPY-2: a standard copy of {} encrypted with {:?} refused by {} instead: {} ({})",
            source.id,
            source.encryption,
            rule.code(),
            violation,
            context
        );
        Ok(())
    }

    /// After every step: no live copy of encrypted data is in plaintext
    /// (COPY-2); the lineages started are the model's (COPY-7).
    pub(crate) fn check_copies(&self, context: &str) -> Result<(), TestCaseError> {
        let checks = self.checks.copies;
        let model = &self.copy_model;
        if checks.plaintext {
            for snapshot in self.state.snapshots() {
                prop_assert_eq!(
                    model.encryption.get(&snapshot.id),
                    Some(&snapshot.encryption),
                    "COPY-2: {}'s encryption is not the one it was created with ({})",
                    snapshot.id,
                    context
                );
                if let Some(encrypted) = model.encrypted_upstream(&snapshot.id) {
                    prop_assert!(
                        snapshot.encryption != Encryption::Unencrypted,
                        "COPY-2: {} is a plaintext copy of data encrypted in {} ({:?}) ({})",
                        snapshot.id,
                        encrypted,
                        model.encryption.get(encrypted),
                        context
                    );
                }
            }
        }
        if checks.billing {
            let expected: BTreeMap<CopyLineage, &SnapshotId> = model
                .started
                .iter()
                .map(|(lineage, first)| (as_copy_lineage(lineage), first))
                .collect();
            let got: BTreeMap<CopyLineage, &SnapshotId> = self
                .state
                .copy_lineages()
                .map(|(lineage, first)| (lineage.clone(), first))
                .collect();
            prop_assert_eq!(
                &got,
                &expected,
                "COPY-7: the lineages started are not the model's ({})",
                context
            );
            for (lineage, first) in &expected {
                prop_assert_eq!(
                    self.state.copy_lineage(lineage),
                    Some(*first),
                    "COPY-7: copy_lineage disagrees with copy_lineages ({})",
                    context
                );
            }
        }
        Ok(())
    }
}
