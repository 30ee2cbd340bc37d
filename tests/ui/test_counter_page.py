"""The counter page driven by the keyboard, as a volunteer would: key + Enter, several keys, undo, refusals."""

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from sqlalchemy import select

from dxdesk import clock
from dxdesk.db.models import Assignment, AuditEvent, RecordService, ServiceRecord, Shift, Volunteer
from dxdesk.text import fold


@pytest.fixture
def shift_now(db):
    """A counter shift around now with Lan assigned, Minh not."""
    now = clock.now()
    with db.write() as s:
        lan = Volunteer(name="Trần Thị Lan", name_folded=fold("Trần Thị Lan"), pseudonym="TNV-001", created_at=now)
        minh = Volunteer(name="Lê Minh", name_folded=fold("Lê Minh"), pseudonym="TNV-002", created_at=now)
        start = (dt.datetime.combine(now.date(), now.time()) - dt.timedelta(minutes=1)).time()
        shift = Shift(date=now.date(), start=min(start, now.time()), end=dt.time(23, 59, 59), kind="counter", place="")
        s.add_all([lan, minh, shift])
        s.flush()
        s.add(Assignment(shift_id=shift.id, volunteer_id=lan.id, created_at=now))
        return shift.id, lan.id, minh.id


def _records(db):
    with db.session() as s:
        rows = s.scalars(select(ServiceRecord).order_by(ServiceRecord.id)).all()
        return [(r.volunteer_id, r.shift_id, r.channel, r.outcome, r.voided, [x.service_code for x in r.services])
                for r in rows]


def test_two_key_presses_log_a_citizen_and_three_services_by_keyboard(shift_now, window, qtbot, db):
    shift_id, lan, _minh = shift_now
    page = window.show_page("counter")
    page.setFocus()
    assert page.volunteer_box.currentData() == lan  # on duty from today's shift
    qtbot.keyClick(page, Qt.Key.Key_1)
    qtbot.keyClick(page, Qt.Key.Key_Return)
    assert _records(db) == [(lan, shift_id, "counter", "done", False, ["vneid"])]
    assert page.status_label.text().startswith("✓ Đã lưu: VNeID")
    assert page.today_table.rowCount() == 1
    assert page.today_table.item(0, 1).text() == "VNeID"
    assert page.today_table.item(0, 2).text() == "Trần Thị Lan"
    assert not any(b.isChecked() for b in page.buttons.values())  # ready for the next citizen

    # Three services with the keyboard only: a digit, an F-key (VNI mode), another digit, then Enter.
    qtbot.keyClick(page, Qt.Key.Key_3)
    qtbot.keyClick(page, Qt.Key.Key_F5)
    qtbot.keyClick(page, Qt.Key.Key_9)
    qtbot.keyClick(page, Qt.Key.Key_Enter)
    assert _records(db)[1] == (lan, shift_id, "counter", "done", False, ["dvc_account", "ewallet", "vssid"])
    assert page.today_table.rowCount() == 2
    assert page.today_table.item(0, 1).text() == "Dịch vụ công trực tuyến, Ví điện tử, VssID"
    qtbot.waitUntil(page.figures_current)  # counted in a worker
    assert page.totals_label.text().startswith("Hôm nay: 2 lượt")
    progress = {page.progress_table.item(r, 0).toolTip(): page.progress_table.item(r, 1).text()
                for r in range(page.progress_table.rowCount())}
    assert progress["Số lượt người dân cài đặt ví điện tử"] == "1 / 1"  # today / this week


def test_ctrl_z_undoes_the_last_entry(window, qtbot, db):
    page = window.show_page("counter")
    page.setFocus()
    qtbot.keyClick(page, Qt.Key.Key_2)
    qtbot.keyClick(page, Qt.Key.Key_Return)
    qtbot.keyClick(page, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [r[4] for r in _records(db)] == [True]
    assert page.today_table.item(0, 1).text() == "e-Đồng Tháp (đã hủy)"
    qtbot.waitUntil(page.figures_current)
    assert page.totals_label.text().startswith("Hôm nay: 0 lượt")
    with db.session() as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "record.void"))
    assert "Hoàn tác" in event.details


def test_cccd_in_the_note_is_refused_inline_and_nothing_saved(window, qtbot, db, captured_messages):
    page = window.show_page("counter")
    page.setFocus()
    qtbot.keyClick(page, Qt.Key.Key_1)
    qtbot.keyClicks(page.note_edit, "CCCD 079203004512")
    qtbot.keyClick(page.note_edit, Qt.Key.Key_Return)  # Enter in the note field saves (once)
    assert _records(db) == []
    assert "CCCD" in page.status_label.text()
    assert captured_messages == []  # nothing modal while logging
    assert page.buttons["vneid"].isChecked()  # the form is kept for correction
    page.note_edit.setText("hẹn gọi lại 0912345678")  # a phone belongs in the consented contact fields
    qtbot.keyClick(page.note_edit, Qt.Key.Key_Return)
    assert _records(db) == [] and "ô liên hệ" in page.status_label.text()
    page.note_edit.setText("Nguy\u202eễn")  # a bidi override is refused too (issue #15)
    qtbot.keyClick(page.note_edit, Qt.Key.Key_Return)
    assert _records(db) == [] and "U+202E" in page.status_label.text()
    page.note_edit.setText("hẹn gọi lại chiều thứ Sáu")
    qtbot.keyClick(page.note_edit, Qt.Key.Key_Return)
    assert len(_records(db)) == 1


