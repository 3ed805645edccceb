"""ClientToken and DryRun through the SDK (issue 17, item 3).

Every ECS operation that takes ``DryRun`` is dry-run once where it would be
accepted (the SDK raises ``DryRunOperation``, HTTP 400, and nothing
changes) and once where it would be refused (its real error). Every
operation that takes ``ClientToken`` is retried with its token (the same
answer, one change) and sent with the same token and other parameters
(``IdempotentParameterMismatch``, nothing changes). Tokens survive a
restart.
"""

import pytest
from alibabacloud_ecs20140526 import models as ecs_models
from Tea.exceptions import TeaException

from conftest import (
    OTHER_REGION,
    REGION,
    _status,
    all_snapshots,
    create_disk,
    create_snapshot,
    lock,
    refused,
    unchanged,
)

DRY_RUN_OPERATION = ("DryRunOperation", 400)
MISMATCH = ("IdempotentParameterMismatch", 400)


def _world(ecs):
    """A disk, two snapshots of it (one locked in its cooling-off period)
    and an image of the first."""
    disk = create_disk(ecs)
    snap = create_snapshot(ecs, disk)
    locked = create_snapshot(ecs, disk)
    lock(ecs, locked, days=1, cool_off_hours=24)
    image = ecs.create_image(ecs_models.CreateImageRequest(region_id=REGION, snapshot_id=snap)).body.image_id
    return {"disk": disk, "snap": snap, "locked": locked, "image": image}


# Each DryRun operation: (name, a request that would be accepted, one that
# would be refused with (code, status)), built from the world.
DRY_RUNS = {
    "DescribeSnapshots": (
        lambda ecs, w, **dry: ecs.describe_snapshots(ecs_models.DescribeSnapshotsRequest(region_id=REGION, **dry)),
        lambda ecs, w, **dry: ecs.describe_snapshots(ecs_models.DescribeSnapshotsRequest(region_id="xx-nowhere-1", **dry)),
    ),
    "DescribeLockedSnapshots": (
        lambda ecs, w, **dry: ecs.describe_locked_snapshots(ecs_models.DescribeLockedSnapshotsRequest(region_id=REGION, **dry)),
        lambda ecs, w, **dry: ecs.describe_locked_snapshots(
            ecs_models.DescribeLockedSnapshotsRequest(region_id="xx-nowhere-1", **dry)
        ),
    ),
    "LockSnapshot": (
        lambda ecs, w, **dry: ecs.lock_snapshot(
            ecs_models.LockSnapshotRequest(
                region_id=REGION, snapshot_id=w["snap"], lock_mode="compliance", lock_duration=1, cool_off_period=0, **dry
            )
        ),
        lambda ecs, w, **dry: ecs.lock_snapshot(
            ecs_models.LockSnapshotRequest(
                region_id=REGION, snapshot_id="s-doesnotexist0000000", lock_mode="compliance", lock_duration=1, cool_off_period=0, **dry
            )
        ),
    ),
    "UnlockSnapshot": (
        lambda ecs, w, **dry: ecs.unlock_snapshot(ecs_models.UnlockSnapshotRequest(region_id=REGION, snapshot_id=w["locked"], **dry)),
        lambda ecs, w, **dry: ecs.unlock_snapshot(ecs_models.UnlockSnapshotRequest(region_id=REGION, snapshot_id=w["snap"], **dry)),
    ),
    "ResetDisk": (
        lambda ecs, w, **dry: ecs.reset_disk(ecs_models.ResetDiskRequest(disk_id=w["disk"], snapshot_id=w["snap"], **dry)),
        lambda ecs, w, **dry: ecs.reset_disk(ecs_models.ResetDiskRequest(disk_id=w["disk"], snapshot_id="s-doesnotexist0000000", **dry)),
    ),
    "CreateImage": (
        lambda ecs, w, **dry: ecs.create_image(ecs_models.CreateImageRequest(region_id=REGION, snapshot_id=w["snap"], **dry)),
        lambda ecs, w, **dry: ecs.create_image(
            ecs_models.CreateImageRequest(region_id=REGION, snapshot_id="s-doesnotexist0000000", **dry)
        ),
    ),
    "DeleteImage": (
        lambda ecs, w, **dry: ecs.delete_image(ecs_models.DeleteImageRequest(region_id=REGION, image_id=w["image"], **dry)),
        lambda ecs, w, **dry: ecs.delete_image(ecs_models.DeleteImageRequest(region_id=REGION, image_id="m-doesnotexist0000000", **dry)),
    ),
}


