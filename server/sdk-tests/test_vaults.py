"""Cloud Backup immutable backup through the official HBR SDK
(alibabacloud-hbr20170908): vaults with WormEnabled, immutable policies,
backup points (HBR snapshots) that cannot be deleted before time deletes
them, restore and replication (VAULT)."""

import json

from alibabacloud_hbr20170908 import models as hbr_models

from conftest import OTHER_REGION, REGION, refused, unchanged

# Codes of the refusals, as server/src/violations.rs maps them (HBR
# documents none of them; see the README's table).
WORM_NOT_SUPPORTED = ("WormNotSupported", 400)  # VAULT-2
WORM_IRREVERSIBLE = ("WormCannotBeDisabled", 403)  # VAULT-3
SNAPSHOT_LOCKED = ("SnapshotLocked", 403)  # VAULT-5
VAULT_LOCKED = ("CannotDeleteLockedVault", 403)  # VAULT-6, VAULT-5
REPLICATION_REFUSED = ("CannotCreateReplicationVault", 400)  # VAULT-7
VAULT_MISSING = ("VaultNotExist", 404)  # GEN-4, and another account's
SNAPSHOT_MISSING = ("ResourceNotFound", 404)  # GEN-4


def create_vault(hbr, worm=None, region=REGION, **fields):
    body = hbr.create_vault(
        hbr_models.CreateVaultRequest(
            vault_region_id=region, vault_name=fields.pop("vault_name", "vault"), worm_enabled=worm, **fields
        )
    ).body
    assert body.success is True and body.code == "200" and body.message == "successful", body.to_map()
    assert body.vault_id.startswith("v-"), body.vault_id
    return body.vault_id


def vault(hbr, vault_id):
    """The vault as DescribeVaults shows it (SDK model), or None."""
    body = hbr.describe_vaults(hbr_models.DescribeVaultsRequest(vault_id=vault_id)).body
    found = body.vaults.vault if body.vaults and body.vaults.vault else []
    return found[0] if found else None


def update_worm(hbr, vault_id, enabled):
    return hbr.update_vault(hbr_models.UpdateVaultRequest(vault_id=vault_id, worm_enabled=enabled))


def snapshots(hbr, vault_id, source_type="ECS_FILE"):
    """The ids of the backup points SearchHistoricalSnapshots lists."""
    body = hbr.search_historical_snapshots(
        hbr_models.SearchHistoricalSnapshotsRequest(
            source_type=source_type,
            query=[{"field": "VaultId", "value": vault_id, "operation": "MATCH_TERM"}],
            limit=100,
        )
    ).body
    items = body.snapshots.snapshot if body.snapshots and body.snapshots.snapshot else []
    return [item.snapshot_id for item in items]


def delete_snapshot(hbr, snapshot_id, vault_id=None):
    return hbr.delete_snapshot(
        hbr_models.DeleteSnapshotRequest(snapshot_id=snapshot_id, vault_id=vault_id, source_type="ECS_FILE")
    )


def restore(hbr, snapshot_id, vault_id=None):
    return hbr.create_restore_job(
        hbr_models.CreateRestoreJobRequest(
            restore_type="ECS_FILE",
            snapshot_id=snapshot_id,
            vault_id=vault_id,
            source_type="ECS_FILE",
            target_instance_id="i-restore",
            target_path="/restore",
        )
    )


def create_policy(hbr, vault_id, immutable, policy_type="STANDARD", retention=None):
    rules = [
        hbr_models.CreatePolicyV2RequestRules(
            rule_type="BACKUP", vault_id=vault_id, backup_type="COMPLETE", schedule="I|1631685600|P1D"
        )
    ]
    if retention is not None:
        rules.append(hbr_models.CreatePolicyV2RequestRules(rule_type="TRANSITION", retention=retention))
    rules.append(hbr_models.CreatePolicyV2RequestRules(rule_type="SECURITY", immutable=immutable))
    return hbr.create_policy_v2(
        hbr_models.CreatePolicyV2Request(policy_name="daily", policy_type=policy_type, rules=rules)
    )


