#!/usr/bin/env bash
# Pins every runtime dependency of the .deb's venv: resolves pyproject.toml's dependencies
# (not the dev tools) with pip and writes packaging/requirements.lock. Run after changing
# the dependencies in pyproject.toml, then commit the lock; build-deb.sh installs exactly it.
set -euo pipefail
cd "$(dirname "$0")/.."
PIP=${PIP:-.venv/bin/pip}
report=$(mktemp)
trap 'rm -f "$report" "$report.log"' EXIT
"$PIP" install -q --dry-run --ignore-installed --report "$report" . >/dev/null 2>"$report.log" \
  || { cat "$report.log" >&2; exit 1; }
{
  echo "# Runtime dependencies of the antrean .deb (/opt/antrean/venv), pinned."
  echo "# Written by packaging/update-lock.sh from pyproject.toml; installed with --no-deps."
  python3 - "$report" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
pins = sorted((i["metadata"]["name"], i["metadata"]["version"]) for i in r["install"]
              if i["metadata"]["name"].lower() != "antrean")
for name, version in sorted(pins, key=lambda p: p[0].lower()):
    print(f"{name}=={version}")
PY
} > packaging/requirements.lock
echo "packaging/requirements.lock: $(grep -vc '^#' packaging/requirements.lock) pins"
