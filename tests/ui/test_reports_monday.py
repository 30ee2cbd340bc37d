"""Báo cáo and Trao đổi dữ liệu on a Monday morning (issue #18): the period a clerk would print, one picker."""

import datetime as dt

import pytest
from dxdesk.ui.app import build_main_window, create_application

from dxdesk import clock
from dxdesk.catalogue import ensure_catalogue
from dxdesk.periods import report_default


@pytest.mark.parametrize(("today", "expected"), [
    (dt.date(2026, 12, 3), "2026-11"), (dt.date(2026, 12, 10), "2026-11"), (dt.date(2026, 12, 11), "2026-12"),
    (dt.date(2027, 1, 2), "2026-12")])
def test_report_default_is_the_month_before_in_the_first_days(today, expected):
    assert report_default(today).key == expected


def test_report_and_exchange_pages_open_on_last_month_on_03_12(qtbot, db, home, admin, captured_messages, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: dt.date(2026, 12, 3))
    ensure_catalogue(db)
    create_application()
    win = build_main_window(db, home, admin)
    qtbot.addWidget(win)
    reports = win.show_page("reports")
    assert reports.period().key == "2026-11"
    assert reports.month_box.currentText() == "Tháng 11" and reports.year_spin.value() == 2026
    exchange = win.show_page("exchange")
    assert exchange.period_picker.period().key == "2026-11"
    assert type(exchange.period_picker) is type(reports.picker)  # the same picker, not a third one


def test_print_preview_toolbar_speaks_vietnamese(qtbot):
    from PySide6.QtGui import QAction
    from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog

    create_application()
    dialog = QPrintPreviewDialog(QPrinter())
    qtbot.addWidget(dialog)
    texts = {a.text() for a in dialog.findChildren(QAction) if a.text()}
    assert {"Trang sau", "Trang trước", "Phóng to", "Thu nhỏ", "Khổ dọc", "Khổ ngang", "Thiết lập trang"} <= texts
    assert not texts & {"Next page", "Zoom in", "Portrait", "Page setup"}
    assert dialog.windowTitle() == "Xem trước khi in"
