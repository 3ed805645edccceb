//! Expected events and violations and a scripted history shared by the GEN
//! tests (`determinism`, `refusals`, `time_events`, `ids`). The command
//! builders live in `common`.
#![allow(dead_code)]

use chrono::{DateTime, Utc};
use snapguard::{
    Actor, ArchiveSnapshot, Command, CreateAccount, CreateAutomaticSnapshot, CreateImage,
    CreateRegion, CreateUser, DeleteImage, Event, MarkAccountOverdue, ObjectKind, ReleaseDisk,
    ReleaseReason, Site, State, Statement, Violation,
};

use crate::common::{
    OTHER, OTHER_REGION, OWNER, REGION, blank_disk, copy, create_snapshot, days, finish, hours,
    lock_cmd, root, sid, t0,
};

pub fn released(at: DateTime<Utc>, snapshot: &str) -> Event {
    Event::SnapshotReleased {
        at,
        snapshot: sid(snapshot),
        reason: ReleaseReason::RetentionEnded,
    }
}

pub fn not_found(kind: ObjectKind, id: &str) -> Violation {
    Violation::NotFound {
        kind,
        id: id.into(),
    }
}

/// A state and every event that made it, from `State::new()`.
pub struct History {
    pub state: State,
    pub events: Vec<Event>,
}

impl History {
    pub fn new() -> Self {
        Self {
            state: State::new(),
            events: Vec::new(),
        }
    }

    #[track_caller]
    pub fn run(&mut self, now: DateTime<Utc>, actor: &Actor, command: impl Into<Command>) {
        let command = command.into();
        let transition = self
            .state
            .apply(now, actor, &command)
            .unwrap_or_else(|v| panic!("{command:?} at {now} refused by {}: {v}", v.rule()));
        self.events.extend(transition.events);
        self.state = transition.state;
    }

    #[track_caller]
    pub fn advance(&mut self, now: DateTime<Utc>) {
        let transition = self.state.advance(now).expect("advance refused");
        self.events.extend(transition.events);
        self.state = transition.state;
    }
}

/// A history touching most commands, with locks, retention, archive,
/// images, disks and time-caused events.
pub fn scripted_history() -> History {
    let platform = Actor::Platform;
    let owner = root(OWNER);
    let alice = Actor::user(OWNER, "alice");
    let t = t0();
    let mut h = History::new();
    h.run(t, &platform, CreateRegion::new(REGION));
    h.run(t, &platform, CreateRegion::new(OTHER_REGION));
    h.run(t, &platform, CreateAccount::new(OWNER, Site::China));
    h.run(t, &platform, CreateAccount::new(OTHER, Site::China));
    h.run(
        t,
        &owner,
        CreateUser::new("alice").statement(Statement::allow(["ecs:*"], ["acs:ecs:*:1001:*"])),
    );
    h.run(t, &owner, blank_disk("d-1", REGION));
    h.run(t, &alice, create_snapshot("s-1", "d-1", None));
    h.run(t, &platform, finish("s-1"));
    h.run(t, &alice, create_snapshot("s-2", "d-1", Some(60)));
    h.run(t, &platform, finish("s-2"));
    h.run(t, &alice, lock_cmd("s-1", 30, 24));
    h.run(t, &platform, CreateAutomaticSnapshot::new("a-1", "d-1"));
    h.run(t, &platform, finish("a-1"));

    let t = t0() + hours(1);
    h.run(
        t,
        &platform,
        CreateAutomaticSnapshot::new("a-2", "d-1").retention_days(10),
    );
    h.run(t, &platform, finish("a-2"));
    h.run(t, &alice, copy("s-1", "c-1", Some(100)));
    h.run(t, &platform, finish("c-1"));

    h.advance(t0() + days(2));

    let t = t0() + days(20);
    h.run(t, &alice, ArchiveSnapshot::new("s-1").retention_days(100));
    h.run(t, &alice, CreateImage::new("i-1", "a-1"));

    let t = t0() + days(40);
    h.run(t, &alice, DeleteImage::new("i-1").delete_snapshots(true));
    h.run(
        t,
        &owner,
        ReleaseDisk::new("d-1").release_automatic_snapshots(true),
    );

    h.advance(t0() + days(61));

    let t = t0() + days(70);
    h.run(t, &alice, lock_cmd("c-1", 10, 0));
    h.run(t, &Actor::Billing, MarkAccountOverdue::new(OTHER));
    h.run(t, &alice, blank_disk("d-2", REGION));
    h.run(t, &alice, create_snapshot("s-3", "d-2", None));
    h.run(t, &platform, finish("s-3"));
    h.run(t, &alice, lock_cmd("s-3", 365, 72));

    h.advance(t0() + days(200));
    h
}
