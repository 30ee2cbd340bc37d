"""Empty pages say why and offer the next step (issue #18 item 15): Lịch trực without shifts, Nhật ký empty."""

import datetime as dt

from PySide6.QtCore import Qt

from dxdesk import clock
from dxdesk.counter.records import NewRecord, log_record
from dxdesk.counting.catalogue import ensure_catalogue
from dxdesk.shifts import planning


def test_schedule_without_shifts_offers_to_plan_the_month(qtbot, open_window, db, home, admin, captured_messages, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: dt.date(2026, 12, 3))
    win = open_window(db, admin)
    page = win.show_page("shifts")
    page.go_to(dt.date(2027, 1, 1))
    assert page.empty_row.isVisible()
    assert "Chưa có ca trực nào trong tháng 01/2027" in page.empty_note.text()
    assert page.empty_plan.text() == "Lập lịch tháng 01/2027"
    qtbot.mouseClick(page.empty_plan, Qt.MouseButton.LeftButton)
    assert planning.list_shifts(db, dt.date(2027, 1, 1), dt.date(2027, 1, 31))  # planned
    assert not page.empty_row.isVisible()


def test_journal_on_an_empty_month_says_why_and_widens(qtbot, open_window, db, home, admin, captured_messages, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: dt.date(2026, 12, 3))
    ensure_catalogue(db)
    log_record(db, admin, NewRecord(["vneid"], dt.datetime(2026, 11, 27, 9, 0)))  # November only
    win = open_window(db, admin)
    page = win.show_page("journal")
    qtbot.waitUntil(lambda: page.empty_row.isVisible(), timeout=5000)
    assert "Chưa có lượt nào trong kỳ này" in page.empty_note.text()
    assert page.empty_action.text() == "Xem cả năm"
    qtbot.mouseClick(page.empty_action, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.count_label.text().startswith("1 "), timeout=5000)
    assert not page.empty_row.isVisible()
    page.channel_box.setCurrentIndex(page.channel_box.findData("home"))
    qtbot.waitUntil(lambda: page.empty_row.isVisible(), timeout=5000)
    assert page.empty_action.text() == "Bỏ bộ lọc"
    qtbot.mouseClick(page.empty_action, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.empty_row.isVisible(), timeout=5000)
