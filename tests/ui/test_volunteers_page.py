"""Tình nguyện viên page: add through the dialog (bad phone refused in Vietnamese, dialog stays), accent-free
search, deactivate/reactivate, delete refused with history, import dialog preview with row errors."""

import datetime as dt
import os

import openpyxl
import pytest
from dxdesk.ui.pages.volunteers import dialogs as volunteers_dialogs
from PySide6.QtCore import Qt

from dxdesk.shifts import planning
from dxdesk.volunteers import members as roster

SHOTS = os.environ.get("DXDESK_SHOTS")


@pytest.fixture
def page(open_window, db, admin):
    win = open_window(db, admin)
    yield win, win.show_page("volunteers")
    volunteers_dialogs.exec_hook = None
    volunteers_dialogs.open_path_for_tests = None


def names(p):
    return [p.proxy.data(p.proxy.index(r, 0)) for r in range(p.proxy.rowCount())]


def test_models_pass_modeltester(page, qtmodeltester, db, admin):
    _win, p = page
    roster.add_volunteer(db, admin, "Nguyễn Thị Ánh")
    p.reload()
    qtmodeltester.check(p.model)
    qtmodeltester.check(p.proxy)


def test_add_dialog_refuses_bad_phone_then_saves(page, captured_messages, db):
    _win, p = page
    attempts = []

    def fill(dialog):
        dialog.name_edit.setText("Lê Hoàng Yến")
        dialog.phone_edit.setText("12")
        dialog.day_checks["mon"].setChecked(True)
        dialog.day_checks["fri"].setChecked(True)
        dialog.skill_checks["vneid"].setChecked(True)
        dialog.youth_check.setChecked(True)
        dialog.accept()
        attempts.append(dialog.result())
        assert captured_messages[-1][0] == "warning" and "12" in captured_messages[-1][2]
        dialog.phone_edit.setText("0912 345 678")
        dialog.accept()
        return dialog.result()

    volunteers_dialogs.exec_hook = fill
    p.add_button.click()
    assert attempts == [0]
    (row,) = roster.list_volunteers(db)
    assert (row.name, row.phone, row.weekdays, row.skills, row.youth_union) == (
        "Lê Hoàng Yến", "0912345678", "mon,fri", "vneid", True)
    assert names(p) == ["Lê Hoàng Yến"] and p.selected_id() == row.id


def test_search_deactivate_and_delete_refused(page, captured_messages, db, admin):
    _win, p = page
    a = roster.add_volunteer(db, admin, "Nguyễn Thị Ánh")
    roster.add_volunteer(db, admin, "Trần Văn Đức")
    p.ctx.events.roster_changed.emit()
    p.search.setText("anh")
    assert names(p) == ["Nguyễn Thị Ánh"]
    p.search.setText("")
    p.select(a)
    p.active_button.click()
    assert not roster.get_volunteer(db, a).active
    assert p.inactive_check.isChecked() and p.active_button.text().replace("&", "") != ""
    p.inactive_check.setChecked(False)
    assert names(p) == ["Trần Văn Đức"]
    p.inactive_check.setChecked(True)
    p.select(a)
    p.active_button.click()
    assert roster.get_volunteer(db, a).active
    planning.plan(db, admin, dt.date(2024, 3, 4), dt.date(2024, 3, 4))
    planning.assign(db, admin, planning.list_shifts(db, dt.date(2024, 3, 4), dt.date(2024, 3, 4))[0].id, a)
    p.select(a)
    p.delete_button.click()
    assert captured_messages[-1][0] == "warning" and "Nguyễn Thị Ánh" in captured_messages[-1][2]
    assert len(roster.list_volunteers(db)) == 2


