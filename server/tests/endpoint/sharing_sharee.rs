//! Resource Sharing from the sharee's side through the real server:
//! invitations, what a shared snapshot allows and refuses through ECS,
//! encrypted sharing, unsharing, and RAM users. Test names carry the rule
//! ids.

use crate::common;
use crate::sharing_support;

use common::{Answer, DEFAULT_ACCOUNT, REGION, create_disk, create_snapshot, id};
use serde_json::json;
use sharing_support::*;

#[test]
fn share6_and_share11_an_encrypted_snapshot_needs_the_role_and_the_sharee_another_key() {
    let world = World::new();
    let owner = world.owner();
    let sharee = world.sharee();
    let snapshot = encrypted_snapshot(&world);
    let before = world.server.state();
    let params = [
        ("ResourceShareName", "cmk"),
        ("Resources.1.ResourceId", snapshot.as_str()),
        ("Resources.1.ResourceType", "Snapshot"),
        ("Targets.1", SHAREE),
        ("AllowExternalTargets", "true"),
    ];
    let answer = rs(&owner, "CreateResourceShare", &params);
    refused(
        &world.server,
        &before,
        &answer,
        403,
        "InvalidTarget.EncryptedShareRoleNotTrusted",
        "SHARE-6",
    );

    let role = world.server.admin(
        "PUT",
        &format!("/accounts/{DEFAULT_ACCOUNT}/encrypted-share-role"),
        Some(&json!({ "trusted": [SHAREE] })),
    );
    assert_eq!(role.status, 200, "{role:?}");
    let share = id(
        &rs_ok(&owner, "CreateResourceShare", &params)["ResourceShare"],
        "ResourceShareId",
    );
    accept(&sharee, &share);

    // The sharee's disk keeps the snapshot's key: SHARE-11.
    let before = world.server.state();
    let disk = [
        ("RegionId", REGION),
        ("ZoneId", "cn-hangzhou-b"),
        ("DiskCategory", "cloud_essd"),
        ("SnapshotId", snapshot.as_str()),
        ("Encrypted", "false"),
    ];
    let answer = sharee.call("CreateDisk", &disk);
    refused(
        &world.server,
        &before,
        &answer,
        400,
        "InvalidParam.EncryptedMismatch",
        "SHARE-11",
    );
    // Naming no encryption keeps the snapshot's key, as the provider
    // encrypts a disk as its snapshot: refused the same way.
    let answer = sharee.call("CreateDisk", &disk[..4]);
    refused(
        &world.server,
        &before,
        &answer,
        400,
        "InvalidParam.EncryptedMismatch",
        "SHARE-11",
    );
    // With the service key of its own account instead, it is created.
    world
        .server
        .post(&format!("/accounts/{SHAREE}/kms"), json!({}));
    let mut encrypted = disk.to_vec();
    encrypted.pop();
    encrypted.push(("Encrypted", "true"));
    sharee.ok("CreateDisk", &encrypted);
}

