"""Every user-visible string goes through gettext and has a Vietnamese translation."""

import importlib.util
import re
from pathlib import Path

from dxdesk.i18n import _, set_language

ROOT = Path(__file__).resolve().parents[2]


def _extractor():
    spec = importlib.util.spec_from_file_location("i18n_extract", ROOT / "scripts" / "i18n_extract.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_msgid_has_a_vietnamese_translation():
    ex = _extractor()
    vi = ex.catalogue("vi")
    missing = [f"{places[0]}: {msgid!r}" for msgid, places in ex.extract().items() if not vi.get(msgid)]
    assert missing == [], "untranslated:\n" + "\n".join(missing)


def test_placeholders_survive_translation():
    ex = _extractor()
    vi = ex.catalogue("vi")
    bad = []
    for msgid in ex.extract():
        want = sorted(re.findall(r"\{[a-z_0-9]*\}", msgid))
        if vi.get(msgid) and sorted(re.findall(r"\{[a-z_0-9]*\}", vi[msgid])) != want:
            bad.append(msgid)
    assert bad == []


def test_translations_that_are_left_in_english_are_caught():
    """A Vietnamese entry identical to its English msgid (and not a name like 'VNeID') is untranslated."""
    ex = _extractor()
    vi = ex.catalogue("vi")
    allowed_same = {"dxdesk", "VNeID", "VssID", "OK", "Email", "PIN", "QR", "iCal", "CSV", "XLSX", "PDF", "Zalo"}
    same = [m for m in ex.extract() if vi.get(m) == m and m not in allowed_same and re.search(r"[a-z]{3}", m)]
    assert same == []


def test_compiled_catalogue_is_installed_and_used():
    set_language("vi")
    assert _("Counter") == "Quầy tiếp dân"
    set_language("en")
    assert _("Counter") == "Counter"
    set_language("vi")
