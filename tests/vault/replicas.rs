//! Cross-region replication (VAULT-7): a replica of an immutable vault is
//! immutable, enabling immutability on a source makes its replicas
//! immutable and locks their points, a replica of a locked backup point is
//! locked with the same retention; and the refusals: a replica in its
//! source's region, a replica of a replica, a point replicated into a vault
//! that is not a replica of its own.

use crate::common;
use crate::vault_support;

use common::*;
use snapguard::{
    Action, Actor, CreateRegion, CreateVault, Event, ObjectKind, PolicyKind, ReplicationProblem,
    Retention, RuleId, VaultKind, Violation,
};
use vault_support::*;

const THIRD_REGION: &str = "cn-beijing";

/// OWNER's vault `v-1` of `kind` in REGION, replicated into `v-r` in
/// OTHER_REGION.
fn replicated(kind: VaultKind) -> World {
    let mut w = World::new();
    w.vault("v-1", kind);
    w.ok(&root(OWNER), replicate_vault("v-1", "v-r", OTHER_REGION));
    w
}

fn same_region(vault: &str, region: &str) -> Violation {
    replication_refused(
        vault,
        ReplicationProblem::SameRegion {
            region: region.into(),
        },
    )
}

fn not_a_replica(vault: &str, point: &str, replica: &str) -> Violation {
    replication_refused(
        vault,
        ReplicationProblem::NotAReplica {
            point: point.into(),
            replica: replica.into(),
        },
    )
}

#[test]
fn vault_7_replica_of_an_immutable_vault_is_immutable() {
    let mut w = World::new();
    w.vault("v-1", archive_days(30));
    w.make_immutable(on_vault("v-1"));
    w.wait(hours(1));
    let events = w.ok(&root(OWNER), replicate_vault("v-1", "v-r", OTHER_REGION));
    let [Event::VaultCreated { at, vault }] = events.as_slice() else {
        panic!("expected one VaultCreated: {events:?}");
    };
    assert_eq!(*at, w.now);
    assert_eq!(vault.id.as_str(), "v-r");
    assert_eq!(vault.owner.as_str(), OWNER);
    assert_eq!(vault.region.as_str(), OTHER_REGION);
    assert_eq!(vault.kind, archive_days(30));
    assert_eq!(vault.immutable_since, Some(w.now));
    assert_eq!(vault.replica_of, Some("v-1".into()));
    assert_eq!(vault.created_at, w.now);
    assert_eq!(w.state.vault(&"v-r".into()), Some(vault));
    let v = w.refused(&root(OWNER), disable(on_vault("v-r")), RuleId::Vault3);
    assert_eq!(v, irreversible(on_vault("v-r")));
    // Its points are locked from the start.
    w.backup("bp-1", "v-1", None, None);
    w.ok(&Actor::Platform, replicate_point("bp-1", "bp-1r", "v-r"));
    assert_eq!(w.bp("bp-1r").locked_since, Some(w.now));
    let v = w.refused(&root(OWNER), delete_vault("v-r"), RuleId::Vault6);
    assert_eq!(v, not_deletable("v-r", Some(w.now + days(30))));
}

#[test]
fn vault_7_replica_of_a_mutable_vault_is_not_immutable() {
    let mut w = replicated(VaultKind::GeneralPurpose);
    assert!(!w.immutable("v-r"));
    w.backup("bp-1", "v-1", None, Some(10));
    w.ok(&Actor::Platform, replicate_point("bp-1", "bp-1r", "v-r"));
    assert_eq!(w.bp("bp-1r").locked_since, None);
    w.ok(&root(OWNER), delete_point("bp-1r"));
    w.ok(&root(OWNER), delete_vault("v-r"));
}