def test_immutable_vault_life_cycle(server, hbr):
    vault_id = create_vault(hbr)
    assert vault(hbr, vault_id).worm_enabled is False

    # Immutable backup enabled, and never disabled (VAULT-3).
    assert update_worm(hbr, vault_id, True).body.success is True
    described = vault(hbr, vault_id)
    assert described.worm_enabled is True
    assert described.vault_type == "STANDARD"
    assert described.status == "CREATED"
    with unchanged(server):
        refused(lambda: update_worm(hbr, vault_id, False), *WORM_IRREVERSIBLE, rule="VAULT-3")
    assert vault(hbr, vault_id).worm_enabled is True

    # A backup job records a point, locked from the start (VAULT-4).
    made = server.backup_point(vault_id, retention_days=3)
    point = made["snapshot_id"]
    assert made["locked"] is True
    assert snapshots(hbr, vault_id) == [point]

    # Nobody deletes it (VAULT-5), nor the vault holding it (VAULT-6).
    with unchanged(server):
        refused(lambda: delete_snapshot(hbr, point, vault_id), *SNAPSHOT_LOCKED, rule="VAULT-5")
    with unchanged(server):
        refused(
            lambda: hbr.delete_vault(hbr_models.DeleteVaultRequest(vault_id=vault_id)), *VAULT_LOCKED, rule="VAULT-6"
        )

    # Restoring is never hindered (VAULT-8).
    restore_id = restore(hbr, point, vault_id).body.restore_id
    assert restore_id and restore_id.startswith("r-"), restore_id

    # Time deletes it at its retention end; then the vault can go.
    moved = server.advance(days=3)
    assert point in json.dumps(moved["events"]), f"the clock jump deleted no backup point: {moved}"
    assert snapshots(hbr, vault_id) == []
    assert vault(hbr, vault_id).snapshot_count == 0
    with unchanged(server):
        refused(lambda: delete_snapshot(hbr, point), *SNAPSHOT_MISSING, rule="GEN-4")
    assert hbr.delete_vault(hbr_models.DeleteVaultRequest(vault_id=vault_id)).body.success is True
    assert vault(hbr, vault_id) is None
    with unchanged(server):
        refused(lambda: hbr.delete_vault(hbr_models.DeleteVaultRequest(vault_id=vault_id)), *VAULT_MISSING, rule="GEN-4")


def test_worm_only_where_supported(server, hbr):
    with unchanged(server):
        refused(lambda: create_vault(hbr, worm=True, vault_type="OTS_BACKUP"), *WORM_NOT_SUPPORTED, rule="VAULT-2")
    immutable = create_vault(hbr, worm=True)
    assert vault(hbr, immutable).worm_enabled is True
    tablestore = create_vault(hbr, vault_type="OTS_BACKUP")
    assert vault(hbr, tablestore).vault_type == "OTS_BACKUP"
    with unchanged(server):
        refused(lambda: update_worm(hbr, tablestore, True), *WORM_NOT_SUPPORTED, rule="VAULT-2")


def test_describe_vaults_pages_and_refuses_an_unknown_region(server, hbr):
    ids = {create_vault(hbr, vault_name=f"v{n}") for n in range(3)}
    other = create_vault(hbr, region=OTHER_REGION)
    seen = set()
    for page in (1, 2):
        body = hbr.describe_vaults(
            hbr_models.DescribeVaultsRequest(vault_region_id=REGION, page_number=page, page_size=2)
        ).body
        assert body.total_count == 3 and body.page_number == page and body.page_size == 2
        seen |= {item.vault_id for item in body.vaults.vault}
    assert seen == ids
    assert vault(hbr, other).vault_region_id == OTHER_REGION
    with unchanged(server):
        refused(
            lambda: hbr.describe_vaults(hbr_models.DescribeVaultsRequest(vault_region_id="mars-1")),
            "InvalidRegionId.NotFound",
            404,
            rule="GEN-4",
        )


def test_unlocked_backup_points_are_deleted(server, hbr):
    vault_id = create_vault(hbr)
    point = server.backup_point(vault_id)["snapshot_id"]
    assert delete_snapshot(hbr, point, vault_id).body.success is True
    assert snapshots(hbr, vault_id) == []


