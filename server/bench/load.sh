#!/usr/bin/env bash
# The endpoint's load benchmark (issue 17): snapguard-server (durable, on a
# data directory in a temporary directory) and moto's server mode, side by
# side, each driven by 32 concurrent clients over loopback with the mixed
# step at 10^3 and 10^5 existing snapshots. See server/benches/load.rs.
#
#     bash server/bench/load.sh
#
# It installs what it needs:
# - a virtual environment at ${SNAPGUARD_BENCH_VENV:-<repo>/target/bench-venv}
#   with moto[server] at the version pinned below, from PyPI;
# - snapguard-server, built in release (cargo build --release), and the load
#   generator (cargo bench --no-run); CARGO_TARGET_DIR is honoured.
#
# Each server listens on 127.0.0.1 only, on a free port, and a fresh one is
# started for each store and size; all are stopped when the script exits.
# The table goes to stdout and, with per-operation figures and the CPU split,
# to target/bench/load-<UTC time>.md.
#
# Settings (environment):
#   SNAPGUARD_BENCH_SIZES    existing snapshots, "1000 100000"
#   SNAPGUARD_BENCH_TARGETS  stores, "snapguard moto"; also snapguard-memory
#                            (--in-memory: no fsync, for comparison)
#   SNAPGUARD_BENCH_CLIENTS  concurrent clients, 32
#   SNAPGUARD_BENCH_SECONDS  measured window per run, 30
#   SNAPGUARD_BENCH_WARMUP   unmeasured steps first, in seconds, 3
#   SNAPGUARD_BENCH_SHARE    snapguard sharing: auto, resource-share or none (auto:
#                            Resource Sharing 2020-01-10 when the server speaks it)
#   SNAPGUARD_BENCH_PERF     1: record snapguard-server with perf during each
#                            window and add the top of `perf report` to the file
set -euo pipefail

moto_version="5.2.5"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "${here}/../.." && pwd)"
venv="${SNAPGUARD_BENCH_VENV:-${repo}/target/bench-venv}"
python="${PYTHON:-python3}"
sizes="${SNAPGUARD_BENCH_SIZES:-1000 100000}"
targets="${SNAPGUARD_BENCH_TARGETS:-snapguard moto}"
clients="${SNAPGUARD_BENCH_CLIENTS:-32}"
seconds="${SNAPGUARD_BENCH_SECONDS:-30}"
warmup="${SNAPGUARD_BENCH_WARMUP:-3}"
share="${SNAPGUARD_BENCH_SHARE:-auto}"
perf="${SNAPGUARD_BENCH_PERF:-0}"

step() { printf '==> %s\n' "$*" >&2; }

# --- what it needs -----------------------------------------------------------

if [ ! -x "${venv}/bin/python" ]; then
    step "creating the virtual environment ${venv}"
    mkdir -p "$(dirname "${venv}")"
    "${python}" -m venv "${venv}"
fi
stamp="${venv}/.snapguard-bench"
wanted="moto[server]==${moto_version} $("${venv}/bin/python" --version)"
if [ ! -f "${stamp}" ] || [ "$(cat "${stamp}")" != "${wanted}" ]; then
    step "installing moto[server]==${moto_version} into ${venv}"
    "${venv}/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
        "moto[server]==${moto_version}"
    printf '%s' "${wanted}" >"${stamp}"
fi

# Cargo names the executables it built, whatever CARGO_TARGET_DIR: the one of
# target NAME in server/Cargo.toml, read from cargo's JSON messages.
executable() { # name
    "${venv}/bin/python" -c '
import json, os, sys
name, manifest = sys.argv[1], sys.argv[2]
found = None
for line in sys.stdin:
    try:
        message = json.loads(line)
    except ValueError:
        continue
    if (message.get("reason") == "compiler-artifact"
            and message.get("target", {}).get("name") == name
            and os.path.realpath(message.get("manifest_path", "")) == manifest
            and message.get("executable")):
        found = message["executable"]
if not found:
    sys.exit("cargo built no executable " + name + " of " + manifest)
print(found)
' "$1" "$(realpath "${repo}/server/Cargo.toml")"
}

step "cargo build --release -p snapguard-server"
server_bin="$(cd "${repo}" && cargo build --release -p snapguard-server \
    --message-format=json-render-diagnostics | executable snapguard-server)"
step "cargo bench -p snapguard-server --bench load --no-run"
load_bin="$(cd "${repo}" && cargo bench -p snapguard-server --bench load --no-run \
    --message-format=json-render-diagnostics | executable load)"
if [ "${perf}" = 1 ] && ! command -v perf >/dev/null; then
    step "SNAPGUARD_BENCH_PERF=1 but there is no perf: recording nothing"
    perf=0
fi

# --- servers -----------------------------------------------------------------