@pytest.mark.parametrize("operation", sorted(DRY_RUNS))
def test_dry_run_decides_and_keeps_nothing(server, ecs, operation):
    would_pass, would_fail = DRY_RUNS[operation]
    world = _world(ecs)
    with unchanged(server, ecs):
        refused(lambda: would_pass(ecs, world, dry_run=True), *DRY_RUN_OPERATION, rule=False)
    # Refused for real, and refused the same way when dry.
    with unchanged(server, ecs):
        real = None
        try:
            would_fail(ecs, world)
        except TeaException as error:
            real = error
        assert real is not None, f"{operation}: the refused case was accepted"
        refused(lambda: would_fail(ecs, world, dry_run=True), real.code, _status(real), rule=False)
    # And DryRun=false is the real request.
    would_pass(ecs, world, dry_run=False)


# Each ClientToken operation: (name, a request with the token and extra
# fields, the answer's identifying field), built from the world.
TOKENS = {
    "CreateSnapshot": (
        lambda ecs, w, token, **extra: ecs.create_snapshot(
            ecs_models.CreateSnapshotRequest(disk_id=w["disk"], client_token=token, **extra)
        ),
        lambda body: body.snapshot_id,
        {"description": "another request"},
    ),
    "CopySnapshot": (
        lambda ecs, w, token, **extra: ecs.copy_snapshot(
            ecs_models.CopySnapshotRequest(
                region_id=REGION, snapshot_id=w["snap"], destination_region_id=OTHER_REGION, client_token=token, **extra
            )
        ),
        lambda body: body.snapshot_id,
        {"destination_snapshot_name": "another-name"},
    ),
    "LockSnapshot": (
        lambda ecs, w, token, **extra: ecs.lock_snapshot(
            ecs_models.LockSnapshotRequest(
                region_id=REGION,
                snapshot_id=w["snap"],
                lock_mode="compliance",
                lock_duration=extra.pop("lock_duration", 1),
                cool_off_period=24,
                client_token=token,
            )
        ),
        lambda body: body.locked_snapshot_info.lock_expired_time,
        {"lock_duration": 2},
    ),
    "UnlockSnapshot": (
        lambda ecs, w, token, **extra: ecs.unlock_snapshot(
            ecs_models.UnlockSnapshotRequest(region_id=REGION, snapshot_id=extra.pop("snapshot", w["locked"]), client_token=token)
        ),
        # Unlocking what is not locked is refused (LOCK-6): the retry's
        # success is the first answer given again, not a second unlock.
        lambda body: "unlocked",
        {"snapshot": "s-doesnotexist0000000"},
    ),
    "CreateDisk": (
        lambda ecs, w, token, **extra: ecs.create_disk(
            ecs_models.CreateDiskRequest(
                region_id=REGION, zone_id=f"{REGION}-g", disk_category="cloud_essd", size=extra.pop("size", 40), client_token=token
            )
        ),
        lambda body: body.disk_id,
        {"size": 50},
    ),
    "CreateImage": (
        lambda ecs, w, token, **extra: ecs.create_image(
            ecs_models.CreateImageRequest(region_id=REGION, snapshot_id=w["snap"], client_token=token, **extra)
        ),
        lambda body: body.image_id,
        {"image_name": "another-name"},
    ),
}


@pytest.mark.parametrize("operation", sorted(TOKENS))
def test_client_token_retry_answers_the_first_answer_and_mismatch_is_refused(server, ecs, operation):
    send, key, other = TOKENS[operation]
    world = _world(ecs)
    token = f"token-{operation}"
    first = send(ecs, world, token).body
    with unchanged(server, ecs):
        again = send(ecs, world, token).body
        assert key(again) == key(first), f"{operation}: the retry answered {again.to_map()}, not {first.to_map()}"
        refused(lambda: send(ecs, world, token, **dict(other)), *MISMATCH, rule=False)


def test_client_tokens_survive_a_restart(server_factory, tmp_path):
    server = server_factory(tmp_path / "data")
    ecs = server.root_client()
    disk = create_disk(ecs)
    request = ecs_models.CreateSnapshotRequest(disk_id=disk, client_token="kept-across-restarts")
    first = ecs.create_snapshot(request).body.snapshot_id
    server.restart(kill=True)
    ecs = server.root_client()
    again = ecs.create_snapshot(request).body.snapshot_id
    assert again == first
    assert [s["SnapshotId"] for s in all_snapshots(ecs)] == [first]
