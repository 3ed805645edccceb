//! The step resolver: one builder per kind of step, turning a step's
//! choices into a command against the state reached, or into nothing
//! when there is nothing to name.

use snapguard::{
    AcceptResourceShare, Actor, AssociateResourceShare, Command, CopySnapshot, CreateDisk,
    CreateImage, CreateResourceShare, DiskCategory, DiskSource, Encryption, Principal,
    PrincipalScope, ResetDisk, SnapshotStatus,
};

use super::Sim;
use super::ops::Pick;
use super::world::{
    HZ, OTHER, OWNER, SH, finish, key_of, other_account, other_region, root, snapshot_of,
};
use crate::model::Node;

/// A built step: who issues what, and whether to complete at once the
/// snapshot or copy it makes, or to take and complete a snapshot of the
/// disk it makes.
pub(super) struct Built {
    pub(super) actor: Actor,
    pub(super) command: Command,
    pub(super) finish: bool,
}

impl Sim {
    pub(super) fn create_disk(&mut self, p: &mut Pick<'_>) -> Option<Built> {
        let account = if p.percent(70) { OWNER } else { OTHER };
        let actor = Self::actor_for(account, p);
        let (source, source_region) = match p.below(10) {
            0..=1 => (DiskSource::Blank, None),
            2..=6 => {
                let snapshot = match self.shared_with(account, p) {
                    Some(shared) => shared,
                    None => self.snapshot_for(&actor, p)?,
                };
                let region = self.snapshot_region(&snapshot);
                (DiskSource::Snapshot(snapshot.as_str().into()), Some(region))
            }
            _ => {
                let image = self.image_for(p)?;
                let region = self
                    .state
                    .image(&image.as_str().into())
                    .map_or(HZ.to_owned(), |i| i.region.as_str().to_owned());
                (DiskSource::Image(image.as_str().into()), Some(region))
            }
        };
        let region = match source_region {
            Some(region) if p.percent(85) => region,
            Some(region) => other_region(&region).to_owned(),
            None => [HZ, SH][p.below(2)].to_owned(),
        };
        let encryption = match p.below(20) {
            0..=9 => Encryption::Unencrypted,
            10..=13 => Encryption::ServiceKey,
            14..=18 => key_of(account, &region),
            _ => key_of(other_account(account), &region),
        };
        let category = if p.percent(90) {
            DiskCategory::Essd
        } else {
            DiskCategory::Ssd
        };
        let command = CreateDisk::new(self.fresh("d"), region.as_str(), category, 40)
            .encryption(encryption)
            .source(source);
        Some(Built {
            actor,
            command: command.into(),
            finish: p.percent(35),
        })
    }

    pub(super) fn create_snapshot(&mut self, p: &mut Pick<'_>) -> Option<Built> {
        let newest = self.newest(|n| match n {
            Node::Disk(id) => Some(id),
            _ => None,
        });
        let disk = match newest {
            Some(newest) if p.percent(40) => newest,
            _ => p.pick(&self.disks())?.clone(),
        };
        let owner = self
            .state
            .disk(&disk.as_str().into())
            .map(|d| d.owner.as_str().to_owned())?;
        let actor = Self::actor_for(&owner, p);
        let id = self.fresh("s");
        Some(Built {
            actor,
            command: snapshot_of(&id, &disk),
            finish: p.percent(85),
        })
    }

    pub(super) fn finish_pending(&mut self, p: &mut Pick<'_>) -> Option<Built> {
        let pending: Vec<String> = self
            .snapshots()
            .into_iter()
            .filter(|s| {
                self.state
                    .snapshot(&s.as_str().into())
                    .is_some_and(|s| s.status == SnapshotStatus::InProgress)
            })
            .collect();
        let snapshot = p.pick(&pending)?.clone();
        Some(Built {
            actor: Actor::Platform,
            command: finish(&snapshot),
            finish: false,
        })
    }

    pub(super) fn create_image(&mut self, p: &mut Pick<'_>) -> Option<Built> {
        let account = if p.percent(85) { OWNER } else { OTHER };
        let actor = Self::actor_for(account, p);
        let mut snapshot = self.snapshot_for(&actor, p)?;
        // Mostly one of the account's own.
        if self.snapshot_owner(&snapshot) != account && p.percent(70) {
            let own: Vec<String> = self
                .snapshots()
                .into_iter()
                .filter(|s| self.snapshot_owner(s) == account)
                .collect();
            snapshot = p.pick(&own).cloned().unwrap_or(snapshot);
        }
        let command = CreateImage::new(self.fresh("m"), snapshot.as_str());
        Some(Built {
            actor,
            command: command.into(),
            finish: false,
        })
    }

