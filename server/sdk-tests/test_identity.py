"""Identity through the SDK: V3 and legacy v2 signatures, unknown keys and
wrong secrets, RAM users and their permission statements (PERM), and
requests the server does not serve (unknown action or version)."""

from alibabacloud_ecs20140526 import models as ecs_models
from alibabacloud_tea_openapi import utils_models as open_api_util_models
from alibabacloud_tea_openapi.utils import Utils
from darabonba.runtime import RuntimeOptions

from conftest import (
    DEFAULT_ACCOUNT,
    REGION,
    allow,
    create_disk,
    create_snapshot,
    lock,
    locks,
    refused,
    snapshot,
    unchanged,
)

PERMISSION_DENIED = ("Forbidden.RAM", 403)
SNAPSHOT_LOCKED = ("InvalidOperation.SnapshotLocked", 403)


def test_v2_signing_works(server):
    account = server.account()
    v2 = server.root_client(signature_algorithm="v2")
    disk = create_disk(v2)
    snap = create_snapshot(v2, disk)
    lock(v2, snap, days=1, cool_off_hours=0)
    assert snap in locks(v2)
    # The same key signs V3 requests too.
    v3 = server.client(account["access_key_id"], account["access_key_secret"])
    assert snapshot(v3, snap) is not None


def test_wrong_secret_and_unknown_key_are_refused(server, ecs):
    disk = create_disk(ecs)
    account = server.account()
    key = account["access_key_id"]
    wrong_v3 = server.client(key, account["access_key_secret"] + "x")
    wrong_v2 = server.client(key, account["access_key_secret"] + "x", signature_algorithm="v2")
    unknown_v3 = server.client("LTAI" + "0" * 20, "secret")
    unknown_v2 = server.client("LTAI" + "0" * 20, "secret", signature_algorithm="v2")
    request = ecs_models.CreateSnapshotRequest(disk_id=disk)
    with unchanged(server, ecs):
        for client in (wrong_v3, wrong_v2):
            refused(lambda: client.create_snapshot(request), "SignatureDoesNotMatch", 400, rule=False)
        for client in (unknown_v3, unknown_v2):
            refused(lambda: client.create_snapshot(request), "InvalidAccessKeyId.NotFound", 404, rule=False)


def test_ram_user_without_lock_permission(server, ecs):
    snap = create_snapshot(ecs, create_disk(ecs))
    user = server.new_user(
        DEFAULT_ACCOUNT,
        "ops",
        allow("ecs:CreateSnapshot", "ecs:CreateDisk", "ecs:DescribeLockedSnapshots", "ecs:UnlockSnapshot"),
    )
    ops = server.client(user["access_key_id"], user["access_key_secret"])
    with unchanged(server, ecs):
        refused(lambda: lock(ops, snap, days=1, cool_off_hours=0), *PERMISSION_DENIED, rule="PERM-2")
    assert snap not in locks(ops)
    # Granted, the same call is accepted.
    server.set_policy(
        DEFAULT_ACCOUNT,
        "ops",
        allow("ecs:CreateSnapshot", "ecs:CreateDisk", "ecs:DescribeLockedSnapshots", "ecs:LockSnapshot"),
    )
    lock(ops, snap, days=1, cool_off_hours=1)
    assert snap in locks(ops)
    # Without ecs:UnlockSnapshot now.
    with unchanged(server, ecs):
        refused(
            lambda: ops.unlock_snapshot(ecs_models.UnlockSnapshotRequest(region_id=REGION, snapshot_id=snap)),
            *PERMISSION_DENIED,
            rule="PERM-2",
        )


def test_ram_user_without_describe_locked_snapshots(server, ecs):
    snap = create_snapshot(ecs, create_disk(ecs))
    lock(ecs, snap, days=1, cool_off_hours=0)
    user = server.new_user(
        DEFAULT_ACCOUNT,
        "auditor",
        [
            {"Effect": "Allow", "Action": ["ecs:*"], "Resource": ["*"]},
            {"Effect": "Deny", "Action": ["ecs:DescribeLockedSnapshots"], "Resource": ["*"]},
        ],
    )
    auditor = server.client(user["access_key_id"], user["access_key_secret"])
    with unchanged(server, ecs):
        refused(
            lambda: auditor.describe_locked_snapshots(ecs_models.DescribeLockedSnapshotsRequest(region_id=REGION)),
            *PERMISSION_DENIED,
            rule="PERM-2",
        )


def test_root_cannot_override_a_compliance_lock(server, ecs):
    snap = create_snapshot(ecs, create_disk(ecs))
    lock(ecs, snap, days=1, cool_off_hours=0)
    user = server.new_user(DEFAULT_ACCOUNT, "admin", allow("*"))
    admin = server.client(user["access_key_id"], user["access_key_secret"])
    for client in (ecs, admin):
        with unchanged(server, ecs):
            refused(
                lambda: client.delete_snapshot(ecs_models.DeleteSnapshotRequest(snapshot_id=snap)),
                *SNAPSHOT_LOCKED,
                rule="LOCK-10",
            )


def call_raw(ecs, action, version="2014-05-26", query=None):
    params = open_api_util_models.Params(
        action=action,
        version=version,
        protocol="HTTPS",
        pathname="/",
        method="POST",
        auth_type="AK",
        style="RPC",
        req_body_type="formData",
        body_type="json",
    )
    request = open_api_util_models.OpenApiRequest(query=Utils.query(query or {}))
    return ecs.sdk.call_api(params, request, RuntimeOptions())


def test_unknown_action_and_version(server, ecs):
    with unchanged(server, ecs):
        refused(lambda: call_raw(ecs, "RunInstances", query={"RegionId": REGION}), "InvalidAction.NotFound", 404, rule=False)
        refused(lambda: call_raw(ecs, "DescribeSnapshots", version="2099-01-01", query={"RegionId": REGION}),
                "InvalidVersion", 400, rule=False)
