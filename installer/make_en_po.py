"""Regenerate the English catalogue resources/locale/en/dxdesk.po from the source.

The msgids are English, so each entry is its own translation; the file exists so that both languages have a
catalogue in the repository, compiled at build time like the Vietnamese one (scripts/i18n_compile.py), and
so an English wording change can be made without touching the code. Run after adding strings:

    .venv/bin/python installer/make_en_po.py && .venv/bin/python scripts/i18n_compile.py
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "resources" / "locale" / "en" / "dxdesk.po"


def _extractor():
    spec = importlib.util.spec_from_file_location("i18n_extract", ROOT / "scripts" / "i18n_extract.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build() -> int:
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    kept = {}
    if TARGET.exists():  # keep deliberate English rewordings (msgstr different from msgid)
        with TARGET.open("rb") as fh:
            for msg in read_po(fh, locale="en"):
                if msg.id and isinstance(msg.id, str) and msg.string and msg.string != msg.id:
                    kept[msg.id] = msg.string
    catalog = Catalog(locale="en", domain="dxdesk", project="dxdesk", fuzzy=False)
    for msgid, places in sorted(_extractor().extract().items()):
        path, _sep, line = places[0].rpartition(":")
        catalog.add(msgid, kept.get(msgid, msgid), locations=[(path, int(line))])
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    with TARGET.open("wb") as fh:
        write_po(fh, catalog, width=0, sort_output=True)
    return len(catalog)


if __name__ == "__main__":
    print(f"{build()} entries in {TARGET.relative_to(ROOT)}")
