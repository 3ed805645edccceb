//! What the Resource Sharing tests share: calls at version 2020-01-10,
//! refusals that change nothing, shares, invitations, and a world of an
//! owner and a sharee.
#![allow(dead_code)]

use serde_json::{Value, json};

use crate::common::{
    Answer, Client, DEFAULT_ACCOUNT, Key, REGION, SHARING_VERSION, Server, create_disk,
    create_snapshot, id,
};

pub const SHAREE: &str = "2000000000000002";
pub const THIRD: &str = "2000000000000003";

pub fn rs(client: &Client<'_>, action: &str, params: &[(&str, &str)]) -> Answer {
    client.call_version(SHARING_VERSION, action, params)
}

#[track_caller]
pub fn rs_ok(client: &Client<'_>, action: &str, params: &[(&str, &str)]) -> Value {
    client.ok_version(SHARING_VERSION, action, params)
}

/// Asserts that `answer` is the refusal (`status`, `code`), naming `rule`,
/// and that the server's state is still `before`.
#[track_caller]
pub fn refused(
    server: &Server,
    before: &Value,
    answer: &Answer,
    status: u16,
    code: &str,
    rule: &str,
) {
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
pub fn share(client: &Client<'_>, snapshots: &[&str], targets: &[&str], external: bool) -> String {
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
pub fn invitations(client: &Client<'_>) -> Vec<Value> {
    let body = rs_ok(client, "ListResourceShareInvitations", &[]);
    body["ResourceShareInvitations"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// Accepts the invitation to `share`; returns the invitation id.
#[track_caller]
pub fn accept(client: &Client<'_>, share: &str) -> String {
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
pub fn described(client: &Client<'_>) -> Vec<String> {
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
pub struct World {
    pub server: Server,
}

impl World {
    pub fn new() -> Self {
        let server = Server::in_memory();
        server.new_account(SHAREE);
        Self { server }
    }

    pub fn owner(&self) -> Client<'_> {
        self.server.default_client()
    }

    pub fn sharee(&self) -> Client<'_> {
        self.server.client(&self.server.root_key(SHAREE))
    }

    pub fn snapshot(&self) -> String {
        let owner = self.owner();
        let disk = create_disk(&owner);
        create_snapshot(&owner, &disk)
    }
}

/// A snapshot of the owner encrypted with its customer master key.
pub fn encrypted_snapshot(world: &World) -> String {
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

/// A RAM user of `account` with these statements; its client's key.
pub fn user(server: &Server, account: &str, name: &str, statements: Value) -> Key {
    let created = server.post(
        &format!("/accounts/{account}/users"),
        json!({ "user_name": name, "policy": { "Version": "1", "Statement": statements } }),
    );
    Key {
        id: id(&created, "access_key_id"),
        secret: id(&created, "access_key_secret"),
    }
}