    pub(super) fn copy(&mut self, p: &mut Pick<'_>) -> Option<Built> {
        let account = if p.percent(65) { OWNER } else { OTHER };
        let actor = Self::actor_for(account, p);
        let source = match self.shared_with(account, p) {
            Some(shared) => shared,
            None => self.snapshot_for(&actor, p)?,
        };
        let source_region = self.snapshot_region(&source);
        let region = if p.percent(50) {
            source_region
        } else {
            other_region(&source_region).to_owned()
        };
        let encryption = match p.below(20) {
            0..=7 => Encryption::Unencrypted,
            8..=11 => Encryption::ServiceKey,
            12..=18 => key_of(account, &region),
            _ => self
                .state
                .snapshot(&source.as_str().into())
                .map_or(Encryption::ServiceKey, |s| s.encryption.clone()),
        };
        let command = CopySnapshot::new(source.as_str(), self.fresh("c"), region.as_str())
            .encryption(encryption);
        Some(Built {
            actor,
            command: command.into(),
            finish: p.percent(85),
        })
    }

    pub(super) fn share(&mut self, p: &mut Pick<'_>) -> Option<Built> {
        let shares: Vec<(String, String)> = self
            .state
            .resource_shares()
            .map(|s| (s.id.as_str().to_owned(), s.owner.as_str().to_owned()))
            .collect();
        let sub = p.below(10);
        if let (4..=9, Some((share, owner))) = (sub, p.pick(&shares).cloned()) {
            let actor = Self::actor_for(&owner, p);
            let principal = Principal::Account(other_account(&owner).into());
            let command = if sub <= 6 {
                let snapshot = self.snapshot_for(&actor, p)?;
                AssociateResourceShare::new(share.as_str()).snapshot(snapshot.as_str())
            } else {
                AssociateResourceShare::new(share.as_str()).principal(principal)
            };
            return Some(Built {
                actor,
                command: command.into(),
                finish: false,
            });
        }
        let account = if p.percent(85) { OWNER } else { OTHER };
        let actor = Self::actor_for(account, p);
        let snapshot = self.snapshot_for(&actor, p)?;
        let owner = self.snapshot_owner(&snapshot);
        let principals = if p.percent(75) {
            vec![Principal::Account(other_account(&owner).into())]
        } else {
            Vec::new()
        };
        let command = CreateResourceShare::new(self.fresh("rs"), PrincipalScope::AllAccounts)
            .principals(principals)
            .snapshot(snapshot.as_str());
        Some(Built {
            actor,
            command: command.into(),
            finish: false,
        })
    }

    pub(super) fn accept(&mut self, p: &mut Pick<'_>) -> Option<Built> {
        let pending: Vec<(String, String)> = self
            .state
            .resource_shares()
            .flat_map(|s| {
                s.principals
                    .iter()
                    .filter_map(move |principal| match principal {
                        Principal::Account(account) if !s.accepted.contains(account) => {
                            Some((s.id.as_str().to_owned(), account.as_str().to_owned()))
                        }
                        _ => None,
                    })
            })
            .collect();
        let (share, account) = p.pick(&pending)?.clone();
        Some(Built {
            actor: root(&account),
            command: AcceptResourceShare::new(share.as_str()).into(),
            finish: false,
        })
    }

    pub(super) fn reset(&mut self, p: &mut Pick<'_>) -> Option<Built> {
        let disk = p.pick(&self.disks())?.clone();
        let owner = self
            .state
            .disk(&disk.as_str().into())
            .map(|d| d.owner.as_str().to_owned())?;
        let actor = Self::actor_for(&owner, p);
        let own: Vec<String> = self
            .snapshots()
            .into_iter()
            .filter(|s| {
                let parent = self.model.nodes[&Node::Snapshot(s.clone())].parent.as_ref();
                parent.and_then(Node::disk) == Some(disk.as_str())
            })
            .collect();
        let snapshot = match p.pick(&own) {
            Some(own) if p.percent(70) => own.clone(),
            _ => self.snapshot_for(&actor, p)?,
        };
        Some(Built {
            actor,
            command: ResetDisk::new(disk.as_str(), snapshot.as_str()).into(),
            finish: false,
        })
    }
}
