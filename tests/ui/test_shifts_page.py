"""Lịch trực page: planning a month from the toolbar, Tết days greyed with their names, auto-assign,
manual assignment with a conflict (forced, then shown red with its reason), side list, iCal and PDF."""

import datetime as dt
import os

import pytest
from dxdesk.ui import printing
from dxdesk.ui.pages.shifts import dialogs as schedule_dialogs
from dxdesk.ui.pages.shifts import page as schedule_module
from icalendar import Calendar

from dxdesk import clock
from dxdesk.shifts import planning
from dxdesk.volunteers import members as roster

D = dt.date
SHOTS = os.environ.get("DXDESK_SHOTS")  # a folder: save screenshots there to look at


@pytest.fixture
def page(open_window, db, admin, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: D(2024, 1, 15))
    win = open_window(db, admin)
    p = win.show_page("shifts")
    p.go_to(D(2024, 2, 1))
    return win, p


def test_plan_month_greys_tet_and_lists_sessions(page, captured_messages, db):
    win, p = page
    changed = []
    p.ctx.events.roster_changed.connect(lambda: changed.append(1))
    p.plan_button.click()
    assert changed
    kind, _title, text = captured_messages[-1]
    assert kind == "info" and "12" in text and "09/02/2024" in text and "12/02/2024" in text
    buttons = p.grid.buttons()
    assert len(buttons) == 12 and all(b.state == "understaffed" for b in buttons)
    assert "0/2–4" in buttons[0].text()
    tet = p.grid.cells[D(2024, 2, 9)]
    assert not tet.buttons and "Tết" in tet.findChild(type(p.period_label), "day_label").text()
    assert "Thứ Hai" not in p.period_label.text() and "02/2024" in p.period_label.text()
    # Monday first: the first column of the grid is the Monday 29/01/2024
    assert min(p.grid.cells) == D(2024, 1, 29)
    p.plan_button.click()  # again: nothing new
    assert len(p.grid.buttons()) == 12 and "(12" in captured_messages[-1][2]