#[test]
fn share7_an_invitation_is_accepted_once_and_only_by_its_account() {
    let world = World::new();
    let owner = world.owner();
    let sharee = world.sharee();
    world.server.new_account(THIRD);
    let third = world.server.client(&world.server.root_key(THIRD));
    let snapshot = world.snapshot();
    let share = share(&owner, &[&snapshot], &[SHAREE], true);
    let pending = invitations(&sharee);
    assert_eq!(pending.len(), 1, "{pending:?}");
    assert_eq!(pending[0]["Status"], "Pending");
    assert_eq!(pending[0]["SenderAccountId"], DEFAULT_ACCOUNT);
    assert_eq!(pending[0]["ReceiverAccountId"], SHAREE);
    assert_eq!(pending[0]["ResourceShareName"], "test-share");
    assert!(
        invitations(&owner).is_empty(),
        "the sharer holds no invitation"
    );
    let invitation = id(&pending[0], "ResourceShareInvitationId");
    assert!(invitation.starts_with("i-"), "{invitation}");

    // Another account's invitation is answered as one that does not exist.
    let before = world.server.state();
    let foreign = rs(
        &third,
        "AcceptResourceShareInvitation",
        &[("ResourceShareInvitationId", &invitation)],
    );
    refused(
        &world.server,
        &before,
        &foreign,
        409,
        "EntityNotExists.ResourceShareInvitation",
        "SHARE-7",
    );
    let missing = rs(
        &third,
        "AcceptResourceShareInvitation",
        &[("ResourceShareInvitationId", "i-doesnotexist")],
    );
    refused(
        &world.server,
        &before,
        &missing,
        409,
        "EntityNotExists.ResourceShareInvitation",
        "SHARE-7",
    );
    let text = |a: &Answer, id: &str| {
        a.json["Message"]
            .as_str()
            .unwrap_or_default()
            .replace(id, "ID")
    };
    assert_eq!(
        text(&foreign, &invitation),
        text(&missing, "i-doesnotexist")
    );

    assert_eq!(accept(&sharee, &share), invitation);
    assert_eq!(invitations(&sharee)[0]["Status"], "Accepted");
    let before = world.server.state();
    let again = rs(
        &sharee,
        "AcceptResourceShareInvitation",
        &[("ResourceShareInvitationId", &invitation)],
    );
    refused(
        &world.server,
        &before,
        &again,
        409,
        "InvitationStatus.AlreadyAccepted",
        "SHARE-7",
    );
}

#[test]
fn share9_and_share13_the_sharee_sees_an_accepted_snapshot_uses_it_and_loses_it_when_unshared() {
    let world = World::new();
    let owner = world.owner();
    let sharee = world.sharee();
    let snapshot = world.snapshot();
    let share = share(&owner, &[&snapshot], &[SHAREE], true);
    assert!(
        !described(&sharee).contains(&snapshot),
        "not before accepting"
    );
    // Not usable before it is accepted, and answered as not found.
    let before = world.server.state();
    let disk = [
        ("RegionId", REGION),
        ("ZoneId", "cn-hangzhou-b"),
        ("DiskCategory", "cloud_essd"),
        ("SnapshotId", snapshot.as_str()),
    ];
    let answer = sharee.call("CreateDisk", &disk);
    refused(
        &world.server,
        &before,
        &answer,
        404,
        "InvalidSnapshotId.NotFound",
        "SHARE-7",
    );

    accept(&sharee, &share);
    let seen = sharee.ok(
        "DescribeSnapshots",
        &[
            ("RegionId", REGION),
            ("SnapshotIds", &format!("[\"{snapshot}\"]")),
        ],
    );
    let shown = &seen["Snapshots"]["Snapshot"][0];
    assert_eq!(shown["SnapshotId"], snapshot.as_str());
    let tag = format!("acs:ecs:sharedFrom:{DEFAULT_ACCOUNT}:{REGION}:{snapshot}");
    assert_eq!(shown["Tags"]["Tag"][0]["TagKey"], tag.as_str(), "{shown}");
    assert_eq!(shown["SourceDiskId"], "");
    assert!(described(&sharee).contains(&snapshot));
    let listed = rs_ok(
        &sharee,
        "ListSharedResources",
        &[("ResourceOwner", "OtherAccounts")],
    );
    assert_eq!(
        listed["SharedResources"][0]["ResourceId"],
        snapshot.as_str()
    );
    assert_eq!(listed["SharedResources"][0]["ResourceStatus"], "Available");

    sharee.ok("CreateDisk", &disk);
    let copy = id(
        &sharee.ok(
            "CopySnapshot",
            &[
                ("RegionId", REGION),
                ("SnapshotId", &snapshot),
                ("DestinationRegionId", "cn-shanghai"),
            ],
        ),
        "SnapshotId",
    );

    let body = rs_ok(
        &owner,
        "DisassociateResourceShare",
        &[
            ("ResourceShareId", &share),
            ("Resources.1.ResourceId", &snapshot),
            ("Resources.1.ResourceType", "Snapshot"),
        ],
    );
    let association = &body["ResourceShareAssociations"][0];
    assert_eq!(association["AssociationStatus"], "Disassociated");
    assert_eq!(association["EntityId"], snapshot.as_str());
    assert!(
        !described(&sharee).contains(&snapshot),
        "unshared: SHARE-13"
    );
    let listed = rs_ok(
        &sharee,
        "ListSharedResources",
        &[("ResourceOwner", "OtherAccounts")],
    );
    assert_eq!(listed["SharedResources"], json!([]));
    // Its copy stays.
    let copies = sharee.ok(
        "DescribeSnapshots",
        &[
            ("RegionId", "cn-shanghai"),
            ("SnapshotIds", &format!("[\"{copy}\"]")),
        ],
    );
    assert_eq!(copies["TotalCount"], 1);
}

