//! The Resource Sharing API 2020-01-10 through the real server, from the
//! sharer's side: each operation accepted and refused with the provider's
//! code, refusals that change nothing, principals, scopes, listings, and
//! what survives a restart. Test names carry the rule ids.

use crate::common;
use crate::sharing_support;

use common::{DEFAULT_ACCOUNT, REGION, Server, create_disk, create_snapshot, id};
use serde_json::json;
use sharing_support::*;

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

#[test]
fn gen4_another_accounts_directory_or_folder_is_answered_as_one_that_does_not_exist() {
    let world = World::new();
    let owner = world.owner();
    let snapshot = world.snapshot();
    let theirs = world
        .server
        .post(&format!("/accounts/{SHAREE}/directory"), json!({}))["directory_id"]
        .as_str()
        .expect("a directory id")
        .to_owned();
    let their_folder = world
        .server
        .post(&format!("/accounts/{SHAREE}/folders"), json!({}))["folder_id"]
        .as_str()
        .expect("a folder id")
        .to_owned();
    let before = world.server.state();
    for (real, made_up) in [
        (theirs.as_str(), "rd-doesnotexist000000"),
        (their_folder.as_str(), "fd-doesnotexist000000"),
    ] {
        let answers: Vec<(u16, String, String)> = [real, made_up]
            .iter()
            .map(|target| {
                let answer = rs(
                    &owner,
                    "CreateResourceShare",
                    &[
                        ("ResourceShareName", "probe"),
                        ("Resources.1.ResourceId", &snapshot),
                        ("Resources.1.ResourceType", "Snapshot"),
                        ("Targets.1", target),
                        ("AllowExternalTargets", "true"),
                    ],
                );
                let message = answer.json["Message"]
                    .as_str()
                    .unwrap_or_default()
                    .replace(target, "<id>");
                (answer.status, answer.code().to_owned(), message)
            })
            .collect();
        assert_eq!(
            answers[0], answers[1],
            "{real} is told apart from a made-up id"
        );
        assert!(answers[0].2.starts_with("GEN-4"), "{answers:?}");
    }
    assert_eq!(world.server.state(), before);
}

#[test]
fn perm4_another_accounts_share_is_answered_exactly_as_an_unknown_share() {
    let world = World::new();
    let owner = world.owner();
    let snapshot = world.snapshot();
    let theirs = share(&owner, &[&snapshot], &[SHAREE], true);
    let before = world.server.state();
    let sharee = world.sharee();
    let made_up = "rs-doesnotexist000000";
    for action in ["DeleteResourceShare", "AssociateResourceShare"] {
        let answers: Vec<(u16, String, String)> = [theirs.as_str(), made_up]
            .iter()
            .map(|id| {
                let answer = rs(&sharee, action, &[("ResourceShareId", id)]);
                let message = answer.json["Message"]
                    .as_str()
                    .unwrap_or_default()
                    .replace(id, "<id>");
                (answer.status, answer.code().to_owned(), message)
            })
            .collect();
        assert_eq!(answers[0], answers[1], "{action}: the share is told apart");
        assert_eq!(answers[0].1, "EntityNotExists.ResourceShare");
        assert!(answers[0].2.starts_with("GEN-4"), "{answers:?}");
    }
    assert_eq!(world.server.state(), before);
}
