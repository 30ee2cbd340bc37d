#!/usr/bin/env bash
# Debian packages dxdesk needs (run as root, or with sudo available). Safe to run again.
#   runtime:  python3-venv + the Qt libraries (offscreen and X11)
#   tests:    PostgreSQL server, poppler-utils (pdftotext/pdftoppm), zbar-tools (zbarimg), Xvfb, fonts
#             (fonts-liberation: Times-metric Liberation Serif, so LibreOffice lays the Word report out as Word does)
#             GNOME Keyring + D-Bus (a real Secret Service for the key tests: scripts/with-keyring)
set -euo pipefail
WANT_TESTS=${1:-}
PKGS="python3-venv libgl1 libegl1 libfontconfig1 libglib2.0-0 libdbus-1-3 libxkbcommon0
 xvfb xauth libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0
 libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0 fonts-dejavu-core"
if [ "$WANT_TESTS" = "--tests" ]; then
  PKGS="$PKGS postgresql poppler-utils zbar-tools sqlite3 fonts-liberation libreoffice-calc-nogui libreoffice-writer-nogui gnome-keyring dbus libsecret-tools"
fi
missing=""
# With a second architecture enabled (the Windows build adds i386 for Wine), `dpkg -s libfoo` is ambiguous once
# libfoo:i386 is installed too: ask for the native one then.
arch=$(dpkg --print-architecture)
for p in $PKGS; do
  dpkg -s "$p" >/dev/null 2>&1 || dpkg -s "$p:$arch" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  echo "Installing Debian packages:$missing" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