#[test]
fn vault_7_enabling_on_a_source_makes_its_replicas_immutable_with_their_points() {
    let mut w = replicated(VaultKind::Database);
    w.ok(&Actor::Platform, CreateRegion::new(THIRD_REGION));
    w.ok(&root(OWNER), replicate_vault("v-1", "v-s", THIRD_REGION));
    w.backup("bp-1", "v-1", None, Some(10));
    w.backup("bp-2", "v-1", None, None);
    w.ok(&Actor::Platform, replicate_point("bp-1", "bp-1r", "v-r"));
    w.ok(&Actor::Platform, replicate_point("bp-2", "bp-2s", "v-s"));
    // A point stored straight into a replica vault.
    w.backup("bp-own", "v-r", None, Some(10));
    w.wait(hours(1));
    let at = w.now;
    let events = w.make_immutable(on_vault("v-1"));
    assert_eq!(events[0], enabled(at, on_vault("v-1")));
    assert_same_events(
        &events,
        &[
            enabled(at, on_vault("v-1")),
            enabled(at, on_vault("v-r")),
            enabled(at, on_vault("v-s")),
            locked(at, "bp-1"),
            locked(at, "bp-2"),
            locked(at, "bp-1r"),
            locked(at, "bp-2s"),
            locked(at, "bp-own"),
        ],
    );
    for vault in ["v-1", "v-r", "v-s"] {
        assert_eq!(
            w.state.vault(&vault.into()).unwrap().immutable_since,
            Some(at)
        );
    }
    for point in ["bp-1", "bp-2", "bp-1r", "bp-2s", "bp-own"] {
        assert_eq!(w.bp(point).locked_since, Some(at), "{point}");
        w.refused(&root(OWNER), delete_point(point), RuleId::Vault5);
    }
    let v = w.refused(&root(OWNER), delete_vault("v-s"), RuleId::Vault6);
    assert_eq!(v, not_deletable("v-s", None));
    // Later points in a replica vault are locked too.
    w.backup("bp-late", "v-r", None, Some(1));
    assert_eq!(w.bp("bp-late").locked_since, Some(at));
}

#[test]
fn vault_7_replica_already_immutable_keeps_its_own_instant() {
    let mut w = replicated(VaultKind::GeneralPurpose);
    w.backup("bp-1", "v-1", None, Some(10));
    w.ok(&Actor::Platform, replicate_point("bp-1", "bp-1r", "v-r"));
    let events = w.make_immutable(on_vault("v-r"));
    assert_eq!(
        events,
        vec![enabled(t0(), on_vault("v-r")), locked(t0(), "bp-1r")]
    );
    // The source is not made immutable by its replica.
    assert!(!w.immutable("v-1"));
    assert_eq!(w.bp("bp-1").locked_since, None);
    w.wait(hours(1));
    let events = w.make_immutable(on_vault("v-1"));
    assert_eq!(
        events,
        vec![enabled(w.now, on_vault("v-1")), locked(w.now, "bp-1")]
    );
    let replica = w.state.vault(&"v-r".into()).unwrap();
    assert_eq!(replica.immutable_since, Some(t0()));
    assert_eq!(w.bp("bp-1r").locked_since, Some(t0()));
}

#[test]
fn vault_7_replica_of_a_locked_point_is_locked_with_the_same_retention() {
    let mut w = replicated(VaultKind::GeneralPurpose);
    w.policy("po-g", "v-1", PolicyKind::General, true);
    w.backup("bp-1", "v-1", Some("po-g"), Some(10));
    w.wait(hours(1));
    let end = t0() + days(10);
    let events = w.ok(&Actor::Platform, replicate_point("bp-1", "bp-1r", "v-r"));
    let replica = w.bp("bp-1r");
    assert_eq!(
        events,
        vec![Event::BackupPointCreated {
            at: w.now,
            point: replica.clone(),
        }]
    );
    assert_eq!(replica.vault.as_str(), "v-r");
    assert_eq!(replica.owner.as_str(), OWNER);
    assert_eq!((replica.policy, replica.snapshot), (None, None));
    assert_eq!(replica.retention, Retention::Until(end));
    assert_eq!(replica.locked_since, Some(w.now));
    assert_eq!(replica.replica_of, Some("bp-1".into()));
    assert_eq!(replica.created_at, w.now);
    assert!(!w.immutable("v-r"));
    let v = w.refused(&root(OWNER), delete_point("bp-1r"), RuleId::Vault5);
    assert_eq!(v, point_locked("bp-1r", Some(end)));
    let v = w.refused(&root(OWNER), delete_vault("v-r"), RuleId::Vault5);
    assert_eq!(v, held_by_locks("v-r", Some(end)));
    // Both go at the same instant.
    w.at(end - secs(1));
    w.refused(&root(OWNER), delete_point("bp-1r"), RuleId::Vault5);
    let events = w.state.advance_mut(end).unwrap();
    assert_eq!(events, vec![expired(end, "bp-1"), expired(end, "bp-1r")]);
    w.at(end + secs(1));
    w.ok(&root(OWNER), delete_vault("v-r"));
}

