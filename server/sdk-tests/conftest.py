"""Fixtures and helpers of the SDK suite: the official Alibaba Cloud Python
SDKs (alibabacloud-ecs20140526 and alibabacloud-resourcesharing20200110,
with alibabacloud-tea-openapi), unchanged, against a snapguard-server
started on a free loopback port.

- ``server``: a fresh in-memory server for one test (``Server``).
- ``server_factory``: starts servers on a given data directory (restarts).
- ``refused(call, code, status, rule=None)``: the SDK raised ``TeaException``
  with that ``code`` and ``statusCode``, and its message names a snapguard
  rule id (``rule`` when given; ``rule=False`` for refusals that are not a
  rule's: signatures, malformed requests).
- ``unchanged(server, *clients)``: a context manager asserting that what the
  SDK describes (snapshots and locks in every region, for each client) and
  the snapguard state are the same after the block as before.

Every ECS, Resource Sharing and Cloud Backup call goes through
``Recorder``, a transparent wrapper of the SDK client that records
(Operation, "accepted"|"refused") in ``COVERAGE``; ``test_zz_coverage.py``
checks that each operation of issue 16 item 2 (``OPERATIONS``), each
Resource Sharing operation (``SHARING_OPERATIONS``) and each Cloud Backup
(HBR) operation (``HBR_OPERATIONS``, recorded as ``hbr:<name>``; the
``hbr`` fixture, alibabacloud-hbr20170908) was called both ways.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import re
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from alibabacloud_ecs20140526 import models as ecs_models
from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_hbr20170908.client import Client as HbrClient
from alibabacloud_resourcesharing20200110.client import Client as SharingClient
from alibabacloud_tea_openapi import models as open_api_models
from Tea.exceptions import TeaException

REGION = "cn-hangzhou"
OTHER_REGION = "cn-shanghai"
REGIONS = (REGION, OTHER_REGION)
DEFAULT_ACCOUNT = "1000000000000001"
START_TIMEOUT = 30.0

# A snapguard rule id, as the catalog names them.
RULE_ID = re.compile(r"\b(GEN|PERM|SNAP|LOCK|SHARE|COPY|ARCH|DISK|IMAGE|VAULT)-\d+\b")
# The provider's UTC time format.
UTC_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?Z$")
# Provider-style ids: a prefix and lowercase letters and digits.
SNAPSHOT_ID = re.compile(r"^s-[a-z0-9]{20}$")
DISK_ID = re.compile(r"^d-[a-z0-9]{20}$")
IMAGE_ID = re.compile(r"^m-[a-z0-9]{20}$")

# Issue 16, item 2: every one is called accepted and refused by the suite.
OPERATIONS = (
    "CreateSnapshot",
    "DescribeSnapshots",
    "DeleteSnapshot",
    "ModifySnapshotAttribute",
    "ModifySnapshotCategory",
    "CopySnapshot",
    "LockSnapshot",
    "UnlockSnapshot",
    "DescribeLockedSnapshots",
    "CreateDisk",
    "DeleteDisk",
    "ModifyDiskAttribute",
    "ResetDisk",
    "ReInitDisk",
    "CreateImage",
    "DeleteImage",
)
# The Cloud Backup (HBR 2017-09-08) operations, recorded as "hbr:<name>"
# (HBR has a DeleteSnapshot of its own): each called accepted and refused.
HBR_OPERATIONS = tuple(
    f"hbr:{name}"
    for name in (
        "CreateVault",
        "UpdateVault",
        "DescribeVaults",
        "DeleteVault",
        "CreatePolicyV2",
        "UpdatePolicyV2",
        "DescribePoliciesV2",
        "SearchHistoricalSnapshots",
        "DeleteSnapshot",
        "CreateReplicationVault",
        "CreateRestoreJob",
    )
)
# The Resource Sharing API 2020-01-10 operations the server serves.
SHARING_OPERATIONS = (
    "CreateResourceShare",
    "AssociateResourceShare",
    "DisassociateResourceShare",
    "DeleteResourceShare",
    "ListResourceShares",
    "ListResourceShareAssociations",
    "ListResourceShareInvitations",
    "AcceptResourceShareInvitation",
    "ListSharedResources",
)
COVERAGE: set[tuple[str, str]] = set()



# --------------------------------------------------------------------------
# The server process


def server_binary() -> str:
    binary = os.environ.get("SNAPGUARD_SERVER_BIN")
    if not binary:
        pytest.fail(
            "SNAPGUARD_SERVER_BIN is not set: run the suite with server/sdk-tests/run.sh, "
            "which builds the server and points it there"
        )
    if not os.access(binary, os.X_OK):
        pytest.fail(f"SNAPGUARD_SERVER_BIN={binary} is not an executable file")
    return binary


class AdminError(Exception):
    """An admin API call answered with an HTTP error."""

    def __init__(self, status: int, body):
        super().__init__(f"admin API answered {status}: {body}")
        self.status = status
        self.body = body


class Server:
    """A running snapguard-server and the clients that talk to it."""

    def __init__(self, binary: str, workdir: Path, data_dir: Path | None, extra_args=()):
        self.binary = binary
        self.workdir = workdir
        self.data_dir = data_dir
        self.extra_args = list(extra_args)
        self.proc: subprocess.Popen | None = None
        self.port: int | None = None
        self.stdout_lines: list[str] = []
        self._accounts = 0

    # -- life cycle --------------------------------------------------------

    def start(self) -> "Server":
        args = [self.binary, "--address", "127.0.0.1", "--port", "0"]
        if self.data_dir is None:
            args.append("--in-memory")
        else:
            args += ["--data-dir", str(self.data_dir)]
        args += self.extra_args
        self.stderr_path = self.workdir / f"server-{time.monotonic_ns()}.stderr"
        stderr = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(
            args,
            stdout=subprocess.PIPE,
            stderr=stderr,
            stdin=subprocess.DEVNULL,
            cwd=self.workdir,
            env={**os.environ, "RUST_BACKTRACE": "1"},
        )
        stderr.close()
        lines: "queue.Queue[str | None]" = queue.Queue()

        def drain(stream, sink):
            # Keeps reading so that the server never blocks on a full pipe.
            for raw in iter(stream.readline, b""):
                line = raw.decode("utf-8", "replace").rstrip("\n")
                sink.append(line)
                lines.put(line)
            lines.put(None)

        threading.Thread(target=drain, args=(self.proc.stdout, self.stdout_lines), daemon=True).start()
        try:
            first = lines.get(timeout=START_TIMEOUT)
        except queue.Empty:
            self.stop()
            pytest.fail(f"snapguard-server printed nothing in {START_TIMEOUT:.0f} s ({args}){self.stderr_tail()}")
        if first is None:
            code = self.proc.wait(timeout=10)
            pytest.fail(f"snapguard-server exited with {code} before printing anything ({args}){self.stderr_tail()}")
        match = re.fullmatch(r"snapguard-server listening on http://127\.0\.0\.1:(\d+)/?", first.strip())
        if not match:
            self.stop()
            pytest.fail(
                "the first stdout line is not `snapguard-server listening on http://127.0.0.1:<PORT>`: "
                f"{first!r}{self.stderr_tail()}"
            )
        self.port = int(match.group(1))
        assert self.port != 0, "the server printed port 0 instead of the port it bound"
        return self

    def stop(self, kill: bool = False, interrupt: bool = False) -> int | None:
        """Terminates the server (SIGTERM, then SIGKILL after 10 s), kills
        it at once with ``kill=True``, or interrupts it (SIGINT, Ctrl-C: a
        graceful shutdown) with ``interrupt=True``. Returns its exit status."""
        proc, self.proc = self.proc, None
        if proc is None:
            return None
        if proc.poll() is None:
            if kill:
                proc.send_signal(signal.SIGKILL)
            elif interrupt:
                proc.send_signal(signal.SIGINT)
            else:
                proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        return proc.returncode

    def restart(self, kill: bool = False, interrupt: bool = False) -> "Server":
        self.stop(kill=kill, interrupt=interrupt)
        return self.start()

    def stderr_tail(self, limit: int = 4000) -> str:
        try:
            text = self.stderr_path.read_text("utf-8", "replace")
        except OSError:
            return ""
        return f"\n--- server stderr (tail) ---\n{text[-limit:]}" if text else ""

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.port}"

    # -- the admin API -----------------------------------------------------

    def admin(self, method: str, path: str, json_body=None):
        """Calls ``/_snapguard/...``; returns the decoded JSON answer (or
        None for an empty one); raises ``AdminError`` on an HTTP error."""
        if not path.startswith("/"):
            path = "/" + path
        if not path.startswith("/_snapguard/"):
            path = "/_snapguard" + path
        data = None
        headers = {"Accept": "application/json"}
        if json_body is not None:
            data = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        elif method.upper() in ("POST", "PUT"):
            data = b""
        request = urllib.request.Request(
            f"http://{self.endpoint}{path}", data=data, method=method.upper(), headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                body = response.read()
        except urllib.error.HTTPError as error:
            raw = error.read()
            try:
                decoded = json.loads(raw)
            except ValueError:
                decoded = raw.decode("utf-8", "replace")
            raise AdminError(error.code, decoded) from None
        return json.loads(body) if body.strip() else None

    def advance(self, **amount) -> dict:
        """Moves the server clock forward: ``hours=24``, ``days=3``,
        ``seconds=1`` or ``to="..."``."""
        return self.admin("POST", "/_snapguard/clock/advance", amount)

    def now(self) -> str:
        return self.admin("GET", "/_snapguard/clock")["now"]

    def state(self) -> dict:
        return self.admin("GET", "/_snapguard/state")

    def new_account(self, site: str = "china") -> dict:
        """A new account (``account_id``, ``access_key_id``,
        ``access_key_secret``)."""
        self._accounts += 1
        account_id = f"{2000000000000000 + self._accounts}"
        return self.admin("POST", "/_snapguard/accounts", {"account_id": account_id, "site": site})

    def account(self, account_id: str = DEFAULT_ACCOUNT) -> dict:
        return self.admin("GET", f"/_snapguard/accounts/{account_id}")

    def new_user(self, account_id: str, user_name: str, statements: list[dict]) -> dict:
        """A RAM user with these permission statements (``user_name``,
        ``access_key_id``, ``access_key_secret``)."""
        policy = {"Version": "1", "Statement": statements}
        return self.admin(
            "POST", f"/_snapguard/accounts/{account_id}/users", {"user_name": user_name, "policy": policy}
        )

    def set_policy(self, account_id: str, user_name: str, statements: list[dict]):
        policy = {"Version": "1", "Statement": statements}
        return self.admin("PUT", f"/_snapguard/accounts/{account_id}/users/{user_name}/policy", {"policy": policy})

    def activate_kms(self, account_id: str = DEFAULT_ACCOUNT):
        return self.admin("POST", f"/_snapguard/accounts/{account_id}/kms")

    def create_key(self, account_id: str, region_id: str) -> str:
        return self.admin("POST", f"/_snapguard/accounts/{account_id}/keys", {"region_id": region_id})["key_id"]

    def create_directory(self, account_id: str = DEFAULT_ACCOUNT) -> str:
        """A resource directory the account manages; its id."""
        return self.admin("POST", f"/_snapguard/accounts/{account_id}/directory")["directory_id"]

    def create_folder(self, account_id: str = DEFAULT_ACCOUNT) -> str:
        """A folder of the directory the account manages; its id."""
        return self.admin("POST", f"/_snapguard/accounts/{account_id}/folders")["folder_id"]

    def add_member(self, member: str, folder_id: str | None = None, account_id: str = DEFAULT_ACCOUNT):
        """``member`` joins the directory ``account_id`` manages."""
        body = {"account_id": member}
        if folder_id is not None:
            body["folder_id"] = folder_id
        return self.admin("POST", f"/_snapguard/accounts/{account_id}/members", body)

    def remove_member(self, member: str, account_id: str = DEFAULT_ACCOUNT):
        return self.admin("DELETE", f"/_snapguard/accounts/{account_id}/members/{member}")

    def set_encrypted_share_role(self, trusted: list[str], account_id: str = DEFAULT_ACCOUNT):
        """The accounts the account's share-encrypted-snapshot role trusts."""
        return self.admin(
            "PUT", f"/_snapguard/accounts/{account_id}/encrypted-share-role", {"trusted": trusted}
        )

    def automatic_snapshot(self, disk_id: str, retention_days=None) -> str:
        return self.admin(
            "POST", f"/_snapguard/disks/{disk_id}/automatic-snapshots", {"retention_days": retention_days}
        )["snapshot_id"]

    # -- SDK clients -------------------------------------------------------

    def _config(self, access_key_id: str, secret: str) -> open_api_models.Config:
        """An SDK configuration, as a user would write it, pointed at this
        server."""
        return open_api_models.Config(
            access_key_id=access_key_id,
            access_key_secret=secret,
            endpoint=self.endpoint,
            protocol="http",
            region_id=REGION,
        )

    def client(self, access_key_id: str, secret: str, signature_algorithm: str | None = None) -> "Recorder":
        """The official ECS client, configured as a user would, pointed at
        this server."""
        config = self._config(access_key_id, secret)
        if signature_algorithm is not None:
            config.signature_algorithm = signature_algorithm
        return Recorder(EcsClient(config))

    def root_client(self, account_id: str = DEFAULT_ACCOUNT, signature_algorithm: str | None = None) -> "Recorder":
        account = self.account(account_id)
        return self.client(account["access_key_id"], account["access_key_secret"], signature_algorithm)

    def sharing_client(self, access_key_id: str, secret: str) -> "Recorder":
        """The official Resource Sharing client, pointed at this server."""
        return Recorder(SharingClient(self._config(access_key_id, secret)))

    def root_sharing_client(self, account_id: str = DEFAULT_ACCOUNT) -> "Recorder":
        account = self.account(account_id)
        return self.sharing_client(account["access_key_id"], account["access_key_secret"])

    def hbr_client(self, access_key_id: str, secret: str) -> "Recorder":
        """The official Cloud Backup (HBR 2017-09-08) client, pointed at
        this server, recording its operations as ``hbr:<name>``."""
        return Recorder(HbrClient(self._config(access_key_id, secret)), prefix="hbr:")

    def root_hbr(self, account_id: str = DEFAULT_ACCOUNT) -> "Recorder":
        account = self.account(account_id)
        return self.hbr_client(account["access_key_id"], account["access_key_secret"])

    # -- Cloud Backup's platform (admin API) ---------------------------------

    def backup_point(self, vault_id: str, **body) -> dict:
        """A backup job's backup point (an HBR snapshot) in the vault:
        ``policy_id``, ``retention_days``, ``source_type``,
        ``ecs_snapshot_id``. Returns ``snapshot_id``, ``locked``, ..."""
        return self.admin("POST", f"/_snapguard/vaults/{vault_id}/points", body)

    def replicate_point(self, snapshot_id: str, vault_id: str) -> dict:
        """Replication copies a backup point into a replica vault."""
        return self.admin("POST", f"/_snapguard/points/{snapshot_id}/replicas", {"vault_id": vault_id})