work="$(mktemp -d "${TMPDIR:-/tmp}/snapguard-bench.XXXXXX")"
server_pid=""
stop_server() {
    if [ -n "${server_pid}" ] && kill -0 "${server_pid}" 2>/dev/null; then
        kill -INT "${server_pid}" 2>/dev/null || true
        for _ in $(seq 50); do
            kill -0 "${server_pid}" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "${server_pid}" 2>/dev/null || true
        wait "${server_pid}" 2>/dev/null || true
    fi
    server_pid=""
}
cleanup() {
    stop_server
    rm -rf "${work}"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# wait_for FILE PATTERN: the first match of PATTERN (sed -n) in FILE, within 60 s.
wait_for() {
    local found=""
    for _ in $(seq 600); do
        found="$(sed -n "$2" "$1" 2>/dev/null | head -n 1)"
        if [ -n "${found}" ]; then
            printf '%s' "${found}"
            return 0
        fi
        kill -0 "${server_pid}" 2>/dev/null || break
        sleep 0.1
    done
    step "the server did not start; its output:"
    cat "$1" >&2
    return 1
}

start_snapguard() { # size [--in-memory] -> sets server_pid, endpoint
    local store=(--data-dir "${work}/snapguard-$1")
    if [ "${2:-}" = --in-memory ]; then
        store=(--in-memory)
    fi
    "${server_bin}" --address 127.0.0.1 --port 0 "${store[@]}" \
        --region cn-hangzhou --region cn-shanghai --snapshot-delay-seconds 0 \
        >"${work}/snapguard-$1.out" 2>"${work}/snapguard-$1.err" &
    server_pid=$!
    endpoint="$(wait_for "${work}/snapguard-$1.out" 's|^snapguard-server listening on \(http://[0-9.:]*\)$|\1|p')"
}

start_moto() { # size -> sets server_pid, endpoint
    "${venv}/bin/moto_server" -H 127.0.0.1 -p 0 >"${work}/moto-$1.log" 2>&1 &
    server_pid=$!
    endpoint="$(wait_for "${work}/moto-$1.log" 's|.*Running on \(http://127\.0\.0\.1:[0-9]*\).*|\1|p')"
}

# --- the runs ----------------------------------------------------------------

mkdir -p "${repo}/target/bench"
stamp_time="$(date -u +%Y%m%dT%H%M%SZ)"
report="${repo}/target/bench/load-${stamp_time}.md"
rows="${work}/rows.md"
details="${work}/details.md"
: >"${rows}"
: >"${details}"
moto_label="moto_server ${moto_version}"
model="$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1)"
commit="$(cd "${repo}" && git rev-parse --short HEAD 2>/dev/null || echo unknown)"
dirty="$(cd "${repo}" && git status --porcelain 2>/dev/null | grep -q . && echo ' (uncommitted changes)' || true)"

for size in ${sizes}; do
    for target in ${targets}; do
        case "${target}" in
        snapguard)
            start_snapguard "${size}"
            label="snapguard-server (SQLite, durable)"
            extra=(--share "${share}")
            ;;
        snapguard-memory)
            start_snapguard "${size}" --in-memory
            label="snapguard-server (--in-memory, not durable)"
            extra=(--share "${share}")
            ;;
        moto)
            start_moto "${size}"
            label="${moto_label}"
            extra=()
            ;;
        *)
            step "unknown target ${target} (snapguard, snapguard-memory or moto)"
            exit 2
            ;;
        esac
        if [ "${perf}" = 1 ] && [ "${target}" != moto ]; then
            extra+=(--perf "${work}/perf-${target}-${size}.data")
        fi
        step "${label}, ${size} existing snapshots, at ${endpoint} (pid ${server_pid})"
        "${load_bin}" --target "${target%-memory}" --endpoint "${endpoint}" --existing "${size}" \
            --clients "${clients}" --seconds "${seconds}" --warmup "${warmup}" \
            --label "${label}" --server-pid "${server_pid}" \
            --out "${rows}" --details "${details}" "${extra[@]}" >/dev/null
        if [ "${target}" = snapguard ]; then
            printf 'Data directory after the run: %s.\n\n' "$(du -sh "${work}/snapguard-${size}" | cut -f1)" >>"${details}"
        fi
        if [ -f "${work}/perf-${target}-${size}.data" ]; then
            {
                printf 'perf report (%s, %s existing snapshots), by symbol:\n\n```\n' "${label}" "${size}"
                perf report -i "${work}/perf-${target}-${size}.data" --no-children --stdio -g none \
                    --percent-limit 1 --sort dso,sym 2>/dev/null | grep -v '^#' | grep -v '^$' | head -n 40
                printf '```\n\n'
            } >>"${details}"
        fi
        stop_server
        rm -rf "${work}/snapguard-${size}"
    done
done

table="$(
    printf '| store | existing snapshots | requests per step | requests | req/s | p50 ms | p99 ms | errors |\n'
    printf '|---|---:|---|---:|---:|---:|---:|---:|\n'
    cat "${rows}"
)"
{
    printf '# Endpoint load benchmark, %s\n\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
    printf -- '- Command: `bash server/bench/load.sh` (sizes %s, %s clients, %s s window after %s s warm-up)\n' \
        "${sizes}" "${clients}" "${seconds}" "${warmup}"
    printf -- '- Commit: %s%s\n' "${commit}" "${dirty}"
    printf -- '- Machine: %s cores (nproc), %s, %s\n' "$(nproc)" "${model:-unknown CPU}" "$(uname -sr)"
    printf -- '- Load average at the end: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
    printf -- '- moto: %s\n\n' "$("${venv}/bin/python" -m pip show moto 2>/dev/null | sed -n 's/^Version: //p')"
    printf '%s\n\n' "${table}"
    cat "${details}"
} >"${report}"
printf '%s\n' "${table}"
step "written to ${report}"