#[test]
fn vault_7_replica_of_an_unlocked_point_is_locked_only_in_an_immutable_replica() {
    let mut w = replicated(VaultKind::GeneralPurpose);
    w.backup("bp-1", "v-1", None, Some(10));
    w.backup("bp-2", "v-1", None, Some(10));
    w.ok(&Actor::Platform, replicate_point("bp-1", "bp-1r", "v-r"));
    assert_eq!(w.bp("bp-1r").locked_since, None);
    w.make_immutable(on_vault("v-r"));
    w.wait(hours(1));
    w.ok(&Actor::Platform, replicate_point("bp-2", "bp-2r", "v-r"));
    assert_eq!(w.bp("bp-2r").locked_since, Some(w.now));
    assert_eq!(w.bp("bp-2r").retention, w.bp("bp-2").retention);
    // The source point stays as it was.
    w.ok(&root(OWNER), delete_point("bp-2"));
    w.refused(&root(OWNER), delete_point("bp-2r"), RuleId::Vault5);
}

#[test]
fn vault_7_locking_a_point_locks_its_replicas() {
    let mut w = replicated(VaultKind::GeneralPurpose);
    w.policy("po-g", "v-1", PolicyKind::General, false);
    w.policy("po-e", "v-1", PolicyKind::EcsInstance, false);
    w.backup("bp-g", "v-1", Some("po-g"), Some(10));
    w.backup("bp-e", "v-1", Some("po-e"), Some(10));
    w.ok(&Actor::Platform, replicate_point("bp-g", "bp-gr", "v-r"));
    w.ok(&Actor::Platform, replicate_point("bp-e", "bp-er", "v-r"));
    w.wait(hours(1));
    let events = w.make_immutable(on_policy("po-g"));
    let at = w.now;
    assert_eq!(
        events,
        vec![
            enabled(at, on_policy("po-g")),
            locked(at, "bp-g"),
            locked(at, "bp-gr"),
        ]
    );
    // An ECS instance policy locks none of its points, nor their replicas.
    assert_eq!(
        w.make_immutable(on_policy("po-e")),
        vec![enabled(at, on_policy("po-e"))]
    );
    assert_eq!(w.bp("bp-er").locked_since, None);
    w.ok(&root(OWNER), delete_point("bp-er"));
    // Its later points are locked, and so are their replicas.
    w.backup("bp-e2", "v-1", Some("po-e"), Some(10));
    w.ok(&Actor::Platform, replicate_point("bp-e2", "bp-e2r", "v-r"));
    assert_eq!(w.bp("bp-e2r").locked_since, Some(at));
    w.refused(&root(OWNER), delete_point("bp-e2r"), RuleId::Vault5);
}

#[test]
fn vault_7_replica_in_the_source_region_refused() {
    let mut w = World::new();
    w.vault("v-1", VaultKind::GeneralPurpose);
    let cmd = replicate_vault("v-1", "v-r", REGION);
    let v = w.refused(&root(OWNER), cmd, RuleId::Vault7);
    assert_eq!(v, same_region("v-1", REGION));
    assert!(w.state.vault(&"v-r".into()).is_none());
}

#[test]
fn vault_7_replica_of_a_replica_refused() {
    let mut w = replicated(VaultKind::GeneralPurpose);
    w.ok(&Actor::Platform, CreateRegion::new(THIRD_REGION));
    let problem = ReplicationProblem::ReplicaOfReplica {
        source: "v-1".into(),
    };
    for region in [THIRD_REGION, REGION] {
        let cmd = replicate_vault("v-r", "v-rr", region);
        let v = w.refused(&root(OWNER), cmd, RuleId::Vault7);
        assert_eq!(v, replication_refused("v-r", problem.clone()));
    }
    // Into its own region: the region is checked first, and both are found.
    let cmd = replicate_vault("v-r", "v-rr", OTHER_REGION);
    let same = ReplicationProblem::SameRegion {
        region: OTHER_REGION.into(),
    };
    let v = w.refused(&root(OWNER), cmd.clone(), RuleId::Vault7);
    assert_eq!(v, replication_refused("v-r", same.clone()));
    let found = w.state.explain(w.now, &root(OWNER), cmd);
    assert_eq!(
        found,
        [
            replication_refused("v-r", same),
            replication_refused("v-r", problem.clone())
        ]
    );
    // Even once its source is gone, a replica stays one.
    w.ok(&root(OWNER), delete_vault("v-1"));
    let replica = w.state.vault(&"v-r".into()).unwrap();
    assert_eq!(replica.replica_of, Some("v-1".into()));
    let cmd = replicate_vault("v-r", "v-rr", THIRD_REGION);
    let v = w.refused(&root(OWNER), cmd, RuleId::Vault7);
    assert_eq!(v, replication_refused("v-r", problem));
}

