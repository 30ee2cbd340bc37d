"""Compile the gettext catalogues: every resources/locale/<lang>/*.po merges into <lang>/LC_MESSAGES/dxdesk.mo."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path


def compile_locale_dir(locale_dir: Path, out_dir: Path | None = None) -> list[Path]:
    """Merge each language's .po files into one dxdesk.mo; returns the files written."""
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    out_root = out_dir or locale_dir
    for lang_dir in sorted(p for p in locale_dir.iterdir() if p.is_dir()):
        merged = Catalog(locale=lang_dir.name, domain="dxdesk")
        for po in sorted(lang_dir.glob("*.po")):
            with po.open("rb") as fh:
                cat = read_po(fh, locale=lang_dir.name)
            for msg in cat:
                if msg.id and msg.string and msg.id not in merged:
                    merged[msg.id] = msg
        target = out_root / lang_dir.name / "LC_MESSAGES" / "dxdesk.mo"
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            write_mo(fh, merged, use_fuzzy=False)
        os.replace(tmp, target)
        written.append(target)
    return written


if __name__ == "__main__":
    root = Path(__file__).resolve().parent.parent
    for path in compile_locale_dir(root / "resources" / "locale"):
        print(path.relative_to(root), file=sys.stderr)