def test_escape_clears_and_quick_mode_saves_on_click(window, qtbot, db):
    page = window.show_page("counter")
    page.setFocus()
    qtbot.keyClick(page, Qt.Key.Key_4)
    qtbot.keyClick(page, Qt.Key.Key_Escape)
    assert page.selected_codes() == []
    page.quick_mode.setChecked(True)
    page.quick_window_ms = 200
    qtbot.mouseClick(page.buttons["sim_owner"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(_records(db)) == 1)  # after the short moment to add another service
    assert _records(db) == [(None, None, "counter", "done", False, ["sim_owner"])]


def test_off_shift_volunteer_gets_a_warning_and_is_credited(shift_now, window, qtbot, db):
    _shift, _lan, minh = shift_now
    page = window.show_page("counter")
    page.volunteer_box.setFocus()
    page.volunteer_box.setCurrentIndex(page.volunteer_box.findData(minh))
    page.volunteer_box.activated.emit(page.volunteer_box.currentIndex())  # as when picked from the list
    assert "không có trong ca" in page.volunteer_warning.text()
    assert page.hasFocus()  # the next key is a service key again
    qtbot.keyClick(page, Qt.Key.Key_F11)
    qtbot.keyClick(page, Qt.Key.Key_Return)
    assert _records(db)[0][0] == minh and _records(db)[0][5] == ["other"]


def test_consent_box_is_off_by_default_and_contact_is_encrypted(window, qtbot, db):
    page = window.show_page("counter")
    assert not page.consent_box.isChecked() and not page.contact_name.isEnabled()
    page.consent_box.setChecked(True)
    assert page.contact_name.isEnabled()
    page.contact_name.setText("Nguyễn Văn Tư")
    page.contact_phone.setText("0912 345 678")
    page.setFocus()
    qtbot.keyClick(page, Qt.Key.Key_1)
    qtbot.keyClick(page, Qt.Key.Key_Return)
    with db.session() as s:
        row = s.scalar(select(ServiceRecord))
    assert row.consent_at is not None and row.consent_by == "cli:" + row.entered_by.split(":", 1)[1]
    assert b"0912345678" not in row.contact_phone_enc and row.contact_name_enc
    assert not page.consent_box.isChecked() and page.contact_name.text() == ""


def test_contact_fields_disabled_without_a_keyring(qtbot, open_window, db, admin, monkeypatch):
    import keyring
    from keyring.backends.fail import Keyring as FailKeyring

    keyring.set_keyring(FailKeyring())
    win = open_window(db, admin, size=None)
    page = win.show_page("counter")
    assert not page.contact_name.isEnabled()
    qtbot.waitUntil(lambda: not page.consent_box.isEnabled())  # the keyring is asked once the window is up
    assert not page.contact_name.isEnabled()
    # One short line for the volunteer (who can do nothing about it); the explanation is in the admin's settings.
    assert page.contact_note.text() == "Liên hệ gọi lại đang tắt trên máy này (xem Cài đặt)."
    assert "keyring" in page.contact_note.toolTip()
    settings = win.show_page("settings")
    unit_tab = settings.findChild(QWidget, "tab_unit")
    assert unit_tab.keyring_group.isVisibleTo(settings) and "GNOME Keyring" in unit_tab.keyring_text.text()


def test_campaign_entry_counts_like_n_records(window, qtbot, db):
    from dxdesk.ui.pages.counter.dialogs import CampaignDialog

    page = window.show_page("counter")
    dialog = CampaignDialog(page.ctx, page.volunteers_for_dialogs(), None, page)
    qtbot.addWidget(dialog)
    dialog.service_box.setCurrentIndex(dialog.service_box.findData("vneid"))
    dialog.count_spin.setValue(120)
    dialog.place_edit.setText("Chợ phường")
    dialog.save()
    assert dialog.result() == 1
    with db.session() as s:
        row = s.scalar(select(ServiceRecord))
        svc = s.scalar(select(RecordService))
    assert (row.count, row.is_campaign, row.channel, row.place, svc.count) == (120, True, "outreach", "Chợ phường", 120)
    page.refresh_today()
    qtbot.waitUntil(page.figures_current)
    assert page.totals_label.text().startswith("Hôm nay: 120 lượt")


def test_page_fits_the_office_screen(window):
    page = window.show_page("counter")
    assert page.minimumSizeHint().width() <= 880 and page.minimumSizeHint().height() <= 560
    font = page.buttons["vneid"].name_label.font()
    assert font.pointSize() >= 14


def test_check_in_the_volunteer_on_duty(shift_now, window, qtbot, db):
    pytest.importorskip("dxdesk.shifts.attendance")
    shift_id, lan, _minh = shift_now
    page = window.show_page("counter")
    assert page.checkin_button.isVisible() and page.checkin_button.isEnabled()
    qtbot.mouseClick(page.checkin_button, Qt.MouseButton.LeftButton)
    with db.session() as s:
        row = s.scalar(select(Assignment).where(Assignment.shift_id == shift_id, Assignment.volunteer_id == lan))
    assert row.check_in is not None
    assert page.status_label.text() == "✓ Đã điểm danh: Trần Thị Lan"
    assert page.checkin_button.text().startswith("Đã điểm danh") and not page.checkin_button.isEnabled()
