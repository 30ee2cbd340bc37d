#!/usr/bin/env bash
# Build the Linux one-folder program dist/dxdesk/ (dxdesk, dxdesk-gui, _internal/) with PyInstaller.
# Uses .venv (scripts/venv.sh); installs PyInstaller into it if missing. About 1–2 minutes.
# The app is staged with a normal (non-editable) `pip install --target`: PyInstaller cannot follow the
# editable install's finder. Translations are compiled by the package build on the way.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
if [ ! -x "$PY" ]; then
  echo "build-linux: .venv is missing; run: bash scripts/venv.sh" >&2
  exit 1
fi
if ! "$PY" -c "import PyInstaller" 2>/dev/null; then
  echo "build-linux: installing PyInstaller into .venv"
  .venv/bin/pip install -q -c constraints.txt "pyinstaller>=6.5"
fi
start=$(date +%s)
STAGE=build/pyi-stage
rm -rf "$STAGE" build/pyi-work dist/dxdesk
"$PY" -m pip install -q --no-deps --no-build-isolation --no-compile --target "$STAGE" . 
test -f "$STAGE/dxdesk/resources/locale/vi/LC_MESSAGES/dxdesk.mo" || { echo "build-linux: no compiled translations in the stage" >&2; exit 1; }
DXDESK_STAGE="$PWD/$STAGE" "$PY" -m PyInstaller --noconfirm --log-level WARN \
  --workpath build/pyi-work --distpath dist installer/dxdesk.spec
# The desktop entry and icon travel with the folder (installer/README.md: Linux install).
install -m 644 installer/linux/dxdesk.desktop dist/dxdesk/dxdesk.desktop
install -m 644 resources/icons/dxdesk.png dist/dxdesk/dxdesk.png
echo "build-linux: dist/dxdesk/ ($(du -sh dist/dxdesk | cut -f1)) in $(( $(date +%s) - start )) s"
