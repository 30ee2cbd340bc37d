"""Gói cài đặt on the exchange page: a commune opens a package, sees every change (old → new), applies it once;
a refused package gets one Vietnamese message and changes nothing; a province makes one from the dialog."""

import datetime as dt

import pytest
from dxdesk.ui.context import PageContext
from dxdesk.ui.pages.exchange import keys as keys_panel
from dxdesk.ui.pages.exchange.settings_package import MakeSettingsDialog, SettingsPackageBox
from PySide6.QtWidgets import QLabel

from dxdesk import counting
from dxdesk.counting.targets import set_target
from dxdesk.database import open_database
from dxdesk.exchange import signing, trust
from dxdesk.exchange.settings_package import make_settings_package
from dxdesk.paths import AppPaths
from dxdesk.periods import parse_period
from dxdesk.security.actor import Actor
from dxdesk.settings.profile import set_profile
from tests.signing_helpers import pin_sender

Y2026 = parse_period("2026")


@pytest.fixture
def province(tmp_path, admin):
    db = open_database(None, AppPaths(tmp_path / "province").ensure())
    set_profile(db, admin, "82")
    set_target(db, admin, "APP_PROVINCE", 4802, Y2026, unit_code="28261")
    set_target(db, admin, "VNEID", 9000, Y2026, unit_code="28261")
    yield db
    db.dispose()


@pytest.fixture
def commune_box(qtbot, db, home, admin, captured_messages, vietnamese):
    set_profile(db, admin, "82", unit_code="28261")
    box = SettingsPackageBox(PageContext(db, home, admin))
    qtbot.addWidget(box)
    box.show()
    return box


def test_preview_then_apply_once(commune_box, province, admin, tmp_path, db, captured_messages, qtbot):
    made = make_settings_package(province, admin, tmp_path / "caidat.zip", periods=[Y2026], note="Chỉ tiêu năm 2026")
    assert commune_box.receive_button.isVisible() and commune_box.receive_button.isEnabled()
    fingerprint = signing.own_key(province).fingerprint
    # the first package: its fingerprint is shown; a wrong one typed pins nothing, the right one pins the key
    keys_panel.typed_answers = ["7K3Q-M9XD-0000-0000"]
    assert commune_box.receive(made.path) is None
    assert captured_messages[-2][0] == "ask" and fingerprint in captured_messages[-2][2]
    assert captured_messages[-1][0] == "warning" and "không phải của khoá này" in captured_messages[-1][2]
    assert trust.trusted_keys(db) == []
    keys_panel.typed_answers = [fingerprint.lower()]
    dialog = commune_box.receive(made.path)
    keys_panel.typed_answers = None
    qtbot.addWidget(dialog)
    assert [v.fingerprint for v in trust.trusted_keys(db, trust.ISSUER)] == [fingerprint]
    rows = {(dialog.table.item(r, 1).text(), dialog.table.item(r, 3).text()) for r in range(dialog.table.rowCount())}
    assert ("APP_PROVINCE · 2026", "4.802") in rows and ("VNEID · 2026", "9.000") in rows
    assert dialog.table.item(0, 0).text() == "Chỉ tiêu giao"
    assert "Chỉ tiêu năm 2026" in dialog.findChild(type(dialog.summary), "settings_head").text()
    assert counting.targets_for(db, Y2026) == {}  # the preview wrote nothing
    assert dialog.apply_button.isEnabled()
    dialog.apply_button.click()
    assert counting.targets_for(db, Y2026) == {"APP_PROVINCE": 4802, "VNEID": 9000}
    assert captured_messages[-1][0] == "info" and "đã áp dụng" in captured_messages[-1][2].lower()
    assert "số 1" in commune_box.note.text()
    again = commune_box.receive(made.path)
    qtbot.addWidget(again)
    assert not again.apply_button.isEnabled() and "không thay đổi" in again.summary.text()


def test_refused_package_one_message_nothing_written(commune_box, tmp_path, db, captured_messages):
    bad = tmp_path / "khong-phai.zip"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    assert commune_box.receive(bad) is None
    kind, _title, text = captured_messages[-1]
    assert kind == "warning" and text.startswith("Từ chối gói khong-phai.zip")
    assert counting.targets_for(db, Y2026) == {}


