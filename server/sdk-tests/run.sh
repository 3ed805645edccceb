#!/usr/bin/env bash
# Runs the SDK suite: the official Alibaba Cloud Python SDK against
# snapguard-server (issue 16, item 7).
#
# - creates a virtual environment at ${SNAPGUARD_SDK_VENV:-<repo>/target/sdk-venv}
#   when there is none, and installs requirements.txt into it (skipped when
#   the same requirements were already installed there);
# - builds the server (cargo build -p snapguard-server; CARGO_TARGET_DIR is
#   honoured, as cargo honours it);
# - runs pytest on this folder with SNAPGUARD_SERVER_BIN set to the binary.
#
# Arguments are passed to pytest: run.sh -k locks -x
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "${here}/../.." && pwd)"
venv="${SNAPGUARD_SDK_VENV:-${repo}/target/sdk-venv}"
python="${PYTHON:-python3}"

if [ ! -x "${venv}/bin/python" ]; then
    echo "==> creating the virtual environment ${venv}"
    mkdir -p "$(dirname "${venv}")"
    "${python}" -m venv "${venv}"
fi

# The stamp records what was installed: the requirements and the interpreter.
stamp="${venv}/.snapguard-requirements"
wanted="$(cat "${here}/requirements.txt"; "${venv}/bin/python" --version)"
if [ ! -f "${stamp}" ] || [ "$(cat "${stamp}")" != "${wanted}" ]; then
    echo "==> installing server/sdk-tests/requirements.txt into ${venv}"
    "${venv}/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
        -r "${here}/requirements.txt"
    printf '%s' "${wanted}" >"${stamp}"
fi

echo "==> cargo build -p snapguard-server"
# Cargo says where the binary is, whatever CARGO_TARGET_DIR (relative or not).
binary="$(
    cd "${repo}" &&
        cargo build -p snapguard-server --message-format=json-render-diagnostics |
        "${venv}/bin/python" -c '
import json, sys
found = None
for line in sys.stdin:
    try:
        message = json.loads(line)
    except ValueError:
        continue
    if (message.get("reason") == "compiler-artifact"
            and message.get("target", {}).get("name") == "snapguard-server"
            and message.get("executable")):
        found = message["executable"]
if not found:
    sys.exit("cargo built no snapguard-server executable")
print(found)
'
)"
echo "==> pytest (SNAPGUARD_SERVER_BIN=${binary})"

export SNAPGUARD_SERVER_BIN="${binary}"
export PYTHONDONTWRITEBYTECODE=1
cd "${here}"
exec "${venv}/bin/python" -m pytest -p no:cacheprovider -rfEs "$@"
