"""Custom images through the SDK: CreateImage and DeleteImage (IMAGE,
LOCK-16)."""

from alibabacloud_ecs20140526 import models as ecs_models

from conftest import (
    IMAGE_ID,
    REGION,
    create_disk,
    create_snapshot,
    lock,
    refused,
    snapshot,
    unchanged,
)


def create_image(ecs, snapshot_id, name="web"):
    return ecs.create_image(ecs_models.CreateImageRequest(region_id=REGION, snapshot_id=snapshot_id, image_name=name))


def delete_image(ecs, image_id):
    return ecs.delete_image(ecs_models.DeleteImageRequest(region_id=REGION, image_id=image_id))


def test_image_from_a_locked_snapshot(server, ecs):
    source = create_snapshot(ecs, create_disk(ecs))
    lock(ecs, source, days=3, cool_off_hours=0)
    image = create_image(ecs, source).body.image_id
    assert IMAGE_ID.match(image or ""), f"not a provider-style image id: {image!r}"
    assert create_image(ecs, source, name="web2").body.image_id != image
    delete_image(ecs, image)
    assert snapshot(ecs, source) is not None
    with unchanged(server, ecs):
        refused(lambda: delete_image(ecs, image), "InvalidImageId.NotFound", 404, rule="GEN-4")


def test_create_image_refusals(server, ecs):
    other = server.new_account()
    other_ecs = server.client(other["access_key_id"], other["access_key_secret"])
    theirs = create_snapshot(other_ecs, create_disk(other_ecs))
    with unchanged(server, ecs, other_ecs):
        refused(lambda: create_image(ecs, "s-doesnotexist0000000"), "InvalidSnapshotId.NotFound", 404, rule="GEN-4")
        # Never from another account's snapshot (IMAGE-1, PERM-4).
        refused(lambda: create_image(ecs, theirs), "InvalidSnapshotId.NotFound", 404)


def test_delete_image_refusals(server, ecs):
    other = server.new_account()
    other_ecs = server.client(other["access_key_id"], other["access_key_secret"])
    theirs = create_image(other_ecs, create_snapshot(other_ecs, create_disk(other_ecs))).body.image_id
    with unchanged(server, ecs, other_ecs):
        refused(lambda: delete_image(ecs, "m-doesnotexist0000000"), "InvalidImageId.NotFound", 404, rule="GEN-4")
        refused(lambda: delete_image(ecs, theirs), "InvalidImageId.NotFound", 404)
    delete_image(other_ecs, theirs)
