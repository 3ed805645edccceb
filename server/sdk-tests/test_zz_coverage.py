"""Every ECS operation of issue 16 item 2, every Resource Sharing
operation and every Cloud Backup (HBR) operation the server serves, was
called by the suite at least once
accepted and at least once refused (recorded by conftest.Recorder and
conftest.refused). Runs last; skipped when only part of the suite ran."""

from pathlib import Path

import pytest

from conftest import COVERAGE, HBR_OPERATIONS, OPERATIONS, SHARING_OPERATIONS

HERE = Path(__file__).resolve().parent


def test_every_operation_accepted_and_refused(request):
    files = {p.name for p in HERE.glob("test_*.py")}
    ran = getattr(request.config, "_snapguard_files", set())
    if not files <= ran or request.config.option.keyword or request.config.option.markexpr:
        pytest.skip("only part of the suite ran")
    missing = [
        f"{operation} {outcome}"
        for operation in OPERATIONS + SHARING_OPERATIONS + HBR_OPERATIONS
        for outcome in ("accepted", "refused")
        if (operation, outcome) not in COVERAGE
    ]
    assert not missing, "operations never called that way by the suite: " + ", ".join(missing)
