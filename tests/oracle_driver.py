#!/usr/bin/env python3
"""Drives the installed `snapguard-oracle` binary line by line, as a service
written in another language would.

    python3 tests/oracle_driver.py target/oracle-install/bin/snapguard-oracle

It checks the command line (--help, --version, an unknown argument), runs the
whole scenario corpus (tests/scenarios/*.jsonl) through one oracle process,
writing one request and reading its answer before the next (each step must
agree with its `expect`), then a short scenario of its own that uses every
query (decide, explain, deletion_report, describe_locked_snapshots,
lock_view, visible_snapshots, next_deadline, state) and every `expect` form,
agreeing and disagreeing. Every response is checked against the field names
of schema/oracle.schema.json.

Standard library only; Python 3.10 or later. Exits 1 on the first failure.
"""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "tests" / "scenarios"
SCHEMA = ROOT / "schema" / "oracle.schema.json"
# How long one answer may take before the oracle is taken to be buffering.
ANSWER_TIMEOUT = 30.0


class Failure(Exception):
    """A check that did not hold."""


def check(condition: bool, what: str) -> None:
    if not condition:
        raise Failure(what)


class Oracle:
    """One oracle process, spoken to one line at a time."""

    def __init__(self, binary: str) -> None:
        self.process = subprocess.Popen(
            [binary],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        self.answers: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.answers.put(line)
        self.answers.put(None)

    def ask(self, request: dict | str) -> dict:
        """Sends one request line and waits for its answer."""
        line = request if isinstance(request, str) else json.dumps(request)
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        try:
            answer = self.answers.get(timeout=ANSWER_TIMEOUT)
        except queue.Empty:
            raise Failure(f"no answer within {ANSWER_TIMEOUT} s to {line[:120]}") from None
        if answer is None:
            raise Failure(f"the oracle exited before answering {line[:120]}")
        response = json.loads(answer)
        check_fields(response)
        return response

    def close(self) -> int:
        """Closes standard input; the exit status."""
        assert self.process.stdin is not None
        self.process.stdin.close()
        status = self.process.wait(timeout=ANSWER_TIMEOUT)
        if self.process.stderr is not None:
            self.process.stderr.close()
        if self.process.stdout is not None:
            self.process.stdout.close()
        return status


# --------------------------------------------------------------- the schema

def schema_fields() -> tuple[set[str], set[str]]:
    """The properties of a Response and the keys of an Answer, as the schema
    kept in the repository defines them."""
    definitions = json.loads(SCHEMA.read_text(encoding="utf-8"))["$defs"]
    response = set(definitions["Response"]["properties"])
    answers: set[str] = set()
    for variant in definitions["Answer"]["oneOf"]:
        answers.update(variant.get("properties", {}))
    return response, answers


RESPONSE_FIELDS, ANSWER_KEYS = schema_fields()


def check_fields(response: dict) -> None:
    unknown = set(response) - RESPONSE_FIELDS
    check(not unknown, f"response fields {unknown} are not in the schema: {response}")
    if "answer" in response:
        keys = set(response["answer"])
        check(len(keys) == 1 and keys <= ANSWER_KEYS, f"answer {keys} is not in the schema")


# --------------------------------------------------------- the command line

def command_line(binary: str) -> int:
    checks = 0
    for flag in ("--help", "-h"):
        run = subprocess.run([binary, flag], capture_output=True, text=True, check=False)
        check(run.returncode == 0, f"{flag} exits {run.returncode}")
        for word in ("USAGE", "decide", "deletion_report", "accepted_with", "refused"):
            check(word in run.stdout, f"{flag} does not mention {word}")
        checks += 1
    run = subprocess.run([binary, "--version"], capture_output=True, text=True, check=False)
    check(run.returncode == 0 and run.stdout.startswith("snapguard-oracle "), "--version")
    run = subprocess.run([binary, "--no-such-flag"], capture_output=True, text=True, check=False)
    check(run.returncode == 2, f"an unknown argument exits {run.returncode}, not 2")
    check("--no-such-flag" in run.stderr, "the error names the unknown argument")
    return checks + 2


# --------------------------------------------------------------- the corpus

def corpus(binary: str) -> int:
    """Every scenario through one process, `reset` between files."""
    oracle = Oracle(binary)
    steps = 0
    files = sorted(SCENARIOS.glob("*.jsonl"))
    check(len(files) > 0, f"no scenario in {SCENARIOS}")
    for path in files:
        check(oracle.ask({"op": "reset"})["outcome"] == "started", f"{path.name}: reset")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            response = oracle.ask(line)
            where = f"{path.name}:{number}"
            check("error" not in response, f"{where}: {response.get('error')}")
            if "expect" in json.loads(line):
                check(response.get("agrees") is True, f"{where}: disagrees: {response}")
            steps += 1
    status = oracle.close()
    check(status == 0, f"the corpus run exits {status}")
    print(f"corpus: {len(files)} scenarios, {steps} steps, every one agreed")
    return steps


# ------------------------------------------------- queries and loose forms

PLATFORM = {"type": "platform"}
ROOT_1001 = {"type": "root", "account": "1001"}
OPS = {"type": "user", "account": "1001", "user": "ops"}
EXPIRY = "2026-01-31T02:00:00Z"


def apply(at: str, actor: dict, command: dict, expect: object = "accepted") -> dict:
    return {"op": "apply", "at": at, "actor": actor, "command": command, "expect": expect}


def own_scenario(binary: str) -> int:
    """A locked snapshot, asked about with every query and checked with
    every `expect` form."""
    oracle = Oracle(binary)
    checks = 0

    def agrees(request: dict) -> dict:
        nonlocal checks
        response = oracle.ask(request)
        check(response.get("agrees") is True, f"disagrees: {request} -> {response}")
        checks += 1
        return response

    def answer(request: dict) -> object:
        nonlocal checks
        response = oracle.ask(request)
        check(response.get("outcome") == "answered", f"not answered: {response}")
        (key, value), = response["answer"].items()
        check(key == request["op"], f"answer keyed {key}, not {request['op']}")
        checks += 1
        return value

    agrees(apply("2026-01-01T00:00:00Z", PLATFORM, {"type": "create_region", "region": "cn-hangzhou"}, {
        "accepted": [{"type": "region_created", "at": "2026-01-01T00:00:00Z", "region": "cn-hangzhou"}],
    }))
    agrees(apply("2026-01-01T00:00:00Z", PLATFORM,
                 {"type": "create_account", "account": "1001", "site": "china"},
                 {"accepted_with": ["account_created"]}))
    agrees(apply("2026-01-01T00:00:00Z", ROOT_1001,
                 {"type": "create_user", "user": "ops", "statements": []}))
    agrees(apply("2026-01-01T00:00:00Z", ROOT_1001, {
        "type": "create_disk", "disk": "d-1", "region": "cn-hangzhou", "category": "essd",
        "size_gib": 40, "encryption": {"type": "unencrypted"}, "source": {"type": "blank"},
    }, {"accepted_with": ["disk_created"]}))
    agrees(apply("2026-01-01T01:00:00Z", ROOT_1001, {
        "type": "create_snapshot", "snapshot": "s-1", "disk": "d-1",
        "retention_days": None, "tags": {}, "instant_access": False,
    }))
    agrees(apply("2026-01-01T01:10:00Z", PLATFORM, {
        "type": "finish_snapshot", "snapshot": "s-1", "outcome": {"type": "available", "size_gib": 12},
    }, {"accepted_with": ["snapshot_finished"]}))
    agrees(apply("2026-01-01T02:00:00Z", ROOT_1001, {
        "type": "lock_snapshot", "snapshot": "s-1", "duration_days": 30, "cool_off_hours": 0,
    }, {"accepted_with": ["lock_set"]}))

    # The loose forms that should not agree do not, and say so.
    delete = {"type": "delete_snapshot", "snapshot": "s-1"}
    for wrong in ("accepted", {"refused": ["GEN-4", "PERM-1"]}, {"refused": "LOCK-9"},
                  {"accepted_with": ["snapshot_deleted"]}):
        response = oracle.ask({"op": "decide", "at": "2026-01-02T00:00:00Z", "actor": ROOT_1001,
                               "command": delete, "expect": wrong})
        check(response.get("agrees") is False, f"{wrong} agreed with {response}")
        check(response["outcome"] == {"refused": "LOCK-10"}, f"{response}")
        checks += 1

    # decide: the refusal, with its rule and when waiting lifts it; nothing changes.
    before = answer({"op": "state"})
    refused = agrees({"op": "decide", "at": "2026-01-02T00:00:00Z", "actor": ROOT_1001,
                      "command": delete, "expect": {"refused": ["LOCK-10", "SNAP-3"]}})
    check(refused["violation"]["rule"] == "LOCK-10", f"{refused}")
    check(refused["violation"]["retry_at"] == EXPIRY, f"{refused}")
    check(refused["message"].startswith("LOCK-10: "), f"{refused}")
    decided = agrees({"op": "decide", "at": "2026-01-02T00:00:00Z", "actor": ROOT_1001, "command": {
        "type": "create_snapshot", "snapshot": "s-2", "disk": "d-1",
        "retention_days": 7, "tags": {}, "instant_access": False,
    }, "expect": {"accepted_with": ["snapshot_created"]}})
    check(answer({"op": "state"}) == before, "decide changed the state")

    # explain: every refusal, not only the first.
    refusals = answer({"op": "explain", "at": "2026-01-02T00:00:00Z", "actor": OPS, "command": delete})
    check([r["rule"] for r in refusals] == ["PERM-1", "LOCK-10"], f"{refusals}")
    check(refusals[1]["retry_at"] == EXPIRY and refusals[0]["retry_at"] is None, f"{refusals}")
    check(answer({"op": "explain", "at": "2026-01-02T00:00:00Z", "actor": ROOT_1001,
                  "command": {"type": "unlock_snapshot", "snapshot": "s-9"}})[0]["rule"] == "GEN-4",
          "explain of an unknown snapshot")

    # deletion_report: blocked by the lock until it expires.
    report = answer({"op": "deletion_report", "at": "2026-01-02T00:00:00Z", "actor": ROOT_1001,
                     "snapshot": "s-1"})
    check(report["allowed"] is False and report["earliest"] == EXPIRY, f"{report}")
    check([b["rule"] for b in report["blockers"]] == ["LOCK-10"], f"{report}")

    # The lock queries, and a refusal of one.
    locks = answer({"op": "describe_locked_snapshots", "at": "2026-01-02T00:00:00Z",
                    "actor": ROOT_1001, "query": {"state": "compliance"}})
    check([(l["snapshot"], l["state"], l["expiry"]) for l in locks] == [("s-1", "compliance", EXPIRY)],
          f"{locks}")
    check(answer({"op": "describe_locked_snapshots", "at": "2026-01-02T00:00:00Z",
                  "actor": ROOT_1001}) == locks, "every lock, with no query")
    view = answer({"op": "lock_view", "at": "2026-01-02T00:00:00Z", "actor": ROOT_1001, "snapshot": "s-1"})
    check(view == locks[0], f"{view}")
    denied = oracle.ask({"op": "lock_view", "at": "2026-01-02T00:00:00Z", "actor": OPS, "snapshot": "s-1"})
    check(denied["outcome"] == {"refused": "PERM-2"} and "answer" not in denied, f"{denied}")
    checks += 1

    # What account 1001 sees, and when time next does something.
    visible = answer({"op": "visible_snapshots", "at": "2026-01-02T00:00:00Z", "account": "1001"})
    check(visible == [{"snapshot": "s-1", "owner": "1001", "access": {"type": "own"}}], f"{visible}")
    deadline = answer({"op": "next_deadline"})
    check(deadline is None or deadline >= "2026-01-01T02:00:00Z", f"{deadline}")

    # The lock lifts at its expiry: deletion is accepted then.
    agrees({"op": "advance", "at": EXPIRY, "expect": "accepted"})
    report = answer({"op": "deletion_report", "at": EXPIRY, "actor": ROOT_1001, "snapshot": "s-1"})
    check(report == {"allowed": True, "blockers": [], "earliest": EXPIRY}, f"{report}")
    agrees(apply(EXPIRY, ROOT_1001, delete, {"accepted_with": ["snapshot_deleted"]}))

    # The saved state loads back as a new starting point.
    saved = answer({"op": "state"})
    check(oracle.ask({"op": "load", "state": saved})["outcome"] == "started", "load")
    checks += 1
    check(answer({"op": "state"}) == saved, "the loaded state is the saved one")

    # A request that cannot be read is an error of its own.
    unreadable = oracle.ask({"op": "explain", "at": EXPIRY})
    check("error" in unreadable and "outcome" not in unreadable, f"{unreadable}")
    checks += 1

    status = oracle.close()
    check(status == 1, f"a run with disagreements and an unreadable line exits {status}, not 1")
    print(f"own scenario: {checks} checks, every query and expect form")
    return checks + 1


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    binary = sys.argv[1]
    passed = failed = 0
    for part in (command_line, corpus, own_scenario):
        try:
            part(binary)
            passed += 1
        except Failure as failure:
            print(f"FAILED {part.__name__}: {failure}", file=sys.stderr)
            failed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
