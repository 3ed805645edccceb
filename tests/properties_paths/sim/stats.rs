//! How often each situation the properties are about was reached: the
//! refusals that keep them, and the accepted steps that put them to the
//! test (`generator_reaches_the_steps_each_property_is_about`).

use std::collections::BTreeMap;

use snapguard::{Actor, CreateDisk, DiskSource, StandardCopyProblem, Unshareable, Violation};

use super::Sim;
use super::world::{DENIED, actor_account};
use crate::model::Node;

/// How often each situation was reached.
#[derive(Debug, Default)]
pub struct Stats {
    pub seen: BTreeMap<&'static str, usize>,
}

impl Stats {
    pub fn saw(&mut self, what: &'static str) {
        *self.seen.entry(what).or_default() += 1;
    }

    pub fn add(&mut self, other: &Stats) {
        for (what, n) in &other.seen {
            *self.seen.entry(what).or_default() += n;
        }
    }
}

impl Sim {
    pub(super) fn count_disk(&mut self, actor: &Actor, c: &CreateDisk, parent: Option<&Node>) {
        let Some(parent) = parent else {
            return;
        };
        let encrypted_source = self.model.nodes.get(parent).is_some_and(|i| i.encrypted);
        if let (Node::Image(_), true) = (parent, encrypted_source) {
            self.stats.saw("encrypted disk from an encrypted image");
        }
        if let Node::Snapshot(id) = parent {
            if actor_account(actor) != self.snapshot_owner(id) {
                self.stats
                    .saw("sharee created a disk from a shared snapshot");
            }
        }
        if let Node::Image(_) = parent {
            let custom = self
                .model
                .nodes
                .get(parent)
                .is_some_and(|i| i.parent.is_some());
            if custom && self.model.holds_imported(parent) {
                self.stats.saw("disk from a custom image of imported data");
            }
        }
        if self.model.holds_imported(parent) && c.source != DiskSource::Image("img-i".into()) {
            self.stats
                .saw("disk from imported data, not from the image itself");
        }
    }

    /// After an accepted share step: what the shares now hold.
    pub(super) fn count_shared(&mut self) {
        let denied = Node::Snapshot(DENIED.to_owned());
        let shared: Vec<String> = self
            .snapshots()
            .into_iter()
            .filter(|s| self.state.is_shared(&s.as_str().into()))
            .collect();
        for id in shared {
            let node = Node::Snapshot(id);
            if node == denied {
                self.stats.saw("the denied snapshot shared by the root");
            } else if self.model.first_hop(&node, &denied).is_some() {
                self.stats
                    .saw("a snapshot descending from the denied one shared");
            }
            if self.model.encrypted_source(&node).is_some() {
                self.stats.saw("a snapshot of encrypted data shared");
            }
        }
    }

    pub(super) fn count_refusal(&mut self, violation: &Violation) {
        match violation {
            Violation::UnencryptedFromEncryptedImage { .. } => {
                self.stats
                    .saw("DISK-1 refused an unencrypted disk from an encrypted image");
            }
            Violation::UnencryptedFromEncrypted { .. } => {
                self.stats
                    .saw("DISK-1 refused an unencrypted disk from an encrypted snapshot");
            }
            Violation::ImageRegionMismatch { .. } => {
                self.stats
                    .saw("DISK-1 refused a disk in another region than its image");
            }
            Violation::StandardCopyRefused {
                problem: StandardCopyProblem::EncryptedSource { .. },
                ..
            } => self
                .stats
                .saw("COPY-2 refused a standard copy of encrypted data"),
            Violation::SharedKeyNotChanged { .. } => {
                self.stats.saw("SHARE-11 refused the shared key");
            }
            Violation::NotShareable {
                snapshot,
                reason: Unshareable::ImportedImageDisk,
            } => {
                self.stats.saw("SHARE-5 refused imported data");
                self.count_imported_path(&Node::Snapshot(snapshot.as_str().to_owned()));
            }
            Violation::PermissionDenied {
                explicit_deny: true,
                ..
            } => self.stats.saw("explicit Deny"),
            _ => {}
        }
    }

    /// Which paths the imported data of a snapshot refused by SHARE-5 took.
    fn count_imported_path(&mut self, node: &Node) {
        let lineage: Vec<Node> = self.model.lineage(node).into_iter().cloned().collect();
        let parent_of = |n: &Node| self.model.nodes.get(n).and_then(|i| i.parent.clone());
        let mut via = Vec::new();
        for n in &lineage {
            match (n, parent_of(n)) {
                (Node::Disk(_), Some(Node::Snapshot(_))) => {
                    via.push("(a) via a disk from a snapshot")
                }
                (Node::Image(_), Some(Node::Snapshot(_))) => via.push("(b) via a custom image"),
                (Node::Snapshot(_), Some(Node::Snapshot(_))) => via.push("(c) via a copy"),
                _ => {}
            }
        }
        if via.is_empty() {
            self.stats
                .saw("SHARE-5 imported: snapshot of the disk built from the image");
        }
        via.sort_unstable();
        via.dedup();
        for what in via {
            self.stats.saw(match what {
                "(a) via a disk from a snapshot" => {
                    "SHARE-5 imported: (a) via a disk from a snapshot"
                }
                "(b) via a custom image" => "SHARE-5 imported: (b) via a custom image",
                _ => "SHARE-5 imported: (c) via a copy",
            });
        }
    }
}
