//! The Resource Sharing API 2020-01-10 through the real server: each
//! operation accepted and refused with the provider's code, refusals that
//! change nothing, and what a sharee sees and does through ECS. Test names
//! carry the rule ids.

mod common;

use common::{
    Answer, Client, DEFAULT_ACCOUNT, REGION, SHARING_VERSION, Server, create_disk, create_snapshot,
    id,
};
use serde_json::{Value, json};

const SHAREE: &str = "2000000000000002";
const THIRD: &str = "2000000000000003";

fn rs(client: &Client<'_>, action: &str, params: &[(&str, &str)]) -> Answer {
    client.call_version(SHARING_VERSION, action, params)
}

#[track_caller]
fn rs_ok(client: &Client<'_>, action: &str, params: &[(&str, &str)]) -> Value {
    client.ok_version(SHARING_VERSION, action, params)
}

/// Asserts that `answer` is the refusal (`status`, `code`), naming `rule`,
/// and that the server's state is still `before`.
#[track_caller]
fn refused(server: &Server, before: &Value, answer: &Answer, status: u16, code: &str, rule: &str) {
    answer.assert_error(status, code);
    let message = answer.json["Message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with(&format!("{rule}: ")),
        "the message does not start with {rule}: {message}"
    );
    assert_eq!(&server.state(), before, "a refused request changes nothing");
}

/// Creates a share of `snapshots` with `targets`; returns its id.
#[track_caller]
fn share(client: &Client<'_>, snapshots: &[&str], targets: &[&str], external: bool) -> String {
    let mut params: Vec<(String, String)> = vec![
        ("ResourceShareName".into(), "test-share".into()),
        ("AllowExternalTargets".into(), external.to_string()),
    ];
    for (n, snapshot) in snapshots.iter().enumerate() {
        params.push((
            format!("Resources.{}.ResourceId", n + 1),
            (*snapshot).into(),
        ));
        params.push((
            format!("Resources.{}.ResourceType", n + 1),
            "Snapshot".into(),
        ));
    }
    for (n, target) in targets.iter().enumerate() {
        params.push((format!("Targets.{}", n + 1), (*target).into()));
    }
    let params: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let body = rs_ok(client, "CreateResourceShare", &params);
    id(&body["ResourceShare"], "ResourceShareId")
}

