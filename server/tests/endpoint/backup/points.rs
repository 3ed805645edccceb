//! Backup points (HBR snapshots): SearchHistoricalSnapshots,
//! DeleteSnapshot, time deleting them, restore and replication, and the
//! admin routes that stand for backup jobs and replication.

use serde_json::{Value, json};

use super::common::{self, Server};
use super::{hbr, point};

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