class Recorder:
    """The SDK client, unchanged, recording each operation's outcome in
    ``COVERAGE`` (under ``prefix`` and the operation's name). A refusal is
    recorded by ``refused`` (which checks it)."""

    def __init__(self, client, prefix: str = ""):
        self.sdk = client
        self.prefix = prefix

    def __getattr__(self, name):
        method = getattr(self.sdk, name)
        if not callable(method):
            return method

        def call(request, *args, **kwargs):
            operation = type(request).__name__
            operation = self.prefix + operation[: -len("Request")] if operation.endswith("Request") else None
            try:
                response = method(request, *args, **kwargs)
            except TeaException as error:
                error.snapguard_operation = operation
                raise
            if operation:
                COVERAGE.add((operation, "accepted"))
            return response

        return call


# --------------------------------------------------------------------------
# Assertions


def refused(call, code: str, status: int, rule=None) -> TeaException:
    """Runs ``call`` and checks that the SDK raised ``TeaException`` with
    this ``code`` and ``statusCode``, the provider's error body, and a
    message naming a snapguard rule id (``rule`` when it is a string, any
    rule id when it is None, not checked when it is False)."""
    error = None
    try:
        result = call()
    except TeaException as raised:
        error = raised
    if error is None:
        raise AssertionError(f"expected {code} (HTTP {status}), but the call was accepted: {_describe(result)}")
    data = getattr(error, "data", None)
    message = data.get("Message") if isinstance(data, dict) else None
    described = f"{type(error).__name__}: code={error.code!r} statusCode={_status(error)!r} Message={message!r}"
    assert error.code == code, f"expected code {code!r}, got {described}"
    assert _status(error) == status, f"expected HTTP {status}, got {described}"
    assert isinstance(data, dict), f"the error body is not the provider's JSON object: {described}"
    for field in ("RequestId", "HostId", "Code", "Message"):
        assert data.get(field), f"the error body lacks {field}: {data}"
    if rule is None:
        assert RULE_ID.search(message), f"the message names no snapguard rule id: {message!r}"
    elif rule:
        assert re.search(rf"\b{re.escape(rule)}\b", message), f"the message does not name {rule}: {message!r}"
    operation = getattr(error, "snapguard_operation", None)
    if operation:
        COVERAGE.add((operation, "refused"))
    return error