#[test]
fn share10_the_sharee_cannot_delete_lock_or_share_onward() {
    let world = World::new();
    world.server.new_account(THIRD);
    let owner = world.owner();
    let sharee = world.sharee();
    let snapshot = world.snapshot();
    let share = share(&owner, &[&snapshot], &[SHAREE], true);
    accept(&sharee, &share);
    let before = world.server.state();
    let answer = sharee.call("DeleteSnapshot", &[("SnapshotId", &snapshot)]);
    refused(
        &world.server,
        &before,
        &answer,
        403,
        "InvalidOperation.SharedSnapshotUnsupported",
        "SHARE-10",
    );
    let answer = sharee.call(
        "LockSnapshot",
        &[
            ("RegionId", REGION),
            ("SnapshotId", &snapshot),
            ("LockMode", "compliance"),
            ("LockDuration", "7"),
            ("CoolOffPeriod", "0"),
        ],
    );
    assert_eq!(
        answer.code(),
        "InvalidOperation.LockSharedSnapshotUnsupported",
        "{answer:?}"
    );
    assert_eq!(world.server.state(), before);
    let answer = rs(
        &sharee,
        "CreateResourceShare",
        &[
            ("ResourceShareName", "onward"),
            ("Resources.1.ResourceId", &snapshot),
            ("Resources.1.ResourceType", "Snapshot"),
            ("Targets.1", THIRD),
            ("AllowExternalTargets", "true"),
        ],
    );
    refused(
        &world.server,
        &before,
        &answer,
        400,
        "InvalidParameter.Resources",
        "SHARE-10",
    );
}

#[test]
fn share12_the_sharer_deletes_a_shared_snapshot_only_once_unshared() {
    let world = World::new();
    let owner = world.owner();
    let snapshot = world.snapshot();
    let share = share(&owner, &[&snapshot], &[SHAREE], true);
    let before = world.server.state();
    let answer = owner.call("DeleteSnapshot", &[("SnapshotId", &snapshot)]);
    refused(
        &world.server,
        &before,
        &answer,
        403,
        "InvalidOperation.DeleteSharedSnapshotUnsupported",
        "SHARE-12",
    );
    rs_ok(
        &owner,
        "DeleteResourceShare",
        &[("ResourceShareId", &share)],
    );
    owner.ok("DeleteSnapshot", &[("SnapshotId", &snapshot)]);
    // The share is gone.
    let before = world.server.state();
    let answer = rs(
        &owner,
        "DeleteResourceShare",
        &[("ResourceShareId", &share)],
    );
    refused(
        &world.server,
        &before,
        &answer,
        404,
        "EntityNotExists.ResourceShare",
        "GEN-4",
    );
    let listed = rs_ok(&owner, "ListResourceShares", &[("ResourceOwner", "Self")]);
    assert_eq!(listed["ResourceShares"], json!([]));
}

