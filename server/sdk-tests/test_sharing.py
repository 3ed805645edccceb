"""Resource Sharing 2020-01-10 through the official SDK
(alibabacloud-resourcesharing20200110), with ECS for what a sharee does
with a shared snapshot: sharing with an account and with a folder, the
64-principal limit (SHARE-1), sites (SHARE-3), the encrypted-share role
(SHARE-6), invitations (SHARE-7), what a sharee may not do (SHARE-10,
SHARE-11), unsharing (SHARE-13) and deleting a shared snapshot (SHARE-12)."""

from __future__ import annotations

from alibabacloud_ecs20140526 import models as ecs_models
from alibabacloud_resourcesharing20200110 import models as rs_models

from conftest import (
    DEFAULT_ACCOUNT,
    OTHER_REGION,
    REGION,
    all_snapshots,
    create_disk,
    create_snapshot,
    lock,
    refused,
    unchanged,
)

SNAPSHOT = "Snapshot"


# --------------------------------------------------------------------------
# Helpers


def new_sharee(server, site: str = "china"):
    """A new account: its id, ECS client and Resource Sharing client."""
    account = server.new_account(site)
    account_id = account["account_id"]
    ecs = server.client(account["access_key_id"], account["access_key_secret"])
    rs = server.sharing_client(account["access_key_id"], account["access_key_secret"])
    return account_id, ecs, rs


def create_share(rs, snapshots=(), targets=(), external=True, name="snapshots"):
    request = rs_models.CreateResourceShareRequest(
        resource_share_name=name,
        resources=[
            rs_models.CreateResourceShareRequestResources(resource_id=s, resource_type=SNAPSHOT) for s in snapshots
        ],
        targets=list(targets),
        allow_external_targets=external,
    )
    share = rs.create_resource_share(request).body.resource_share
    assert share.resource_share_id.startswith("rs-"), share.to_map()
    assert share.resource_share_status == "Active"
    return share.resource_share_id


def associate(rs, share_id, snapshots=(), targets=()):
    return rs.associate_resource_share(
        rs_models.AssociateResourceShareRequest(
            resource_share_id=share_id,
            resources=[
                rs_models.AssociateResourceShareRequestResources(resource_id=s, resource_type=SNAPSHOT)
                for s in snapshots
            ],
            targets=list(targets),
        )
    )


def disassociate(rs, share_id, snapshots=(), targets=()):
    return rs.disassociate_resource_share(
        rs_models.DisassociateResourceShareRequest(
            resource_share_id=share_id,
            resources=[
                rs_models.DisassociateResourceShareRequestResources(resource_id=s, resource_type=SNAPSHOT)
                for s in snapshots
            ],
            targets=list(targets),
        )
    )


def invitations(rs, **filters):
    body = rs.list_resource_share_invitations(rs_models.ListResourceShareInvitationsRequest(**filters)).body
    return body.resource_share_invitations or []


def accept(rs, share_id) -> str:
    """Accepts the invitation to ``share_id``; its id."""
    found = [i for i in invitations(rs) if i.resource_share_id == share_id]
    assert len(found) == 1, [i.to_map() for i in invitations(rs)]
    assert found[0].status == "Pending"
    invitation_id = found[0].resource_share_invitation_id
    accepted = rs.accept_resource_share_invitation(
        rs_models.AcceptResourceShareInvitationRequest(resource_share_invitation_id=invitation_id)
    ).body.resource_share_invitation
    assert accepted.status == "Accepted"
    assert accepted.sender_account_id == DEFAULT_ACCOUNT
    return invitation_id


def seen_ids(ecs, region=REGION) -> set[str]:
    return {s["SnapshotId"] for s in all_snapshots(ecs, region)}


def shared_resources(rs, owner: str, **filters):
    body = rs.list_shared_resources(rs_models.ListSharedResourcesRequest(resource_owner=owner, **filters)).body
    return body.shared_resources or []