def _status(error):
    return getattr(error, "statusCode", None) or getattr(error, "status_code", None)


def _describe(result):
    body = getattr(result, "body", None)
    try:
        return json.dumps(body.to_map())
    except Exception:  # noqa: BLE001 - only a description
        return repr(result)


def described(server: Server, *clients: Recorder) -> dict:
    """What the SDK shows of snapshots and locks, per client and region,
    without request ids."""
    seen = {}
    for index, ecs in enumerate(clients):
        for region in REGIONS:
            snapshots = all_snapshots(ecs, region)
            locks = ecs.sdk.describe_locked_snapshots(
                ecs_models.DescribeLockedSnapshotsRequest(region_id=region, max_results=100)
            ).body.to_map()
            locks.pop("RequestId", None)
            seen[(index, region)] = {"snapshots": snapshots, "locks": locks}
    return seen


def state_without_clock(server: Server) -> dict:
    state = server.state()
    if isinstance(state, dict):
        state = {key: value for key, value in state.items() if key != "clock"}
    return state


@contextlib.contextmanager
def unchanged(server: Server, *clients: Recorder):
    """Asserts that the block (a refusal) changed nothing: neither what the
    SDK describes nor the snapguard state (apart from its clock)."""
    before = described(server, *clients)
    state_before = state_without_clock(server)
    yield
    assert described(server, *clients) == before, "a refused request changed what the SDK describes"
    assert state_without_clock(server) == state_before, "a refused request changed the snapguard state"


