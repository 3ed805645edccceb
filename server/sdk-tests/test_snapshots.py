"""Snapshots through the SDK: CreateSnapshot, DescribeSnapshots,
DeleteSnapshot, ModifySnapshotAttribute (retention) and
ModifySnapshotCategory (archive) (SNAP, ARCH)."""

import json
import time
from datetime import timedelta

from alibabacloud_ecs20140526 import models as ecs_models

from conftest import (
    REGION,
    SNAPSHOT_ID,
    all_snapshots,
    create_disk,
    create_snapshot,
    lock,
    parse_time,
    refused,
    snapshot,
    unchanged,
)


def describe(ecs, **filters):
    return ecs.describe_snapshots(ecs_models.DescribeSnapshotsRequest(region_id=REGION, **filters)).body


def retention(ecs, snapshot_id, days):
    return ecs.modify_snapshot_attribute(
        ecs_models.ModifySnapshotAttributeRequest(snapshot_id=snapshot_id, retention_days=days)
    )


def archive(ecs, snapshot_id, retention_days=None):
    return ecs.modify_snapshot_category(
        ecs_models.ModifySnapshotCategoryRequest(snapshot_id=snapshot_id, category="Archive", retention_days=retention_days)
    )


def test_create_describe_delete(server, ecs):
    disk = create_disk(ecs)
    first = create_snapshot(ecs, disk, snapshot_name="first", retention_days=30)
    second = create_snapshot(ecs, disk)
    assert SNAPSHOT_ID.match(first) and SNAPSHOT_ID.match(second) and first != second

    found = snapshot(ecs, first)
    assert found.status == "accomplished"
    assert found.source_disk_id == disk
    assert found.retention_days == 30
    assert found.snapshot_type == "user"
    assert found.region_id in (None, REGION)
    parse_time(found.creation_time)

    permanent = snapshot(ecs, second)
    assert permanent.retention_days in (None, 0)

    ecs.delete_snapshot(ecs_models.DeleteSnapshotRequest(snapshot_id=first))
    assert snapshot(ecs, first) is None
    assert snapshot(ecs, second) is not None


def test_create_snapshot_refusals(server, ecs):
    other = server.new_account()
    other_ecs = server.client(other["access_key_id"], other["access_key_secret"])
    other_disk = create_disk(other_ecs)
    with unchanged(server, ecs, other_ecs):
        refused(
            lambda: ecs.create_snapshot(ecs_models.CreateSnapshotRequest(disk_id="d-doesnotexist0000000")),
            "InvalidDiskId.NotFound",
            404,
            rule="GEN-4",
        )
        # Another account's disk is not found either, for this account.
        refused(
            lambda: ecs.create_snapshot(ecs_models.CreateSnapshotRequest(disk_id=other_disk)),
            "InvalidDiskId.NotFound",
            404,
        )
    disk = create_disk(ecs)
    with unchanged(server, ecs):
        # Retention out of 1..65,536 days (SNAP-5).
        refused(
            lambda: ecs.create_snapshot(ecs_models.CreateSnapshotRequest(disk_id=disk, retention_days=65537)),
            "InvalidRetentionDays.Malformed",
            400,
            rule="SNAP-5",
        )


def test_describe_filters_and_pages(server, ecs):
    disk_a = create_disk(ecs)
    disk_b = create_disk(ecs)
    on_a = [create_snapshot(ecs, disk_a) for _ in range(3)]
    on_b = [create_snapshot(ecs, disk_b) for _ in range(2)]

    body = describe(ecs, snapshot_ids=json.dumps(on_a[:2]))
    assert sorted(s.snapshot_id for s in body.snapshots.snapshot) == sorted(on_a[:2])
    assert body.total_count == 2

    body = describe(ecs, disk_id=disk_b)
    assert sorted(s.snapshot_id for s in body.snapshots.snapshot) == sorted(on_b)

    pages = []
    for number in (1, 2, 3):
        body = describe(ecs, page_size=2, page_number=number)
        assert body.total_count == 5
        assert body.page_number == number and body.page_size == 2
        pages.append([s.snapshot_id for s in body.snapshots.snapshot])
    assert [len(p) for p in pages] == [2, 2, 1]
    assert sorted(sum(pages, [])) == sorted(on_a + on_b)

    # MaxResults/NextToken paging gives the same snapshots.
    seen, token = [], None
    for _ in range(5):
        body = describe(ecs, max_results=2, next_token=token)
        seen += [s.snapshot_id for s in body.snapshots.snapshot]
        token = body.next_token
        if not token:
            break
    assert sorted(seen) == sorted(on_a + on_b)

    assert len(all_snapshots(ecs)) == 5


def test_describe_snapshots_refusals(server, ecs):
    create_snapshot(ecs, create_disk(ecs))
    with unchanged(server, ecs):
        # PageSize is 1..100.
        refused(lambda: describe(ecs, page_size=101), "InvalidParameter", 400, rule=False)
        # SnapshotIds is a JSON array of ids.
        refused(lambda: describe(ecs, snapshot_ids="s-not-a-json-array"), "InvalidParameter", 400, rule=False)
        # RegionId is required.
        refused(
            lambda: ecs.describe_snapshots(ecs_models.DescribeSnapshotsRequest()),
            "MissingParameter",
            400,
            rule=False,
        )