# --------------------------------------------------------------------------
# Flows


def test_share_with_an_account_accept_use_unshare_and_delete(server, ecs):
    rs = server.root_sharing_client()
    sharee_id, sharee_ecs, sharee_rs = new_sharee(server)
    snapshot = create_snapshot(ecs, create_disk(ecs))
    share_id = create_share(rs, [snapshot], [sharee_id])

    # Pending: the sharee holds an invitation but does not see the snapshot.
    pending = invitations(sharee_rs)
    assert [i.status for i in pending] == ["Pending"]
    assert pending[0].receiver_account_id == sharee_id
    assert snapshot not in seen_ids(sharee_ecs)
    others = sharee_rs.list_resource_shares(
        rs_models.ListResourceSharesRequest(resource_owner="OtherAccounts")
    ).body.resource_shares
    assert [s.resource_share_id for s in others] == [share_id]

    invitation_id = accept(sharee_rs, share_id)
    with unchanged(server, ecs, sharee_ecs):
        refused(
            lambda: sharee_rs.accept_resource_share_invitation(
                rs_models.AcceptResourceShareInvitationRequest(resource_share_invitation_id=invitation_id)
            ),
            "InvitationStatus.AlreadyAccepted",
            409,
            "SHARE-7",
        )

    # Accepted: the sharee sees it in DescribeSnapshots, marked as shared.
    shown = [s for s in all_snapshots(sharee_ecs) if s["SnapshotId"] == snapshot]
    assert len(shown) == 1
    tags = [t["TagKey"] for t in shown[0]["Tags"]["Tag"]]
    assert tags == [f"acs:ecs:sharedFrom:{DEFAULT_ACCOUNT}:{REGION}:{snapshot}"]
    resources = shared_resources(sharee_rs, "OtherAccounts", resource_type=SNAPSHOT)
    assert [(r.resource_id, r.resource_status) for r in resources] == [(snapshot, "Available")]
    assert [r.resource_id for r in shared_resources(rs, "Self", target=sharee_id)] == [snapshot]

    # It creates a disk and a copy from it.
    disk = create_disk(sharee_ecs, snapshot_id=snapshot)
    copy_id = sharee_ecs.copy_snapshot(
        ecs_models.CopySnapshotRequest(region_id=REGION, snapshot_id=snapshot, destination_region_id=OTHER_REGION)
    ).body.snapshot_id
    assert disk and copy_id

    # Unshared, the sharee no longer sees it; its copy stays (SHARE-13).
    body = disassociate(rs, share_id, snapshots=[snapshot]).body
    assert [(a.entity_id, a.association_status) for a in body.resource_share_associations] == [
        (snapshot, "Disassociated")
    ]
    assert snapshot not in seen_ids(sharee_ecs)
    assert shared_resources(sharee_rs, "OtherAccounts") == []
    assert copy_id in seen_ids(sharee_ecs, OTHER_REGION)

    rs.delete_resource_share(rs_models.DeleteResourceShareRequest(resource_share_id=share_id))
    mine = rs.list_resource_shares(rs_models.ListResourceSharesRequest(resource_owner="Self")).body
    assert mine.resource_shares == []
    assert invitations(sharee_rs) == []


def test_share_with_a_folder_of_the_resource_directory(server, ecs):
    rs = server.root_sharing_client()
    sharee_id, sharee_ecs, sharee_rs = new_sharee(server)
    directory = server.create_directory()
    folder = server.create_folder()
    assert directory.startswith("rd-") and folder.startswith("fd-")
    server.add_member(sharee_id, folder)
    snapshot = create_snapshot(ecs, create_disk(ecs))
    # Scoped to the directory (AllowExternalTargets false): the folder may be named.
    share_id = create_share(rs, [snapshot], [folder], external=False)
    targets = rs.list_resource_share_associations(
        rs_models.ListResourceShareAssociationsRequest(association_type="Target", resource_share_ids=[share_id])
    ).body.resource_share_associations
    assert [(t.entity_id, t.entity_type, t.external) for t in targets] == [(folder, "Folder", False)]
    accept(sharee_rs, share_id)
    assert snapshot in seen_ids(sharee_ecs)
    # Leaving the directory ends the reach (SHARE-8).
    server.remove_member(sharee_id)
    assert snapshot not in seen_ids(sharee_ecs)


