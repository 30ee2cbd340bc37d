"""Built-in help: a Vietnamese page per place with what each control does, and the shortcut list matches the
shortcuts the main window really has."""

import re
from html import unescape

from dxdesk.ui.app import create_application
from dxdesk.ui.help import PLACES, SHORTCUTS, SHORTCUTS_KEY, HelpDialog, place_html
from dxdesk.ui.pages.registry import PAGES
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication

from dxdesk.i18n import _, set_language


def _text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", html))


def test_every_place_of_the_sidebar_has_a_help_page():
    assert {s.key for s in PAGES} == set(PLACES)
    for key, (_intro, items) in PLACES.items():
        assert len(items) >= 3, key
        text = _text(place_html(key)).replace("&", "")
        title = _(next(s.title for s in PAGES if s.key == key))
        assert title in text
        for control, what in items:
            assert _(control).replace("&", "") in text and _(what) in text


def test_help_pages_are_vietnamese_and_english():
    assert "Lưu (Enter)" in _text(place_html("counter"))
    assert "Phím tắt" in _text(place_html(SHORTCUTS_KEY))
    set_language("en")
    assert "Save (Enter)" in _text(place_html("counter"))
    assert "Keyboard shortcuts" in _text(place_html(SHORTCUTS_KEY))


def test_shortcut_list_covers_every_shortcut_of_the_main_window(window):
    listed = _text(place_html(SHORTCUTS_KEY))
    keys = [a.shortcut().toString() for a in window.findChildren(QAction) if not a.shortcut().isEmpty()]
    assert keys, "the main window has no shortcuts?"
    for key in keys:
        if re.fullmatch(r"Ctrl\+\d", key):
            assert f"Ctrl+1 … Ctrl+{len(PAGES)}" in listed, key
        else:
            assert key in listed, f"shortcut {key} is missing from the help"
    assert any(k == "Ctrl+F1" for k, _w in SHORTCUTS)


def test_ctrl_f1_opens_the_help_on_the_current_place(window, qtbot):
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)  # Lịch trực
    seen = {}

    def inspect():
        dialog = QApplication.activeModalWidget()
        seen["dialog"] = dialog
        if isinstance(dialog, HelpDialog):
            seen["place"] = dialog.places.currentItem().text()
            seen["title"] = dialog.windowTitle()
            seen["text"] = dialog.text.toPlainText()
            seen["size"] = (dialog.width(), dialog.height())
            dialog.reject()

    QTimer.singleShot(200, inspect)
    qtbot.keyClick(window, Qt.Key.Key_F1, Qt.KeyboardModifier.ControlModifier)
    assert isinstance(seen.get("dialog"), HelpDialog)
    assert seen["place"] == "Lịch trực"
    assert seen["title"] == "Trợ giúp — dxdesk"
    assert "Tự phân công" in seen["text"]
    assert seen["size"][0] <= 1093 and seen["size"][1] <= 614


def test_help_dialog_lists_places_then_shortcuts_and_is_keyboard_driven(qtbot, home):
    create_application()
    dialog = HelpDialog(None, "guides")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.keys() == [s.key for s in PAGES] + [SHORTCUTS_KEY]
    assert dialog.places.currentItem().text() == "Hướng dẫn QR"
    qtbot.keyClick(dialog.places, Qt.Key.Key_End)
    assert "Phím tắt" in dialog.text.toPlainText()
    assert "Ctrl+Q" in dialog.text.toPlainText()


def test_help_names_the_controls_as_the_pages_show_them(window, qtbot):
    """Where a help entry uses a page's own label (same msgid in the page's source), that control is on the page
    with exactly that text: the help cannot drift from the screen."""
    from pathlib import Path

    from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QTabWidget

    ui = Path(__file__).resolve().parents[2] / "ui" / "pages"
    checked = 0
    for spec in PAGES:
        files = sorted((ui / spec.module.split(".")[0]).glob("*.py"))  # the page's package: the page and its widgets
        source = "".join(f.read_text(encoding="utf-8") for f in files)
        labels = [c for c, _w in PLACES[spec.key][1] if f'"{c}"' in source]
        if not labels:
            continue
        page = window.show_page(spec.key)
        shown = {w.text() for w in page.findChildren(QAbstractButton)} | {w.text() for w in page.findChildren(QLabel)}
        shown |= {w.title() for w in page.findChildren(QGroupBox)}
        shown |= {t.tabText(i) for t in page.findChildren(QTabWidget) for i in range(t.count())}
        for msgid in labels:
            assert _(msgid) in shown, f"{spec.key}: {msgid!r} is in the help but not on the page"
            checked += 1
    assert checked >= 3  # the counter page's check-in, campaign entry and quick mode at least