#[test]
fn perm_1_ram_users_need_the_sharing_actions_and_describe_on_what_is_shared() {
    let world = World::new();
    let owner = world.owner();
    let snapshot = world.snapshot();
    let ops = world.server.client(&user(
        &world.server,
        DEFAULT_ACCOUNT,
        "ops",
        json!([{ "Effect": "Allow", "Action": ["ecs:*"], "Resource": ["*"] }]),
    ));
    let params = [
        ("ResourceShareName", "by-ops"),
        ("Resources.1.ResourceId", snapshot.as_str()),
        ("Resources.1.ResourceType", "Snapshot"),
        ("Targets.1", SHAREE),
        ("AllowExternalTargets", "true"),
    ];
    let before = world.server.state();
    let answer = rs(&ops, "CreateResourceShare", &params);
    answer.assert_error(403, "Forbidden.RAM");
    assert_eq!(world.server.state(), before);
    let granted = world.server.admin(
        "PUT",
        &format!("/accounts/{DEFAULT_ACCOUNT}/users/ops/policy"),
        Some(&json!({ "policy": { "Version": "1", "Statement": [
            { "Effect": "Allow", "Action": ["ecs:*", "resourcesharing:*"], "Resource": ["*"] }
        ] } })),
    );
    assert_eq!(granted.status, 200, "{granted:?}");
    let share = id(
        &rs_ok(&ops, "CreateResourceShare", &params)["ResourceShare"],
        "ResourceShareId",
    );
    // What the user created is its account's.
    let listed = rs_ok(&owner, "ListResourceShares", &[("ResourceOwner", "Self")]);
    assert_eq!(
        listed["ResourceShares"][0]["ResourceShareId"],
        share.as_str()
    );
    accept(&world.sharee(), &share);

    // The sharee's user describes the shared snapshot only with
    // ecs:DescribeSnapshots on it; a Deny naming the sharer's snapshots wins.
    let reader = world.server.client(&user(
        &world.server,
        SHAREE,
        "reader",
        json!([
            { "Effect": "Allow", "Action": ["ecs:DescribeSnapshots"], "Resource": ["*"] },
            { "Effect": "Deny", "Action": ["ecs:DescribeSnapshots"],
              "Resource": [format!("acs:ecs:*:{DEFAULT_ACCOUNT}:snapshot/*")] }
        ]),
    ));
    let answer = reader.call("DescribeSnapshots", &[("RegionId", REGION)]);
    answer.assert_error(403, "Forbidden.RAM");
    assert!(
        answer.json["Message"]
            .as_str()
            .is_some_and(|m| m.contains("explicitly denied"))
    );
    let lifted = world.server.admin(
        "PUT",
        &format!("/accounts/{SHAREE}/users/reader/policy"),
        Some(&json!({ "policy": { "Version": "1", "Statement": [
            { "Effect": "Allow", "Action": ["ecs:DescribeSnapshots"], "Resource": ["*"] }
        ] } })),
    );
    assert_eq!(lifted.status, 200, "{lifted:?}");
    assert!(described(&reader).contains(&snapshot));
}

#[test]
fn a_shared_snapshot_is_not_found_by_the_sharers_disk() {
    let world = World::new();
    let owner = world.owner();
    let sharee = world.sharee();
    let disk = create_disk(&owner);
    let snapshot = create_snapshot(&owner, &disk);
    let share = share(&owner, &[&snapshot], &[SHAREE], true);
    accept(&sharee, &share);
    let by_disk = sharee.ok(
        "DescribeSnapshots",
        &[("RegionId", REGION), ("DiskId", &disk)],
    );
    assert_eq!(by_disk["TotalCount"], 0, "{by_disk}");
    let mine = owner.ok(
        "DescribeSnapshots",
        &[("RegionId", REGION), ("DiskId", &disk)],
    );
    assert_eq!(mine["TotalCount"], 1, "{mine}");
}