#[test]
fn vault_7_point_replicated_only_into_a_replica_of_its_vault() {
    let mut w = replicated(VaultKind::GeneralPurpose);
    let elsewhere = CreateVault::new("v-2", OTHER_REGION, VaultKind::GeneralPurpose);
    w.ok(&root(OWNER), elsewhere);
    w.ok(&root(OWNER), replicate_vault("v-2", "v-2r", REGION));
    w.backup("bp-1", "v-1", None, Some(10));
    w.ok(&Actor::Platform, replicate_point("bp-1", "bp-1r", "v-r"));
    for vault in ["v-1", "v-2", "v-2r"] {
        let cmd = replicate_point("bp-1", "bp-x", vault);
        let v = w.refused(&Actor::Platform, cmd, RuleId::Vault7);
        assert_eq!(v, not_a_replica("v-1", "bp-1", vault));
    }
    // A replica point is not replicated again into its own vault.
    let cmd = replicate_point("bp-1r", "bp-x", "v-r");
    let v = w.refused(&Actor::Platform, cmd, RuleId::Vault7);
    assert_eq!(v, not_a_replica("v-r", "bp-1r", "v-r"));
    // A second replica of one point, into the same replica vault, is fine.
    w.ok(&Actor::Platform, replicate_point("bp-1", "bp-1r2", "v-r"));
}

#[test]
fn vault_7_replicate_vault_checks() {
    let mut w = World::new();
    w.vault("v-1", VaultKind::GeneralPurpose);
    w.vault("v-taken", VaultKind::GeneralPurpose);
    let v = w.refused(
        &root(OWNER),
        replicate_vault("v-9", "v-r", OTHER_REGION),
        RuleId::Gen4,
    );
    assert_eq!(v, missing(ObjectKind::Vault, "v-9"));
    let cmd = replicate_vault("v-1", "v-r", "cn-nowhere");
    let v = w.refused(&root(OWNER), cmd, RuleId::Gen4);
    assert_eq!(v, missing(ObjectKind::Region, "cn-nowhere"));
    let cmd = replicate_vault("v-1", "v-taken", OTHER_REGION);
    w.refused(&root(OWNER), cmd, RuleId::Gen4);
    let cmd = replicate_vault("v-1", "v-r", OTHER_REGION);
    w.refused(&root(OTHER), cmd.clone(), RuleId::Perm4);
    w.refused(&Actor::Platform, cmd.clone(), RuleId::Perm1);
    let nobody = w.user(OWNER, "u-0", vec![]);
    let denied = Violation::PermissionDenied {
        actor: nobody.clone(),
        action: Action::CreateReplicationVault,
        resource: "acs:hbr:cn-hangzhou:1001:vault/v-1".into(),
        explicit_deny: false,
    };
    let v = w.refused(&nobody, cmd, RuleId::Perm1);
    assert_eq!(v, denied);
    let same = replicate_vault("v-1", "v-r", REGION);
    let all = w.state.explain(w.now, &nobody, same);
    assert_eq!(all, vec![denied, same_region("v-1", REGION)]);
}

#[test]
fn vault_7_replicate_point_checks() {
    let mut w = replicated(VaultKind::GeneralPurpose);
    w.backup("bp-1", "v-1", None, Some(10));
    w.backup("bp-2", "v-1", None, None);
    let cmd = replicate_point("bp-1", "bp-1r", "v-r");
    let v = w.refused(&root(OWNER), cmd.clone(), RuleId::Perm1);
    assert!(matches!(v, Violation::WrongActor { .. }), "{v:?}");
    let p = &Actor::Platform;
    let v = w.refused(p, replicate_point("bp-9", "bp-1r", "v-r"), RuleId::Gen4);
    assert_eq!(v, missing(ObjectKind::BackupPoint, "bp-9"));
    let v = w.refused(p, replicate_point("bp-1", "bp-1r", "v-9"), RuleId::Gen4);
    assert_eq!(v, missing(ObjectKind::Vault, "v-9"));
    let v = w.refused(p, replicate_point("bp-1", "bp-2", "v-r"), RuleId::Gen4);
    assert_eq!(
        v,
        Violation::AlreadyExists {
            kind: ObjectKind::BackupPoint,
            id: "bp-2".into()
        }
    );
    // A point whose retention ended is gone, recorded or not.
    w.at(t0() + days(10));
    let v = w.refused(p, cmd.clone(), RuleId::Gen4);
    assert_eq!(v, missing(ObjectKind::BackupPoint, "bp-1"));
    w.at(t0() + days(10) - secs(1));
    w.ok(p, cmd);
}
