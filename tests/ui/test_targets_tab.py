"""Cài đặt → Chỉ tiêu: a coordinator sets a target in the tab and the tally has it, with the percent shown;
a volunteer cannot; bad input is refused with nothing saved; a province sets a commune's target; the demo
data comes with targets."""

import datetime as dt

import pytest
from dxdesk.ui.app import create_application
from dxdesk.ui.context import PageContext
from sqlalchemy import func, select

from dxdesk import counting, demo
from dxdesk.counter import records
from dxdesk.counting.targets import set_target
from dxdesk.db.models import AuditEvent
from dxdesk.periods import parse_period
from dxdesk.security.actor import Actor
from dxdesk.settings.profile import set_profile

Y2026 = parse_period("2026")
MY_THO = "28261"
COORDINATOR = Actor("tt", "coordinator", display_name="Tổ trưởng")


def _tab(qtbot, db, home, actor, period="2026"):
    from dxdesk.ui.pages.reports.targets import TargetsTab

    create_application()
    tab = TargetsTab(PageContext(db=db, paths=home, actor=actor), "Chỉ tiêu")
    qtbot.addWidget(tab)
    tab.resize(880, 560)
    tab.show()
    tab.set_period(period)
    qtbot.waitUntil(tab.settled, timeout=10000)
    return tab


def _save(qtbot, tab):
    """Save, then let the recount it starts finish (a worker must not outlive the test's database)."""
    tab.save()
    qtbot.waitUntil(tab.settled, timeout=10000)


def _row(tab, code):
    return tab.grid.codes.index(code)


def _type(tab, code, text):
    tab.grid.table.item(_row(tab, code), 2).setText(text)


def _cell(tab, code, col):
    return tab.grid.table.item(_row(tab, code), col).text()


def _log_installs(db, actor, n, day=dt.date(2026, 3, 6)):
    """N installs of the province app in campaign entries (the article's 6.800)."""
    records.log_record(db, actor, records.NewRecord(services=["province_app"], count=n, is_campaign=True,
                                                     channel="outreach", occurred_at=dt.datetime.combine(day, dt.time(9))))


def test_coordinator_sets_a_target_and_the_percent_shows(qtbot, any_db, home, admin, captured_messages):
    set_profile(any_db, admin, "82", unit_code=MY_THO)
    _log_installs(any_db, admin, 6800)
    tab = _tab(qtbot, any_db, home, COORDINATOR)
    # only the indicators that have a target, none set yet: empty cells, no percent
    assert tab.grid.codes == ["APP_PROVINCE", "EWALLET", "SHOP_EPAY", "ECOM_PRODUCT"]
    assert _cell(tab, "APP_PROVINCE", 2) == "" and _cell(tab, "APP_PROVINCE", 3) == "6.800"
    assert _cell(tab, "APP_PROVINCE", 4) == "—"
    assert tab.actions.save_button.isVisible() and not tab.grid.note.isVisible()

    _type(tab, "APP_PROVINCE", "4802")
    assert _cell(tab, "APP_PROVINCE", 2) == "4.802"  # shown the Vietnamese way at once
    assert _cell(tab, "APP_PROVINCE", 4) == "141,6 %"  # the article's figure, before saving
    _type(tab, "EWALLET", "3.000")
    _save(qtbot, tab)
    assert captured_messages == []
    assert counting.targets_for(any_db, Y2026) == {"APP_PROVINCE": 4802, "EWALLET": 3000}
    assert counting.targets_for(any_db, parse_period("2026-Q1")) == {}  # only the period chosen
    qtbot.waitUntil(tab.settled, timeout=10000)
    assert _cell(tab, "APP_PROVINCE", 2) == "4.802" and _cell(tab, "APP_PROVINCE", 4) == "141,6 %"
    assert "Đã lưu 2 chỉ tiêu cho Năm 2026" in tab.actions.status.text()
    assert tab.dirty() == {}
    with any_db.session() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)
                              .where(AuditEvent.action == "target.set")) == 2

    # a quarter is its own period: the year's target is not shown there
    tab.set_period("2026-Q1")
    qtbot.waitUntil(tab.settled, timeout=10000)
    assert "Quý 1/2026" in tab.scope.period_text.text()
    assert _cell(tab, "APP_PROVINCE", 2) == "" and _cell(tab, "APP_PROVINCE", 3) == "6.800"