# --------------------------------------------------------------------------
# SDK shortcuts used by several test files (plain SDK calls)


def create_disk(ecs: Recorder, region: str = REGION, **fields) -> str:
    request = ecs_models.CreateDiskRequest(
        region_id=region,
        zone_id=f"{region}-g",
        disk_category="cloud_essd",
        size=fields.pop("size", 40),
        **fields,
    )
    disk_id = ecs.create_disk(request).body.disk_id
    assert DISK_ID.match(disk_id or ""), f"not a provider-style disk id: {disk_id!r}"
    return disk_id


def create_snapshot(ecs: Recorder, disk_id: str, region: str = REGION, **fields) -> str:
    snapshot_id = ecs.create_snapshot(ecs_models.CreateSnapshotRequest(disk_id=disk_id, **fields)).body.snapshot_id
    assert SNAPSHOT_ID.match(snapshot_id or ""), f"not a provider-style snapshot id: {snapshot_id!r}"
    wait_accomplished(ecs, snapshot_id, region)
    return snapshot_id


def snapshot(ecs: Recorder, snapshot_id: str, region: str = REGION):
    """The described snapshot (SDK model), or None."""
    body = ecs.describe_snapshots(
        ecs_models.DescribeSnapshotsRequest(region_id=region, snapshot_ids=json.dumps([snapshot_id]))
    ).body
    found = [s for s in (body.snapshots.snapshot if body.snapshots else []) or [] if s.snapshot_id == snapshot_id]
    assert len(found) <= 1, f"{snapshot_id} described {len(found)} times"
    return found[0] if found else None