def test_volunteer_cannot_receive_or_make(qtbot, db, home, admin, captured_messages):
    set_profile(db, admin, "82", unit_code="28261")
    box = SettingsPackageBox(PageContext(db, home, Actor(username="tnv", role="volunteer")))
    qtbot.addWidget(box)
    assert not box.receive_button.isEnabled() and not box.make_button.isEnabled()


def test_province_makes_a_package_for_chosen_communes(qtbot, province, home, admin, tmp_path, captured_messages):
    dialog = MakeSettingsDialog(PageContext(province, home, admin))
    qtbot.addWidget(dialog)
    assert dialog.all_units.isChecked() and dialog.periods.text() == str(dt.date.today().year)
    dialog.periods.setText("2026")
    dialog.some_units.setChecked(True)
    dialog.unit_codes.setText("28261; 99999")
    assert dialog.save(tmp_path / "x.zip") is None  # a code not in the province: one message, no file
    assert captured_messages[-1][0] == "warning" and "99999" in captured_messages[-1][2]
    assert not (tmp_path / "x.zip").exists()
    dialog.unit_codes.setText("28261")
    dialog.guides.setChecked(False)
    made = dialog.save(tmp_path / "caidat.zip")
    assert made.recipients == 1 and made.targets == 2 and made.guides == 0
    assert "số 1" in captured_messages[-1][2]


def test_the_periods_are_chosen_with_the_one_period_picker(qtbot, province, home, admin, captured_messages):
    """Make a settings package: the periods come from the same picker as Báo cáo and Chỉ tiêu, added to the list
    once each, and the hint says which days they cover."""
    from dxdesk.ui.period_picker import PeriodPicker
    from PySide6.QtCore import Qt

    dialog = MakeSettingsDialog(PageContext(province, home, admin))
    qtbot.addWidget(dialog)
    dialog.show()
    assert type(dialog.picker) is PeriodPicker
    year = dt.date.today().year
    picker = dialog.picker
    picker.kind_box.setCurrentIndex(picker.kind_box.findData("quarter"))
    picker.quarter_box.setCurrentIndex(1)
    qtbot.mouseClick(dialog.add_period, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.add_period, Qt.MouseButton.LeftButton)  # the same quarter again: listed once
    assert dialog.periods.text() == f"{year}, {year}-Q2"
    hint = dialog.findChild(QLabel, "settings_periods_hint")
    assert f"01/04/{year} – 30/06/{year}" in hint.text()


def test_counter_shows_a_new_service_after_the_package_without_restart(qtbot, open_window, db, home, admin, province, tmp_path,
                                                                       captured_messages):
    """A settings package adds 'Zalo OA' and retires 'SIM chính chủ': the counter's buttons follow at once, and
    the new button's key logs the new service."""
    from PySide6.QtCore import Qt
    from sqlalchemy import select

    from dxdesk.counting.catalogue import save_service
    from dxdesk.db.models import RecordService

    set_profile(db, admin, "82", unit_code="28261")
    window = open_window(db, admin, catalogue=False)
    page = window.show_page("counter")
    assert "zalo_oa" not in page.buttons and "sim_owner" in page.buttons
    save_service(province, admin, "zalo_oa", indicator_code="OTHER_APPS", name_vi="Hướng dẫn quan tâm Zalo OA",
                 short_vi="Zalo OA")
    save_service(province, admin, "sim_owner", active=False)
    made = make_settings_package(province, admin, tmp_path / "p.zip")
    pin_sender(db, made.path)
    dialog = window.show_page("exchange").settings_box.receive(made.path)
    qtbot.addWidget(dialog)
    dialog.apply_button.click()
    assert "zalo_oa" in page.buttons and "sim_owner" not in page.buttons
    key = next(k for k, code in page.key_map.items() if code == "zalo_oa")
    window.show_page("counter")
    page.setFocus()
    qtbot.keyClick(page, Qt.Key(key))
    qtbot.keyClick(page, Qt.Key.Key_Return)
    with db.session() as s:
        assert s.scalars(select(RecordService.service_code)).all() == ["zalo_oa"]
