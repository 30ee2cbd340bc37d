#!/usr/bin/env bash
# Translation catalogues kept with Babel's own tools (pybabel extract / update / compile), for the one-catalogue
# layout  resources/locale/<lang>/LC_MESSAGES/dxdesk.po  (docs/translations.md). Uses .venv's Babel (pinned).
#
#   bash scripts/i18n-babel.sh merge-areas   # ONE-TIME migration: the per-area files resources/locale/<lang>/*.po
#                                            # -> LC_MESSAGES/dxdesk.po (then delete the area files, see the doc)
#   bash scripts/i18n-babel.sh extract       # source -> build/i18n/dxdesk.pot (every _(), N_(), tr_(), ngettext())
#   bash scripts/i18n-babel.sh update        # .pot -> every LC_MESSAGES/dxdesk.po (new msgids empty, old ones obsolete)
#   bash scripts/i18n-babel.sh check         # exit 1 if update would change a catalogue or vi has untranslated msgids
#   bash scripts/i18n-babel.sh compile       # LC_MESSAGES/dxdesk.po -> dxdesk.mo (with statistics)
#
# LOCALE_DIR=... points it at another tree (e.g. a copy, to try the migration without touching the repository).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
PYBABEL="${PYBABEL:-.venv/bin/pybabel}"
PY="${PYTHON:-.venv/bin/python}"
LOCALE="${LOCALE_DIR:-resources/locale}"
POT="${POT:-build/i18n/dxdesk.pot}"
KEYWORDS=(-k _ -k N_ -k tr_ -k ngettext:1,2)

case "${1:-}" in
  extract)
    mkdir -p "$(dirname "$POT")"
    "$PYBABEL" extract --no-default-keywords "${KEYWORDS[@]}" --sort-by-file --no-wrap \
      --project dxdesk --version "$("$PY" -c 'import dxdesk; print(dxdesk.__version__)')" \
      --msgid-bugs-address "" --copyright-holder "dxdesk maintainers" -o "$POT" dxdesk ui reports
    echo "i18n: $(grep -c '^msgid "' "$POT") msgids (with the header) in $POT"
    ;;
  update)
    [ -f "$POT" ] || "$0" extract
    "$PYBABEL" update -i "$POT" -d "$LOCALE" -D dxdesk --no-wrap --no-fuzzy-matching --ignore-obsolete
    ;;
  check)
    [ -f "$POT" ] || "$0" extract >/dev/null
    status=0
    "$PYBABEL" update -i "$POT" -d "$LOCALE" -D dxdesk --no-wrap --no-fuzzy-matching --ignore-obsolete --check \
      || { echo "i18n: the catalogues are behind the source: run  bash scripts/i18n-babel.sh update" >&2; status=1; }
    "$PY" - "$LOCALE" "${CHECK_LANGS:-vi}" <<'EOF' || status=1
import sys
from pathlib import Path

from babel.messages.pofile import read_po

bad = 0
# Untranslated msgids matter in Vietnamese (the UI language); in English an empty msgstr shows the msgid, which
# is English already. CHECK_LANGS="vi en" checks both.
for po in sorted(Path(sys.argv[1]) / lang / "LC_MESSAGES" / "dxdesk.po" for lang in sys.argv[2].split()):
    if not po.exists():
        print(f"i18n: no {po}", file=sys.stderr)
        bad = 1
        continue
    with po.open("rb") as fh:
        cat = read_po(fh)
    empty = [m.id for m in cat if m.id and not m.string]
    fuzzy = [m.id for m in cat if m.id and m.fuzzy]
    if empty or fuzzy:
        bad = 1
        print(f"i18n: {po}: {len(empty)} untranslated, {len(fuzzy)} fuzzy, e.g. {(empty + fuzzy)[:3]}", file=sys.stderr)
sys.exit(bad)
EOF
    exit $status
    ;;
  compile)
    "$PYBABEL" compile -d "$LOCALE" -D dxdesk --statistics
    ;;
  merge-areas)
    # One catalogue per language from the area files, keeping every translation and its source comments.
    "$PY" - "$LOCALE" <<'EOF'
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

for lang_dir in sorted(p for p in Path(sys.argv[1]).iterdir() if p.is_dir()):
    areas = sorted(lang_dir.glob("*.po"))
    if not areas:
        continue
    merged = Catalog(locale=lang_dir.name, project="dxdesk", domain="dxdesk", fuzzy=False)
    clashes = []
    for po in areas:
        with po.open("rb") as fh:
            cat = read_po(fh, locale=lang_dir.name)
        for msg in cat:
            if not msg.id:
                continue
            old = merged.get(msg.id)
            if old is not None and old.string and msg.string and old.string != msg.string:
                clashes.append(f"{msg.id!r}: {old.string!r} ({po.name} has {msg.string!r})")
                continue
            if old is None or not old.string:
                merged[msg.id] = msg
    out = lang_dir / "LC_MESSAGES" / "dxdesk.po"
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as fh:
        write_po(fh, merged, width=0)
    print(f"i18n: {out}: {len(merged)} messages from {len(areas)} area files")
    for clash in clashes:
        print(f"i18n: {lang_dir.name}: two translations, the first kept: {clash}", file=sys.stderr)
EOF
    ;;
  *)
    sed -n '2,12p' "$0" >&2
    exit 2
    ;;
esac
