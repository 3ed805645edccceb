//! The lineage graph: where each object's data came from, built from the
//! accepted commands alone (never from the flags the crate keeps), and the
//! three properties checked against the state after every step.
//!
//! Each disk, snapshot and image is a node with at most one parent: a disk
//! made from a snapshot or an image, a snapshot taken of a disk (of the
//! data the disk holds then) or copied from a snapshot, an image made from
//! a snapshot. A blank disk and an imported image have none. A roll-back
//! gives the disk a new node whose parent is the snapshot rolled back to:
//! from then on the disk holds that snapshot's data. Ids are never reused (GEN-4), so a node keeps
//! its id after the object is gone, and its descendants still know where
//! their data came from.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use snapguard::{AccountId, Actor, Encryption, State};

/// An object that holds data.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Node {
    Disk(String),
    Snapshot(String),
    Image(String),
    /// A disk's data after its n-th roll-back (counted over all disks):
    /// the data of the snapshot it rolled back to. Only the disk's latest
    /// version is in the state.
    Rollback(String, u32),
}

impl Node {
    /// The disk whose data the node is, for a disk or a roll-back.
    pub fn disk(&self) -> Option<&str> {
        match self {
            Self::Disk(id) | Self::Rollback(id, _) => Some(id),
            Self::Snapshot(_) | Self::Image(_) => None,
        }
    }
}

/// What the model knows of a node, recorded when the command that made it
/// was accepted.
#[derive(Debug, Clone)]
pub struct Info {
    /// Where its data came from.
    pub parent: Option<Node>,
    /// Who made it.
    pub by: Actor,
    /// Whether it was created encrypted (as the state reported it then).
    pub encrypted: bool,
    /// Whether it is an imported custom image (a root of imported data).
    pub imported: bool,
}

/// The lineage graph, and the steps by which the denied user put the
/// denied snapshot into a share.
#[derive(Debug, Clone, Default)]
pub struct Model {
    pub nodes: BTreeMap<Node, Info>,
    /// Accepted steps of the denied user that put the denied snapshot into
    /// a share or named a principal for a share holding it.
    pub exposed_by_user: Vec<String>,
    /// The latest roll-back of each disk rolled back.
    pub current: BTreeMap<String, Node>,
    /// Accepted steps of the denied user that read the denied snapshot
    /// directly (made a disk, image or copy of it, rolled back to it) or
    /// exposed it as above.
    pub read_by_user: Vec<String>,
}

impl Model {
    pub fn record(&mut self, node: Node, info: Info) {
        if let Node::Rollback(disk, _) = &node {
            self.current.insert(disk.clone(), node.clone());
        }
        self.nodes.insert(node, info);
    }

    /// The node holding a disk's data now: its latest roll-back, or the
    /// disk as created.
    pub fn current_of(&self, disk: &str) -> Node {
        self.current
            .get(disk)
            .cloned()
            .unwrap_or_else(|| Node::Disk(disk.to_owned()))
    }

    /// The owner and encryption of the object the node is, if its data is
    /// in the state now (a disk's earlier versions are not).
    pub fn live(&self, state: &State, node: &Node) -> Option<(AccountId, Encryption)> {
        match node.disk() {
            Some(disk) if self.current_of(disk) != *node => None,
            _ => in_state(state, node),
        }
    }

    /// The node and its ancestors, nearest first.
    pub fn lineage<'a>(&'a self, node: &'a Node) -> Vec<&'a Node> {
        let mut chain = vec![node];
        let mut current = node;
        while let Some(parent) = self.nodes.get(current).and_then(|i| i.parent.as_ref()) {
            chain.push(parent);
            current = parent;
            assert!(chain.len() < 10_000, "a cycle in the lineage at {node:?}");
        }
        chain
    }

    /// Whether the node's data came from encrypted data: an ancestor (not
    /// the node itself) was created encrypted.
    pub fn encrypted_source<'a>(&'a self, node: &'a Node) -> Option<&'a Node> {
        self.lineage(node)
            .into_iter()
            .skip(1)
            .find(|n| self.nodes.get(*n).is_some_and(|i| i.encrypted))
    }

    /// Whether the node's data came from an imported image: it is one, or
    /// an ancestor is.
    pub fn holds_imported(&self, node: &Node) -> bool {
        self.lineage(node)
            .into_iter()
            .any(|n| self.nodes.get(n).is_some_and(|i| i.imported))
    }

    /// The child of `source` on the path from `source` down to `node`, if
    /// `node` descends from `source` (and is not `source`).
    pub fn first_hop<'a>(&'a self, node: &'a Node, source: &Node) -> Option<&'a Node> {
        let chain = self.lineage(node);
        let at = chain.iter().position(|n| *n == source)?;
        at.checked_sub(1).map(|i| chain[i])
    }
}

/// Whether the object still exists in the state, its owner and encryption
/// (for a roll-back, the disk's, whatever its version).
pub fn in_state(state: &State, node: &Node) -> Option<(AccountId, Encryption)> {
    match node {
        Node::Disk(id) | Node::Rollback(id, _) => state
            .disk(&id.as_str().into())
            .map(|d| (d.owner.clone(), d.encryption.clone())),
        Node::Snapshot(id) => state
            .snapshot(&id.as_str().into())
            .map(|s| (s.owner.clone(), s.encryption.clone())),
        Node::Image(id) => state
            .image(&id.as_str().into())
            .map(|i| (i.owner.clone(), i.encryption.clone())),
    }
}