def test_immutable_policies(server, hbr):
    vault_id = create_vault(hbr)
    policy = create_policy(hbr, vault_id, immutable=True, retention=5).body.policy_id
    assert policy.startswith("po-"), policy
    body = hbr.describe_policies_v2(hbr_models.DescribePoliciesV2Request(policy_id=policy)).body
    assert body.total_count == 1
    rules = {rule.rule_type: rule for rule in body.policies[0].rules}
    assert rules["SECURITY"].immutable is True
    assert rules["BACKUP"].vault_id == vault_id
    assert rules["TRANSITION"].retention == 5

    # What its jobs make is locked, for the policy's retention (VAULT-4).
    made = server.backup_point(vault_id, policy_id=policy)
    assert made["locked"] is True
    with unchanged(server):
        refused(lambda: delete_snapshot(hbr, made["snapshot_id"]), *SNAPSHOT_LOCKED, rule="VAULT-5")

    off = [hbr_models.UpdatePolicyV2RequestRules(rule_type="SECURITY", immutable=False)]
    with unchanged(server):
        refused(
            lambda: hbr.update_policy_v2(hbr_models.UpdatePolicyV2Request(policy_id=policy, rules=off)),
            *WORM_IRREVERSIBLE,
            rule="VAULT-3",
        )
    renamed = hbr.update_policy_v2(hbr_models.UpdatePolicyV2Request(policy_id=policy, policy_name="weekly"))
    assert renamed.body.success is True

    # An ECS instance policy made immutable locks only later points.
    instance = create_policy(hbr, vault_id, immutable=False, policy_type="UDM_ECS_ONLY").body.policy_id
    earlier = server.backup_point(vault_id, policy_id=instance, retention_days=30)["snapshot_id"]
    on = [hbr_models.UpdatePolicyV2RequestRules(rule_type="SECURITY", immutable=True)]
    hbr.update_policy_v2(hbr_models.UpdatePolicyV2Request(policy_id=instance, rules=on))
    assert server.backup_point(vault_id, policy_id=instance, retention_days=30)["locked"] is True
    assert delete_snapshot(hbr, earlier).body.success is True

    # Immutability needs a vault that supports it (VAULT-2).
    tablestore = create_vault(hbr, vault_type="OTS_BACKUP")
    with unchanged(server):
        refused(lambda: create_policy(hbr, tablestore, immutable=True), *WORM_NOT_SUPPORTED, rule="VAULT-2")
    with unchanged(server):
        refused(
            lambda: hbr.describe_policies_v2(hbr_models.DescribePoliciesV2Request(max_results=5)),
            "InvalidParameter",
            400,
            rule=False,
        )


def test_replication_keeps_immutability(server, hbr):
    source = create_vault(hbr, worm=True)
    point = server.backup_point(source, retention_days=30)["snapshot_id"]
    replica = hbr.create_replication_vault(
        hbr_models.CreateReplicationVaultRequest(
            replication_source_region_id=REGION,
            replication_source_vault_id=source,
            vault_region_id=OTHER_REGION,
            vault_name="replica",
        )
    ).body.vault_id
    described = vault(hbr, replica)
    assert described.worm_enabled is True  # VAULT-7
    assert described.replication is True
    assert described.replication_source_vault_id == source
    assert described.vault_region_id == OTHER_REGION

    copied = server.replicate_point(point, replica)
    assert copied["locked"] is True
    assert snapshots(hbr, replica) == [copied["snapshot_id"]]
    with unchanged(server):
        refused(lambda: delete_snapshot(hbr, copied["snapshot_id"], replica), *SNAPSHOT_LOCKED, rule="VAULT-5")
    assert restore(hbr, copied["snapshot_id"], replica).body.success is True

    with unchanged(server):
        refused(
            lambda: hbr.create_replication_vault(
                hbr_models.CreateReplicationVaultRequest(
                    replication_source_region_id=REGION,
                    replication_source_vault_id=source,
                    vault_region_id=REGION,
                    vault_name="same-region",
                )
            ),
            *REPLICATION_REFUSED,
            rule="VAULT-7",
        )


def test_another_accounts_backups_are_not_found(server, hbr):
    vault_id = create_vault(hbr, worm=True)
    point = server.backup_point(vault_id, retention_days=30)["snapshot_id"]
    stranger_account = server.new_account()
    stranger = server.hbr_client(stranger_account["access_key_id"], stranger_account["access_key_secret"])
    query = [{"field": "VaultId", "value": vault_id, "operation": "MATCH_TERM"}]
    with unchanged(server):
        refused(
            lambda: stranger.search_historical_snapshots(
                hbr_models.SearchHistoricalSnapshotsRequest(source_type="ECS_FILE", query=query)
            ),
            *VAULT_MISSING,
            rule="GEN-4",
        )
        refused(lambda: restore(stranger, point), *SNAPSHOT_MISSING, rule="GEN-4")
        refused(lambda: delete_snapshot(stranger, point), *SNAPSHOT_MISSING, rule="GEN-4")
        refused(lambda: update_worm(stranger, vault_id, True), *VAULT_MISSING, rule="GEN-4")
    body = stranger.describe_vaults(hbr_models.DescribeVaultsRequest(vault_id=vault_id)).body
    assert body.total_count == 0