def wait_accomplished(ecs: Recorder, snapshot_id: str, region: str = REGION, timeout: float = 10.0):
    """Waits until the snapshot (or copy) is accomplished: the server
    finishes them at once by default, perhaps on a timer."""
    deadline = time.monotonic() + timeout
    while True:
        found = snapshot(ecs, snapshot_id, region)
        assert found is not None, f"{snapshot_id} is not described in {region}"
        if found.status == "accomplished":
            return found
        assert found.status == "progressing", f"{snapshot_id} is {found.status!r}"
        if time.monotonic() > deadline:
            raise AssertionError(f"{snapshot_id} still {found.status!r} after {timeout} s")
        time.sleep(0.05)


def all_snapshots(ecs: Recorder, region: str = REGION, **filters) -> list[dict]:
    """Every described snapshot of the region (all pages), as dicts."""
    out = []
    page = 1
    while True:
        body = ecs.sdk.describe_snapshots(
            ecs_models.DescribeSnapshotsRequest(region_id=region, page_number=page, page_size=100, **filters)
        ).body
        items = (body.snapshots.snapshot if body.snapshots else None) or []
        out += [item.to_map() for item in items]
        if not items or len(out) >= (body.total_count or 0):
            return out
        page += 1


def locks(ecs: Recorder, region: str = REGION, **filters) -> dict:
    """Described locks by snapshot id (SDK models)."""
    body = ecs.describe_locked_snapshots(
        ecs_models.DescribeLockedSnapshotsRequest(region_id=region, **filters)
    ).body
    return {info.snapshot_id: info for info in body.locked_snapshots_info or []}


