"""Nhập số liệu đầu kỳ dialog: a sheet with a bad row shows it in red and keeps "Nhập" disabled with
nothing written; a good sheet imports once, then shows every row as already imported."""

from pathlib import Path

import openpyxl
import pytest
from dxdesk.ui.context import PageContext
from dxdesk.ui.pages.exchange.opening import ERROR_COLOR, OpeningDialog
from dxdesk.ui.pages.exchange.page import ExchangePage
from sqlalchemy import func, select

from dxdesk import counting
from dxdesk.db.models import ServiceRecord
from dxdesk.periods import parse_period
from dxdesk.security.actor import Actor


def sheet(path: Path, rows) -> Path:
    book = openpyxl.Workbook()
    book.active.append(["Chỉ tiêu", "Kỳ", "Số lượng"])
    for row in rows:
        book.active.append(list(row))
    book.save(path)
    return path


def records(db) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(ServiceRecord))


@pytest.fixture
def dialog(qtbot, db, home, admin, captured_messages, vietnamese):
    d = OpeningDialog(PageContext(db, home, admin))
    qtbot.addWidget(d)
    d.show()
    return d


def wait(qtbot, d):
    qtbot.waitUntil(lambda: d.job is None, timeout=20_000)


def test_bad_row_in_red_and_import_disabled(dialog, qtbot, tmp_path, db):
    assert not dialog.import_button.isEnabled()
    dialog.load(sheet(tmp_path / "bad.xlsx", [("VNEID", "2025-01", 10), ("VNEID", "2025-13", 4),
                                             ("KHONG_CO", "2025-02", 1)]))
    wait(qtbot, dialog)
    t = dialog.table
    assert t.rowCount() == 3
    assert [t.item(r, 0).text() for r in range(3)] == ["2", "3", "4"]
    assert t.item(0, 4).text() == "Mới" and t.item(0, 4).foreground().color() != ERROR_COLOR
    assert t.item(1, 4).foreground().color() == ERROR_COLOR and "2025-13" in t.item(1, 4).text()
    assert t.item(2, 1).foreground().color() == ERROR_COLOR and "KHONG_CO" in t.item(2, 4).text()
    assert "2 dòng có lỗi" in dialog.summary.text()
    assert not dialog.import_button.isEnabled()
    assert dialog.start_apply() is None
    assert records(db) == 0


def test_good_sheet_imports_once(dialog, qtbot, tmp_path, db):
    path = sheet(tmp_path / "dau_ky.xlsx", [("VNEID", "2025-01", 1200), ("EWALLET", "2025-Q1", 40)])
    dialog.load(path)
    wait(qtbot, dialog)
    assert dialog.table.item(0, 2).text() == "Tháng 1/2025" and dialog.table.item(0, 3).text() == "1.200"
    assert dialog.import_button.isEnabled()
    changed = []
    dialog.ctx.events.records_changed.connect(lambda: changed.append(1))
    dialog.import_button.click()
    wait(qtbot, dialog)
    assert dialog.imported is not None and dialog.imported.new == 2 and changed == [1]
    assert "1.240" in dialog.summary.text()
    counts = {r.code: r.count for r in counting.compute(db, parse_period("2025-Q1")).indicators if r.count}
    assert counts == {"VNEID": 1200, "EWALLET": 40}
    assert not dialog.import_button.isEnabled()
    dialog.load(path)  # the same file again: nothing new, nothing to import
    wait(qtbot, dialog)
    assert dialog.table.item(0, 4).text() == "Đã nhập từ tệp này" and not dialog.import_button.isEnabled()
    assert records(db) == 2


def test_unreadable_file_gives_one_message(dialog, qtbot, tmp_path, db, captured_messages):
    bad = tmp_path / "x.xlsx"
    bad.write_bytes(b"not a workbook")
    dialog.load(bad)
    wait(qtbot, dialog)
    assert len(captured_messages) == 1 and "x.xlsx" in captured_messages[0][2]
    assert not dialog.import_button.isEnabled() and records(db) == 0


def test_exchange_page_button_follows_the_permission(qtbot, db, home, admin):
    page = ExchangePage(PageContext(db, home, admin), "Trao đổi dữ liệu")
    qtbot.addWidget(page)
    page.refresh()
    assert page.import_box.opening_button.isEnabled()
    page.ctx.actor = Actor("an", "volunteer")
    page.refresh()
    assert not page.import_box.opening_button.isEnabled()
