"""Trao đổi dữ liệu page, export options: 'Kèm báo cáo PDF' puts report.pdf in the package; on a province
database a commune chooser picks whose package is exported (hidden on a commune database)."""

import datetime as dt
import json
import zipfile

from dxdesk.ui.context import PageContext
from dxdesk.ui.pages.exchange.page import ExchangePage

from dxdesk import demo
from dxdesk.database import open_database
from dxdesk.exchange import package as pkg
from dxdesk.exchange.export import export_package
from dxdesk.exchange.importer import import_package
from dxdesk.paths import AppPaths
from dxdesk.periods import parse_period
from dxdesk.settings.profile import set_profile
from tests.signing_helpers import enrol

UNIT_A, UNIT_B = "28249", "28270"


def make_page(qtbot, db, home, admin):
    p = ExchangePage(PageContext(db, home, admin), "Trao đổi dữ liệu")
    qtbot.addWidget(p)
    p.resize(880, 560)
    p.show()
    return p


def wait_idle(qtbot, page):
    qtbot.waitUntil(lambda: page.job is None, timeout=30_000)


def test_commune_exports_with_the_report(qtbot, db, home, admin, tmp_path, captured_messages):
    set_profile(db, admin, "82", unit_code=UNIT_A)
    demo.fill(db, admin, records=200, seed=4, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
    page = make_page(qtbot, db, home, admin)
    assert not page.export_box.unit.isVisible()  # a commune exports its own records
    assert page.export_box.with_report.text() == "Kèm &báo cáo PDF" and page.export_box.with_report.isEnabled()
    page.export_box.period_picker.set_period("2025")
    page.export_box.with_report.setChecked(True)
    page.start_export(tmp_path / "r.zip")
    wait_idle(qtbot, page)
    with zipfile.ZipFile(tmp_path / "r.zip") as zf:
        assert pkg.REPORT in zf.namelist()
        assert zf.read(pkg.REPORT).startswith(b"%PDF")
    assert "200 lượt ghi nhận" in page.import_box.results.item(0).text()
    assert captured_messages == []


def test_province_chooses_the_commune(qtbot, db, home, admin, tmp_path, captured_messages):
    set_profile(db, admin, "82")
    page = make_page(qtbot, db, home, admin)
    assert page.export_box.unit.isVisible() and page.export_box.unit.count() == 0
    page.export_box.period_picker.set_period("2025")
    assert page.start_export(tmp_path / "none.zip") is None  # nothing imported yet: one clear message
    assert "chưa nhập gói" in captured_messages[-1][2]

    for unit, n, seed in ((UNIT_A, 120, 1), (UNIT_B, 80, 2)):
        src = open_database(None, AppPaths(tmp_path / unit).ensure())
        set_profile(src, admin, "82", unit_code=unit)
        demo.fill(src, admin, records=n, seed=seed, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
        enrol(db, src, tmp_path)
        import_package(db, admin, export_package(src, admin, parse_period("2025"), tmp_path / f"{unit}.zip").path)
        src.dispose()
    page.activated()
    codes = [page.export_box.unit.itemData(i) for i in range(page.export_box.unit.count())]
    assert sorted(codes) == [UNIT_A, UNIT_B]
    assert "Phường Thới Sơn (28270)" in [page.export_box.unit.itemText(i) for i in range(page.export_box.unit.count())]
    page.export_box.unit.setCurrentIndex(page.export_box.unit.findData(UNIT_B))
    page.activated()  # refreshing keeps the choice
    assert page.export_box.unit.currentData() == UNIT_B
    page.start_export(tmp_path / "b-again.zip")
    wait_idle(qtbot, page)
    with zipfile.ZipFile(tmp_path / "b-again.zip") as zf:
        manifest = json.loads(zf.read(pkg.MANIFEST))
    assert manifest["unit"]["unit_code"] == UNIT_B and manifest["record_count"] == 80
