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
# PySide6 6.12 leaks None/True references on Python 3.11 (fatal in hours); 3.12+ (the Pi's
# 3.13) is immune. Keep 6.11 for older Pythons and the newest for the rest.
SPLIT = {"pyside6_essentials": "PySide6_Essentials", "shiboken6": "shiboken6"}
for name, version in sorted(pins, key=lambda p: p[0].lower()):
    if name.lower() in SPLIT:
        print(f'{SPLIT[name.lower()]}==6.11.3 ; python_version < "3.12"')
        print(f'{SPLIT[name.lower()]}==6.12.0 ; python_version >= "3.12"')
    else:
        print(f"{name}=={version}")
PY
} > packaging/requirements.lock
echo "packaging/requirements.lock: $(grep -vc '^#' packaging/requirements.lock) pins"