#[test]
fn another_accounts_share_is_answered_as_one_that_does_not_exist() {
    let world = World::new();
    let owner = world.owner();
    let sharee = world.sharee();
    let snapshot = world.snapshot();
    let share = share(&owner, &[&snapshot], &[SHAREE], true);
    let before = world.server.state();
    let message = |a: &Answer, id: &str| {
        a.json["Message"]
            .as_str()
            .unwrap_or_default()
            .replace(id, "ID")
    };
    for (action, extra) in [
        ("DeleteResourceShare", None),
        ("AssociateResourceShare", Some(("Targets.1", THIRD))),
        ("DisassociateResourceShare", Some(("Targets.1", SHAREE))),
    ] {
        let mut foreign = vec![("ResourceShareId", share.as_str())];
        let mut missing = vec![("ResourceShareId", "rs-doesnotexist")];
        foreign.extend(extra);
        missing.extend(extra);
        let foreign = rs(&sharee, action, &foreign);
        let missing = rs(&sharee, action, &missing);
        refused(
            &world.server,
            &before,
            &foreign,
            404,
            "EntityNotExists.ResourceShare",
            "GEN-4",
        );
        refused(
            &world.server,
            &before,
            &missing,
            404,
            "EntityNotExists.ResourceShare",
            "GEN-4",
        );
        assert_eq!(
            message(&foreign, &share),
            message(&missing, "rs-doesnotexist"),
            "{action}"
        );
    }
    // Listing its own shares shows none of another account's.
    let own = rs_ok(
        &sharee,
        "ListResourceShares",
        &[("ResourceOwner", "Self"), ("ResourceShareIds.1", &share)],
    );
    assert_eq!(own["ResourceShares"], json!([]));
}

#[test]
fn perm1_a_deny_holds_on_every_sharing_list_for_owner_and_sharee_users() {
    let world = World::new();
    let owner = world.owner();
    let snapshot = world.snapshot();
    let share = share(&owner, &[&snapshot], &[SHAREE], true);
    accept(&world.sharee(), &share);
    let denied = json!([
        {"Effect": "Allow", "Action": ["*"], "Resource": ["*"]},
        {"Effect": "Deny", "Action": ["resourcesharing:List*"], "Resource": ["*"]},
    ]);
    let allowed = json!([{"Effect": "Allow", "Action": ["*"], "Resource": ["*"]}]);
    let owner_denied =
        world
            .server
            .client(&user(&world.server, DEFAULT_ACCOUNT, "ops", denied.clone()));
    let owner_allowed =
        world
            .server
            .client(&user(&world.server, DEFAULT_ACCOUNT, "ok", allowed.clone()));
    let sharee_denied = world
        .server
        .client(&user(&world.server, SHAREE, "ops", denied));
    let sharee_allowed = world
        .server
        .client(&user(&world.server, SHAREE, "ok", allowed));
    // (operation, parameters, whether the owner's users list it)
    type Listing<'a> = (&'a str, &'a [(&'a str, &'a str)], bool);
    let lists: [Listing<'_>; 6] = [
        ("ListResourceShares", &[("ResourceOwner", "Self")], true),
        (
            "ListResourceShareAssociations",
            &[("AssociationType", "Resource")],
            true,
        ),
        ("ListSharedResources", &[("ResourceOwner", "Self")], true),
        (
            "ListResourceShares",
            &[("ResourceOwner", "OtherAccounts")],
            false,
        ),
        ("ListResourceShareInvitations", &[], false),
        (
            "ListSharedResources",
            &[("ResourceOwner", "OtherAccounts")],
            false,
        ),
    ];
    for (action, params, owners) in lists {
        let (denied, allowed) = if owners {
            (&owner_denied, &owner_allowed)
        } else {
            (&sharee_denied, &sharee_allowed)
        };
        // Past the end too: an empty page must not answer what a count would.
        let mut paged = params.to_vec();
        paged.push(("MaxResults", "5"));
        for asked in [params.to_vec(), paged] {
            let answer = rs(denied, action, &asked);
            answer.assert_error(403, "Forbidden.RAM");
            assert!(answer.text.contains("PERM-1"), "{action}: {answer:?}");
            let shown = rs_ok(allowed, action, &asked);
            assert!(shown.to_string().contains(&share), "{action}: {shown}");
        }
    }
}
