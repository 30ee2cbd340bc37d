"""No English on a Vietnamese screen.

The main window is built in Vietnamese on a database with demo data; every place of the sidebar and every tab
inside it is visited, and every visible text is read: labels, buttons, check boxes, group-box titles, tab
texts, window titles, table and tree headers, list items, combo-box items, placeholders and tooltips; the Help,
About, sign-in and first-administrator dialogs too. A text equal to an English msgid of the catalogue whose Vietnamese is different (or a
formatted one, "User: admin" from "User: {name}") was not translated: the test fails and names the widget.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from dxdesk.ui.app import create_application
from dxdesk.ui.pages.registry import PAGES
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QTabWidget,
    QWidget,
)

ROOT = Path(__file__).resolve().parents[2]
# Names and codes that read the same in both languages.
SAME_IN_BOTH = {"dxdesk", "VNeID", "VssID", "OK", "Email", "PIN", "QR", "iCal", "CSV", "XLSX", "PDF", "Zalo"}


def _extractor():
    spec = importlib.util.spec_from_file_location("i18n_extract", ROOT / "scripts" / "i18n_extract.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _plain(text: str) -> str:
    """Screen text without mnemonics (&&, &X) and surrounding space."""
    return re.sub(r"&(?!&)", "", text).replace("&&", "&").strip()


class EnglishDetector:
    """Knows every English msgid whose Vietnamese differs, literal and with {placeholders} as patterns."""

    def __init__(self):
        ex = _extractor()
        vi = ex.catalogue("vi")
        self.exact: set[str] = set()
        self.patterns: list[tuple[re.Pattern, str]] = []
        for msgid in ex.extract():
            if msgid in SAME_IN_BOTH or vi.get(msgid) == msgid or not re.search(r"[A-Za-z]{3}", msgid):
                continue
            plain = _plain(msgid)
            self.exact.add(plain)
            if "{" in msgid:
                parts = re.split(r"\{[a-z_0-9]*\}", plain)
                literal = "".join(parts)
                if re.search(r"[A-Za-z]{3,}", literal):  # an English word outside the placeholders
                    self.patterns.append((re.compile("^" + ".+?".join(map(re.escape, parts)) + "$", re.S), msgid))

    def english(self, text: str) -> str | None:
        """The msgid TEXT was left in, or None."""
        plain = _plain(text)
        if not plain:
            return None
        if plain in self.exact:
            return plain
        for pattern, msgid in self.patterns:
            if pattern.match(plain):
                return msgid
        return None


def _header_texts(view: QAbstractItemView) -> list[str]:
    model = view.model()
    if model is None:
        return []
    texts = []
    for orientation, count in ((Qt.Orientation.Horizontal, model.columnCount()),):
        for section in range(count):
            value = model.headerData(section, orientation, Qt.ItemDataRole.DisplayRole)
            if isinstance(value, str):
                texts.append(value)
    return texts


def visible_texts(root: QWidget) -> list[tuple[str, str]]:
    """(where, text) for every visible text under ROOT (ROOT included)."""
    found: list[tuple[str, str]] = []
    widgets = [root, *root.findChildren(QWidget)]
    for w in widgets:
        if not w.isVisible():
            continue
        where = f"{type(w).__name__}#{w.objectName() or '?'}"
        if w.isWindow() and w.windowTitle():
            found.append((where + " title", w.windowTitle()))
        if w.toolTip():
            found.append((where + " tooltip", w.toolTip()))
        if isinstance(w, QLabel):
            found.append((where, w.text()))
        elif isinstance(w, QAbstractButton):
            found.append((where, w.text()))
        elif isinstance(w, QLineEdit):
            found.append((where + " placeholder", w.placeholderText()))
        elif isinstance(w, QComboBox):
            found += [(where + " item", w.itemText(i)) for i in range(min(w.count(), 200))]
        if isinstance(w, QGroupBox):
            found.append((where + " group", w.title()))
        if isinstance(w, QTabWidget):
            found += [(where + " tab", w.tabText(i)) for i in range(w.count())]
        if isinstance(w, QListWidget):
            found += [(where + " item", w.item(i).text()) for i in range(min(w.count(), 200))]
        if isinstance(w, QAbstractItemView) and not isinstance(w, QListWidget):
            found += [(where + " header", t) for t in _header_texts(w)]
    return found


def visit_tabs(root: QWidget, collect) -> None:
    """Show every tab of every visible tab widget under ROOT (nested ones too) and collect each time."""
    for tabs in root.findChildren(QTabWidget):
        if not tabs.isVisible():
            continue
        current = tabs.currentIndex()
        for i in range(tabs.count()):
            tabs.setCurrentIndex(i)
            collect()
            inner = tabs.widget(i)
            if inner.findChildren(QTabWidget):
                visit_tabs(inner, collect)
        tabs.setCurrentIndex(current)


@pytest.fixture(scope="module")
def detector():
    return EnglishDetector()


@pytest.fixture
def window(open_window, db, admin):
    from dxdesk import demo
    from dxdesk.settings.profile import set_profile

    set_profile(db, admin, "82", unit_code="28261")
    demo.fill(db, admin, records=300, seed=3)
    return open_window(db, admin, catalogue=False)


def test_the_detector_catches_english(detector):
    """The check itself: it must recognise an untranslated msgid, literal or formatted, and pass Vietnamese."""
    assert detector.english("Counter") == "Counter"
    assert detector.english("&Close") == "Close"
    assert detector.english("User: admin") == "User: {name}"
    assert detector.english("Quầy tiếp dân") is None
    assert detector.english("VNeID") is None


def test_the_walk_reads_the_screen(open_window, db, admin, detector):
    """The same walk over the window built in English finds English everywhere: it is not vacuous."""
    from dxdesk.i18n import set_language

    set_language("en")
    win = open_window(db, admin, catalogue=False, size=None)
    texts = visible_texts(win)
    english = {text for _where, text in texts if detector.english(text)}
    assert {"Counter", "Settings", "Help"} <= {_plain(t) for t in english}
    assert any(where.endswith(" title") for where, _t in texts)
    assert any(where.endswith(" tooltip") for where, _t in texts)


def test_no_english_text_on_any_vietnamese_screen(window, qtbot, detector):
    found: list[tuple[str, str, str]] = []
    place = {"key": ""}

    def collect(root=None):
        for where, text in visible_texts(root or window):
            msgid = detector.english(text)
            if msgid:
                found.append((place["key"], where, text))

    visited = []
    for spec in PAGES:
        place["key"] = spec.key
        page = window.show_page(spec.key)
        qtbot.wait(10)
        assert window.stack.currentWidget() is page
        visited.append(spec.key)
        collect()
        visit_tabs(page, collect)
    assert visited == [s.key for s in PAGES]

    from dxdesk.ui.about import AboutDialog
    from dxdesk.ui.help import HelpDialog

    place["key"] = "help"
    help_dialog = HelpDialog(window, "counter")
    qtbot.addWidget(help_dialog)
    help_dialog.show()
    for row in range(help_dialog.places.count()):
        help_dialog.places.setCurrentRow(row)
        collect(help_dialog)
        text = help_dialog.text.toPlainText()
        for line in text.splitlines():
            if detector.english(line):
                found.append(("help", f"page {row}", line))
    place["key"] = "about"
    about = AboutDialog(window, window.ctx.paths)
    qtbot.addWidget(about)
    about.show()
    collect(about)
    visit_tabs(about, lambda: collect(about))

    from dxdesk.ui.signin import FirstAdminDialog, SignInDialog

    for name, dialog in (("sign-in", SignInDialog(window.ctx.db, window)),
                         ("first admin", FirstAdminDialog(window.ctx.db, window))):
        place["key"] = name
        qtbot.addWidget(dialog)
        dialog.show()
        collect(dialog)
        dialog.reject()

    unique = sorted(set(found))
    assert unique == [], "English left on Vietnamese screens:\n" + "\n".join(
        f"  [{key}] {where}: {text!r}" for key, where, text in unique)


def test_qt_own_buttons_are_vietnamese(qtbot, detector):
    """Qt's standard dialog buttons (message boxes, button boxes) come out in Vietnamese too."""
    from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

    create_application()
    box = QMessageBox(QMessageBox.Icon.Question, "t", "x",
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No | QMessageBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    texts = {_plain(b.text()) for b in box.buttons()}
    assert texts == {"Có", "Không", "Hủy"}, texts
    bb = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Save
                          | QDialogButtonBox.StandardButton.Close)
    qtbot.addWidget(bb)
    texts = {_plain(b.text()) for b in bb.buttons()}
    assert not [t for t in texts if detector.english(t) or t in {"Save", "Close", "Cancel"}], texts