def test_the_65th_principal_of_a_snapshot_is_refused(server, ecs):
    rs = server.root_sharing_client()
    snapshot = create_snapshot(ecs, create_disk(ecs))
    accounts = [server.new_account()["account_id"] for _ in range(65)]
    # Five targets a call; the limit counts the snapshot's principals across shares.
    first = create_share(rs, [snapshot], accounts[:5])
    second = create_share(rs, [snapshot], accounts[5:10])
    for start in range(10, 64, 5):
        share_id = first if start < 40 else second
        associate(rs, share_id, targets=accounts[start : min(start + 5, 64)])
    with unchanged(server, ecs):
        refused(
            lambda: associate(rs, second, targets=[accounts[64]]),
            "QuotaExceeded.SharedTarget.Count",
            409,
            "SHARE-1",
        )
    with unchanged(server, ecs):
        refused(
            lambda: associate(rs, first, targets=accounts[:6]),
            "InvalidParameter.Targets.Length",
            400,
            False,
        )


def test_an_international_account_is_refused(server, ecs):
    rs = server.root_sharing_client()
    snapshot = create_snapshot(ecs, create_disk(ecs))
    abroad, _, _ = new_sharee(server, site="international")
    with unchanged(server, ecs):
        refused(lambda: create_share(rs, [snapshot], [abroad]), "InvalidTarget.SiteMismatch", 409, "SHARE-3")
    share_id = create_share(rs, [snapshot], [])
    with unchanged(server, ecs):
        refused(lambda: associate(rs, share_id, targets=[abroad]), "InvalidTarget.SiteMismatch", 409, "SHARE-3")


def test_what_a_sharee_may_not_do(server, ecs):
    rs = server.root_sharing_client()
    sharee_id, sharee_ecs, sharee_rs = new_sharee(server)
    third_id, _, _ = new_sharee(server)
    server.activate_kms()
    key = server.create_key(DEFAULT_ACCOUNT, REGION)
    snapshot = create_snapshot(ecs, create_disk(ecs, encrypted=True, kmskey_id=key))
    # Sharing a snapshot encrypted with a customer key needs the role (SHARE-6).
    with unchanged(server, ecs):
        refused(
            lambda: create_share(rs, [snapshot], [sharee_id]),
            "InvalidTarget.EncryptedShareRoleNotTrusted",
            403,
            "SHARE-6",
        )
    server.set_encrypted_share_role([sharee_id])
    share_id = create_share(rs, [snapshot], [sharee_id])
    accept(sharee_rs, share_id)

    with unchanged(server, ecs, sharee_ecs):
        refused(
            lambda: sharee_ecs.delete_snapshot(ecs_models.DeleteSnapshotRequest(snapshot_id=snapshot)),
            "InvalidOperation.SharedSnapshotUnsupported",
            403,
            "SHARE-10",
        )
        refused(
            lambda: lock(sharee_ecs, snapshot, 7, 0),
            "InvalidOperation.LockSharedSnapshotUnsupported",
            403,
        )
        refused(
            lambda: create_share(sharee_rs, [snapshot], [third_id]),
            "InvalidParameter.Resources",
            400,
            "SHARE-10",
        )
        refused(
            lambda: create_disk(sharee_ecs, snapshot_id=snapshot, encrypted=False),
            "InvalidParam.EncryptedMismatch",
            400,
            "SHARE-11",
        )
    # With a key of its own (here the service key), the disk is created.
    server.activate_kms(sharee_id)
    assert create_disk(sharee_ecs, snapshot_id=snapshot, encrypted=True)


