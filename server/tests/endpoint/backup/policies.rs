//! Backup policies: CreatePolicyV2, UpdatePolicyV2, DescribePoliciesV2 and
//! their rules.

use serde_json::json;

use super::common::{self, Server};
use super::{hbr, point};

#[test]
fn vault_5_a_vault_holding_points_an_immutable_policy_locked_is_not_deleted() {
    let server = Server::in_memory();
    let hbr = hbr(&server);
    let vault = hbr.vault(false);
    let policy = hbr.policy(&vault, "STANDARD", true, Some(10));
    point(&server, &vault, json!({"policy_id": policy}));
    hbr.refused(
        "DeleteVault",
        &[("VaultId", &vault)],
        403,
        "CannotDeleteLockedVault",
        "VAULT-5",
    );
}

#[test]
fn vault_4_policies_lock_their_points_general_ones_also_the_existing() {
    let server = Server::in_memory();
    let hbr = hbr(&server);
    let vault = hbr.vault(false);
    let general = hbr.policy(&vault, "STANDARD", false, Some(30));
    let instance = hbr.policy(&vault, "UDM_ECS_ONLY", false, None);
    let by_general = point(&server, &vault, json!({"policy_id": general}));
    let by_instance = point(
        &server,
        &vault,
        json!({"policy_id": instance, "retention_days": 30}),
    );
    let security = json!([{"RuleType": "SECURITY", "Immutable": true}]).to_string();
    hbr.ok(
        "UpdatePolicyV2",
        &[("PolicyId", &general), ("Rules", &security)],
    );
    hbr.ok(
        "UpdatePolicyV2",
        &[("PolicyId", &instance), ("Rules", &security)],
    );
    hbr.refused(
        "DeleteSnapshot",
        &[("SnapshotId", &by_general)],
        403,
        "SnapshotLocked",
        "VAULT-5",
    );
    // An ECS instance policy locks only what it makes afterwards.
    let later = point(
        &server,
        &vault,
        json!({"policy_id": instance, "retention_days": 30}),
    );
    hbr.ok("DeleteSnapshot", &[("SnapshotId", &by_instance)]);
    hbr.refused(
        "DeleteSnapshot",
        &[("SnapshotId", &later)],
        403,
        "SnapshotLocked",
        "VAULT-5",
    );
}

