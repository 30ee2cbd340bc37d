"""The log browser: lazy model (qtmodeltester), filters, debounced search, export worker; 1.000.000 rows."""

import os
import resource

import pytest
from dxdesk.ui.pages.journal.model import MAX_PAGES, PAGE_SIZE, JournalModel
from PySide6.QtCore import Qt

from dxdesk import demo
from dxdesk.counter import journal
from dxdesk.counter.records import NewRecord, log_record
from dxdesk.counting.catalogue import ensure_catalogue


@pytest.fixture
def window(open_window, db, admin):
    ensure_catalogue(db)
    demo.fill(db, admin, records=1500, seed=5)
    log_record(db, admin, NewRecord(services=["vneid"], note="Ông Đặng Văn Bảy"))
    return open_window(db, admin)


def _journal_window(open_window, db, actor):
    """The main window at the office PCs' size, signed in as ACTOR; on Nhật ký, all time."""
    win = open_window(db, actor, catalogue=False)
    page = win.show_page("journal")
    page.period_box.setCurrentIndex(page.period_box.findData("all"))
    return win, page


def test_model_passes_qtmodeltester(qtmodeltester, db, admin):
    ensure_catalogue(db)
    demo.fill(db, admin, records=450, seed=2)
    model = JournalModel(db, admin)
    model.set_filter(journal.JournalFilter())
    model.set_total(journal.count(db, admin, model.flt), model.generation)
    assert model.rowCount() == 450
    qtmodeltester.check(model, force_py=True)
    model.sort(4, Qt.SortOrder.AscendingOrder)
    assert model.rowCount() == 450 and model.flt.sort == "channel"
    qtmodeltester.check(model, force_py=True)


def test_search_is_debounced_counted_in_a_worker_and_accent_free(window, qtbot):
    page = window.show_page("journal")
    page.period_box.setCurrentIndex(page.period_box.findData("all"))
    qtbot.waitUntil(lambda: page.count_label.text() == "1.501 mục", timeout=5000)
    generation = page.model.generation
    qtbot.keyClicks(page.search_edit, "dang van bay")
    assert page.model.generation == generation  # no query per keystroke
    qtbot.waitUntil(lambda: page.count_label.text() == "1 mục", timeout=5000)
    assert page.model.generation == generation + 1
    index = page.model.index(0, 7)
    assert page.model.data(index) == "Ông Đặng Văn Bảy"


def test_decomposed_search_text_is_shown_and_searched_as_nfc(window, qtbot):
    import unicodedata

    page = window.show_page("journal")
    page.period_box.setCurrentIndex(page.period_box.findData("all"))
    typed = unicodedata.normalize("NFD", "Đặng Văn Bảy")
    page.search_edit.setText(typed)
    qtbot.waitUntil(lambda: page.count_label.text() == "1 mục", timeout=5000)
    assert page.search_edit.text() == unicodedata.normalize("NFC", typed)


def test_voided_filter_shows_only_voided(window, qtbot, db, admin):
    from dxdesk.counter.records import today_entries, void_record

    void_record(db, admin, today_entries(db, admin)[0].uuid, "ghi nhầm")
    page = window.show_page("journal")
    page.period_box.setCurrentIndex(page.period_box.findData("all"))
    page.voided_box.setCurrentIndex(page.voided_box.findData(journal.VOIDED_ONLY))
    qtbot.waitUntil(lambda: page.count_label.text() == "1 mục", timeout=5000)
    assert page.model.data(page.model.index(0, 7)).startswith("ĐÃ HỦY")
    assert page.model.data(page.model.index(0, 0), Qt.ItemDataRole.ToolTipRole) == "Đã hủy: ghi nhầm"


def test_filters_voided_and_export_worker(window, qtbot, tmp_path):
    page = window.show_page("journal")
    page.period_box.setCurrentIndex(page.period_box.findData("all"))
    page.channel_box.setCurrentIndex(page.channel_box.findData("outreach"))
    qtbot.waitUntil(lambda: page.model.total is not None, timeout=5000)
    outreach = page.model.total
    assert 0 < outreach < 1501
    assert all(page.model.data(page.model.index(r, 4)) == "Lưu động" for r in range(min(outreach, 50)))
    out = tmp_path / "nhat-ky.csv"
    worker = page.start_export(str(out), "csv")
    assert page.export_row.isVisibleTo(page) and page.export_cancel.isEnabled()
    assert worker is page.export_worker
    qtbot.waitUntil(lambda: page.export_worker is None, timeout=10000)  # finished, back on the main thread
    assert not page.export_row.isVisibleTo(page) and page.csv_button.isEnabled()
    assert out.read_text(encoding="utf-8-sig").count("\n") == outreach + 1