def test_auto_assign_manual_conflict_side_list_ics_pdf(page, captured_messages, db, admin, tmp_path, qtbot):
    win, p = page
    names = ["Nguyễn Thị Ánh", "Trần Văn Đức", "Lê Hoàng Yến", "Phạm Quốc Hưng", "Võ Thị Sáu"]
    ids = [roster.add_volunteer(db, admin, n, weekdays=w, skills=s)
           for n, w, s in zip(names, ["mon,fri", "", "mon", "fri", "fri"], ["vneid", "ewallet", "vneid", "", ""],
                              strict=True)]
    p.plan_button.click()
    p.auto_button.click()
    assert "24" in captured_messages[-1][2]  # 12 shifts x 2
    # the same summary as `shifts auto-assign` prints (planning.auto_assign_summary), the fairness line included
    assert "Số ca mỗi tình nguyện viên trong kỳ: ít nhất 3, nhiều nhất 6." in captured_messages[-1][2]
    assert all(b.state == "ok" for b in p.grid.buttons())
    side = {p.side.item(r, 0).text(): int(p.side.item(r, 1).text()) for r in range(p.side.rowCount())}
    # Feb 2024 has 3 Mondays and 3 Fridays (Tết takes 9/2 and 12/2): Ánh is the only VNeID helper on Fridays and
    # Yến on Mondays (6 each); Monday's second places can only go to Đức; Hưng and Sáu share Friday's second places
    assert side == {"Nguyễn Thị Ánh": 6, "Lê Hoàng Yến": 6, "Trần Văn Đức": 6, "Phạm Quốc Hưng": 3, "Võ Thị Sáu": 3}
    # by hand: Võ Thị Sáu (Fridays only) onto Monday 05/02 morning -> conflict, forced
    monday = next(b for b in p.grid.buttons() if b.shift.date == D(2024, 2, 5) and b.shift.start.hour == 7)

    def drive(dialog):
        dialog.volunteer_box.setCurrentIndex(dialog.volunteer_box.findData(ids[4]))
        assert "Thứ Hai" in dialog.conflict_label.text() and not dialog.force_check.isHidden()
        dialog.add_button.click()  # refused without force
        assert captured_messages[-1][0] == "warning"
        dialog.force_check.setChecked(True)
        dialog.add_button.click()
        assert "Võ Thị Sáu" in dialog.staff_list.item(dialog.staff_list.count() - 1).text()
        return 0

    schedule_dialogs.exec_hook = drive
    try:
        p.open_shift(monday.shift.id)
    finally:
        schedule_dialogs.exec_hook = None
    monday = next(b for b in p.grid.buttons() if b.shift.date == D(2024, 2, 5) and b.shift.start.hour == 7)
    assert monday.state == "conflict" and "Võ Thị Sáu" in monday.toolTip() and "Thứ Hai" in monday.toolTip()
    assert "Sáu" in monday.text() and "3/2–4" in monday.text()
    if SHOTS:
        qtbot.wait(100)
        win.grab().save(os.path.join(SHOTS, "schedule-month.png"))
        p.view_box.setCurrentIndex(p.view_box.findData("week"))
        p.go_to(D(2024, 2, 5))
        qtbot.wait(100)
        win.grab().save(os.path.join(SHOTS, "schedule-week.png"))
        p.view_box.setCurrentIndex(p.view_box.findData("month"))
        p.go_to(D(2024, 2, 1))
    # iCal of the month
    schedule_module.ics_path_for_tests = tmp_path / "feb.ics"
    try:
        p.ics_button.click()
    finally:
        schedule_module.ics_path_for_tests = None
    cal = Calendar.from_ical((tmp_path / "feb.ics").read_bytes())
    assert len(cal.walk("VEVENT")) == 12
    # Save PDF of the roster
    printing.save_path_for_tests = tmp_path / "feb.pdf"
    try:
        p.save_button.click()
    finally:
        printing.save_path_for_tests = None
    assert (tmp_path / "feb.pdf").read_bytes().startswith(b"%PDF")
    # In lịch: the shared print helper's preview dialog gets the roster
    printing.preview_for_tests = []
    try:
        p.print_button.click()
        assert len(printing.preview_for_tests) == 1
    finally:
        printing.preview_for_tests = None


def test_week_view_and_keyboard_paging(page, qtbot):
    win, p = page
    p.plan_button.click()
    p.view_box.setCurrentIndex(p.view_box.findData("week"))
    p.go_to(D(2024, 2, 7))
    assert sorted(p.grid.cells) == [D(2024, 2, 5) + dt.timedelta(days=i) for i in range(7)]
    assert len(p.grid.buttons()) == 2  # Monday 5/2 only: Friday 9/2 is Tết
    p.step(1)
    assert min(p.grid.cells) == D(2024, 2, 12)
    assert {b.shift.date for b in p.grid.buttons()} == {D(2024, 2, 16)}  # Monday 12/2 is Tết
    p.step(1)
    assert len(p.grid.buttons()) == 4


def test_volunteer_role_sees_but_cannot_plan(qtbot, open_window, db, home, captured_messages, monkeypatch):
    from dxdesk.security.actor import Actor

    win = open_window(db, Actor(username="tnv", role="volunteer"), size=None)
    p = win.show_page("shifts")
    assert not p.plan_button.isEnabled() and not p.auto_button.isEnabled()
    assert planning.list_shifts(db, D(2024, 1, 1), D(2024, 12, 31)) == []


