"""Issue #14 on screen: Trao đổi dữ liệu lists the enrolled units (name, fingerprint, enrolled when and by whom,
last package received) and enrols one after the fingerprint read over the phone is typed; an unsigned package
is accepted only by an administrator who answers twice; Cài đặt shows this database's own fingerprint."""

import datetime as dt

from dxdesk.ui.context import PageContext
from dxdesk.ui.pages.exchange import keys as keys_panel
from dxdesk.ui.pages.exchange.page import ExchangePage
from dxdesk.ui.pages.settings.page import UnitTab
from sqlalchemy import func, select

from dxdesk import demo
from dxdesk.database import open_database
from dxdesk.db.models import AuditEvent, ServiceRecord
from dxdesk.exchange import signing, trust
from dxdesk.exchange.export import export_package
from dxdesk.paths import AppPaths
from dxdesk.periods import parse_period
from dxdesk.settings.profile import set_profile
from tests.signing_helpers import enrolment_file, resign


def _commune(tmp_path, admin, name="a", unit="28249", records=25):
    db = open_database(None, AppPaths(tmp_path / name).ensure())
    set_profile(db, admin, "82", unit_code=unit)
    demo.fill(db, admin, records=records, seed=3, start=dt.date(2025, 2, 1), end=dt.date(2025, 3, 31))
    return db


def _page(qtbot, db, home, admin):
    page = ExchangePage(PageContext(db, home, admin), "Trao đổi dữ liệu")
    qtbot.addWidget(page)
    page.resize(1093, 614)  # 1366×768 at 125 %
    page.show()
    return page


def test_enrol_a_commune_then_its_package_is_listed(qtbot, db, home, admin, tmp_path, captured_messages):
    set_profile(db, admin, "82")
    commune = _commune(tmp_path, admin)
    path = enrolment_file(commune, tmp_path)
    fingerprint = signing.own_key(commune).fingerprint
    page = _page(qtbot, db, home, admin)
    box = page.import_box.keys_box
    assert box.enrol_button.isEnabled() and box.table.rowCount() == 0
    assert signing.own_key(db).fingerprint in box.own.text()

    keys_panel.typed_answers = ["AAAA-BBBB-CCCC-DDDD"]  # a wrong fingerprint read over the phone
    assert not box.enrol(path)
    assert captured_messages[-2][0] == "ask" and fingerprint in captured_messages[-2][2]
    assert "không phải của khoá này" in captured_messages[-1][2] and box.table.rowCount() == 0
    keys_panel.typed_answers = [fingerprint]
    assert box.enrol(path)
    keys_panel.typed_answers = None
    row = [box.table.item(0, c).text() for c in range(box.table.columnCount())]
    assert row[:3] == ["Phường Đạo Thạnh", "28249", fingerprint] and row[4] == admin.username and row[5] == "—"

    package = export_package(commune, admin, parse_period("2025"), tmp_path / "a.zip").path
    page.start_import([package])
    qtbot.waitUntil(lambda: page.job is None, timeout=30_000)
    assert page.import_box.results.item(0).text().startswith("✓ a.zip")
    assert box.table.item(0, 5).text().endswith("· a.zip")
    headers = [box.table.horizontalHeaderItem(c).text() for c in range(box.table.columnCount())]
    assert headers == ["Đơn vị", "Mã", "Dấu vân tay", "Đăng ký lúc", "Người đăng ký", "Gói nhận gần nhất"]
    commune.dispose()


def test_unsigned_package_asks_the_administrator_twice(qtbot, db, home, admin, tmp_path, captured_messages):
    from dxdesk.ui import messages

    set_profile(db, admin, "82")
    commune = _commune(tmp_path, admin, records=12)
    unsigned = resign(export_package(commune, admin, parse_period("2025"), tmp_path / "old.zip").path, None)
    page = _page(qtbot, db, home, admin)
    messages.answers = [True, False]  # yes to the first question, no to the second: nothing imported
    page.start_import([unsigned])
    qtbot.waitUntil(lambda: page.job is None, timeout=30_000)
    asked = [c for c in captured_messages if c[0] == "confirm"]
    assert len(asked) == 2 and "không có chữ ký" in asked[0][2]
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(ServiceRecord)) == 0
    messages.answers = [True, True]
    page.start_import([unsigned])
    qtbot.waitUntil(lambda: page.job is None, timeout=30_000)
    qtbot.waitUntil(lambda: page.job is None and page.import_box.results.item(0).text().startswith("✓"), timeout=30_000)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(ServiceRecord)) == 12
        assert s.scalar(select(AuditEvent.actor).where(AuditEvent.action == "data.import_unsigned")) == admin.username
    commune.dispose()


def test_settings_shows_this_databases_fingerprint(qtbot, db, home, admin):
    set_profile(db, admin, "82", unit_code="28261")
    tab = UnitTab(PageContext(db, home, admin))
    qtbot.addWidget(tab)
    assert tab.fingerprint.text() == f"Dấu vân tay khoá ký của cơ sở dữ liệu này: {signing.own_key(db).fingerprint}"
    assert trust.trusted_keys(db) == []
