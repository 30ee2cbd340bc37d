"""Find every translatable string (_(), N_(), ngettext()) in the source, and add the missing ones to a .po file.

    python scripts/i18n_extract.py                      # list msgids missing from the Vietnamese catalogue
    python scripts/i18n_extract.py --add vi/counter.po  # append them (empty msgstr) to that file to translate
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIRS = ("dxdesk", "ui", "reports")
MARKERS = {"_", "N_", "tr_"}


def extract(root: Path = ROOT) -> dict[str, list[str]]:
    """msgid -> places ('ui/app.py:12') for every literal passed to a marker function."""
    found: dict[str, list[str]] = {}
    for folder in SOURCE_DIRS:
        for path in sorted((root / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
                args = []
                if name in MARKERS and node.args:
                    args = node.args[:1]
                elif name == "ngettext" and len(node.args) >= 2:
                    args = node.args[:2]
                for arg in args:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value:
                        found.setdefault(arg.value, []).append(f"{path.relative_to(root)}:{node.lineno}")
    return found


def catalogue(lang: str, root: Path = ROOT) -> dict[str, str]:
    """msgid -> msgstr merged over every .po file of LANG (first file wins, as in the build)."""
    from babel.messages.pofile import read_po

    merged: dict[str, str] = {}
    for po in sorted((root / "resources" / "locale" / lang).glob("*.po")):
        with po.open("rb") as fh:
            for msg in read_po(fh, locale=lang):
                if msg.id and isinstance(msg.id, str):
                    merged.setdefault(msg.id, msg.string or "")
                elif msg.id:  # plural
                    merged.setdefault(msg.id[0], (msg.string or ("",))[0])
    return merged


def _po_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lang", default="vi")
    parser.add_argument("--add", help="po file (relative to resources/locale) to append missing msgids to")
    parser.add_argument("--only", nargs="*", default=[], help="only msgids used in files under these paths")
    args = parser.parse_args()
    known = catalogue(args.lang)
    missing = {m: places for m, places in extract().items() if not known.get(m)
               and (not args.only or any(p.startswith(tuple(args.only)) for p in places))}
    if not args.add:
        for msgid, places in missing.items():
            print(f"{places[0]}: {msgid}")
        print(f"{len(missing)} missing", file=sys.stderr)
        return 0
    target = ROOT / "resources" / "locale" / args.add
    new = [m for m in missing if m not in known]
    with target.open("a", encoding="utf-8") as fh:
        if target.stat().st_size == 0:
            fh.write(f'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: {args.lang}\\n"\n\n')
        for msgid in new:
            fh.write(f"#: {missing[msgid][0]}\nmsgid {_po_quote(msgid)}\nmsgstr \"\"\n\n")
    print(f"added {len(new)} to {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
