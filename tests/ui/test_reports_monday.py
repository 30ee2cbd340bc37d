"""Báo cáo and Trao đổi dữ liệu on a Monday morning (issue #18): the period a clerk would print, one picker."""

import datetime as dt

import pytest
from dxdesk.ui.app import create_application

from dxdesk import clock
from dxdesk.periods import report_default


@pytest.mark.parametrize(("today", "expected"), [
    (dt.date(2026, 12, 3), "2026-11"), (dt.date(2026, 12, 10), "2026-11"), (dt.date(2026, 12, 11), "2026-12"),
    (dt.date(2027, 1, 2), "2026-12")])
def test_report_default_is_the_month_before_in_the_first_days(today, expected):
    assert report_default(today).key == expected


def test_report_and_exchange_pages_open_on_last_month_on_03_12(qtbot, open_window, db, home, admin, captured_messages, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: dt.date(2026, 12, 3))
    win = open_window(db, admin, size=None)
    reports = win.show_page("reports")
    assert reports.period().key == "2026-11"
    assert reports.month_box.currentText() == "Tháng 11" and reports.year_spin.value() == 2026
    exchange = win.show_page("exchange")
    assert exchange.export_box.period_picker.period().key == "2026-11"
    assert type(exchange.export_box.period_picker) is type(reports.picker)  # the same picker, not a third one


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


def test_the_signers_name_is_asked_once_kept_and_printed(qtbot, db, home, admin, captured_messages, tmp_path,
                                                         monkeypatch):
    import shutil
    import subprocess

    from dxdesk.ui.context import PageContext
    from dxdesk.ui.pages.reports import page as reports

    from dxdesk.reporting.issuer import load
    from dxdesk.settings.profile import set_profile

    set_profile(db, admin, "82", unit_code="28261")
    answers = [("Nguyễn Văn An", True)]
    monkeypatch.setattr(reports, "signer_answers_for_tests", answers)
    monkeypatch.setattr(reports, "save_path_for_tests", tmp_path / "bc")
    create_application()
    page = reports.ReportsPage(PageContext(db=db, paths=home, actor=admin), "Báo cáo")
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.worker is None and not page.refresh_timer.isActive(), timeout=30_000)  # preview
    page.start("pdf")
    qtbot.waitUntil(lambda: page.worker is None, timeout=60_000)
    assert (tmp_path / "bc.pdf").exists(), (captured_messages, page.status_label.text())
    assert answers == [] and load(db, False).signer_name == "Nguyễn Văn An"  # asked, kept
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(tmp_path / "bc.pdf"), "-"], capture_output=True, text=True).stdout
        assert "Nguyễn Văn An" in text  # printed under the signature
    answers.append(("Người khác", True))
    page.start("pdf")  # kept: not asked again
    qtbot.waitUntil(lambda: page.worker is None, timeout=60_000)
    assert answers == [("Người khác", True)] and load(db, False).signer_name == "Nguyễn Văn An"
