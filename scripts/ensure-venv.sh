#!/usr/bin/env bash
# Creates .venv with the pinned Python packages the interop tests and benchmarks need
# (the real mlflow client from PyPI), unless it already matches requirements.
set -euo pipefail
cd "$(dirname "$0")/.."
req=tests/interop/requirements.txt
stamp=.venv/.requirements.sha256
want=$(sha256sum "$req" | cut -d' ' -f1)
if [ -x .venv/bin/python ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
python=${SLIPWAY_VENV_BASE_PYTHON:-python3}
echo "ensure-venv: installing $(grep -v "^#" "$req" | tr "\n" " ")into .venv" >&2
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -r "$req"
echo "$want" > "$stamp"