/// (i) DISK-1, IMAGE-1, COPY-2: no unencrypted disk, snapshot, copy or
/// image in the state holds data that came from encrypted data.
pub fn check_encryption(state: &State, model: &Model) -> Result<(), String> {
    for node in model.nodes.keys() {
        let Some((_, encryption)) = model.live(state, node) else {
            continue;
        };
        if encryption == Encryption::Unencrypted {
            if let Some(source) = model.encrypted_source(node) {
                return Err(format!(
                    "{node:?} is unencrypted but its data came from encrypted {source:?} (lineage {:?})",
                    model.lineage(node)
                ));
            }
        }
    }
    Ok(())
}

/// (ii) SHARE-5: no object whose data came from an imported image is in a
/// share, visible to another account or owned by one: imported data stays
/// with the account that imported it (the importer is the owner of the
/// imported image at the root of the lineage).
pub fn check_provenance(state: &State, model: &Model, now: DateTime<Utc>) -> Result<(), String> {
    let accounts: Vec<AccountId> = state.accounts().map(|a| a.id.clone()).collect();
    for node in model.nodes.keys() {
        let Some((owner, _)) = model.live(state, node) else {
            continue;
        };
        if !model.holds_imported(node) {
            continue;
        }
        let lineage = model.lineage(node);
        let root = lineage.last().expect("a lineage holds its node");
        let importer = match in_state(state, root) {
            Some((importer, _)) => importer,
            // The imported image was deleted: its owner made it.
            None => match &model.nodes[*root].by {
                Actor::Root { account } | Actor::User { account, .. } => account.clone(),
                other => panic!("an imported image made by {other}"),
            },
        };
        if owner != importer {
            return Err(format!(
                "{node:?} of {owner} holds data imported by {importer} (lineage {lineage:?})"
            ));
        }
        let Node::Snapshot(id) = node else {
            continue;
        };
        let id = id.as_str().into();
        if state.is_shared(&id) {
            return Err(format!(
                "{node:?} holds imported data and is shared (lineage {lineage:?})"
            ));
        }
        for account in accounts.iter().filter(|a| **a != owner) {
            let seen = state.visible_snapshots(account, now);
            if seen.iter().any(|v| v.snapshot == id) {
                return Err(format!(
                    "{node:?} holds imported data and is visible to {account}"
                ));
            }
        }
    }
    Ok(())
}

/// (iii) PERM-5: the data of the snapshot `denied` (which `user` is denied
/// on) never ends up in a share, or in an object of another account than
/// its owner, through a path on which `user` performed the step that moved
/// it out of that snapshot.
///
/// Precisely: a Deny names one resource, the snapshot; it binds the steps
/// that act on that snapshot itself, not what others made from it. The
/// step that "moves the data" of the denied snapshot is therefore the one
/// that reads that snapshot directly: the disk, image or copy made of it,
/// or the roll-back of a disk to it (the first hop on the lineage path
/// from it), or the step that puts the
/// snapshot itself into a share or names a principal for a share holding
/// it. The property: (a) `user` never performed an accepted step of the
/// second kind; (b) for every object in the state that descends from the
/// denied snapshot and is either owned by another account or a snapshot in
/// a share, the first hop on its path from the denied snapshot was not
/// made by `user`. A root may still make a disk from the snapshot, and
/// `user` may then snapshot that disk and share the result: the Deny does
/// not name those objects, so that is not a breach (the step that read the
/// denied snapshot was the root's).
pub fn check_denied(
    state: &State,
    model: &Model,
    denied: &str,
    user: &Actor,
    owner: &AccountId,
) -> Result<(), String> {
    if let Some(step) = model.exposed_by_user.first() {
        return Err(format!("{user} exposed {denied} to sharing: {step}"));
    }
    let source = Node::Snapshot(denied.to_owned());
    for node in model.nodes.keys() {
        let Some((node_owner, _)) = model.live(state, node) else {
            continue;
        };
        let Some(hop) = model.first_hop(node, &source) else {
            continue;
        };
        let shared = match node {
            Node::Snapshot(id) => state.is_shared(&id.as_str().into()),
            _ => false,
        };
        if (node_owner != *owner || shared) && model.nodes[hop].by == *user {
            return Err(format!(
                "{node:?} (of {node_owner}, shared: {shared}) descends from {denied} through {hop:?}, made by {user} (lineage {:?})",
                model.lineage(node)
            ));
        }
    }
    Ok(())
}

/// The stronger, per-step form of PERM-5 the crate implements: no accepted
/// step of `user` reads the denied snapshot directly or exposes it.
pub fn check_never_read(model: &Model, user: &Actor, denied: &str) -> Result<(), String> {
    match model.read_by_user.first() {
        Some(step) => Err(format!("{user} read {denied}: {step}")),
        None => Ok(()),
    }
}
