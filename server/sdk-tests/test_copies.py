"""Copies through the SDK: CopySnapshot and its rules (COPY, LOCK-13)."""

from alibabacloud_ecs20140526 import models as ecs_models

from conftest import (
    OTHER_REGION,
    REGION,
    SNAPSHOT_ID,
    create_disk,
    create_snapshot,
    lock,
    locks,
    refused,
    snapshot,
    unchanged,
    wait_accomplished,
)


def copy(ecs, snapshot_id, destination, **fields):
    return ecs.copy_snapshot(
        ecs_models.CopySnapshotRequest(
            region_id=REGION, snapshot_id=snapshot_id, destination_region_id=destination, **fields
        )
    )


def test_cross_region_copy_of_a_locked_snapshot_carries_no_lock(server, ecs):
    source = create_snapshot(ecs, create_disk(ecs))
    lock(ecs, source, days=5, cool_off_hours=0)
    copied = copy(ecs, source, OTHER_REGION, destination_snapshot_name="dr", retention_days=7).body.snapshot_id
    assert SNAPSHOT_ID.match(copied) and copied != source
    found = wait_accomplished(ecs, copied, OTHER_REGION)
    assert found.source_snapshot_id == source
    assert found.retention_days == 7
    assert not found.encrypted
    assert snapshot(ecs, copied, REGION) is None
    assert copied not in locks(ecs, OTHER_REGION)
    assert source in locks(ecs, REGION)
    # The copy is not locked: it may be deleted at once.
    ecs.delete_snapshot(ecs_models.DeleteSnapshotRequest(snapshot_id=copied))
    assert snapshot(ecs, copied, OTHER_REGION) is None


def test_standard_copy_into_the_same_region_is_refused(server, ecs):
    source = create_snapshot(ecs, create_disk(ecs))
    with unchanged(server, ecs):
        refused(
            lambda: copy(ecs, source, REGION),
            "InvalidOperation.NotSupportCopyInSameRegion",
            403,
            rule="COPY-2",
        )


def test_encrypted_snapshot_is_copied_encrypted_only(server, ecs):
    server.activate_kms()
    source = create_snapshot(ecs, create_disk(ecs, encrypted=True))
    assert snapshot(ecs, source).encrypted
    with unchanged(server, ecs):
        refused(lambda: copy(ecs, source, OTHER_REGION), "InvalidEncrypted.NotSupportDecrypt", 403, rule="COPY-2")
        refused(
            lambda: copy(ecs, source, OTHER_REGION, encrypted=False),
            "InvalidEncrypted.NotSupportDecrypt",
            403,
            rule="COPY-2",
        )
    copied = copy(ecs, source, OTHER_REGION, encrypted=True).body.snapshot_id
    assert wait_accomplished(ecs, copied, OTHER_REGION).encrypted
    # An encrypted copy may stay in the region (COPY-3).
    same = copy(ecs, source, REGION, encrypted=True).body.snapshot_id
    assert wait_accomplished(ecs, same, REGION).encrypted


def test_encrypted_copy_needs_kms(server):
    account = server.new_account()
    ecs = server.client(account["access_key_id"], account["access_key_secret"])
    source = create_snapshot(ecs, create_disk(ecs))
    with unchanged(server, ecs):
        refused(
            lambda: copy(ecs, source, OTHER_REGION, encrypted=True),
            "InvalidParameter.KmsNotEnabled",
            403,
            rule="COPY-3",
        )
    server.activate_kms(account["account_id"])
    key = server.create_key(account["account_id"], OTHER_REGION)
    copied = copy(ecs, source, OTHER_REGION, encrypted=True, kmskey_id=key).body.snapshot_id
    found = wait_accomplished(ecs, copied, OTHER_REGION)
    assert found.encrypted
    assert found.kmskey_id == key


def test_copy_of_unknown_or_foreign_snapshot(server, ecs):
    # CopySnapshot documents 403 for InvalidSnapshotId.NotFound.
    other = server.new_account()
    other_ecs = server.client(other["access_key_id"], other["access_key_secret"])
    theirs = create_snapshot(other_ecs, create_disk(other_ecs))
    with unchanged(server, ecs, other_ecs):
        refused(lambda: copy(ecs, "s-doesnotexist0000000", OTHER_REGION), "InvalidSnapshotId.NotFound", 403, rule="GEN-4")
        refused(lambda: copy(ecs, theirs, OTHER_REGION), "InvalidSnapshotId.NotFound", 403)