@pytest.mark.slow
def test_log_browser_on_a_million_records_scrolls_to_the_end(qtbot, open_window, home, admin, tmp_path_factory):
    """Builds a 1.000.000-record SQLite database (bulk inserts, ~15-30 s), then opens and scrolls it."""
    from dxdesk.database import open_database

    db = open_database(None, home)
    try:
        ensure_catalogue(db)
        demo.fill(db, admin, records=1_000_000, seed=7)
        win, page = _journal_window(open_window, db, admin)
        qtbot.waitUntil(lambda: page.model.total == 1_000_000, timeout=60000)
        assert page.count_label.text() == "1.000.000 mục"
        assert page.model.flt.sort == "date"  # opens on the newest day
        first_day = page.model.data(page.model.index(0, 1))[:10]
        table = page.table
        table.scrollToBottom()
        qtbot.wait(50)
        last_day = page.model.data(page.model.index(999_999, 1))[:10]
        assert first_day.split("/")[::-1] > last_day.split("/")[::-1]
        table.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # by No.: the count stands, no recount
        assert page.model.rowCount() == 1_000_000 and page.model.flt.sort == "id"
        table.scrollToBottom()
        qtbot.wait(50)
        last = page.model.rowCount() - 1
        assert last == 999_999
        bottom = table.rowAt(table.viewport().height() - 2)
        assert bottom >= last - 40  # the view shows the end
        assert page.model.data(page.model.index(last, 0)) == "1"  # newest first: the oldest entry is last
        table.scrollToTop()
        qtbot.wait(50)
        assert page.model.data(page.model.index(0, 0)) == "1000000"
        table.verticalScrollBar().setValue(table.verticalScrollBar().maximum() // 2)
        qtbot.wait(50)
        middle = table.rowAt(5)
        assert page.model.data(page.model.index(middle, 0)) == str(1_000_000 - middle)
        assert len(page.model.pages) <= MAX_PAGES  # never the whole table in memory
        assert sum(len(p) for p in page.model.pages.values()) <= MAX_PAGES * PAGE_SIZE
        if os.name == "posix":
            assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss < 1_500_000  # KiB; whole pytest process
    finally:
        db.dispose()


def test_a_volunteer_sees_only_their_own_entries_and_no_export(qtbot, open_window, db, admin):
    """Nhật ký follows record.view_all (issue #15): a volunteer browses their own entries only, without the other
    volunteers in the filter or the export buttons; another user signing in sees what their role allows."""
    from dxdesk.security.actor import Actor
    from dxdesk.volunteers import members as roster

    ensure_catalogue(db)
    demo.fill(db, admin, records=300, seed=4)
    an = roster.add_volunteer(db, admin, "Nguyễn Văn An")
    me = Actor("an", "volunteer", volunteer_id=an, display_name="An")
    log_record(db, me, NewRecord(services=["vneid"], note="tôi tự ghi"))
    log_record(db, admin, NewRecord(services=["ewallet"], volunteer_id=an, note="chị Lan ghi giúp tôi"))
    log_record(db, admin, NewRecord(services=["ewallet"], note="hẹn bà Tư Xuyến thứ Sáu"))  # someone else's
    win, page = _journal_window(open_window, db, me)
    qtbot.waitUntil(lambda: page.count_label.text() == "2 mục", timeout=5000)
    notes = {page.model.row_at(i).note for i in range(page.model.rowCount())}
    assert notes == {"tôi tự ghi", "chị Lan ghi giúp tôi"}
    assert not page.csv_button.isVisible() and not page.xlsx_button.isVisible()
    assert not page.volunteer_box.isVisible() and page.volunteer_box.count() == 1  # no other volunteer's name
    page.search_edit.setText("Xuyến")  # someone else's note: not found
    qtbot.waitUntil(lambda: page.model.rowCount() == 0, timeout=5000)
    win.ctx.actor = Actor("lan", "clerk", display_name="Lan")  # the clerk signs in on the same window
    win.ctx.events.actor_changed.emit()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)  # the clerk finds it
    page.search_edit.clear()
    qtbot.waitUntil(lambda: page.count_label.text() == "303 mục", timeout=5000)
    assert page.csv_button.isVisible() and page.volunteer_box.isVisible() and page.volunteer_box.count() > 2
