//! PERM-4: an actor acts only on its own account's resources.

use crate::common;

use common::*;
use snapguard::{
    Actor, ArchiveSnapshot, Command, CreateImage, DeleteImage, DiskSource, LockQuery, ObjectKind,
    ReleaseDisk, ResetDisk, RuleId, SetSnapshotRetention, Violation,
};

// ---------------------------------------------------------------------------
// PERM-4: only one's own account's resources
// ---------------------------------------------------------------------------

fn foreign(kind: ObjectKind, id: &str) -> Violation {
    Violation::ForeignResource {
        kind,
        id: id.into(),
        owner: OWNER.into(),
        account: OTHER.into(),
    }
}

/// OWNER's d-1, s-1, i-1; OTHER has user "admin" with Allow * on *.
fn foreign_world() -> World {
    let mut w = World::with_snapshot();
    w.ok(&root(OWNER), CreateImage::new("i-1", "s-1"));
    w.user(OTHER, "admin", vec![allow_all()]);
    w
}

#[test]
fn perm_4_other_account_cannot_act_on_a_snapshot() {
    let mut w = foreign_world();
    for actor in [root(OTHER), Actor::user(OTHER, "admin")] {
        let snapshot_commands: Vec<Command> = vec![
            delete("s-1").into(),
            lock_cmd("s-1", 10, 24).into(),
            unlock("s-1").into(),
            ArchiveSnapshot::new("s-1").retention_days(100).into(),
            copy("s-1", "c-1", None).into(),
            SetSnapshotRetention::permanent("s-1").into(),
            blank_disk("d-2", REGION)
                .source(DiskSource::snapshot("s-1"))
                .into(),
        ];
        for command in snapshot_commands {
            assert_eq!(
                w.refused(&actor, command, RuleId::Perm4),
                foreign(ObjectKind::Snapshot, "s-1")
            );
        }
        assert_eq!(
            w.state.lock_view(w.now, &actor, &sid("s-1")).unwrap_err(),
            foreign(ObjectKind::Snapshot, "s-1")
        );
    }
    assert!(w.exists("s-1"));
}

#[test]
fn perm_4_other_account_cannot_act_on_a_disk_or_image() {
    let mut w = foreign_world();
    for actor in [root(OTHER), Actor::user(OTHER, "admin")] {
        let disk_commands: Vec<Command> = vec![
            ReleaseDisk::new("d-1")
                .release_automatic_snapshots(true)
                .into(),
            ResetDisk::new("d-1", "s-1").into(),
            create_snapshot("s-2", "d-1", None).into(),
        ];
        for command in disk_commands {
            assert_eq!(
                w.refused(&actor, command, RuleId::Perm4),
                foreign(ObjectKind::Disk, "d-1")
            );
        }
        let image_commands: Vec<Command> = vec![
            DeleteImage::new("i-1").delete_snapshots(true).into(),
            blank_disk("d-2", REGION)
                .source(DiskSource::image("i-1"))
                .into(),
        ];
        for command in image_commands {
            assert_eq!(
                w.refused(&actor, command, RuleId::Perm4),
                foreign(ObjectKind::Image, "i-1")
            );
        }
    }
    assert!(w.state.disk(&"d-1".into()).is_some());
    assert!(w.state.image(&"i-1".into()).is_some());
}

#[test]
fn perm_4_other_account_does_not_see_locks_it_does_not_own() {
    let mut w = foreign_world();
    w.lock("s-1", 10, 0);
    let locks = w
        .state
        .describe_locked_snapshots(w.now, &root(OTHER), &LockQuery::all())
        .unwrap();
    assert!(locks.is_empty());
    let own = w
        .state
        .describe_locked_snapshots(w.now, &root(OWNER), &LockQuery::all())
        .unwrap();
    assert_eq!(
        own.iter().map(|v| v.snapshot.clone()).collect::<Vec<_>>(),
        [sid("s-1")]
    );
}

#[test]
fn perm_4_holds_before_permissions_and_locks() {
    // PERM-4 refuses before anything about the object is revealed or checked:
    // an OTHER user without statements still gets PERM-4, not PERM-1.
    let mut w = foreign_world();
    let nobody = w.user(OTHER, "nobody", vec![]);
    w.lock("s-1", 10, 0);
    assert_eq!(
        w.refused(&nobody, delete("s-1"), RuleId::Perm4),
        foreign(ObjectKind::Snapshot, "s-1")
    );
}
