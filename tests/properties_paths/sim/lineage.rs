//! The lineage of the data: the node each accepted command made, the
//! node its data came from, who made it and whether it is encrypted or
//! imported (see `model.rs`).

use snapguard::{Actor, Command, DiskSource, Encryption};

use super::Sim;
use super::world::actor_account;
use crate::model::{Info, Node, in_state};

impl Sim {
    /// Records the node an accepted command made.
    pub(super) fn record(&mut self, actor: &Actor, command: &Command) {
        let (node, parent, imported) = match command {
            Command::CreateDisk(c) => {
                let parent = match &c.source {
                    DiskSource::Blank => None,
                    DiskSource::Snapshot(s) => Some(Node::Snapshot(s.as_str().to_owned())),
                    DiskSource::Image(i) => Some(Node::Image(i.as_str().to_owned())),
                    _ => unreachable!("a disk source this test does not know"),
                };
                self.count_disk(actor, c, parent.as_ref());
                (Node::Disk(c.disk.as_str().to_owned()), parent, false)
            }
            Command::CreateSnapshot(c) => (
                Node::Snapshot(c.snapshot.as_str().to_owned()),
                Some(self.model.current_of(c.disk.as_str())),
                false,
            ),
            Command::ResetDisk(c) => {
                self.fresh += 1;
                (
                    Node::Rollback(c.disk.as_str().to_owned(), self.fresh),
                    Some(Node::Snapshot(c.snapshot.as_str().to_owned())),
                    false,
                )
            }
            Command::CopySnapshot(c) => {
                if actor_account(actor) != self.snapshot_owner(c.source.as_str()) {
                    self.stats.saw("sharee copied a shared snapshot");
                }
                (
                    Node::Snapshot(c.snapshot.as_str().to_owned()),
                    Some(Node::Snapshot(c.source.as_str().to_owned())),
                    false,
                )
            }
            Command::CreateImage(c) => {
                let parent = Node::Snapshot(c.snapshot.as_str().to_owned());
                if self.model.nodes.get(&parent).is_some_and(|i| i.encrypted) {
                    self.stats.saw("image of an encrypted snapshot");
                }
                if self.model.holds_imported(&parent) {
                    self.stats.saw("image of imported data");
                }
                (
                    Node::Image(c.image.as_str().to_owned()),
                    Some(parent),
                    false,
                )
            }
            Command::ImportImage(c) => (Node::Image(c.image.as_str().to_owned()), None, true),
            Command::CreateResourceShare(_) | Command::AssociateResourceShare(_) => {
                self.count_shared();
                return;
            }
            _ => return,
        };
        let encrypted = in_state(&self.state, &node)
            .is_some_and(|(_, encryption)| encryption != Encryption::Unencrypted);
        self.order.push(node.clone());
        self.model.record(
            node,
            Info {
                parent,
                by: actor.clone(),
                encrypted,
                imported,
            },
        );
    }
}