#[test]
fn vault_3_an_immutable_policy_stays_immutable() {
    let server = Server::in_memory();
    let hbr = hbr(&server);
    let vault = hbr.vault(false);
    let policy = hbr.policy(&vault, "STANDARD", true, None);
    let off = json!([{"RuleType": "SECURITY", "Immutable": false}]).to_string();
    hbr.refused(
        "UpdatePolicyV2",
        &[("PolicyId", &policy), ("Rules", &off), ("PolicyName", "x")],
        403,
        "WormCannotBeDisabled",
        "VAULT-3",
    );
    hbr.refused(
        "UpdatePolicyV2",
        &[("PolicyId", "po-nothing"), ("Rules", &off)],
        404,
        "ResourceNotFound",
        "GEN-4",
    );
    // Rules without a SECURITY rule leave immutability as it is.
    let retention = json!([{"RuleType": "TRANSITION", "Retention": 5}]).to_string();
    hbr.ok(
        "UpdatePolicyV2",
        &[("PolicyId", &policy), ("Rules", &retention)],
    );
    let described = hbr.ok("DescribePoliciesV2", &[("PolicyId", &policy)]);
    let rules = described["Policies"][0]["Rules"].to_string();
    assert!(rules.contains(r#""Immutable":true"#), "{rules}");
    assert!(rules.contains(r#""Retention":5"#), "{rules}");
}

#[test]
fn vault_2_an_immutable_policy_needs_a_vault_that_supports_it() {
    let server = Server::in_memory();
    let hbr = hbr(&server);
    let ots = common::id(
        &hbr.ok(
            "CreateVault",
            &[
                ("VaultRegionId", common::REGION),
                ("VaultName", "ots"),
                ("VaultType", "OTS_BACKUP"),
            ],
        ),
        "VaultId",
    );
    let rules = json!([
        {"RuleType": "BACKUP", "VaultId": ots},
        {"RuleType": "SECURITY", "Immutable": true}
    ])
    .to_string();
    hbr.refused(
        "CreatePolicyV2",
        &[("Rules", &rules)],
        400,
        "WormNotSupported",
        "VAULT-2",
    );
    let missing = json!([{"RuleType": "BACKUP", "VaultId": "v-nothing"}]).to_string();
    hbr.refused(
        "CreatePolicyV2",
        &[("Rules", &missing)],
        404,
        "VaultNotExist",
        "GEN-4",
    );
    let plain = hbr.policy(&ots, "STANDARD", false, None);
    hbr.refused(
        "UpdatePolicyV2",
        &[
            ("PolicyId", &plain),
            (
                "Rules",
                &json!([{"RuleType": "SECURITY", "Immutable": true}]).to_string(),
            ),
        ],
        400,
        "WormNotSupported",
        "VAULT-2",
    );
}

#[test]
fn policy_rules_are_read_and_what_is_not_emulated_is_refused() {
    let server = Server::in_memory();
    let hbr = hbr(&server);
    let vault = hbr.vault(false);
    for (rules, code) in [
        ("not json", "InvalidParameter"),
        ("{}", "InvalidParameter"),
        (r#"[{"RuleType": "BACKUP"}]"#, "MissingParameter"),
        (
            r#"[{"RuleType": "REPLICATION", "ReplicationRegionId": "cn-shanghai"}]"#,
            "InvalidParameter",
        ),
        (
            r#"[{"RuleType": "TRANSITION", "Retention": 5}]"#,
            "InvalidParameter",
        ),
        (
            r#"[{"RuleType": "TRANSITION", "Retention": 0}]"#,
            "InvalidParameter",
        ),
        (
            r#"[{"RuleType": "TRANSITION", "Retention": 5, "ArchiveDays": 30}]"#,
            "InvalidParameter",
        ),
        (
            r#"[{"RuleType": "SECURITY", "Immutable": "maybe"}]"#,
            "InvalidParameter",
        ),
    ] {
        hbr.call("CreatePolicyV2", &[("Rules", rules)])
            .assert_error(400, code);
    }
    hbr.call("CreatePolicyV2", &[])
        .assert_error(400, "MissingParameter");
    // The SDK sends the filter lists empty with every rule; filled, they
    // are not emulated.
    let empty = json!([{"RuleType": "BACKUP", "VaultId": vault, "TagFilters": [], "DataSourceFilters": [], "RetentionRules": []}]);
    hbr.ok("CreatePolicyV2", &[("Rules", &empty.to_string())]);
    let filled = json!([{"RuleType": "BACKUP", "VaultId": vault, "TagFilters": [{"Key": "env"}]}]);
    hbr.call("CreatePolicyV2", &[("Rules", &filled.to_string())])
        .assert_error(400, "InvalidParameter");
    let two = json!([
        {"RuleType": "BACKUP", "VaultId": vault},
        {"RuleType": "BACKUP", "VaultId": "v-other"}
    ])
    .to_string();
    hbr.call("CreatePolicyV2", &[("Rules", &two)])
        .assert_error(400, "InvalidParameter");
    hbr.call(
        "CreatePolicyV2",
        &[
            (
                "Rules",
                &json!([{"RuleType": "BACKUP", "VaultId": vault}]).to_string(),
            ),
            ("PolicyType", "ALL"),
        ],
    )
    .assert_error(400, "InvalidParameter");
}

#[test]
fn describe_policies_v2_shows_rules_and_pages_and_policies_give_retention() {
    let server = Server::in_memory();
    let hbr = hbr(&server);
    let vault = hbr.vault(false);
    let first = hbr.policy(&vault, "STANDARD", false, Some(3));
    let policies: Vec<String> = (0..11)
        .map(|_| hbr.policy(&vault, "UDM_ECS_ONLY", false, None))
        .collect();
    let page = hbr.ok("DescribePoliciesV2", &[]);
    assert_eq!(page["TotalCount"], json!(12));
    assert_eq!(page["MaxResults"], json!(10));
    assert_eq!(page["NextToken"], json!("10"));
    let rest = hbr.ok("DescribePoliciesV2", &[("NextToken", "10")]);
    assert_eq!(rest["Policies"].as_array().map(Vec::len), Some(2));
    assert_eq!(rest["NextToken"], json!(""));
    let shown = hbr.ok("DescribePoliciesV2", &[("PolicyId", &first)]);
    let policy = &shown["Policies"][0];
    assert_eq!(policy["PolicyType"], json!("STANDARD"));
    assert_eq!(policy["PolicyName"], json!("daily"));
    assert_eq!(policy["Rules"][0]["VaultId"], json!(vault));
    assert_eq!(policy["Rules"][0]["Schedule"], json!("I|1631685600|P1D"));
    assert_eq!(policy["Rules"][1]["Retention"], json!(3));
    let instance = hbr.ok("DescribePoliciesV2", &[("PolicyId", &policies[0])]);
    assert_eq!(instance["Policies"][0]["PolicyType"], json!("UDM_ECS_ONLY"));
    hbr.call("DescribePoliciesV2", &[("MaxResults", "5")])
        .assert_error(400, "InvalidParameter");

    // A point its job makes is kept for the policy's retention.
    let made = point(&server, &vault, json!({"policy_id": first}));
    server.post("/clock/advance", json!({"days": 3}));
    assert!(!hbr.points(&vault).contains(&made));
}
