#!/usr/bin/env bash
# Sets up everything Antrean needs on a fresh Debian 12 / Raspberry Pi OS machine:
# the apt packages (espeak-ng voice, zbar for QR checks, sox/alsa for sound, systemd's tools
# to check the units and the .deb, PostgreSQL for the city's tests and demo), and a private
# virtualenv in .venv with the project and its test tools.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PKGS=(python3-venv python3-dev libespeak-ng1 espeak-ng zbar-tools sox alsa-utils
          libegl1 libgl1 libgl1-mesa-dri libxkbcommon0 libfontconfig1 libdbus-1-3
          fonts-dejavu-core iproute2 chromium systemd
          # PostgreSQL: the city's tests, bench and demo run a throwaway cluster of their own
          postgresql
          # poppler-utils: the city's printed report (Chromium's PDF) checked as text and PNGs
          poppler-utils
          # libfaketime: the tests run a real hub across the post's midnight
          faketime
          # a C compiler: tests and bench/slowdisk.py build bench/slowfsync.c, an
          # LD_PRELOAD shim that makes fsync as slow as an SD card's
          gcc libc6-dev
          # Qt's xcb platform (an X11 desktop): what `ldd` names for PySide6's
          # plugins/platforms/libqxcb.so, lib/libQt6XcbQpa.so.6 and xcbglintegrations/*.
          # Without them `make post` stops at once ("Could not load the Qt platform plugin").
          libxcb1 libx11-6 libx11-xcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0
          libxcb-keysyms1 libxcb-randr0 libxcb-render0 libxcb-render-util0 libxcb-shape0
          libxcb-shm0 libxcb-sync1 libxcb-util1 libxcb-xfixes0 libxcb-xkb1 libxcb-glx0
          libxkbcommon-x11-0
          # Qt's wayland platform (a Wayland desktop: Debian's GNOME, Raspberry Pi OS)
          libwayland-client0 libwayland-cursor0 libwayland-egl1
          # The desktop demo checked on the real xcb platform in the tests: a virtual X
          # server, a window mover, a screenshot and OCR of what it shows.
          xvfb xauth x11-utils xdotool imagemagick tesseract-ocr tesseract-ocr-ind)
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