def test_settings_dialog_rule_point_and_local_day_off(page, captured_messages, db):
    from dxdesk.ui.pages.shifts.rules import ScheduleSettingsDialog

    win, p = page

    def drive(dialog):
        assert isinstance(dialog, ScheduleSettingsDialog)
        assert dialog.rule_days["mon"].isChecked() and dialog.rule_days["fri"].isChecked()
        dialog.rule_days["wed"].setChecked(True)
        dialog.sessions[1][0].setChecked(False)  # mornings only
        dialog.min_spin.setValue(3)
        dialog.max_spin.setValue(2)
        dialog.rule_save.click()  # min above max: refused
        assert captured_messages[-1][0] == "warning"
        dialog.max_spin.setValue(5)
        dialog.rule_save.click()
        dialog.point_name.setText("Điểm tiếp nhận Ấp Tân Hòa")
        dialog.point_add.click()
        assert dialog.point_list.count() == 1
        # the new point's shifts need VNeID and e-Đồng Tháp (a typo is refused, nothing changed)
        dialog.skills_point.setCurrentIndex(1)
        assert dialog.skills_edit.text() == "vneid"
        dialog.skills_edit.setText("vneid, e-dong-thap")
        dialog.skills_save.click()
        assert captured_messages[-1][0] == "warning" and "e-dong-thap" in captured_messages[-1][2]
        dialog.skills_edit.setText("vneid, province_app")
        dialog.skills_save.click()
        assert planning.required_skills(db, dialog.skills_point.currentData()) == ("vneid", "province_app")
        dialog.day_date.setDate(dialog.day_date.date().fromString("2024-02-21", "yyyy-MM-dd"))
        dialog.day_name.setText("Lễ hội Đình Tân Hòa")
        dialog.day_add.click()
        rows = [dialog.day_table.item(r, 1).text() for r in range(dialog.day_table.rowCount())]
        assert any("Lễ hội Đình Tân Hòa" in r for r in rows) and any("Quốc khánh" in r for r in rows)
        dialog.day_table.selectRow(0)  # Tết Dương lịch: national, cannot be removed
        dialog.day_remove.click()
        assert "National" in captured_messages[-1][2] or "quốc gia" in captured_messages[-1][2]
        return 0

    schedule_dialogs.exec_hook = drive
    try:
        p.settings_button.click()
    finally:
        schedule_dialogs.exec_hook = None
    p.plan_button.click()
    shifts = planning.list_shifts(db, D(2024, 2, 1), D(2024, 2, 29))
    days = sorted({s.date for s in shifts})
    assert D(2024, 2, 21) not in days and D(2024, 2, 7) in days  # Wednesday now planned, local festival skipped
    assert all(s.start.hour == 7 and s.min_staff == 3 and s.reception_point for s in shifts)
    assert "Lễ hội Đình Tân Hòa" in p.grid.cells[D(2024, 2, 21)].findChild(type(p.period_label), "day_label").text()


