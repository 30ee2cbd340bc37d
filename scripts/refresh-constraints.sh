#!/usr/bin/env bash
# Refresh constraints.txt: the newest versions pyproject.toml allows, resolved for Linux (a throwaway venv)
# and for Windows (the Windows Python of scripts/build-windows.sh, under Wine, resolving without installing).
# Both lists are merged; a package both resolve to different versions keeps the Linux version (reported).
# Then run the tests, scripts/build-linux.sh and scripts/build-windows.sh + smoke-windows.sh before committing
# the new constraints.txt.   Usage: bash scripts/refresh-constraints.sh   (needs network to PyPI)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
TMP=$(mktemp -d /tmp/dxdesk-constraints.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
unset PIP_CONSTRAINT

echo "refresh-constraints: resolving for Linux"
python3 -m venv "$TMP/venv"
"$TMP/venv/bin/python" -m pip install -q --upgrade pip
# The host's global pip constraint (if any) is not the project's: an empty one replaces it.
: >"$TMP/none.txt"
"$TMP/venv/bin/python" -m pip install -q -c "$TMP/none.txt" ".[test,freeze]"
"$TMP/venv/bin/python" -m pip freeze --all --exclude-editable | grep -v -E '^#|^dxdesk==' >"$TMP/linux.txt"

WIN_JSON=""
. scripts/wine-env.sh
if [ -x "$WINPY" ] && command -v wine >/dev/null; then
  echo "refresh-constraints: resolving for Windows (under Wine)"
  wine_common_env
  export WINEPREFIX="$WINBUILD/prefix"
  PIP_CONSTRAINT="$TMP/none.txt" python3 -m pip wheel -q --no-deps -w "$TMP/wheel" . >/dev/null
  whl=$(ls "$TMP"/wheel/dxdesk-*.whl); mkdir -p "$WINBUILD/refresh"; cp "$whl" "$WINBUILD/refresh/"
  ( cd "$WINBUILD" && wrun "$WINPY" -m pip install -q --dry-run --ignore-installed --disable-pip-version-check \
      --report - "refresh/$(basename "$whl")[test,freeze]" ) >"$TMP/win.json"
  rm -rf "$WINBUILD/refresh"
  WIN_JSON="$TMP/win.json"
else
  echo "refresh-constraints: no Windows Python in $WINBUILD (run scripts/build-windows.sh once): Linux only" >&2
fi

python3 - "$TMP/linux.txt" "$WIN_JSON" >"$TMP/constraints.txt" <<'EOF'
import json
import re
import sys

def norm(name):
    return re.sub(r"[-_.]+", "-", name).lower()

pins = {}
for line in open(sys.argv[1]):
    name, _, version = line.strip().partition("==")
    if version:
        pins[norm(name)] = (name, version)
if sys.argv[2]:
    text = open(sys.argv[2], encoding="utf-8", errors="replace").read()
    report = json.loads(text[text.index("{"):])
    for item in report["install"]:
        meta = item["metadata"]
        key = norm(meta["name"])
        if key == "dxdesk":
            continue
        if key in pins and pins[key][1] != meta["version"]:
            print(f"refresh-constraints: {meta['name']}: Linux {pins[key][1]}, Windows {meta['version']}: "
                  "keeping Linux's", file=sys.stderr)
            continue
        pins.setdefault(key, (meta["name"], meta["version"]))
print("# Pinned versions of every package dxdesk's builds install (Linux .venv, the Linux and Windows frozen programs).")
print("# Used as pip constraints (-c): scripts/venv.sh, scripts/build-linux.sh, scripts/build-windows.sh.")
print("# Refresh (newest versions allowed by pyproject.toml, Linux and Windows resolved): bash scripts/refresh-constraints.sh")
for key in sorted(pins):
    name, version = pins[key]
    print(f"{name}=={version}")
EOF
mv "$TMP/constraints.txt" constraints.txt
echo "refresh-constraints: constraints.txt has $(grep -c '==' constraints.txt) pins; review with: git diff constraints.txt"