def test_changing_a_saved_target_and_the_kind_picker(qtbot, db, home, admin, captured_messages):
    set_target(db, admin, "SHOP_EPAY", 480, parse_period("2026-05"))
    tab = _tab(qtbot, db, home, COORDINATOR, period="2026-05")
    assert tab.scope.picker.kind_box.currentData() == "month" and tab.scope.picker.month_box.isVisibleTo(tab)
    assert not tab.scope.picker.quarter_box.isVisibleTo(tab)
    assert _cell(tab, "SHOP_EPAY", 2) == "480"
    _type(tab, "SHOP_EPAY", " 1 200 ")
    assert tab.dirty() == {"SHOP_EPAY": "1.200"}
    # leaving the period with unsaved changes asks first; "stay" keeps the period and the typed value
    captured_messages.clear()
    from dxdesk.ui import messages

    messages.answers = [False]
    tab.scope.picker.year_spin.setValue(2025)
    assert captured_messages[-1][0] == "confirm"
    assert tab.scope.picker.year_spin.value() == 2026 and _cell(tab, "SHOP_EPAY", 2) == "1.200"
    _save(qtbot, tab)
    assert counting.targets_for(db, parse_period("2026-05")) == {"SHOP_EPAY": 1200}


def test_volunteer_sees_the_table_read_only(qtbot, db, home, admin, captured_messages):
    set_target(db, admin, "APP_PROVINCE", 4802, Y2026)
    volunteer = Actor("tnv", "volunteer", display_name="Tình nguyện viên")
    tab = _tab(qtbot, db, home, volunteer)
    assert _cell(tab, "APP_PROVINCE", 2) == "4.802"
    assert not tab.actions.save_button.isVisible()
    assert tab.grid.note.isVisible() and "Chỉ điều phối viên" in tab.grid.note.text()
    from PySide6.QtCore import Qt

    assert not tab.grid.table.item(_row(tab, "APP_PROVINCE"), 2).flags() & Qt.ItemFlag.ItemIsEditable
    _type(tab, "APP_PROVINCE", "9999")  # even if the cell were changed, saving is refused
    _save(qtbot, tab)
    assert captured_messages[-1][0] == "warning" and "điều phối viên" in captured_messages[-1][2]
    assert counting.targets_for(db, Y2026) == {"APP_PROVINCE": 4802}
    # a clerk is not a coordinator either
    clerk = _tab(qtbot, db, home, Actor("vt", "clerk", display_name="Văn thư"))
    assert not clerk.actions.save_button.isVisible() and clerk.grid.note.isVisible()


@pytest.mark.parametrize("bad", ["-5", "abc", "4,5", "48.02", "2000000000"])
def test_bad_input_is_refused_and_nothing_is_saved(qtbot, db, home, captured_messages, bad):
    tab = _tab(qtbot, db, home, COORDINATOR)
    _type(tab, "APP_PROVINCE", "4802")  # a good one, changed in the same go: not saved either
    _type(tab, "EWALLET", bad)
    _save(qtbot, tab)
    assert len(captured_messages) == 1
    kind, _title, text = captured_messages[0]
    assert kind == "warning" and "số nguyên từ 0 trở lên" in text and "Chưa lưu gì" in text
    assert "ví điện tử" in text  # names the indicator
    assert counting.targets_for(db, Y2026) == {}
    assert tab.grid.table.currentRow() == _row(tab, "EWALLET")  # the cell to fix is selected
    assert _cell(tab, "EWALLET", 4) == "—"


def test_emptying_a_saved_target_is_refused(qtbot, db, home, admin, captured_messages):
    set_target(db, admin, "EWALLET", 3000, Y2026)
    tab = _tab(qtbot, db, home, COORDINATOR)
    _type(tab, "EWALLET", "")
    _save(qtbot, tab)
    assert len(captured_messages) == 1 and "nhập 0" in captured_messages[0][2]
    assert counting.targets_for(db, Y2026) == {"EWALLET": 3000}