/// The invitations the caller holds.
fn invitations(client: &Client<'_>) -> Vec<Value> {
    let body = rs_ok(client, "ListResourceShareInvitations", &[]);
    body["ResourceShareInvitations"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// Accepts the invitation to `share`; returns the invitation id.
#[track_caller]
fn accept(client: &Client<'_>, share: &str) -> String {
    let invitation = invitations(client)
        .into_iter()
        .find(|i| i["ResourceShareId"] == share)
        .unwrap_or_else(|| panic!("no invitation to {share}"));
    let invitation = id(&invitation, "ResourceShareInvitationId");
    let body = rs_ok(
        client,
        "AcceptResourceShareInvitation",
        &[("ResourceShareInvitationId", &invitation)],
    );
    assert_eq!(body["ResourceShareInvitation"]["Status"], "Accepted");
    invitation
}

/// The ids `DescribeSnapshots` lists for the caller in the region.
fn described(client: &Client<'_>) -> Vec<String> {
    let body = client.ok(
        "DescribeSnapshots",
        &[("RegionId", REGION), ("PageSize", "100")],
    );
    body["Snapshots"]["Snapshot"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|s| s["SnapshotId"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// A server, the owner's client and snapshot, and a sharee's client.
struct World {
    server: Server,
}

impl World {
    fn new() -> Self {
        let server = Server::in_memory();
        server.new_account(SHAREE);
        Self { server }
    }

    fn owner(&self) -> Client<'_> {
        self.server.default_client()
    }

    fn sharee(&self) -> Client<'_> {
        self.server.client(&self.server.root_key(SHAREE))
    }

    fn snapshot(&self) -> String {
        let owner = self.owner();
        let disk = create_disk(&owner);
        create_snapshot(&owner, &disk)
    }
}

#[test]
fn create_resource_share_answers_the_share_and_maps_allow_external_targets_to_share4_scope() {
    let world = World::new();
    let owner = world.owner();
    let snapshot = world.snapshot();
    let body = rs_ok(
        &owner,
        "CreateResourceShare",
        &[
            ("ResourceShareName", "ops.backups_1"),
            ("Resources.1.ResourceId", &snapshot),
            ("Resources.1.ResourceType", "Snapshot"),
            ("Targets.1", SHAREE),
            ("AllowExternalTargets", "true"),
        ],
    );
    let created = &body["ResourceShare"];
    let share = id(created, "ResourceShareId");
    assert!(share.starts_with("rs-"), "{share}");
    assert_eq!(created["ResourceShareName"], "ops.backups_1");
    assert_eq!(created["ResourceShareOwner"], DEFAULT_ACCOUNT);
    assert_eq!(created["ResourceShareStatus"], "Active");
    assert_eq!(created["AllowExternalTargets"], true);
    assert!(
        created["CreateTime"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z'))
    );
    let state = world.server.state();
    assert!(
        state.to_string().contains("all_accounts"),
        "AllowExternalTargets=true is the all-accounts scope"
    );

    // Without AllowExternalTargets the share is scoped to the owner's
    // resource directory (the provider's default), which the sharee is
    // not in: SHARE-4.
    let before = world.server.state();
    let refusal = rs(
        &owner,
        "CreateResourceShare",
        &[
            ("ResourceShareName", "in-directory"),
            ("Resources.1.ResourceId", &snapshot),
            ("Resources.1.ResourceType", "Snapshot"),
            ("Targets.1", SHAREE),
        ],
    );
    refused(
        &world.server,
        &before,
        &refusal,
        400,
        "InvalidTarget",
        "SHARE-4",
    );

    // Sharing with oneself.
    let refusal = rs(
        &owner,
        "CreateResourceShare",
        &[
            ("ResourceShareName", "self"),
            ("Targets.1", DEFAULT_ACCOUNT),
            ("AllowExternalTargets", "true"),
        ],
    );
    refused(
        &world.server,
        &before,
        &refusal,
        409,
        "ShareWithYourself",
        "SHARE-4",
    );
}

#[test]
fn a_request_names_at_most_five_targets_and_five_resources() {
    let world = World::new();
    let owner = world.owner();
    let before = world.server.state();
    let six_targets: Vec<(String, String)> = (1..=6)
        .map(|n| (format!("Targets.{n}"), format!("200000000000001{n}")))
        .collect();
    let mut params: Vec<(&str, &str)> = six_targets
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    params.push(("ResourceShareName", "six"));
    let answer = rs(&owner, "CreateResourceShare", &params);
    answer.assert_error(400, "InvalidParameter.Targets.Length");
    let six_resources: Vec<(String, String)> = (1..=6)
        .flat_map(|n| {
            [
                (format!("Resources.{n}.ResourceId"), format!("s-{n}")),
                (format!("Resources.{n}.ResourceType"), "Snapshot".to_owned()),
            ]
        })
        .collect();
    let mut params: Vec<(&str, &str)> = six_resources
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    params.push(("ResourceShareName", "six"));
    let answer = rs(&owner, "CreateResourceShare", &params);
    answer.assert_error(400, "InvalidParameter.Resources.Length");
    // A resource type other than snapshots, an unpaired resource, a bad name.
    for params in [
        vec![
            ("ResourceShareName", "x"),
            ("Resources.1.ResourceId", "vsw-1"),
            ("Resources.1.ResourceType", "VSwitch"),
        ],
        vec![
            ("ResourceShareName", "x"),
            ("Resources.1.ResourceId", "s-1"),
        ],
        vec![("ResourceShareName", "no spaces")],
    ] {
        let answer = rs(&owner, "CreateResourceShare", &params);
        assert_eq!(answer.status, 400, "{params:?}: {answer:?}");
    }
    rs(&owner, "CreateResourceShare", &[]).assert_error(400, "MissingParameter");
    assert_eq!(world.server.state(), before);
}

#[test]
fn share1_the_65th_principal_of_a_snapshot_is_refused_across_shares() {
    let world = World::new();
    let owner = world.owner();
    let snapshot = world.snapshot();
    // 64 accounts besides the owner: the sharee and 63 more.
    let mut accounts = vec![SHAREE.to_owned()];
    for n in 0..64 {
        let account = format!("30000000000{n:05}");
        world.server.new_account(&account);
        accounts.push(account);
    }
    let first = share(&owner, &[&snapshot], &[], true);
    let second = share(&owner, &[&snapshot], &[], true);
    // 32 principals in each share, five a call.
    for (share, group) in [(&first, &accounts[..32]), (&second, &accounts[32..64])] {
        for chunk in group.chunks(5) {
            let targets: Vec<(String, String)> = chunk
                .iter()
                .enumerate()
                .map(|(n, a)| (format!("Targets.{}", n + 1), a.clone()))
                .collect();
            let mut params: Vec<(&str, &str)> = targets
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            params.push(("ResourceShareId", share));
            rs_ok(&owner, "AssociateResourceShare", &params);
        }
    }
    let before = world.server.state();
    let answer = rs(
        &owner,
        "AssociateResourceShare",
        &[("ResourceShareId", &first), ("Targets.1", &accounts[64])],
    );
    refused(
        &world.server,
        &before,
        &answer,
        409,
        "QuotaExceeded.SharedTarget.Count",
        "SHARE-1",
    );
    // A principal already there adds nothing, so it is not the 65th.
    rs_ok(
        &owner,
        "AssociateResourceShare",
        &[("ResourceShareId", &first), ("Targets.1", &accounts[40])],
    );
}

#[test]
fn share3_an_international_account_is_refused_as_a_site_mismatch() {
    let world = World::new();
    let owner = world.owner();
    let snapshot = world.snapshot();
    world.server.post(
        "/accounts",
        json!({ "account_id": THIRD, "site": "international" }),
    );
    let share = share(&owner, &[&snapshot], &[SHAREE], true);
    let before = world.server.state();
    let answer = rs(
        &owner,
        "AssociateResourceShare",
        &[("ResourceShareId", &share), ("Targets.1", THIRD)],
    );
    refused(
        &world.server,
        &before,
        &answer,
        409,
        "InvalidTarget.SiteMismatch",
        "SHARE-3",
    );
    let answer = rs(
        &owner,
        "CreateResourceShare",
        &[
            ("ResourceShareName", "abroad"),
            ("Targets.1", THIRD),
            ("AllowExternalTargets", "true"),
        ],
    );
    refused(
        &world.server,
        &before,
        &answer,
        409,
        "InvalidTarget.SiteMismatch",
        "SHARE-3",
    );
}

#[test]
fn share5_a_snapshot_encrypted_with_the_service_key_is_not_shareable() {
    let world = World::new();
    let owner = world.owner();
    world
        .server
        .post(&format!("/accounts/{DEFAULT_ACCOUNT}/kms"), json!({}));
    let disk = id(
        &owner.ok(
            "CreateDisk",
            &[
                ("RegionId", REGION),
                ("ZoneId", "cn-hangzhou-b"),
                ("DiskCategory", "cloud_essd"),
                ("Size", "20"),
                ("Encrypted", "true"),
            ],
        ),
        "DiskId",
    );
    let snapshot = create_snapshot(&owner, &disk);
    let before = world.server.state();
    let answer = rs(
        &owner,
        "CreateResourceShare",
        &[
            ("ResourceShareName", "sk"),
            ("Resources.1.ResourceId", &snapshot),
            ("Resources.1.ResourceType", "Snapshot"),
            ("Targets.1", SHAREE),
            ("AllowExternalTargets", "true"),
        ],
    );
    refused(
        &world.server,
        &before,
        &answer,
        400,
        "InvalidParameter.Resources",
        "SHARE-5",
    );
    // An unknown snapshot is answered as a resource that cannot be shared.
    let answer = rs(
        &owner,
        "CreateResourceShare",
        &[
            ("ResourceShareName", "none"),
            ("Resources.1.ResourceId", "s-doesnotexist"),
            ("Resources.1.ResourceType", "Snapshot"),
        ],
    );
    refused(
        &world.server,
        &before,
        &answer,
        400,
        "InvalidParameter.Resources",
        "GEN-4",
    );
}

/// A snapshot of the owner encrypted with its customer master key.
fn encrypted_snapshot(world: &World) -> String {
    let owner = world.owner();
    world
        .server
        .post(&format!("/accounts/{DEFAULT_ACCOUNT}/kms"), json!({}));
    let key = world.server.post(
        &format!("/accounts/{DEFAULT_ACCOUNT}/keys"),
        json!({ "region_id": REGION }),
    )["key_id"]
        .as_str()
        .expect("a key id")
        .to_owned();
    let disk = id(
        &owner.ok(
            "CreateDisk",
            &[
                ("RegionId", REGION),
                ("ZoneId", "cn-hangzhou-b"),
                ("DiskCategory", "cloud_essd"),
                ("Size", "20"),
                ("Encrypted", "true"),
                ("KMSKeyId", &key),
            ],
        ),
        "DiskId",
    );
    create_snapshot(&owner, &disk)
}

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
fn associate_and_disassociate_answer_the_associations() {
    let world = World::new();
    let owner = world.owner();
    world.server.new_account(THIRD);
    let snapshot = world.snapshot();
    let other = world.snapshot();
    let share = share(&owner, &[&snapshot], &[SHAREE], true);
    let body = rs_ok(
        &owner,
        "AssociateResourceShare",
        &[
            ("ResourceShareId", &share),
            ("Resources.1.ResourceId", &other),
            ("Resources.1.ResourceType", "Snapshot"),
            ("Targets.1", THIRD),
        ],
    );
    let associations = body["ResourceShareAssociations"]
        .as_array()
        .expect("associations");
    assert_eq!(associations.len(), 2, "{body}");
    assert_eq!(associations[0]["AssociationType"], "Resource");
    assert_eq!(associations[0]["EntityType"], "Snapshot");
    assert_eq!(associations[1]["AssociationType"], "Target");
    assert_eq!(associations[1]["EntityType"], "Account");
    assert_eq!(associations[1]["External"], true);
    assert_eq!(associations[1]["AssociationStatus"], "Associated");

    let targets = rs_ok(
        &owner,
        "ListResourceShareAssociations",
        &[
            ("AssociationType", "Target"),
            ("ResourceShareIds.1", &share),
        ],
    );
    let ids: Vec<&str> = targets["ResourceShareAssociations"]
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|a| a["EntityId"].as_str())
        .collect();
    assert_eq!(ids, [SHAREE, THIRD]);
    let resources = rs_ok(
        &owner,
        "ListResourceShareAssociations",
        &[("AssociationType", "Resource"), ("ResourceId", &other)],
    );
    assert_eq!(
        resources["ResourceShareAssociations"][0]["EntityId"],
        other.as_str()
    );

    let before = world.server.state();
    let answer = rs(
        &owner,
        "DisassociateResourceShare",
        &[
            ("ResourceShareId", &share),
            ("Targets.1", "2999999999999999"),
        ],
    );
    refused(
        &world.server,
        &before,
        &answer,
        400,
        "DisassociateInvalid",
        "GEN-4",
    );
    let answer = rs(
        &owner,
        "AssociateResourceShare",
        &[
            ("ResourceShareId", &share),
            ("Targets.1", "2999999999999999"),
        ],
    );
    refused(
        &world.server,
        &before,
        &answer,
        400,
        "InvalidTarget",
        "GEN-4",
    );
    for (params, code) in [
        (
            vec![("AssociationType", "Principal")],
            "InvalidParameter.AssociationType",
        ),
        (
            vec![
                ("AssociationType", "Target"),
                ("ResourceId", other.as_str()),
            ],
            "ConflictedAssociationType",
        ),
        (
            vec![("AssociationType", "Resource"), ("Target", SHAREE)],
            "ConflictedAssociationType",
        ),
        (
            vec![
                ("AssociationType", "Resource"),
                ("AssociationStatus", "Gone"),
            ],
            "InvalidParameter.AssociationStatus",
        ),
    ] {
        rs(&owner, "ListResourceShareAssociations", &params).assert_error(400, code);
    }
    rs(&owner, "ListResourceShareAssociations", &[]).assert_error(400, "MissingParameter");
}

#[test]
fn listings_page_with_max_results_and_next_token() {
    let world = World::new();
    let owner = world.owner();
    let sharee = world.sharee();
    let snapshot = world.snapshot();
    let shares: Vec<String> = (0..3)
        .map(|_| share(&owner, &[&snapshot], &[SHAREE], true))
        .collect();
    let mut seen = Vec::new();
    let mut token = String::new();
    loop {
        let mut params = vec![("ResourceOwner", "Self"), ("MaxResults", "2")];
        if !token.is_empty() {
            params.push(("NextToken", &token));
        }
        let page = rs_ok(&owner, "ListResourceShares", &params);
        for share in page["ResourceShares"].as_array().expect("a list") {
            seen.push(id(share, "ResourceShareId"));
        }
        match page["NextToken"].as_str() {
            Some(next) if !next.is_empty() => token = next.to_owned(),
            _ => break,
        }
    }
    assert_eq!(seen, shares);
    let theirs = rs_ok(
        &sharee,
        "ListResourceShares",
        &[("ResourceOwner", "OtherAccounts")],
    );
    assert_eq!(theirs["ResourceShares"].as_array().map(Vec::len), Some(3));
    let mine = rs_ok(
        &owner,
        "ListSharedResources",
        &[("ResourceOwner", "Self"), ("Target", SHAREE)],
    );
    assert_eq!(mine["SharedResources"].as_array().map(Vec::len), Some(3));
    assert!(mine["SharedResources"][0].get("ResourceStatus").is_none());
    let none = rs_ok(
        &owner,
        "ListSharedResources",
        &[("ResourceOwner", "Self"), ("ResourceType", "VSwitch")],
    );
    assert_eq!(none["SharedResources"], json!([]));

    for (params, code) in [
        (
            vec![("ResourceOwner", "Self"), ("MaxResults", "101")],
            "InvalidParameter.MaxResults",
        ),
        (
            vec![("ResourceOwner", "Self"), ("MaxResults", "0")],
            "InvalidParameter.MaxResults",
        ),
        (
            vec![("ResourceOwner", "Self"), ("NextToken", "99")],
            "InvalidParameter.NextToken",
        ),
        (
            vec![("ResourceOwner", "Self"), ("NextToken", "x")],
            "InvalidParameter.NextToken",
        ),
        (vec![("ResourceOwner", "Everyone")], "InvalidParameter"),
        (vec![], "MissingParameter"),
    ] {
        rs(&owner, "ListResourceShares", &params).assert_error(400, code);
        rs(&owner, "ListSharedResources", &params).assert_error(400, code);
    }
    rs(
        &sharee,
        "ListResourceShareInvitations",
        &[("MaxResults", "500")],
    )
    .assert_error(400, "InvalidParameter.MaxResults");
}

#[test]
fn share8_a_folder_reaches_its_members_while_they_are_members() {
    let world = World::new();
    let owner = world.owner();
    let sharee = world.sharee();
    let snapshot = world.snapshot();
    let directory = world
        .server
        .post(&format!("/accounts/{DEFAULT_ACCOUNT}/directory"), json!({}));
    assert!(
        directory["directory_id"]
            .as_str()
            .is_some_and(|d| d.starts_with("rd-"))
    );
    let folder = world
        .server
        .post(&format!("/accounts/{DEFAULT_ACCOUNT}/folders"), json!({}))["folder_id"]
        .as_str()
        .expect("a folder id")
        .to_owned();
    world.server.post(
        &format!("/accounts/{DEFAULT_ACCOUNT}/members"),
        json!({ "account_id": SHAREE, "folder_id": folder }),
    );
    // Directory-scoped (no AllowExternalTargets): a folder of the owner's
    // directory may be named.
    let share = share(&owner, &[&snapshot], &[&folder], false);
    let association = rs_ok(
        &owner,
        "ListResourceShareAssociations",
        &[
            ("AssociationType", "Target"),
            ("ResourceShareIds.1", &share),
        ],
    );
    assert_eq!(
        association["ResourceShareAssociations"][0]["EntityType"],
        "Folder"
    );
    assert_eq!(
        association["ResourceShareAssociations"][0]["External"],
        false
    );
    accept(&sharee, &share);
    assert!(described(&sharee).contains(&snapshot));

    // Joining twice is refused; leaving ends the reach.
    let twice = world.server.admin(
        "POST",
        &format!("/accounts/{DEFAULT_ACCOUNT}/members"),
        Some(&json!({ "account_id": SHAREE })),
    );
    twice.assert_error(409, "InvalidAccount.AlreadyInResourceDirectory");
    let left = world.server.admin(
        "DELETE",
        &format!("/accounts/{DEFAULT_ACCOUNT}/members/{SHAREE}"),
        None,
    );
    assert_eq!(left.status, 200, "{left:?}");
    assert!(!described(&sharee).contains(&snapshot), "SHARE-8");
    assert!(invitations(&sharee).is_empty());
    let management = world.server.admin(
        "DELETE",
        &format!("/accounts/{DEFAULT_ACCOUNT}/members/{DEFAULT_ACCOUNT}"),
        None,
    );
    management.assert_error(409, "InvalidOperation.ManagementAccountCannotLeave");
}

/// A RAM user of `account` with these statements; its client's key.
fn user(server: &Server, account: &str, name: &str, statements: Value) -> common::Key {
    let created = server.post(
        &format!("/accounts/{account}/users"),
        json!({ "user_name": name, "policy": { "Version": "1", "Statement": statements } }),
    );
    common::Key {
        id: id(&created, "access_key_id"),
        secret: id(&created, "access_key_secret"),
    }
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
fn shares_their_names_and_invitations_survive_a_restart() {
    let dir = common::TempDir::new("sharing-restart");
    let listings = |server: &Server| {
        let owner = server.default_client();
        let sharee = server.client(&server.root_key(SHAREE));
        let mut seen = Vec::new();
        for (client, action, params) in [
            (
                &owner,
                "ListResourceShares",
                vec![("ResourceOwner", "Self")],
            ),
            (
                &owner,
                "ListResourceShareAssociations",
                vec![("AssociationType", "Target")],
            ),
            (
                &owner,
                "ListSharedResources",
                vec![("ResourceOwner", "Self")],
            ),
            (&sharee, "ListResourceShareInvitations", vec![]),
            (
                &sharee,
                "ListSharedResources",
                vec![("ResourceOwner", "OtherAccounts")],
            ),
        ] {
            let mut body = rs_ok(client, action, &params);
            if let Some(fields) = body.as_object_mut() {
                fields.remove("RequestId");
            }
            seen.push(body);
        }
        seen
    };
    let before = {
        let server = Server::on(dir.path());
        server.new_account(SHAREE);
        let owner = server.default_client();
        let snapshot = create_snapshot(&owner, &create_disk(&owner));
        let share = share(&owner, &[&snapshot], &[SHAREE], true);
        accept(&server.client(&server.root_key(SHAREE)), &share);
        let before = listings(&server);
        server.kill();
        before
    };
    let server = Server::on(dir.path());
    assert_eq!(listings(&server), before);
    assert_eq!(
        before[0]["ResourceShares"][0]["ResourceShareName"],
        "test-share"
    );
}
