//! The order of checks of `CreateDisk` and `CreateImage`: objects exist,
//! new ids, ownership, permission, then the command's own rules (DISK-1,
//! IMAGE-1), as documented on `Command`. A command failing two rules at once
//! is refused by the earlier one; `explain` lists them in that order.

use crate::common;

use common::*;
use snapguard::{
    Actor, Command, CreateDisk, CreateImage, DiskSource, ImportImage, RuleId, Statement, Violation,
};

fn disk_from(disk: &str, region: &str, snapshot: &str) -> CreateDisk {
    blank_disk(disk, region).source(DiskSource::snapshot(snapshot))
}

fn image(image: &str, snapshot: &str) -> CreateImage {
    CreateImage::new(image, snapshot)
}

/// A user of [`OWNER`] that may do everything except `action`.
fn denied(w: &mut World, action: &str) -> Actor {
    w.user(
        OWNER,
        "alice",
        vec![allow_all(), Statement::deny([action], ["*"])],
    )
}

#[track_caller]
fn explained(w: &World, actor: &Actor, command: impl Into<Command>) -> Vec<RuleId> {
    w.state
        .explain(w.now, actor, command)
        .iter()
        .map(Violation::rule)
        .collect()
}

#[test]
fn perm_1_create_disk_permission_checked_before_disk_1_region() {
    let mut w = World::with_snapshot();
    let alice = denied(&mut w, "ecs:CreateDisk");
    let command = disk_from("d-2", OTHER_REGION, "s-1");
    let v = w.refused(&alice, command.clone(), RuleId::Perm1);
    assert!(matches!(v, Violation::PermissionDenied { .. }), "{v:?}");
    assert_eq!(
        explained(&w, &alice, command),
        [RuleId::Perm1, RuleId::Disk1]
    );
}

#[test]
fn perm_1_create_disk_permission_checked_before_disk_1_availability() {
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    w.ok(&root(OWNER), create_snapshot("s-1", "d-1", None));
    let alice = denied(&mut w, "ecs:CreateDisk");
    let command = disk_from("d-2", REGION, "s-1");
    w.refused(&alice, command.clone(), RuleId::Perm1);
    assert_eq!(
        explained(&w, &alice, command),
        [RuleId::Perm1, RuleId::Disk1]
    );
}

#[test]
fn gen_4_create_image_id_taken_checked_before_image_1_ownership() {
    let mut w = World::new();
    w.disk(OTHER, "d-9");
    w.snapshot(OTHER, "d-9", "s-9", None);
    w.ok(&root(OWNER), ImportImage::new("m-1", REGION));
    let v = w.refused(&root(OWNER), image("m-1", "s-9"), RuleId::Gen4);
    assert!(matches!(v, Violation::AlreadyExists { .. }), "{v:?}");
    // A malformed new id too comes before ownership.
    let v = w.refused(&root(OWNER), image("bad id", "s-9"), RuleId::Gen5);
    assert!(matches!(v, Violation::InvalidId { .. }), "{v:?}");
    // With a fresh id, ownership refuses.
    w.refused(&root(OWNER), image("m-2", "s-9"), RuleId::Image1);
}

#[test]
fn image_1_create_image_ownership_checked_before_permission() {
    let mut w = World::new();
    w.disk(OTHER, "d-9");
    w.snapshot(OTHER, "d-9", "s-9", None);
    let alice = denied(&mut w, "ecs:CreateImage");
    let command = image("m-1", "s-9");
    let v = w.refused(&alice, command.clone(), RuleId::Image1);
    assert!(
        matches!(v, Violation::ImageFromForeignSnapshot { .. }),
        "{v:?}"
    );
    assert_eq!(
        explained(&w, &alice, command),
        [RuleId::Image1, RuleId::Perm1]
    );
}

#[test]
fn perm_1_create_image_permission_checked_before_image_1_availability() {
    let mut w = World::new();
    w.disk(OWNER, "d-1");
    w.ok(&root(OWNER), create_snapshot("s-1", "d-1", None));
    let alice = denied(&mut w, "ecs:CreateImage");
    let command = image("m-1", "s-1");
    w.refused(&alice, command.clone(), RuleId::Perm1);
    assert_eq!(
        explained(&w, &alice, command),
        [RuleId::Perm1, RuleId::Image1]
    );
}
