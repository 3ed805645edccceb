//! Vaults: CreateVault, UpdateVault (`WormEnabled`), DescribeVaults,
//! DeleteVault, and the bodies every HBR answer has.

use serde_json::{Value, json};

use super::common::{self, Server};
use super::{hbr, point};

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
