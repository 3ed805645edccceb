"""Durability through the SDK: a restart (SIGTERM, or SIGKILL right after
an acknowledged request) on the same data directory keeps every snapshot,
lock, disk, image, key and the clock."""

from datetime import timedelta

from alibabacloud_ecs20140526 import models as ecs_models

from conftest import (
    AdminError,
    OTHER_REGION,
    REGION,
    create_disk,
    create_snapshot,
    described,
    lock,
    locks,
    parse_time,
    refused,
    snapshot,
    wait_accomplished,
)


def build_history(server):
    """Snapshots, locks in each state, a copy, an image, a released disk and
    a moved clock; returns the ids to look at after the restart."""
    ecs = server.root_client()
    disk = create_disk(ecs)
    cooling = create_snapshot(ecs, disk, retention_days=30)
    compliance = create_snapshot(ecs, disk)
    plain = create_snapshot(ecs, disk, snapshot_name="plain")
    lock(ecs, cooling, days=10, cool_off_hours=48)
    lock(ecs, compliance, days=5, cool_off_hours=0)
    copied = ecs.copy_snapshot(
        ecs_models.CopySnapshotRequest(region_id=REGION, snapshot_id=plain, destination_region_id=OTHER_REGION)
    ).body.snapshot_id
    wait_accomplished(ecs, copied, OTHER_REGION)
    image = ecs.create_image(
        ecs_models.CreateImageRequest(region_id=REGION, snapshot_id=plain, image_name="kept")
    ).body.image_id
    gone = create_disk(ecs)
    auto = server.automatic_snapshot(gone)
    wait_accomplished(ecs, auto)
    lock(ecs, auto, days=2, cool_off_hours=0)
    ecs.modify_disk_attribute(
        ecs_models.ModifyDiskAttributeRequest(region_id=REGION, disk_id=gone, delete_auto_snapshot=True)
    )
    ecs.delete_disk(ecs_models.DeleteDiskRequest(disk_id=gone))
    server.advance(hours=1)
    return {
        "disk": disk,
        "cooling": cooling,
        "compliance": compliance,
        "plain": plain,
        "copy": copied,
        "image": image,
        "auto": auto,
    }


def check_after_restart(server, ids, before, clock_before, key_before):
    assert server.account() == key_before, "the default account's root key changed across the restart"
    ecs = server.root_client()
    assert described(server, ecs) == before, "the restart lost or changed snapshots or locks"
    assert parse_time(server.now()) >= parse_time(clock_before), "the clock went backwards across the restart"
    states = locks(ecs)
    assert states[ids["cooling"]].lock_status == "compliance-cooloff"
    assert states[ids["compliance"]].lock_status == "compliance"
    assert states[ids["auto"]].lock_status == "compliance"
    # The locks are still enforced.
    refused(
        lambda: ecs.delete_snapshot(ecs_models.DeleteSnapshotRequest(snapshot_id=ids["compliance"])),
        "InvalidOperation.SnapshotLocked",
        403,
        rule="LOCK-10",
    )
    # The disk, image and copy are still there: they can be used.
    new = create_snapshot(ecs, ids["disk"])
    assert new not in ids.values(), "an id was given twice across the restart"
    ecs.delete_image(ecs_models.DeleteImageRequest(region_id=REGION, image_id=ids["image"]))
    assert snapshot(ecs, ids["copy"], OTHER_REGION) is not None
    # And time goes on from where it was: the cooling-off ends.
    server.advance(hours=48)
    assert locks(ecs)[ids["cooling"]].lock_status == "compliance"


def test_restart_keeps_everything(server_factory, tmp_path):
    data_dir = tmp_path / "data"
    server = server_factory(data_dir)
    ids = build_history(server)
    before = described(server, server.root_client())
    clock_before = server.now()
    key_before = server.account()
    # Ctrl-C: a graceful shutdown, exit status 0.
    assert server.stop(interrupt=True) == 0, f"the server did not exit cleanly on SIGINT{server.stderr_tail()}"
    server.start()
    check_after_restart(server, ids, before, clock_before, key_before)
    # A second restart (SIGTERM), after more history, again keeps everything.
    before = described(server, server.root_client())
    clock_before = server.now()
    server.restart()
    assert described(server, server.root_client()) == before
    assert parse_time(server.now()) >= parse_time(clock_before)


def test_sigkill_right_after_acknowledged_requests_loses_nothing(server_factory, tmp_path):
    data_dir = tmp_path / "data"
    server = server_factory(data_dir)
    ids = build_history(server)
    ecs = server.root_client()
    # The last acknowledged request before the kill is a lock.
    last = create_snapshot(ecs, ids["disk"])
    lock(ecs, last, days=3, cool_off_hours=0)
    before = described(server, ecs)
    clock_before = server.now()
    key_before = server.account()
    server.restart(kill=True)
    assert locks(server.root_client())[last].lock_status == "compliance"
    check_after_restart(server, ids, before, clock_before, key_before)


def test_in_memory_keeps_nothing_on_disk(server, tmp_path):
    ecs = server.root_client()
    create_snapshot(ecs, create_disk(ecs))
    leftovers = [p for p in tmp_path.rglob("*") if p.is_file() and not p.name.endswith(".stderr")]
    assert leftovers == [], f"--in-memory wrote files: {leftovers}"


def test_admin_clock_moves_forward_only(server):
    before = parse_time(server.now())
    try:
        server.advance(seconds=-1)
    except AdminError as error:
        assert error.status == 400, error
    else:
        raise AssertionError("the admin API moved the clock backwards")
    try:
        server.advance(to="2001-01-01T00:00:00Z")
    except AdminError as error:
        assert error.status == 400, error
    else:
        raise AssertionError("the admin API moved the clock to the past")
    assert parse_time(server.now()) >= before
    moved = parse_time(server.advance(days=3)["now"])
    assert moved - before >= timedelta(days=3)