def test_same_given_names_are_told_apart_in_the_month_grid(page, db, admin, qtbot):
    from dxdesk.ui.pages.shifts.grid import fit_names

    win, p = page
    quan_l = roster.add_volunteer(db, admin, "Lâm Bảo Quân")
    quan_p = roster.add_volunteer(db, admin, "Phan Thùy Quân")
    anh = roster.add_volunteer(db, admin, "Nguyễn Thị Ánh")
    roster.add_volunteer(db, admin, "Hồ Quốc Duy")
    gone = roster.add_volunteer(db, admin, "Nguyễn Quốc Duy")
    roster.set_active(db, admin, gone, False)  # an inactive namesake does not make 'Duy' ambiguous
    planning.plan(db, admin, D(2024, 2, 1), D(2024, 2, 29))
    shifts = [s for s in planning.list_shifts(db, D(2024, 2, 5), D(2024, 2, 5))]
    for vid in (quan_l, quan_p):
        planning.assign(db, admin, shifts[0].id, vid, force=True)
    planning.assign(db, admin, shifts[1].id, anh, force=True)
    p.ctx.events.roster_changed.emit()
    first, second = (b for b in p.grid.buttons() if b.shift.date == D(2024, 2, 5))
    assert first.names == ["Quân (L.)", "Quân (P.)"] and second.names == ["Ánh"]
    assert "Lâm Bảo Quân" in first.toolTip() and "Phan Thùy Quân" in first.toolTip()  # full names on hover
    win.resize(1600, 900)  # a wide cell shows the whole line, compact
    qtbot.waitUntil(lambda: first.text().endswith("Quân L., Quân P."))
    assert second.text().endswith("\nÁnh")
    win.resize(1093, 614)  # a narrow one cuts it at the end with '…', never mid-name without a mark
    qtbot.waitUntil(lambda: first.width() < 150)
    line = first.text().split("\n")[1]
    assert line == "Quân L., Quân P." or (line.endswith("…") and line.startswith("Quân"))
    # the fitting itself, with a fake font of 10 px a character
    measure = lambda t: 10 * len(t)  # noqa: E731
    elide = lambda t, w: t[: w // 10 - 1] + "…"  # noqa: E731
    assert fit_names(["Hương (N.V.)", "Duy"], 200, measure, elide) == "Hương N.V., Duy"
    assert fit_names(["Hương (N.V.)", "Duy"], 100, measure, elide) == "Hương N.V…"
    assert fit_names([], 100, measure, elide) == "—"
    # week view: full names, one a line; the short labels when the column is too narrow for them
    p.view_box.setCurrentIndex(p.view_box.findData("week"))
    p.go_to(D(2024, 2, 5))
    (b,) = [b for b in p.grid.buttons() if b.shift.id == shifts[0].id]
    assert b.text().split("\n")[1:] in (["Lâm Bảo Quân", "Phan Thùy Quân"], ["Quân L.", "Quân P."])
    win.resize(1600, 900)
    qtbot.waitUntil(lambda: b.text().split("\n")[1:] == ["Lâm Bảo Quân", "Phan Thùy Quân"])
    win.resize(700, 614)
    qtbot.waitUntil(lambda: b.text().split("\n")[1:] == ["Quân L.", "Quân P."])


def test_side_list_in_vietnamese_name_order_hours_explained_today_framed(page, db, admin, monkeypatch):
    win, p = page
    names = ["Đặng Ngọc Trí", "Đỗ Minh Nhân", "Dương Ngọc Nhân", "Lê Văn Dũng", "Nguyễn Văn Hương"]
    for n in names:
        roster.add_volunteer(db, admin, n)
    p.ctx.events.roster_changed.emit()
    side = [p.side.item(r, 0).text() for r in range(p.side.rowCount())]
    assert side == ["Lê Văn Dũng", "Nguyễn Văn Hương", "Dương Ngọc Nhân", "Đỗ Minh Nhân", "Đặng Ngọc Trí"]
    # a long name is not cut beside the two number columns
    row = side.index("Nguyễn Văn Hương")
    assert p.side.fontMetrics().horizontalAdvance("Nguyễn Văn Hương") + 6 <= p.side.columnWidth(0)
    assert "Nguyễn Văn Hương" in p.side.item(row, 0).toolTip()
    hours_tip = p.side.horizontalHeaderItem(2).toolTip()
    assert "xác nhận" in hours_tip and "vắng không báo" in hours_tip.lower()
    assert "Đã xác nhận: 0 giờ" in p.side.item(row, 2).toolTip()
    # today (15/01/2024 in this test) is framed; February has no today
    assert not any(c.is_today for c in p.grid.cells.values())
    p.go_today()
    today = p.grid.cells[D(2024, 1, 15)]
    assert today.is_today and "hôm nay" in today.findChild(type(p.period_label), "day_label").text()
    assert sum(c.is_today for c in p.grid.cells.values()) == 1


def test_shift_dialog_tells_the_two_absences_apart(page, db, admin):
    win, p = page
    vid = roster.add_volunteer(db, admin, "Nguyễn Thị Ánh")
    planning.plan(db, admin, D(2024, 1, 8), D(2024, 1, 8))
    shift = planning.list_shifts(db, D(2024, 1, 8), D(2024, 1, 8))[0]
    planning.assign(db, admin, shift.id, vid, force=True)
    dialog = schedule_dialogs.ShiftDialog(p.ctx, shift.id, p)
    absent, noshow = dialog.absent_button, dialog.noshow_button
    assert absent.text().replace("&", "") == "Vắng có báo…" and noshow.text().replace("&", "") == "Vắng không báo"
    assert "lý do" in absent.toolTip() and "không báo" in noshow.toolTip()
    dialog.staff_list.setCurrentRow(0)
    noshow.click()
    assert "vắng không báo" in dialog.staff_list.item(0).text()
    dialog.close()
