"""Qt's own print preview (the one dialog Qt draws itself on Windows too) speaks Vietnamese: Qt ships no
qtbase_vi, so ui/qt_i18n.py translates its toolbar (issue #19)."""

from dxdesk.ui.qt_i18n import QtVietnamese
from PySide6.QtGui import QAction
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QApplication

from dxdesk.i18n import set_language


def _toolbar(qtbot):
    app = QApplication.instance()
    translator = QtVietnamese()
    app.installTranslator(translator)
    try:
        printer = QPrinter()
        dialog = QPrintPreviewDialog(printer)
        qtbot.addWidget(dialog)
        dialog.show()
        app.processEvents()
        texts = [a.text() for a in dialog.findChildren(QAction) if a.text()]
        return dialog.windowTitle(), texts
    finally:
        app.removeTranslator(translator)


def test_print_preview_toolbar_is_vietnamese(qtbot):
    title, texts = _toolbar(qtbot)
    assert title == "Xem trước khi in"
    for text in ("Trang sau", "Trang trước", "Phóng to", "Thu nhỏ", "Khổ dọc", "Khổ ngang", "Thiết lập trang", "In"):
        assert text in texts
    assert not {"Next page", "Zoom in", "Page setup", "Landscape"} & set(texts)


def test_print_preview_stays_english_in_english(qtbot):
    set_language("en")
    title, texts = _toolbar(qtbot)
    assert title == "Print Preview"
    assert "Next page" in texts and "Zoom in" in texts
