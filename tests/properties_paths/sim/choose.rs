//! Choosing what a step names: the live disks, snapshots and images, the
//! actor, and the snapshot or image a step is about, biased towards the
//! objects the properties are about (the denied snapshot for `alice`,
//! encrypted or imported data, what was made last).

use snapguard::Actor;

use super::Sim;
use super::ops::Pick;
use super::world::{DENIED, HZ, OTHER, OWNER, alice, root};
use crate::model::{Node, in_state};

impl Sim {
    /// The nodes of a kind still in the state, in id order.
    fn live(&self, kind: fn(&Node) -> Option<&String>) -> Vec<String> {
        self.model
            .nodes
            .keys()
            .filter(|n| in_state(&self.state, n).is_some())
            .filter_map(kind)
            .cloned()
            .collect()
    }

    pub(super) fn snapshots(&self) -> Vec<String> {
        self.live(|n| match n {
            Node::Snapshot(id) => Some(id),
            _ => None,
        })
    }

    pub(super) fn disks(&self) -> Vec<String> {
        self.live(|n| match n {
            Node::Disk(id) => Some(id),
            _ => None,
        })
    }

    pub(super) fn images(&self) -> Vec<String> {
        self.live(|n| match n {
            Node::Image(id) => Some(id),
            _ => None,
        })
    }

    /// 1001's root, or `alice` about two times in five; 2001's root.
    pub(super) fn actor_for(account: &str, p: &mut Pick<'_>) -> Actor {
        if account == OWNER && p.percent(40) {
            alice()
        } else {
            root(account)
        }
    }

    /// A live snapshot: for `alice`, the denied one a third of the time;
    /// otherwise, one time in four, one whose data came from encrypted or
    /// imported data, so that long chains of both are built and used.
    pub(super) fn snapshot_for(&self, actor: &Actor, p: &mut Pick<'_>) -> Option<String> {
        let live = self.snapshots();
        if *actor == alice() && p.percent(33) && live.iter().any(|s| s == DENIED) {
            return Some(DENIED.to_owned());
        }
        if p.percent(20) {
            let newest = self.newest(|n| match n {
                Node::Snapshot(id) => Some(id),
                _ => None,
            });
            if newest.is_some() {
                return newest;
            }
        }
        if p.percent(25) {
            let interesting: Vec<String> = live
                .iter()
                .filter(|s| {
                    let node = Node::Snapshot((*s).clone());
                    self.model.holds_imported(&node) || self.model.encrypted_source(&node).is_some()
                })
                .cloned()
                .collect();
            if let Some(found) = p.pick(&interesting) {
                return Some(found.clone());
            }
        }
        p.pick(&live).cloned()
    }

    /// For 2001, half the time, a snapshot shared with it now, if any.
    pub(super) fn shared_with(&self, account: &str, p: &mut Pick<'_>) -> Option<String> {
        if account != OTHER || !p.percent(50) {
            return None;
        }
        let shared: Vec<String> = self
            .state
            .visible_snapshots(&account.into(), self.now)
            .into_iter()
            .filter(|v| v.owner.as_str() != account)
            .map(|v| v.snapshot.as_str().to_owned())
            .collect();
        p.pick(&shared).cloned()
    }

    /// A live image: a third of the time the one made last, otherwise two
    /// times in five a custom image made from a snapshot (not the imported
    /// one), if any.
    pub(super) fn image_for(&self, p: &mut Pick<'_>) -> Option<String> {
        if p.percent(33) {
            let newest = self.newest(|n| match n {
                Node::Image(id) => Some(id),
                _ => None,
            });
            if newest.is_some() {
                return newest;
            }
        }
        let images = self.images();
        if p.percent(40) {
            let custom: Vec<String> = images
                .iter()
                .filter(|i| {
                    self.model.nodes[&Node::Image((*i).clone())]
                        .parent
                        .is_some()
                })
                .cloned()
                .collect();
            if let Some(found) = p.pick(&custom) {
                return Some(found.clone());
            }
        }
        p.pick(&images).cloned()
    }

    /// The live node of a kind made last.
    pub(super) fn newest(&self, kind: fn(&Node) -> Option<&String>) -> Option<String> {
        self.order
            .iter()
            .rev()
            .filter(|n| in_state(&self.state, n).is_some())
            .find_map(kind)
            .cloned()
    }

    pub(super) fn snapshot_region(&self, id: &str) -> String {
        self.state
            .snapshot(&id.into())
            .map_or(HZ.to_owned(), |s| s.region.as_str().to_owned())
    }

    pub(super) fn snapshot_owner(&self, id: &str) -> String {
        self.state
            .snapshot(&id.into())
            .map_or(OWNER.to_owned(), |s| s.owner.as_str().to_owned())
    }
}
