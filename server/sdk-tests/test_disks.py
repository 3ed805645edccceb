"""Disks through the SDK: CreateDisk, DeleteDisk, ModifyDiskAttribute
(DeleteAutoSnapshot), ResetDisk and ReInitDisk (DISK, LOCK-10)."""

from alibabacloud_ecs20140526 import models as ecs_models

from conftest import (
    DISK_ID,
    OTHER_REGION,
    REGION,
    all_snapshots,
    create_disk,
    create_snapshot,
    lock,
    locks,
    refused,
    snapshot,
    unchanged,
    wait_accomplished,
)

UNKNOWN_DISK = "d-doesnotexist0000000"


def delete_disk(ecs, disk_id):
    return ecs.delete_disk(ecs_models.DeleteDiskRequest(disk_id=disk_id))


def release_auto_snapshots(ecs, disk_id, value=True):
    return ecs.modify_disk_attribute(
        ecs_models.ModifyDiskAttributeRequest(region_id=REGION, disk_id=disk_id, delete_auto_snapshot=value)
    )


def test_release_keeps_the_locked_automatic_snapshot(server, ecs):
    disk = create_disk(ecs)
    kept = server.automatic_snapshot(disk)
    released = server.automatic_snapshot(disk)
    manual = create_snapshot(ecs, disk)
    for snap in (kept, released):
        assert wait_accomplished(ecs, snap).snapshot_type == "auto"
    lock(ecs, kept, days=30, cool_off_hours=0)

    release_auto_snapshots(ecs, disk, True)
    delete_disk(ecs, disk)

    # LOCK-10, DISK-3: the locked automatic snapshot survives the release.
    survivor = snapshot(ecs, kept)
    assert survivor is not None, "the locked automatic snapshot was released with its disk"
    assert survivor.source_disk_id == disk
    assert locks(ecs, snapshot_ids=[kept])[kept].lock_status == "compliance"
    assert snapshot(ecs, released) is None, "the unlocked automatic snapshot stayed"
    assert snapshot(ecs, manual) is not None, "a manual snapshot went with its disk"
    # The disk is gone.
    with unchanged(server, ecs):
        refused(lambda: delete_disk(ecs, disk), "InvalidDiskId.NotFound", 404, rule="GEN-4")


def test_release_keeps_automatic_snapshots_unless_asked(server, ecs):
    disk = create_disk(ecs)
    auto = server.automatic_snapshot(disk)
    wait_accomplished(ecs, auto)
    release_auto_snapshots(ecs, disk, False)
    delete_disk(ecs, disk)
    assert snapshot(ecs, auto) is not None


def test_create_disk_from_a_snapshot_and_reinit(server, ecs):
    source = create_snapshot(ecs, create_disk(ecs))
    lock(ecs, source, days=3, cool_off_hours=0)
    # A locked snapshot is used like any other (LOCK-16).
    disk = create_disk(ecs, snapshot_id=source)
    assert DISK_ID.match(disk)
    ecs.re_init_disk(ecs_models.ReInitDiskRequest(disk_id=disk))
    created = create_snapshot(ecs, disk)
    assert snapshot(ecs, created).source_disk_id == disk


def test_create_disk_refusals(server, ecs):
    shanghai_snapshot = create_snapshot(ecs, create_disk(ecs, region=OTHER_REGION), region=OTHER_REGION)
    with unchanged(server, ecs):
        refused(
            lambda: create_disk(ecs, snapshot_id="s-doesnotexist0000000"),
            "InvalidSnapshotId.NotFound",
            404,
            rule="GEN-4",
        )
        # A disk is in the region of the snapshot it is made from (DISK-1).
        refused(
            lambda: create_disk(ecs, region=REGION, snapshot_id=shanghai_snapshot),
            "InvalidSnapshotId.NotFound",
            404,
            rule="DISK-1",
        )


def test_delete_and_modify_disk_refusals(server, ecs):
    other = server.new_account()
    other_ecs = server.client(other["access_key_id"], other["access_key_secret"])
    theirs = create_disk(other_ecs)
    with unchanged(server, ecs, other_ecs):
        refused(lambda: delete_disk(ecs, UNKNOWN_DISK), "InvalidDiskId.NotFound", 404, rule="GEN-4")
        refused(lambda: delete_disk(ecs, theirs), "InvalidDiskId.NotFound", 404)
        refused(lambda: release_auto_snapshots(ecs, UNKNOWN_DISK), "InvalidDiskId.NotFound", 404)
        refused(lambda: release_auto_snapshots(ecs, theirs), "InvalidDiskId.NotFound", 404)
    delete_disk(other_ecs, theirs)


def test_reset_disk(server, ecs):
    disk = create_disk(ecs)
    other_disk = create_disk(ecs)
    own = create_snapshot(ecs, disk)
    foreign = create_snapshot(ecs, other_disk)
    ecs.reset_disk(ecs_models.ResetDiskRequest(disk_id=disk, snapshot_id=own))
    with unchanged(server, ecs):
        # Only a snapshot of that very disk (DISK-2).
        refused(
            lambda: ecs.reset_disk(ecs_models.ResetDiskRequest(disk_id=disk, snapshot_id=foreign)),
            "InvalidParameter.Mismatch",
            403,
            rule="DISK-2",
        )
        refused(
            lambda: ecs.reset_disk(ecs_models.ResetDiskRequest(disk_id=UNKNOWN_DISK, snapshot_id=own)),
            "InvalidDiskId.NotFound",
            404,
            rule="GEN-4",
        )


def test_reinit_disk_refusals(server, ecs):
    other = server.new_account()
    other_ecs = server.client(other["access_key_id"], other["access_key_secret"])
    theirs = create_disk(other_ecs)
    with unchanged(server, ecs, other_ecs):
        refused(
            lambda: ecs.re_init_disk(ecs_models.ReInitDiskRequest(disk_id=UNKNOWN_DISK)),
            "InvalidDiskId.NotFound",
            404,
            rule="GEN-4",
        )
        refused(lambda: ecs.re_init_disk(ecs_models.ReInitDiskRequest(disk_id=theirs)), "InvalidDiskId.NotFound", 404)


def test_snapshots_of_a_released_disk_are_still_listed(server, ecs):
    disk = create_disk(ecs)
    manual = create_snapshot(ecs, disk)
    delete_disk(ecs, disk)
    assert manual in [s["SnapshotId"] for s in all_snapshots(ecs)]
