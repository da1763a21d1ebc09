#!/usr/bin/env bash
# Sets up everything Antrean needs on a fresh Debian 12 / Raspberry Pi OS machine:
# the apt packages (espeak-ng voice, zbar for QR checks, sox/alsa for sound, systemd's tools
# to check the units and the .deb), and a private virtualenv in .venv with the project and
# its test tools.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PKGS=(python3-venv python3-dev libespeak-ng1 espeak-ng zbar-tools sox alsa-utils
          libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 fonts-dejavu-core
          iproute2 chromium systemd)
missing=()
for p in "${APT_PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "setup: installing apt packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -e ".[dev]"
echo "setup: ready (.venv)"