def test_delete_snapshot_refusals(server, ecs):
    snap = create_snapshot(ecs, create_disk(ecs))
    other = server.new_account()
    other_ecs = server.client(other["access_key_id"], other["access_key_secret"])
    with unchanged(server, ecs, other_ecs):
        refused(
            lambda: ecs.delete_snapshot(ecs_models.DeleteSnapshotRequest(snapshot_id="s-doesnotexist0000000")),
            "InvalidSnapshotId.NotFound",
            404,
            rule="GEN-4",
        )
        # Another account cannot delete it, nor learn that it exists.
        refused(
            lambda: other_ecs.delete_snapshot(ecs_models.DeleteSnapshotRequest(snapshot_id=snap)),
            "InvalidSnapshotId.NotFound",
            404,
        )
    assert snapshot(ecs, snap) is not None


def test_retention_extends_never_shortens(server, ecs):
    snap = create_snapshot(ecs, create_disk(ecs), retention_days=30)
    retention(ecs, snap, 60)
    assert snapshot(ecs, snap).retention_days == 60
    with unchanged(server, ecs):
        refused(lambda: retention(ecs, snap, 10), "InvalidOperation.DecreaseRetentionDaysUnsupported", 400, rule="SNAP-3")
        refused(lambda: retention(ecs, snap, 65537), "InvalidRetentionDays.Malformed", 400, rule="SNAP-5")


def test_retention_and_lock(server, ecs):
    snap = create_snapshot(ecs, create_disk(ecs), retention_days=30)
    lock(ecs, snap, days=20, cool_off_hours=0)
    retention(ecs, snap, 40)
    assert snapshot(ecs, snap).retention_days == 40


def test_retention_end_releases_the_snapshot(server, ecs):
    disk = create_disk(ecs)
    short = create_snapshot(ecs, disk, retention_days=1)
    kept = create_snapshot(ecs, disk, retention_days=2)
    end = parse_time(snapshot(ecs, short).creation_time) + timedelta(days=1)
    server.advance(to=(end + timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ"))
    assert snapshot(ecs, short) is None, "a snapshot outlived its retention (SNAP-2)"
    assert snapshot(ecs, kept) is not None


def test_a_lock_ends_with_its_retention(server, ecs):
    # LOCK-4 keeps the lock within the retention: at the retention end the
    # lock has expired and the snapshot goes.
    snap = create_snapshot(ecs, create_disk(ecs), retention_days=2)
    lock(ecs, snap, days=2, cool_off_hours=0)
    server.advance(days=1)
    assert snapshot(ecs, snap) is not None
    server.advance(days=1)
    server.advance(seconds=1)
    assert snapshot(ecs, snap) is None


def test_retention_end_comes_with_the_wall_clock(server, ecs):
    # No admin call at the deadline: the server's own clock reaches it.
    snap = create_snapshot(ecs, create_disk(ecs), retention_days=1)
    end = parse_time(snapshot(ecs, snap).creation_time) + timedelta(days=1)
    server.advance(to=(end - timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ"))
    assert snapshot(ecs, snap) is not None
    deadline = time.monotonic() + 10
    while snapshot(ecs, snap) is not None:
        assert time.monotonic() < deadline, "the retention end passed on the wall clock and the snapshot stayed"
        time.sleep(0.25)


def test_archive(server, ecs):
    snap = create_snapshot(ecs, create_disk(ecs))
    with unchanged(server, ecs):
        # Less than 14 days old (ARCH-1); the message says when it may be.
        refused(lambda: archive(ecs, snap), "InvalidStatus.SnapshotAgeLimit", 400, rule="ARCH-1")
        refused(
            lambda: ecs.modify_snapshot_category(
                ecs_models.ModifySnapshotCategoryRequest(snapshot_id="s-doesnotexist0000000", category="Archive")
            ),
            "InvalidSnapshotId.NotFound",
            404,
            rule="GEN-4",
        )
    server.advance(days=14)
    archive(ecs, snap)
    found = snapshot(ecs, snap)
    assert (found.category or "").lower() == "archive"
    with unchanged(server, ecs):
        # Archiving is one-way and its retention can no longer change (ARCH-5).
        refused(lambda: archive(ecs, snap), "InvalidStatus.SnapshotInArchive", 400, rule="ARCH-1")
        refused(
            lambda: retention(ecs, snap, 365), "InvalidSnapshotCategory.NotSupportModifyRetention", 403, rule="ARCH-5"
        )


def test_archive_must_outlast_lock(server, ecs):
    snap = create_snapshot(ecs, create_disk(ecs))
    lock(ecs, snap, days=200, cool_off_hours=0)
    server.advance(days=14)
    with unchanged(server, ecs):
        refused(
            lambda: archive(ecs, snap, retention_days=100),
            "InvalidRetentionDays.LessThanLockExpiredTime",
            400,
            rule="LOCK-14",
        )
    archive(ecs, snap, retention_days=300)


def test_concurrent_requests_all_pass_with_distinct_ids(server, ecs):
    # Each request takes `now` under the engine's lock: concurrent
    # requests (and a clock moved meanwhile) never meet GEN-2.
    from concurrent.futures import ThreadPoolExecutor

    disk = create_disk(ecs)

    def work(index):
        client = server.root_client(signature_algorithm="v2" if index % 2 else None)
        made = []
        for _ in range(5):
            made.append(
                client.create_snapshot(ecs_models.CreateSnapshotRequest(disk_id=disk)).body.snapshot_id
            )
        return made

    with ThreadPoolExecutor(max_workers=6) as pool:
        futures = [pool.submit(work, index) for index in range(6)]
        server.advance(seconds=30)
        made = [snap for future in futures for snap in future.result()]
    assert len(made) == 30 and len(set(made)) == 30
    assert len(all_snapshots(ecs, disk_id=disk)) == 30
