#!/usr/bin/env bash
# The wheel check: build the sdist and the wheel, install the wheel into a scratch venv, and use the
# plugin from an empty directory outside the checkout (train, then deploy from the shipped manifest).
#
#   scripts/check_wheel.sh [PYTHON]      # PYTHON: the project venv's python (default .venv/bin/python)
#
# The scratch venv reuses the project venv's installed dependencies through a .pth path entry (a
# plain path, so the project venv's own .pth files, among them the editable ape-sum finder, are not
# run): only the wheel is installed, and `ape_sum` must import from the scratch venv.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PY_ARG="${1:-.venv/bin/python}"
# Absolute, but not symlink-resolved: a venv's python is a link to the base interpreter.
PY="$(cd "$ROOT" && cd "$(dirname "$PY_ARG")" && pwd)/$(basename "$PY_ARG")"
unset PYTHONPATH  # the checkout must not leak in

TMP="$(mktemp -d "${TMPDIR:-/tmp}/ape-sum-wheel-XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
fail() { echo "wheel check FAILED: $*" >&2; exit 1; }

echo "== building the sdist and the wheel (the wheel from the sdist)"
# Without build isolation: the backend (setuptools, wheel) comes from the dev extra installed during
# set-up, so the test phase downloads nothing.
"$PY" -m build --no-isolation --outdir "$TMP/dist" "$ROOT" >"$TMP/build.log" 2>&1 || { cat "$TMP/build.log"; fail "build"; }
WHEEL="$(ls "$TMP"/dist/*.whl)"
ls "$TMP"/dist/*.tar.gz >/dev/null || fail "no sdist"
"$PY" - "$WHEEL" <<'PYCODE' || fail "wheel contents"
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
assert "ape_sum/manifests/ape-sum.json" in names, "the contracts manifest is not in the wheel"
assert not [n for n in names if n.startswith("contracts/") or n.endswith(".sol")], "sources shipped"
PYCODE

echo "== scratch venv with only the wheel installed"
"$PY" -m venv --without-pip "$TMP/venv"
SCRATCH_PY="$TMP/venv/bin/python"
SITE="$("$SCRATCH_PY" -c 'import sysconfig; print(sysconfig.get_path("purelib"))')"
"$PY" -c 'import sysconfig; print(sysconfig.get_path("purelib"))' >"$SITE/project-venv.pth"
"$SCRATCH_PY" -m pip install --quiet --no-deps --ignore-installed --no-warn-script-location \
  "$WHEEL" 2>&1 | grep -v "is ignored: it is neither" || true
cat >"$TMP/venv/bin/ape" <<APE
#!$SCRATCH_PY
import sys
from ape._cli import cli
sys.argv[0] = "ape"
sys.exit(cli())
APE
chmod +x "$TMP/venv/bin/ape"

echo "== ape sum from an empty directory outside the checkout"
mkdir "$TMP/project" && cd "$TMP/project"
LOCATION="$("$SCRATCH_PY" -c 'import ape_sum; print(ape_sum.__file__)')"
case "$LOCATION" in
  "$TMP/venv/"*) ;;
  *) fail "ape_sum imports from $LOCATION, not from the scratch venv" ;;
esac
"$TMP/venv/bin/ape" sum train breast-cancer -o m.json >"$TMP/train.log" 2>&1 \
  || { cat "$TMP/train.log"; fail "train"; }
"$TMP/venv/bin/ape" sum deploy m.json --network ethereum:local:test --json >deploy.json \
  || fail "deploy"
"$SCRATCH_PY" - deploy.json <<'PYCODE' || fail "deploy printed no trainer address"
import json, re, sys
payload = json.load(open(sys.argv[1]))
assert re.fullmatch(r"0x[0-9a-fA-F]{40}", payload["trainer"] or ""), payload
print(f"deployed trainer {payload['trainer']} from {sys.argv[1]}")
PYCODE
[ ! -e "$TMP/project/contracts" ] || fail "a contracts/ folder appeared in the user's project"
echo "wheel check ok ($(basename "$WHEEL"), ape_sum from the scratch venv)"