def test_the_sharer_deletes_a_shared_snapshot_only_after_unsharing(server, ecs):
    rs = server.root_sharing_client()
    sharee_id, _, _ = new_sharee(server)
    snapshot = create_snapshot(ecs, create_disk(ecs))
    share_id = create_share(rs, [snapshot], [sharee_id])
    with unchanged(server, ecs):
        refused(
            lambda: ecs.delete_snapshot(ecs_models.DeleteSnapshotRequest(snapshot_id=snapshot)),
            "InvalidOperation.DeleteSharedSnapshotUnsupported",
            403,
            "SHARE-12",
        )
    disassociate(rs, share_id, snapshots=[snapshot])
    ecs.delete_snapshot(ecs_models.DeleteSnapshotRequest(snapshot_id=snapshot))
    assert snapshot not in seen_ids(ecs)


def test_each_operation_refused_with_the_providers_code(server, ecs):
    rs = server.root_sharing_client()
    sharee_id, sharee_ecs, sharee_rs = new_sharee(server)
    snapshot = create_snapshot(ecs, create_disk(ecs))
    share_id = create_share(rs, [snapshot], [sharee_id])
    with unchanged(server, ecs, sharee_ecs):
        refused(
            lambda: create_share(rs, [f"s-{n}" for n in range(6)]),
            "InvalidParameter.Resources.Length",
            400,
            False,
        )
        # Another account's share is answered as one that does not exist.
        refused(
            lambda: sharee_rs.delete_resource_share(rs_models.DeleteResourceShareRequest(resource_share_id=share_id)),
            "EntityNotExists.ResourceShare",
            404,
            "GEN-4",
        )
        refused(
            lambda: associate(sharee_rs, share_id, targets=[DEFAULT_ACCOUNT]),
            "EntityNotExists.ResourceShare",
            404,
            "GEN-4",
        )
        refused(
            lambda: disassociate(rs, share_id, targets=[DEFAULT_ACCOUNT]),
            "DisassociateInvalid",
            400,
            "GEN-4",
        )
        refused(
            lambda: rs.list_resource_shares(rs_models.ListResourceSharesRequest(resource_owner="Self", max_results=101)),
            "InvalidParameter.MaxResults",
            400,
            False,
        )
        refused(
            lambda: rs.list_resource_share_associations(
                rs_models.ListResourceShareAssociationsRequest(association_type="Principal")
            ),
            "InvalidParameter.AssociationType",
            400,
            False,
        )
        refused(
            lambda: sharee_rs.list_resource_share_invitations(
                rs_models.ListResourceShareInvitationsRequest(next_token="not-a-token")
            ),
            "InvalidParameter.NextToken",
            400,
            False,
        )
        refused(
            lambda: sharee_rs.accept_resource_share_invitation(
                rs_models.AcceptResourceShareInvitationRequest(resource_share_invitation_id="i-doesnotexist")
            ),
            "EntityNotExists.ResourceShareInvitation",
            409,
            "SHARE-7",
        )
        refused(
            lambda: rs.list_shared_resources(rs_models.ListSharedResourcesRequest(resource_owner="Everyone")),
            "InvalidParameter",
            400,
            False,
        )
    # Paging: one share a page.
    second = create_share(rs, [snapshot], [sharee_id], name="second")
    first_page = rs.list_resource_shares(rs_models.ListResourceSharesRequest(resource_owner="Self", max_results=1)).body
    assert [s.resource_share_id for s in first_page.resource_shares] == [share_id]
    assert first_page.next_token
    last_page = rs.list_resource_shares(
        rs_models.ListResourceSharesRequest(resource_owner="Self", max_results=1, next_token=first_page.next_token)
    ).body
    assert [s.resource_share_id for s in last_page.resource_shares] == [second]
    assert not last_page.next_token