def test_import_dialog_preview(page, captured_messages, db, tmp_path, qtbot):
    win, p = page
    path = tmp_path / "ds.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Họ và tên", "Số điện thoại", "Tổ", "Ngày trực", "Ghi chú riêng"])
    ws.append(["Đỗ Thị Lan", "0903111222", "Tổ CNSCĐ khóm 3", "T2, T6", ""])
    ws.append(["Sai Số", "123", "", "", ""])
    ws.append(["Huỳnh Văn Tâm", "", "Tổ CNSCĐ khóm 3", "", ""])
    wb.save(path)
    volunteers_dialogs.open_path_for_tests = path
    seen = {}

    def drive(dialog):
        dialog.choose()
        m = dialog.model
        seen["rows"] = [[m.item(r, c).text() for c in range(m.columnCount())] for r in range(m.rowCount())]
        seen["summary"] = dialog.summary.text()
        seen["enabled"] = dialog.import_button.isEnabled()
        if SHOTS:
            dialog.show()
            qtbot.wait(100)
            dialog.grab().save(os.path.join(SHOTS, "volunteers-import.png"))
        dialog.accept()
        return dialog.result()

    volunteers_dialogs.exec_hook = drive
    p.import_button.click()
    assert seen["enabled"] and [r[0] for r in seen["rows"]] == ["2", "3", "4"]
    assert "123" in seen["rows"][1][5] and seen["rows"][0][4] == "T2, T6"
    assert "Ghi chú riêng" in seen["summary"]
    assert sorted(names(p)) == ["Huỳnh Văn Tâm", "Đỗ Thị Lan"] or set(names(p)) == {"Huỳnh Văn Tâm", "Đỗ Thị Lan"}
    assert captured_messages[-1][0] == "info" and "2" in captured_messages[-1][2]
    if SHOTS:
        qtbot.wait(100)
        win.grab().save(os.path.join(SHOTS, "volunteers.png"))


def test_clerk_cannot_edit(qtbot, open_window, db, home):
    from dxdesk.security.actor import Actor

    win = open_window(db, Actor(username="vt", role="clerk"), size=None)
    p = win.show_page("volunteers")
    assert not p.add_button.isEnabled() and not p.import_button.isEnabled()
    assert p.table.editTriggers() == p.table.EditTrigger.NoEditTriggers
    assert p.proxy.data(p.proxy.index(0, 0), Qt.ItemDataRole.UserRole) is None  # empty roster


def test_name_order_columns_and_tooltips_on_cut_cells(page, db, admin, qtbot):
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QApplication, QToolTip

    win, p = page
    team = roster.add_team(db, admin, "Đội thanh niên tình nguyện chuyển đổi số")
    for n in ("Đặng Ngọc Trí", "Đỗ Minh Nhân", "Dương Ngọc Nhân", "Lê Văn Dũng"):
        roster.add_volunteer(db, admin, n, team_id=team, skills="vneid,ewallet")
    p.ctx.events.roster_changed.emit()
    assert names(p) == ["Lê Văn Dũng", "Dương Ngọc Nhân", "Đỗ Minh Nhân", "Đặng Ngọc Trí"]  # given name, D before Đ
    # "Status" says nothing while only active volunteers are listed: hidden, room for name and team
    assert p.table.isColumnHidden(7)
    p.inactive_check.setChecked(True)
    assert not p.table.isColumnHidden(7)
    p.inactive_check.setChecked(False)
    # the long team name fits at 1366x768 / 125 % (this window size) and is not cut
    team_index = p.proxy.index(0, 2)
    assert not p.table.is_cut(team_index)
    # a cut cell shows its whole text on hover; a whole one shows nothing (or its own tooltip)
    p.table.setColumnWidth(2, 60)
    assert p.table.is_cut(team_index)
    rect = p.table.visualRect(team_index)
    event = QHelpEvent(QEvent.Type.ToolTip, rect.center(), p.table.viewport().mapToGlobal(rect.center()))
    QApplication.sendEvent(p.table.viewport(), event)
    assert QToolTip.isVisible() and QToolTip.text() == "Đội thanh niên tình nguyện chuyển đổi số"
    QToolTip.hideText()
    qtbot.waitUntil(lambda: not QToolTip.isVisible())
    phone = p.proxy.index(0, 1)
    assert not p.table.is_cut(p.proxy.index(0, 0)) and not p.table.is_cut(phone)
    center = p.table.visualRect(phone).center()
    event = QHelpEvent(QEvent.Type.ToolTip, center, p.table.viewport().mapToGlobal(center))
    QApplication.sendEvent(p.table.viewport(), event)
    qtbot.wait(50)
    assert not QToolTip.isVisible()
