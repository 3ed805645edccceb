//! What the steps of `alice` do with the snapshot she is denied on: the
//! attempt a command would be, counted when refused, and whether an
//! accepted step exposed it to sharing.

use snapguard::{Actor, Command, DiskSource, Event, State};

use super::Sim;
use super::world::{DENIED, alice};

/// What a step of `alice` would do with the denied snapshot.
#[derive(Debug, Clone, Copy)]
pub(super) enum Attempt {
    Disk,
    Image,
    Copy,
    RollBack,
    NewShare,
    AddedToShare,
    Principal,
}

impl Attempt {
    pub(super) fn refused(self) -> &'static str {
        match self {
            Self::Disk => "alice refused a disk from the denied snapshot",
            Self::Image => "alice refused an image of the denied snapshot",
            Self::Copy => "alice refused a copy of the denied snapshot",
            Self::RollBack => "alice refused a roll-back to the denied snapshot",
            Self::NewShare => "alice refused a new share of the denied snapshot",
            Self::AddedToShare => "alice refused adding the denied snapshot to a share",
            Self::Principal => "alice refused a principal for a share holding the denied snapshot",
        }
    }
}

impl Sim {
    /// What the step would do with the denied snapshot, when `alice`
    /// issues it: read its data (a disk, image or copy of it, a roll-back
    /// to it), or expose it to sharing (put it into a share that does not
    /// hold it yet, or name a new principal for a share holding it).
    /// Naming what a share already holds changes nothing and is not
    /// counted. Used to count the attempts; what an accepted step did is
    /// read from its events ([`Sim::exposed`]).
    pub(super) fn reads_denied(&self, actor: &Actor, command: &Command) -> Option<Attempt> {
        if *actor != alice() {
            return None;
        }
        let denied = |id: &snapguard::SnapshotId| id.as_str() == DENIED;
        match command {
            Command::CreateDisk(c) => {
                matches!(&c.source, DiskSource::Snapshot(s) if denied(s)).then_some(Attempt::Disk)
            }
            Command::CreateImage(c) => denied(&c.snapshot).then_some(Attempt::Image),
            Command::CopySnapshot(c) => denied(&c.source).then_some(Attempt::Copy),
            Command::ResetDisk(c) => denied(&c.snapshot).then_some(Attempt::RollBack),
            Command::CreateResourceShare(c) => {
                c.snapshots.iter().any(denied).then_some(Attempt::NewShare)
            }
            Command::AssociateResourceShare(c) => {
                let share = self.state.resource_share(&c.share)?;
                let holds = share.snapshots.keys().any(denied);
                let added = !holds && c.snapshots.iter().any(denied);
                let named = c.principals.iter().any(|p| !share.principals.contains(p));
                if added {
                    Some(Attempt::AddedToShare)
                } else if holds && named {
                    Some(Attempt::Principal)
                } else {
                    None
                }
            }
            _ => None,
        }
    }

    /// Whether the events of a step put the denied snapshot into a share
    /// or named a principal for a share that held it before the step.
    pub(super) fn exposed(before: &State, events: &[Event]) -> bool {
        events.iter().any(|event| match event {
            Event::SnapshotShared { snapshot, .. } => snapshot.as_str() == DENIED,
            Event::SharePrincipalAdded { share, .. } => before
                .resource_share(share)
                .is_some_and(|s| s.snapshots.keys().any(|id| id.as_str() == DENIED)),
            _ => false,
        })
    }
}
