//! Who may do what: another account's objects are answered as missing
//! ones, RAM users need the `hbr:` actions, and what was accepted survives
//! a restart.

use serde_json::{Value, json};

use super::common::{self, Server};
use super::{Hbr, hbr, point};

#[test]
fn perm_4_another_accounts_objects_are_answered_as_missing_ones() {
    let server = Server::in_memory();
    let owner = hbr(&server);
    let vault = owner.vault(true);
    let policy = owner.policy(&vault, "STANDARD", false, None);
    let locked = point(&server, &vault, json!({"retention_days": 30}));
    let key = server.new_account("1000000000000002");
    let stranger = Hbr {
        client: server.client(&key),
    };
    let compare = |action: &str, theirs: &[(&str, &str)], missing: &[(&str, &str)], code: &str| {
        let a = stranger.refused(action, theirs, 404, code, "GEN-4");
        let b = stranger.refused(action, missing, 404, code, "GEN-4");
        let strip = |answer: &common::Answer| {
            let mut message = answer.json["Message"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            for id in [
                &vault,
                &policy,
                &locked,
                "v-nothing",
                "s-nothing",
                "po-nothing",
            ] {
                message = message.replace(id, "ID");
            }
            message
        };
        assert_eq!(strip(&a), strip(&b), "{action}");
    };
    compare(
        "UpdateVault",
        &[("VaultId", &vault), ("WormEnabled", "true")],
        &[("VaultId", "v-nothing"), ("WormEnabled", "true")],
        "VaultNotExist",
    );
    compare(
        "DeleteVault",
        &[("VaultId", &vault)],
        &[("VaultId", "v-nothing")],
        "VaultNotExist",
    );
    compare(
        "DeleteSnapshot",
        &[("SnapshotId", &locked)],
        &[("SnapshotId", "s-nothing")],
        "ResourceNotFound",
    );
    compare(
        "CreateRestoreJob",
        &[("RestoreType", "ECS_FILE"), ("SnapshotId", &locked)],
        &[("RestoreType", "ECS_FILE"), ("SnapshotId", "s-nothing")],
        "ResourceNotFound",
    );
    compare(
        "UpdatePolicyV2",
        &[("PolicyId", &policy)],
        &[("PolicyId", "po-nothing")],
        "ResourceNotFound",
    );
    let rules = |id: &str| json!([{"RuleType": "BACKUP", "VaultId": id}]).to_string();
    let (theirs, missing) = (rules(&vault), rules("v-nothing"));
    compare(
        "CreatePolicyV2",
        &[("Rules", &theirs)],
        &[("Rules", &missing)],
        "VaultNotExist",
    );
    let query = |id: &str| {
        json!([{"field": "VaultId", "value": id, "operation": "MATCH_TERM"}]).to_string()
    };
    let (theirs, missing) = (query(&vault), query("v-nothing"));
    compare(
        "SearchHistoricalSnapshots",
        &[("SourceType", "ECS_FILE"), ("Query", &theirs)],
        &[("SourceType", "ECS_FILE"), ("Query", &missing)],
        "VaultNotExist",
    );
    compare(
        "CreateReplicationVault",
        &[
            ("ReplicationSourceRegionId", common::REGION),
            ("ReplicationSourceVaultId", &vault),
            ("VaultRegionId", "cn-shanghai"),
            ("VaultName", "r"),
        ],
        &[
            ("ReplicationSourceRegionId", common::REGION),
            ("ReplicationSourceVaultId", "v-nothing"),
            ("VaultRegionId", "cn-shanghai"),
            ("VaultName", "r"),
        ],
        "VaultNotExist",
    );
    // Describing shows only one's own.
    assert_eq!(
        stranger.ok("DescribeVaults", &[("VaultId", &vault)])["TotalCount"],
        json!(0)
    );
    assert_eq!(
        stranger.ok("DescribePoliciesV2", &[("PolicyId", &policy)])["TotalCount"],
        json!(0)
    );
}

#[test]
fn perm_1_a_ram_user_needs_the_hbr_actions() {
    let server = Server::in_memory();
    let owner = hbr(&server);
    let vault = owner.vault(false);
    let user = server.post(
        &format!("/accounts/{}/users", common::DEFAULT_ACCOUNT),
        json!({"user_name": "ops", "policy": {"Version": "1", "Statement": [
            {"Effect": "Allow", "Action": ["hbr:CreateVault"], "Resource": ["*"]}
        ]}}),
    );
    let ops = Hbr {
        client: server.client(&common::Key {
            id: common::id(&user, "access_key_id"),
            secret: common::id(&user, "access_key_secret"),
        }),
    };
    ops.vault(false);
    ops.refused(
        "UpdateVault",
        &[("VaultId", &vault), ("WormEnabled", "true")],
        403,
        "NoPermission",
        "PERM-1",
    );
    ops.refused(
        "DeleteVault",
        &[("VaultId", &vault)],
        403,
        "NoPermission",
        "PERM-1",
    );
}

#[test]
fn vault_3_vault_5_immutability_and_names_survive_a_restart() {
    let dir = common::TempDir::new("backup-restart");
    let (vault, locked) = {
        let server = Server::on(dir.path());
        let hbr = hbr(&server);
        let vault = hbr.vault(true);
        hbr.ok(
            "UpdateVault",
            &[("VaultId", &vault), ("Description", "kept")],
        );
        let locked = point(&server, &vault, json!({"retention_days": 30}));
        server.kill();
        (vault, locked)
    };
    let server = Server::on(dir.path());
    let hbr = hbr(&server);
    let described = hbr.described(&vault);
    assert_eq!(described["WormEnabled"], json!(true));
    assert_eq!(described["Description"], json!("kept"));
    assert_eq!(hbr.points(&vault), vec![locked.clone()]);
    hbr.refused(
        "DeleteSnapshot",
        &[("SnapshotId", &locked)],
        403,
        "SnapshotLocked",
        "VAULT-5",
    );
    hbr.refused(
        "UpdateVault",
        &[("VaultId", &vault), ("WormEnabled", "false")],
        403,
        "WormCannotBeDisabled",
        "VAULT-3",
    );
}

#[test]
fn perm_1_a_denied_user_changes_no_name_description_or_retention_of_a_vault_or_policy() {
    let server = Server::in_memory();
    let owner = hbr(&server);
    let vault = owner.vault(false);
    let policy = owner.policy(&vault, "UDM_ECS_ONLY", true, Some(3650));
    let user = server.post(
        &format!("/accounts/{}/users", common::DEFAULT_ACCOUNT),
        json!({"user_name": "intruder", "policy": {"Version": "1", "Statement": [
            {"Effect": "Allow", "Action": ["*"], "Resource": ["*"]},
            {"Effect": "Deny", "Action": ["hbr:UpdateVault", "hbr:UpdateBackupPlan"], "Resource": ["*"]}
        ]}}),
    );
    let intruder = Hbr {
        client: server.client(&common::Key {
            id: common::id(&user, "access_key_id"),
            secret: common::id(&user, "access_key_secret"),
        }),
    };
    let vaults = owner.ok("DescribeVaults", &[]);
    let policies = owner.ok("DescribePoliciesV2", &[("PolicyId", &policy)]);
    intruder.refused(
        "UpdateVault",
        &[("VaultId", &vault), ("VaultName", "renamed")],
        403,
        "NoPermission",
        "PERM-1",
    );
    intruder.refused(
        "UpdateVault",
        &[("VaultId", &vault), ("Description", "changed")],
        403,
        "NoPermission",
        "PERM-1",
    );
    let shorter = json!([{"RuleType": "TRANSITION", "Retention": 1}]).to_string();
    intruder.refused(
        "UpdatePolicyV2",
        &[("PolicyId", &policy), ("Rules", &shorter)],
        403,
        "NoPermission",
        "PERM-1",
    );
    intruder.refused(
        "UpdatePolicyV2",
        &[("PolicyId", &policy), ("PolicyName", "renamed")],
        403,
        "NoPermission",
        "PERM-1",
    );
    let strip = |mut body: Value| {
        body.as_object_mut().map(|map| map.remove("RequestId"));
        body
    };
    assert_eq!(strip(owner.ok("DescribeVaults", &[])), strip(vaults));
    assert_eq!(
        strip(owner.ok("DescribePoliciesV2", &[("PolicyId", &policy)])),
        strip(policies)
    );
    // The owner's root still may.
    owner.ok(
        "UpdateVault",
        &[("VaultId", &vault), ("VaultName", "renamed")],
    );
}
