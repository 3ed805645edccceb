"""Snapshot locks through the SDK: LockSnapshot, UnlockSnapshot,
DescribeLockedSnapshots, and DeleteSnapshot of a locked snapshot (LOCK)."""

import json
from datetime import timedelta

from alibabacloud_ecs20140526 import models as ecs_models

from conftest import (
    REGION,
    create_disk,
    create_snapshot,
    lock,
    locks,
    parse_time,
    refused,
    snapshot,
    unchanged,
)

# Codes of refusals the issue does not name, as server/src/violations.rs maps them.
SNAPSHOT_LOCKED = ("InvalidOperation.SnapshotLocked", 403)  # delete while locked (LOCK-10)


def delete(ecs, snapshot_id):
    return ecs.delete_snapshot(ecs_models.DeleteSnapshotRequest(snapshot_id=snapshot_id))


def unlock(ecs, snapshot_id):
    return ecs.unlock_snapshot(ecs_models.UnlockSnapshotRequest(region_id=REGION, snapshot_id=snapshot_id))


def test_lock_life_cycle(server, ecs):
    disk = create_disk(ecs)
    snap = create_snapshot(ecs, disk)

    info = lock(ecs, snap, days=3, cool_off_hours=24).body.locked_snapshot_info
    assert info.snapshot_id == snap
    assert info.lock_status == "compliance-cooloff"

    described = locks(ecs, snapshot_ids=[snap])
    assert list(described) == [snap]
    view = described[snap]
    assert view.lock_status == "compliance-cooloff"
    assert view.lock_mode == "compliance"
    assert view.lock_duration == 3
    assert view.cool_off_period == 24
    created = parse_time(view.lock_creation_time)
    start = parse_time(view.lock_duration_start_time)
    assert start >= created
    assert parse_time(view.cool_off_period_expired_time) == start + timedelta(hours=24)
    expiry = parse_time(view.lock_expired_time)
    assert expiry == start + timedelta(days=3)

    # Cooling-off: no deletion, not even by the account's root.
    with unchanged(server, ecs):
        refused(lambda: delete(ecs, snap), *SNAPSHOT_LOCKED, rule="LOCK-10")

    moved = server.advance(hours=24)
    assert snap in json.dumps(moved["events"]), f"advancing past the cooling-off reported no event of {snap}: {moved}"
    view = locks(ecs, snapshot_ids=[snap])[snap]
    assert view.lock_status == "compliance"
    assert snap in locks(ecs, lock_status="compliance")
    assert snap not in locks(ecs, lock_status="compliance-cooloff")

    # Compliance: nobody unlocks, nobody deletes; the message says until when.
    with unchanged(server, ecs):
        refused(lambda: unlock(ecs, snap), "InvalidOperation.CoolOffPeriodExpired", 403, rule="LOCK-6")
        error = refused(lambda: delete(ecs, snap), *SNAPSHOT_LOCKED, rule="LOCK-10")
    assert expiry.strftime("%Y-%m-%dT%H:%M") in error.message, (
        f"the refusal does not say when waiting lifts it ({expiry:%Y-%m-%dT%H:%M:%SZ}): {error.message}"
    )

    # Past the expiry the lock is expired and the snapshot goes.
    server.advance(to=(expiry + timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ"))
    view = locks(ecs, snapshot_ids=[snap])[snap]
    assert view.lock_status == "expired"
    assert snap in locks(ecs, lock_status="expired")
    delete(ecs, snap)
    assert snapshot(ecs, snap) is None
    refused(lambda: delete(ecs, snap), "InvalidSnapshotId.NotFound", 404, rule="GEN-4")


def test_unlock_in_cooling_off_then_nothing_to_unlock(server, ecs):
    snap = create_snapshot(ecs, create_disk(ecs))
    lock(ecs, snap, days=7, cool_off_hours=48)
    server.advance(hours=47)
    unlock(ecs, snap)
    assert snap not in locks(ecs)
    with unchanged(server, ecs):
        refused(lambda: unlock(ecs, snap), "InvalidSnapshotLock.NotFound", 404, rule="LOCK-6")
    delete(ecs, snap)


def test_zero_cool_off_is_compliance_at_once(server, ecs):
    snap = create_snapshot(ecs, create_disk(ecs))
    info = lock(ecs, snap, days=1, cool_off_hours=0).body.locked_snapshot_info
    assert info.lock_status == "compliance"
    with unchanged(server, ecs):
        refused(lambda: unlock(ecs, snap), "InvalidOperation.CoolOffPeriodExpired", 403, rule="LOCK-6")


def test_lock1_cool_off_bounds(server, ecs):
    snap = create_snapshot(ecs, create_disk(ecs))
    with unchanged(server, ecs):
        # Cooling-off longer than the lock: the provider's documented code.
        refused(
            lambda: lock(ecs, snap, days=1, cool_off_hours=48),
            "InvalidCoolOffPeriod.ExceedLockDuration",
            400,
            rule="LOCK-1",
        )
        # Cooling-off past 72 hours.
        refused(lambda: lock(ecs, snap, days=30, cool_off_hours=73), "InvalidCoolOffPeriod.Malformed", 400, rule="LOCK-1")
    # The bounds themselves are accepted: 72 hours in a lock of 3 days.
    assert lock(ecs, snap, days=3, cool_off_hours=72).body.locked_snapshot_info.lock_status == "compliance-cooloff"


def test_lock1_duration_bounds(server, ecs):
    snap = create_snapshot(ecs, create_disk(ecs))
    with unchanged(server, ecs):
        # Duration out of 1..36,500 days: LOCK-1, as the table maps it.
        refused(lambda: lock(ecs, snap, days=0, cool_off_hours=0), "InvalidLockDuration.Malformed", 400, rule="LOCK-1")
        refused(
            lambda: lock(ecs, snap, days=36501, cool_off_hours=0), "InvalidLockDuration.Malformed", 400, rule="LOCK-1"
        )
    assert lock(ecs, snap, days=36500, cool_off_hours=0).body.locked_snapshot_info.lock_status == "compliance"


def test_lock4_lock_must_end_within_retention(server, ecs):
    snap = create_snapshot(ecs, create_disk(ecs), retention_days=10)
    with unchanged(server, ecs):
        error = refused(
            lambda: lock(ecs, snap, days=11, cool_off_hours=0),
            "InvalidLockDuration.ExceedRetentionDays",
            400,
            rule="LOCK-4",
        )
    assert "retention" in error.message.lower()
    # The remedy: extend retention first.
    ecs.modify_snapshot_attribute(ecs_models.ModifySnapshotAttributeRequest(snapshot_id=snap, retention_days=30))
    assert lock(ecs, snap, days=11, cool_off_hours=0).body.locked_snapshot_info.lock_status == "compliance"


def test_compliance_lock_can_only_be_extended(server, ecs):
    snap = create_snapshot(ecs, create_disk(ecs))
    lock(ecs, snap, days=10, cool_off_hours=0)
    before = parse_time(locks(ecs, snapshot_ids=[snap])[snap].lock_expired_time)
    with unchanged(server, ecs):
        # Shortening (LOCK-8) and a cooling-off in compliance (LOCK-8).
        refused(
            lambda: lock(ecs, snap, days=5, cool_off_hours=0), "InvalidOperation.CoolOffPeriodExpired", 403, rule="LOCK-8"
        )
        refused(
            lambda: lock(ecs, snap, days=20, cool_off_hours=1), "InvalidOperation.CoolOffPeriodExpired", 403, rule="LOCK-8"
        )
    lock(ecs, snap, days=20, cool_off_hours=0)
    after = parse_time(locks(ecs, snapshot_ids=[snap])[snap].lock_expired_time)
    assert after > before


def test_cooling_off_lock_may_be_reconfigured(server, ecs):
    snap = create_snapshot(ecs, create_disk(ecs))
    lock(ecs, snap, days=10, cool_off_hours=24)
    lock(ecs, snap, days=2, cool_off_hours=1)
    view = locks(ecs, snapshot_ids=[snap])[snap]
    assert (view.lock_duration, view.cool_off_period, view.lock_status) == (2, 1, "compliance-cooloff")


def test_lock_unknown_snapshot(server, ecs):
    with unchanged(server, ecs):
        refused(
            lambda: lock(ecs, "s-doesnotexist0000000", days=1, cool_off_hours=0),
            "InvalidSnapshotId.NotFound",
            404,
            rule="GEN-4",
        )


def test_describe_locked_snapshots_pagination(server, ecs):
    disk = create_disk(ecs)
    ids = []
    for _ in range(12):
        snap = create_snapshot(ecs, disk)
        lock(ecs, snap, days=1, cool_off_hours=1)
        ids.append(snap)
    seen = []
    token = None
    pages = 0
    while True:
        body = ecs.describe_locked_snapshots(
            ecs_models.DescribeLockedSnapshotsRequest(region_id=REGION, max_results=10, next_token=token)
        ).body
        pages += 1
        assert len(body.locked_snapshots_info) <= 10
        seen += [info.snapshot_id for info in body.locked_snapshots_info]
        token = body.next_token
        if not token:
            break
        assert pages < 10, "NextToken never ends"
    assert pages == 2
    assert sorted(seen) == sorted(ids)
    # The SnapshotIds filter: a list, flattened as SnapshotIds.N.
    assert set(locks(ecs, snapshot_ids=ids[:3])) == set(ids[:3])