def lock(ecs: Recorder, snapshot_id: str, days: int, cool_off_hours: int, region: str = REGION):
    return ecs.lock_snapshot(
        ecs_models.LockSnapshotRequest(
            region_id=region,
            snapshot_id=snapshot_id,
            lock_mode="compliance",
            lock_duration=days,
            cool_off_period=cool_off_hours,
        )
    )


def allow(*actions: str) -> list[dict]:
    return [{"Effect": "Allow", "Action": list(actions), "Resource": ["*"]}]


# --------------------------------------------------------------------------
# Fixtures


@pytest.fixture
def server(tmp_path):
    """A fresh in-memory server for one test."""
    running = Server(server_binary(), tmp_path, None).start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def server_factory(tmp_path):
    """``server_factory(data_dir)`` starts a server keeping its state in
    ``data_dir``; every server started is stopped at the end."""
    started: list[Server] = []

    def start(data_dir: Path, extra_args=()):
        running = Server(server_binary(), tmp_path, data_dir, extra_args).start()
        started.append(running)
        return running

    try:
        yield start
    finally:
        for running in started:
            running.stop()


@pytest.fixture
def ecs(server) -> Recorder:
    """The default account's root client (V3 signing)."""
    return server.root_client()


@pytest.fixture
def hbr(server) -> Recorder:
    """The default account's root Cloud Backup (HBR) client."""
    return server.root_hbr()


def pytest_collection_modifyitems(session, config, items):
    # The coverage check runs last, whatever the order of the files.
    items.sort(key=lambda item: Path(str(item.fspath)).name == "test_zz_coverage.py")
    config._snapguard_files = {Path(str(item.fspath)).name for item in items}


def parse_time(text: str):
    """A provider UTC time (``2026-12-07T06:00:00Z``, or without seconds)."""
    from datetime import datetime, timezone

    assert text and UTC_TIME.match(text), f"not the provider's UTC time format: {text!r}"
    layout = "%Y-%m-%dT%H:%M:%SZ" if text.count(":") == 2 else "%Y-%m-%dT%H:%MZ"
    return datetime.strptime(text, layout).replace(tzinfo=timezone.utc)
