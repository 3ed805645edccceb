//! The Cloud Backup (HBR) API 2017-09-08 on the endpoint: each operation
//! accepted and refused with the exact status and code, refusals leaving
//! the state as it was, immutability (VAULT-2 to VAULT-8) through vaults,
//! policies, backup points (HBR snapshots), replication and restore, and
//! time deleting backup points at their retention end.

mod common;

use common::{HBR_VERSION, Server};
use serde_json::{Value, json};

/// A client of one account, calling HBR.
struct Hbr<'s> {
    client: common::Client<'s>,
}

impl Hbr<'_> {
    fn call(&self, action: &str, params: &[(&str, &str)]) -> common::Answer {
        self.client.call_version(HBR_VERSION, action, params)
    }

    /// A success, with the fields every HBR success carries.
    #[track_caller]
    fn ok(&self, action: &str, params: &[(&str, &str)]) -> Value {
        let answer = self.call(action, params);
        let body = answer.ok().clone();
        assert_eq!(body["Success"], json!(true), "{action}: {body}");
        assert_eq!(body["Code"], json!("200"), "{action}: {body}");
        assert_eq!(body["Message"], json!("successful"), "{action}: {body}");
        body
    }

    /// A refusal with this status and code, naming `rule`, that changed
    /// nothing in the state.
    #[track_caller]
    fn refused(
        &self,
        action: &str,
        params: &[(&str, &str)],
        status: u16,
        code: &str,
        rule: &str,
    ) -> common::Answer {
        let before = without_clock(self.client.server.state());
        let answer = self.call(action, params);
        answer.assert_error(status, code);
        assert_eq!(answer.json["Success"], json!(false), "{answer:?}");
        let message = answer.json["Message"].as_str().unwrap_or_default();
        assert!(
            message.contains(rule),
            "{action}: the message does not name {rule}: {message}"
        );
        assert_eq!(
            without_clock(self.client.server.state()),
            before,
            "{action}: a refusal changed the state"
        );
        answer
    }

    /// A general-purpose vault, immutable or not.
    fn vault(&self, worm: bool) -> String {
        let worm = worm.to_string();
        let body = self.ok(
            "CreateVault",
            &[
                ("VaultRegionId", common::REGION),
                ("VaultName", "vault"),
                ("WormEnabled", &worm),
            ],
        );
        common::id(&body, "VaultId")
    }

    /// A policy backing up into `vault`.
    fn policy(&self, vault: &str, kind: &str, immutable: bool, retention: Option<u32>) -> String {
        let mut rules = vec![
            json!({"RuleType": "BACKUP", "VaultId": vault, "Schedule": "I|1631685600|P1D", "BackupType": "COMPLETE"}),
        ];
        if let Some(days) = retention {
            rules.push(json!({"RuleType": "TRANSITION", "Retention": days}));
        }
        rules.push(json!({"RuleType": "SECURITY", "Immutable": immutable}));
        let rules = Value::Array(rules).to_string();
        let body = self.ok(
            "CreatePolicyV2",
            &[
                ("PolicyName", "daily"),
                ("PolicyType", kind),
                ("Rules", &rules),
            ],
        );
        common::id(&body, "PolicyId")
    }

    /// The vault as `DescribeVaults` shows it.
    fn described(&self, vault: &str) -> Value {
        let body = self.ok("DescribeVaults", &[("VaultId", vault)]);
        body["Vaults"]["Vault"][0].clone()
    }

    /// The ids of the backup points `SearchHistoricalSnapshots` finds in
    /// `vault`.
    fn points(&self, vault: &str) -> Vec<String> {
        let query = json!([{"field": "VaultId", "value": vault, "operation": "MATCH_TERM"}]);
        let body = self.ok(
            "SearchHistoricalSnapshots",
            &[
                ("SourceType", "ECS_FILE"),
                ("Query", &query.to_string()),
                ("Limit", "100"),
            ],
        );
        body["Snapshots"]["Snapshot"]
            .as_array()
            .map(|list| {
                list.iter()
                    .map(|s| s["SnapshotId"].as_str().unwrap_or_default().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }
}

fn hbr(server: &Server) -> Hbr<'_> {
    Hbr {
        client: server.default_client(),
    }
}

fn without_clock(mut state: Value) -> Value {
    if let Some(fields) = state.as_object_mut() {
        fields.remove("clock");
    }
    state
}

/// A backup point a backup job records in `vault`.
fn point(server: &Server, vault: &str, body: Value) -> String {
    let made = server.post(&format!("/vaults/{vault}/points"), body);
    common::id(&made, "snapshot_id")
}

#[test]
fn bodies_carry_success_code_and_message_and_errors_their_status() {
    let server = Server::in_memory();
    let hbr = hbr(&server);
    let body = hbr.ok("DescribeVaults", &[]);
    assert_eq!(body["TotalCount"], json!(0));
    assert_eq!(body["Vaults"]["Vault"], json!([]));
    let answer = hbr.call("DescribeNothing", &[]);
    answer.assert_error(404, "InvalidAction.NotFound");
    assert_eq!(answer.json["Success"], json!(false));
    assert_eq!(answer.json["HostId"], json!("hbr.snapguard.local"));
    let answer = hbr.call("DescribeVaults", &[("ResourceGroupId", "rg-1")]);
    answer.assert_error(400, "InvalidParameter");
    // The ECS operation of the same name is not HBR's.
    hbr.call("DescribeLockedSnapshots", &[])
        .assert_error(404, "InvalidAction.NotFound");
}

#[test]
fn vault_1_create_vault_types_and_describe_vaults_filters_and_pages() {
    let server = Server::in_memory();
    let hbr = hbr(&server);
    let standard = hbr.vault(false);
    let tablestore = common::id(
        &hbr.ok(
            "CreateVault",
            &[
                ("VaultRegionId", common::REGION),
                ("VaultName", "ots"),
                ("VaultType", "OTS_BACKUP"),
                ("Description", "tables"),
            ],
        ),
        "VaultId",
    );
    let archive = common::id(
        &hbr.ok(
            "CreateVault",
            &[
                ("VaultRegionId", "cn-shanghai"),
                ("VaultName", "cold"),
                ("VaultStorageClass", "ARCHIVE"),
            ],
        ),
        "VaultId",
    );
    assert!(
        standard.starts_with("v-") && standard.len() == 22,
        "{standard}"
    );
    let described = hbr.described(&tablestore);
    assert_eq!(described["VaultType"], json!("OTS_BACKUP"));
    assert_eq!(described["VaultName"], json!("ots"));
    assert_eq!(described["Description"], json!("tables"));
    assert_eq!(described["WormEnabled"], json!(false));
    assert_eq!(described["Status"], json!("CREATED"));
    assert_eq!(described["VaultOwnerId"], json!(1_000_000_000_000_001_u64));
    assert_eq!(
        hbr.described(&archive)["VaultStorageClass"],
        json!("ARCHIVE")
    );
    assert_eq!(hbr.described(&standard)["VaultType"], json!("STANDARD"));

    let page = hbr.ok("DescribeVaults", &[("PageNumber", "2"), ("PageSize", "2")]);
    assert_eq!(page["TotalCount"], json!(3));
    assert_eq!(page["PageNumber"], json!(2));
    assert_eq!(page["PageSize"], json!(2));
    let first = hbr.ok("DescribeVaults", &[("PageNumber", "1"), ("PageSize", "2")]);
    let mut ids: Vec<Value> = [&first, &page]
        .iter()
        .flat_map(|body| {
            body["Vaults"]["Vault"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .map(|vault| vault["VaultId"].clone())
        .collect();
    ids.sort_by_key(ToString::to_string);
    let mut all = vec![json!(standard), json!(tablestore), json!(archive)];
    all.sort_by_key(ToString::to_string);
    assert_eq!(ids, all, "two pages hold every vault once");
    let hangzhou = hbr.ok("DescribeVaults", &[("VaultRegionId", common::REGION)]);
    assert_eq!(hangzhou["TotalCount"], json!(2));
    let ots = hbr.ok("DescribeVaults", &[("VaultType", "OTS_BACKUP")]);
    assert_eq!(ots["Vaults"]["Vault"][0]["VaultId"], json!(tablestore));
    let none = hbr.ok("DescribeVaults", &[("VaultId", "v-nothing")]);
    assert_eq!(none["TotalCount"], json!(0));

    hbr.refused(
        "DescribeVaults",
        &[("VaultRegionId", "mars-1")],
        404,
        "InvalidRegionId.NotFound",
        "GEN-4",
    );
    hbr.refused(
        "CreateVault",
        &[("VaultRegionId", "mars-1"), ("VaultName", "x")],
        404,
        "InvalidRegionId.NotFound",
        "GEN-4",
    );
    hbr.call("DescribeVaults", &[("PageSize", "100")])
        .assert_error(400, "InvalidParameter");
    hbr.call("CreateVault", &[("VaultRegionId", common::REGION)])
        .assert_error(400, "MissingParameter");
    hbr.call(
        "CreateVault",
        &[
            ("VaultRegionId", common::REGION),
            ("VaultName", "x"),
            ("VaultType", "DATABASE"),
        ],
    )
    .assert_error(400, "InvalidParameter");
}

#[test]
fn vault_2_worm_at_creation_on_a_standard_vault_not_on_tablestore_or_permanent_archive() {
    let server = Server::in_memory();
    let hbr = hbr(&server);
    let vault = hbr.vault(true);
    assert_eq!(hbr.described(&vault)["WormEnabled"], json!(true));
    hbr.refused(
        "CreateVault",
        &[
            ("VaultRegionId", common::REGION),
            ("VaultName", "ots"),
            ("VaultType", "OTS_BACKUP"),
            ("WormEnabled", "true"),
        ],
        400,
        "WormNotSupported",
        "VAULT-2",
    );
    let archive = common::id(
        &hbr.ok(
            "CreateVault",
            &[
                ("VaultRegionId", common::REGION),
                ("VaultName", "cold"),
                ("VaultStorageClass", "ARCHIVE"),
            ],
        ),
        "VaultId",
    );
    hbr.refused(
        "UpdateVault",
        &[("VaultId", &archive), ("WormEnabled", "true")],
        400,
        "WormNotSupported",
        "VAULT-2",
    );
    // Immutable archive: an archive vault with a retention (made as the
    // console makes it).
    let made = server.post(
        &format!("/accounts/{}/vaults", common::DEFAULT_ACCOUNT),
        json!({"region_id": common::REGION, "kind": {"type": "archive", "retention": {"type": "days", "days": 365}}, "name": "archive"}),
    );
    let archive = common::id(&made, "vault_id");
    hbr.ok(
        "UpdateVault",
        &[("VaultId", &archive), ("WormEnabled", "true")],
    );
    let described = hbr.described(&archive);
    assert_eq!(described["WormEnabled"], json!(true));
    assert_eq!(described["Retention"], json!(365));
    let nas = server.post(
        &format!("/accounts/{}/vaults", common::DEFAULT_ACCOUNT),
        json!({"region_id": common::REGION, "kind": {"type": "nas_free_30_days"}}),
    );
    let nas = common::id(&nas, "vault_id");
    assert_eq!(hbr.described(&nas)["VaultType"], json!("NAS_BACKUP"));
    hbr.refused(
        "UpdateVault",
        &[("VaultId", &nas), ("WormEnabled", "true")],
        400,
        "WormNotSupported",
        "VAULT-2",
    );
}

#[test]
fn vault_3_update_vault_enables_worm_and_never_disables_it() {
    let server = Server::in_memory();
    let hbr = hbr(&server);
    let vault = hbr.vault(false);
    // Nothing to disable on a vault that never was immutable.
    hbr.ok(
        "UpdateVault",
        &[("VaultId", &vault), ("WormEnabled", "false")],
    );
    hbr.ok(
        "UpdateVault",
        &[
            ("VaultId", &vault),
            ("WormEnabled", "true"),
            ("VaultName", "locked"),
        ],
    );
    let described = hbr.described(&vault);
    assert_eq!(described["WormEnabled"], json!(true));
    assert_eq!(described["VaultName"], json!("locked"));
    hbr.refused(
        "UpdateVault",
        &[
            ("VaultId", &vault),
            ("WormEnabled", "false"),
            ("VaultName", "unlocked"),
        ],
        403,
        "WormCannotBeDisabled",
        "VAULT-3",
    );
    // The refusal kept the name too: one transaction.
    assert_eq!(hbr.described(&vault)["VaultName"], json!("locked"));
    // Enabling again is accepted and changes nothing.
    hbr.ok(
        "UpdateVault",
        &[("VaultId", &vault), ("WormEnabled", "true")],
    );
    hbr.refused(
        "UpdateVault",
        &[("VaultId", "v-nothing"), ("WormEnabled", "true")],
        404,
        "VaultNotExist",
        "GEN-4",
    );
}

#[test]
fn vault_5_a_locked_snapshot_is_not_deleted_until_time_deletes_it() {
    let server = Server::in_memory();
    let hbr = hbr(&server);
    let vault = hbr.vault(true);
    let locked = point(&server, &vault, json!({"retention_days": 7}));
    assert!(locked.starts_with("s-"), "{locked}");
    assert_eq!(hbr.points(&vault), vec![locked.clone()]);
    hbr.refused(
        "DeleteSnapshot",
        &[("SnapshotId", &locked), ("VaultId", &vault)],
        403,
        "SnapshotLocked",
        "VAULT-5",
    );
    let advanced = server.post("/clock/advance", json!({"days": 7}));
    assert!(
        advanced["events"].to_string().contains(&locked),
        "time deleted no backup point: {advanced}"
    );
    assert!(hbr.points(&vault).is_empty());
    hbr.refused(
        "DeleteSnapshot",
        &[("SnapshotId", &locked)],
        404,
        "ResourceNotFound",
        "GEN-4",
    );
}

#[test]
fn vault_4_enabling_worm_locks_the_points_a_vault_holds() {
    let server = Server::in_memory();
    let hbr = hbr(&server);
    let vault = hbr.vault(false);
    let kept = point(&server, &vault, json!({"retention_days": 30}));
    let deleted = point(&server, &vault, json!({"retention_days": 30}));
    hbr.ok(
        "DeleteSnapshot",
        &[("SnapshotId", &deleted), ("SourceType", "ECS_FILE")],
    );
    assert_eq!(hbr.points(&vault), vec![kept.clone()]);
    hbr.ok(
        "UpdateVault",
        &[("VaultId", &vault), ("WormEnabled", "true")],
    );
    hbr.refused(
        "DeleteSnapshot",
        &[("SnapshotId", &kept)],
        403,
        "SnapshotLocked",
        "VAULT-5",
    );
    // Named in another vault, it is not there.
    let other = hbr.vault(false);
    hbr.refused(
        "DeleteSnapshot",
        &[("SnapshotId", &kept), ("VaultId", &other)],
        404,
        "ResourceNotFound",
        "GEN-4",
    );
}

#[test]
fn vault_6_an_immutable_vault_is_deleted_only_once_it_holds_no_point() {
    let server = Server::in_memory();
    let hbr = hbr(&server);
    let vault = hbr.vault(true);
    point(&server, &vault, json!({"retention_days": 3}));
    hbr.refused(
        "DeleteVault",
        &[("VaultId", &vault)],
        403,
        "CannotDeleteLockedVault",
        "VAULT-6",
    );
    server.post("/clock/advance", json!({"days": 3}));
    assert_eq!(hbr.described(&vault)["SnapshotCount"], json!(0));
    hbr.ok("DeleteVault", &[("VaultId", &vault)]);
    assert_eq!(
        hbr.ok("DescribeVaults", &[("VaultId", &vault)])["TotalCount"],
        json!(0)
    );
    hbr.refused(
        "DeleteVault",
        &[("VaultId", &vault)],
        404,
        "VaultNotExist",
        "GEN-4",
    );
    // A plain vault goes with its unlocked points.
    let plain = hbr.vault(false);
    point(&server, &plain, json!({}));
    hbr.ok("DeleteVault", &[("VaultId", &plain)]);
}

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

#[test]
fn search_historical_snapshots_filters_and_refuses_what_it_cannot_read() {
    let server = Server::in_memory();
    let hbr = hbr(&server);
    let vault = hbr.vault(false);
    let policy = hbr.policy(&vault, "STANDARD", false, None);
    let permanent = point(&server, &vault, json!({}));
    let by_policy = point(
        &server,
        &vault,
        json!({"policy_id": policy, "retention_days": 2}),
    );
    let oss = point(&server, &vault, json!({"source_type": "OSS"}));
    let query = |extra: Value| {
        let mut conditions =
            vec![json!({"field": "VaultId", "value": vault, "operation": "MATCH_TERM"})];
        if !extra.is_null() {
            conditions.push(extra);
        }
        Value::Array(conditions).to_string()
    };
    let all = hbr.ok(
        "SearchHistoricalSnapshots",
        &[("SourceType", "ECS_FILE"), ("Query", &query(Value::Null))],
    );
    assert_eq!(all["TotalCount"], json!(2));
    let listed = all["Snapshots"]["Snapshot"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let find = |id: &str| {
        listed
            .iter()
            .find(|s| s["SnapshotId"] == json!(id))
            .cloned()
            .unwrap_or_else(|| panic!("{id} is not listed: {all}"))
    };
    let first = find(&permanent);
    assert_eq!(first["Status"], json!("COMPLETE"));
    assert_eq!(first["VaultId"], json!(vault));
    assert!(first.get("ExpireTime").is_none(), "{first}");
    let second = find(&by_policy);
    assert_eq!(second["Retention"], json!(2));
    assert_eq!(second["PlanId"], json!(policy));
    assert!(second["ExpireTime"].is_i64(), "{second}");
    let planned = hbr.ok(
        "SearchHistoricalSnapshots",
        &[
            ("SourceType", "ECS_FILE"),
            (
                "Query",
                &query(json!({"field": "PlanId", "value": policy, "operation": "MATCH_TERM"})),
            ),
        ],
    );
    assert_eq!(
        planned["Snapshots"]["Snapshot"][0]["SnapshotId"],
        json!(by_policy)
    );
    let in_list = json!([{"field": "VaultId", "value": [vault], "operation": "IN"}]).to_string();
    let found = hbr.ok(
        "SearchHistoricalSnapshots",
        &[("SourceType", "OSS"), ("Query", &in_list)],
    );
    assert_eq!(found["Snapshots"]["Snapshot"][0]["SnapshotId"], json!(oss));
    let paged = hbr.ok(
        "SearchHistoricalSnapshots",
        &[
            ("SourceType", "ECS_FILE"),
            ("Query", &query(Value::Null)),
            ("Limit", "1"),
        ],
    );
    assert_eq!(paged["NextToken"], json!("1"));
    let counted = hbr.ok(
        "SearchHistoricalSnapshots",
        &[
            ("SourceType", "ECS_FILE"),
            ("Query", &query(Value::Null)),
            ("Limit", "0"),
        ],
    );
    assert_eq!(counted["TotalCount"], json!(2));
    assert_eq!(counted["Snapshots"]["Snapshot"], json!([]));
    assert_eq!(counted["NextToken"], json!(""));

    let missing =
        json!([{"field": "VaultId", "value": "v-nothing", "operation": "MATCH_TERM"}]).to_string();
    hbr.refused(
        "SearchHistoricalSnapshots",
        &[("SourceType", "ECS_FILE"), ("Query", &missing)],
        404,
        "VaultNotExist",
        "GEN-4",
    );
    for (source, query) in [
        ("ECS_FILE", "[]".to_owned()),
        ("ECS_FILE", "nope".to_owned()),
        ("FTP", query(Value::Null)),
        (
            "ECS_FILE",
            query(json!({"field": "Bucket", "value": "b", "operation": "MATCH_TERM"})),
        ),
    ] {
        hbr.call(
            "SearchHistoricalSnapshots",
            &[("SourceType", source), ("Query", &query)],
        )
        .assert_error(400, "InvalidParameter");
    }
}

#[test]
fn vault_8_a_locked_snapshot_is_restored() {
    let server = Server::in_memory();
    let hbr = hbr(&server);
    let vault = hbr.vault(true);
    let locked = point(&server, &vault, json!({"retention_days": 30}));
    let restore = hbr.ok(
        "CreateRestoreJob",
        &[
            ("RestoreType", "ECS_FILE"),
            ("SnapshotId", &locked),
            ("VaultId", &vault),
            ("SourceType", "ECS_FILE"),
            ("TargetInstanceId", "i-1"),
            ("TargetPath", "/restore"),
        ],
    );
    assert!(common::id(&restore, "RestoreId").starts_with("r-"));
    assert!(
        server.state().to_string().contains(&locked),
        "the point is still held"
    );
    hbr.refused(
        "CreateRestoreJob",
        &[("RestoreType", "ECS_FILE"), ("SnapshotId", "s-nothing")],
        404,
        "ResourceNotFound",
        "GEN-4",
    );
    hbr.call(
        "CreateRestoreJob",
        &[("RestoreType", "TAPE"), ("SnapshotId", &locked)],
    )
    .assert_error(400, "InvalidParameter");
}

#[test]
fn vault_7_replicas_of_an_immutable_vault_are_immutable_and_locked() {
    let server = Server::in_memory();
    let hbr = hbr(&server);
    let vault = hbr.vault(true);
    let source = point(&server, &vault, json!({"retention_days": 30}));
    let replica_vault = common::id(
        &hbr.ok(
            "CreateReplicationVault",
            &[
                ("ReplicationSourceRegionId", common::REGION),
                ("ReplicationSourceVaultId", &vault),
                ("VaultRegionId", "cn-shanghai"),
                ("VaultName", "replica"),
            ],
        ),
        "VaultId",
    );
    let described = hbr.described(&replica_vault);
    assert_eq!(described["WormEnabled"], json!(true));
    assert_eq!(described["Replication"], json!(true));
    assert_eq!(described["ReplicationSourceVaultId"], json!(vault));
    assert_eq!(described["VaultRegionId"], json!("cn-shanghai"));
    assert_eq!(hbr.described(&vault)["ReplicationSourceVault"], json!(true));
    let replicated = server.post(
        &format!("/points/{source}/replicas"),
        json!({"vault_id": replica_vault}),
    );
    assert_eq!(replicated["locked"], json!(true));
    let replica = common::id(&replicated, "snapshot_id");
    assert_eq!(hbr.points(&replica_vault), vec![replica.clone()]);
    hbr.refused(
        "DeleteSnapshot",
        &[("SnapshotId", &replica)],
        403,
        "SnapshotLocked",
        "VAULT-5",
    );
    hbr.refused(
        "CreateReplicationVault",
        &[
            ("ReplicationSourceRegionId", common::REGION),
            ("ReplicationSourceVaultId", &vault),
            ("VaultRegionId", common::REGION),
            ("VaultName", "same"),
        ],
        400,
        "CannotCreateReplicationVault",
        "VAULT-7",
    );
    hbr.refused(
        "CreateReplicationVault",
        &[
            ("ReplicationSourceRegionId", "cn-shanghai"),
            ("ReplicationSourceVaultId", &vault),
            ("VaultRegionId", "cn-shanghai"),
            ("VaultName", "wrong-region"),
        ],
        404,
        "VaultNotExist",
        "GEN-4",
    );
    hbr.refused(
        "CreateReplicationVault",
        &[
            ("ReplicationSourceRegionId", common::REGION),
            ("ReplicationSourceVaultId", &vault),
            ("VaultRegionId", "mars-1"),
            ("VaultName", "nowhere"),
        ],
        404,
        "InvalidRegionId.NotFound",
        "GEN-4",
    );
    // The platform replicates a point only into a replica of its vault.
    let other = hbr.vault(false);
    let answer = server.admin(
        "POST",
        &format!("/points/{source}/replicas"),
        Some(&json!({"vault_id": other})),
    );
    answer.assert_error(400, "CannotCreateReplicationVault");
}

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
fn admin_backup_routes_refuse_what_the_library_refuses() {
    let server = Server::in_memory();
    let hbr = hbr(&server);
    server
        .admin("POST", "/vaults/v-nothing/points", Some(&json!({})))
        .assert_error(404, "VaultNotExist");
    let vault = hbr.vault(false);
    server
        .admin(
            "POST",
            &format!("/vaults/{vault}/points"),
            Some(&json!({"retention_days": 0})),
        )
        .assert_error(400, "InvalidRetentionDays.Malformed");
    server
        .admin(
            "POST",
            &format!("/vaults/{vault}/points"),
            Some(&json!({"source_type": "TAPE"})),
        )
        .assert_error(400, "InvalidParameter");
    server
        .admin(
            "POST",
            &format!("/vaults/{vault}/points"),
            Some(&json!({"policy_id": "po-nothing"})),
        )
        .assert_error(404, "ResourceNotFound");
    server
        .admin(
            "POST",
            &format!("/accounts/{}/vaults", common::DEFAULT_ACCOUNT),
            Some(&json!({"region_id": common::REGION, "kind": {"type": "tape"}})),
        )
        .assert_error(400, "InvalidParameter.Body");
}
