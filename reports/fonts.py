"""The bundled Times-New-Roman-compatible font (Liberation Serif 2.x, OFL), registered once for reportlab,
and the NFC rule for every string drawn (reportlab misplaces decomposed tone marks)."""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from importlib.resources import as_file, files

SERIF = "DxSerif"
SERIF_BOLD = "DxSerif-Bold"
SERIF_ITALIC = "DxSerif-Italic"
SERIF_BOLD_ITALIC = "DxSerif-BoldItalic"
SANS = "DxSans"
SANS_BOLD = "DxSans-Bold"

_FILES = {
    SERIF: "LiberationSerif-Regular.ttf",
    SERIF_BOLD: "LiberationSerif-Bold.ttf",
    SERIF_ITALIC: "LiberationSerif-Italic.ttf",
    SERIF_BOLD_ITALIC: "LiberationSerif-BoldItalic.ttf",
    SANS: "LiberationSans-Regular.ttf",
    SANS_BOLD: "LiberationSans-Bold.ttf",
}


def font_path(name: str):
    """A context manager giving a real file path of a bundled font file (for reportlab or Pillow)."""
    return as_file(files("dxdesk.resources") / "fonts" / name)


@lru_cache(maxsize=1)
def register_fonts() -> str:
    """Register the bundled fonts with reportlab (once); returns the serif family name to use."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for name, filename in _FILES.items():
        with font_path(filename) as path:
            pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily(SERIF, normal=SERIF, bold=SERIF_BOLD, italic=SERIF_ITALIC, boldItalic=SERIF_BOLD_ITALIC)
    pdfmetrics.registerFontFamily(SANS, normal=SANS, bold=SANS_BOLD, italic=SANS, boldItalic=SANS_BOLD)
    return SERIF


def nfc(text: str | None) -> str:
    """Every string drawn into a PDF goes through this: precomposed Vietnamese letters only."""
    return unicodedata.normalize("NFC", text or "")


def xml_text(text: str | None) -> str:
    """NFC and escaped for a reportlab Paragraph."""
    from xml.sax.saxutils import escape

    return escape(nfc(text))