def test_province_sets_a_commune_target(qtbot, any_db, home, admin, captured_messages):
    set_profile(any_db, admin, "82")  # province level
    tab = _tab(qtbot, any_db, home, COORDINATOR)
    assert tab.scope.unit_box.isVisible() and tab.scope.hint.isVisible()
    assert "Tạo gói cài đặt" in tab.scope.hint.text() and "Trao đổi dữ liệu" in tab.scope.hint.text()
    assert tab.scope.unit_box.itemData(0) is None and "chỉ tiêu của tỉnh" in tab.scope.unit_box.itemText(0)
    assert tab.scope.unit_box.count() == 1 + 102  # the province's own, then its 102 communes
    tab.scope.unit_box.setCurrentIndex(tab.scope.unit_box.findData(MY_THO))
    qtbot.waitUntil(tab.settled, timeout=10000)
    assert tab.unit_code() == MY_THO
    _type(tab, "APP_PROVINCE", "4.802")
    _save(qtbot, tab)
    assert captured_messages == []
    assert counting.targets_for(any_db, Y2026, MY_THO) == {"APP_PROVINCE": 4802}
    assert counting.targets_for(any_db, Y2026) == {}  # not the province's own
    # the province's own target, set the same way, does not touch the commune's
    tab.scope.unit_box.setCurrentIndex(0)
    qtbot.waitUntil(tab.settled, timeout=10000)
    assert tab.unit_code() is None and _cell(tab, "APP_PROVINCE", 2) == ""
    _type(tab, "APP_PROVINCE", "60000")
    _save(qtbot, tab)
    assert counting.targets_for(any_db, Y2026) == {"APP_PROVINCE": 60000}
    assert counting.targets_for(any_db, Y2026, MY_THO) == {"APP_PROVINCE": 4802}


def test_commune_database_has_no_unit_chooser(qtbot, db, home, admin):
    set_profile(db, admin, "82", unit_code=MY_THO)
    tab = _tab(qtbot, db, home, COORDINATOR)
    assert not tab.scope.unit_box.isVisible() and not tab.scope.hint.isVisible() and tab.unit_code() is None


def test_settings_page_has_the_targets_tab(qtbot, db, home, admin):
    from dxdesk.ui.pages.settings.page import SettingsPage

    create_application()
    page = SettingsPage(PageContext(db=db, paths=home, actor=admin), "Cài đặt")
    qtbot.addWidget(page)
    assert page.tabs.tabText(1) == "Chỉ tiêu" and page.tabs.widget(1).objectName() == "tab_targets"


def test_demo_sets_targets_so_percentages_show(any_db, admin):
    demo.fill(any_db, admin, records=600, seed=2, start=dt.date(2025, 11, 20), end=dt.date(2026, 6, 30))
    year = counting.compute(any_db, Y2026)
    shown = {r.code: r for r in year.with_target}
    assert set(shown) >= {"APP_PROVINCE", "EWALLET", "SHOP_EPAY"}
    assert all(r.percent is not None for r in shown.values())
    # worked back from the article's 141,6 %: half a year (181 of 365 days) at that pace is about 70 %
    assert 60 <= shown["APP_PROVINCE"].percent <= 80
    # quarters and months of the demo range have theirs; a period the data does not fully cover has none
    assert counting.targets_for(any_db, parse_period("2026-Q2"))
    assert counting.targets_for(any_db, parse_period("2026-06"))
    assert counting.targets_for(any_db, parse_period("2025-11")) == {}
    assert counting.targets_for(any_db, parse_period("2025-12"))
    assert counting.targets_for(any_db, parse_period("2026-07")) == {}
    with any_db.session() as session:  # through set_target: audited
        assert session.scalar(select(func.count()).select_from(AuditEvent)
                              .where(AuditEvent.action == "target.set")) >= 20
    # a second fill keeps targets already set
    set_target(any_db, admin, "APP_PROVINCE", 12345, Y2026)
    demo.fill(any_db, admin, records=50, seed=3, start=dt.date(2026, 1, 1), end=dt.date(2026, 2, 28))
    assert counting.targets_for(any_db, Y2026)["APP_PROVINCE"] == 12345
