"""The Báo cáo page: live preview of page 1 for the chosen period, Lưu PDF / Lưu Word register the report
number once, Sao chép ảnh (Zalo) puts a PNG on the clipboard and in a file, print goes through the shared
print preview, the dashboard charts show the data, a volunteer cannot print, it fits 880×560."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess

import pytest
from dxdesk.ui import printing
from dxdesk.ui.app import create_application
from dxdesk.ui.context import PageContext
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from dxdesk.counter.records import NewRecord, log_record
from dxdesk.counting.targets import set_target
from dxdesk.periods import parse_period
from dxdesk.reporting import numbers as reportnumbers
from dxdesk.security.actor import Actor
from dxdesk.settings.profile import set_profile
from tests.signing_helpers import enrol

CLERK = Actor("thu.ha", "clerk")


@pytest.fixture
def filled(db, admin):
    set_profile(db, admin, "82", unit_code="28261")
    set_target(db, admin, "APP_PROVINCE", 4802, parse_period("2023"))
    set_target(db, admin, "SHOP_EPAY", 480, parse_period("2023"))
    log_record(db, admin, NewRecord(["province_app"], dt.datetime(2023, 3, 6, 8, 30), count=6800, is_campaign=True))
    log_record(db, admin, NewRecord(["shop_epay"], dt.datetime(2023, 5, 12, 14, 0), count=739, is_campaign=True,
                                    channel="outreach"))
    log_record(db, admin, NewRecord(["vneid", "dvc_account"], dt.datetime(2023, 5, 15, 9, 10)))
    return db


@pytest.fixture(autouse=True)
def _no_signer_question(monkeypatch):
    from dxdesk.ui.pages.reports import page as reports

    monkeypatch.setattr(reports, "signer_answers_for_tests", [])  # "who signs?" is left unanswered here


def _page(qtbot, db, home, actor=CLERK):
    from dxdesk.ui.pages.reports.page import ReportsPage

    create_application()
    page = ReportsPage(PageContext(db=db, paths=home, actor=actor), "Báo cáo")
    qtbot.addWidget(page)
    page.resize(880, 560)
    page.show()
    qtbot.waitUntil(lambda: page.worker is None, timeout=10000)
    return page


def _settle(qtbot, page):
    qtbot.waitUntil(lambda: page.worker is None and not page.refresh_timer.isActive(), timeout=15000)


def test_preview_save_pdf_and_word_register_one_number(qtbot, filled, home, tmp_path, monkeypatch):
    from dxdesk.ui.pages.reports import page as reports

    page = _page(qtbot, filled, home)
    assert page.minimumSizeHint().width() <= 880 and page.minimumSizeHint().height() <= 560
    page.set_period("2023")
    _settle(qtbot, page)
    assert page.preview.pixmap() is not None and not page.preview.pixmap().isNull()
    assert page.last_pdf is not None
    assert "1/BC-TCNSCĐ" in page.number_label.text()  # the next number, not yet taken
    assert reportnumbers.next_number(filled, "BC-TCNSCĐ", dt.date.today().year) == 1

    monkeypatch.setattr(reports, "save_path_for_tests", tmp_path / "bc")
    page.difficulties_edit.setPlainText("Thiếu máy tính bảng.")
    page.start("pdf")
    _settle(qtbot, page)
    saved = tmp_path / "bc.pdf"
    assert saved.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(saved), "-"], capture_output=True, text=True).stdout
        for expected in ("Số: 1/BC-TCNSCĐ", "6.800", "141,6 %", "154 %", "Thiếu máy tính bảng.",
                         "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"):
            assert expected in text, expected
    assert "(đã cấp số)" in page.number_label.text()

    monkeypatch.setattr(reports, "save_path_for_tests", tmp_path / "bc.docx")
    page.start("docx")
    _settle(qtbot, page)
    from docx import Document

    doc = Document(io.BytesIO((tmp_path / "bc.docx").read_bytes()))
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "Số: 1/BC-TCNSCĐ" in cells  # the same report keeps its number
    assert reportnumbers.next_number(filled, "BC-TCNSCĐ", dt.date.today().year) == 2


def test_zalo_image_on_clipboard_and_in_a_file(qtbot, filled, home):
    page = _page(qtbot, filled, home)
    page.set_period("2023")
    _settle(qtbot, page)
    QGuiApplication.clipboard().clear()
    page.start("zalo")
    _settle(qtbot, page)
    image = QGuiApplication.clipboard().image()
    assert not image.isNull() and image.width() == 1080
    files = list((home.home / "zalo").glob("*.png"))
    assert [f.name for f in files] == ["bao-cao-2023.png"]
    assert "Zalo" in page.status_label.text()
    assert reportnumbers.next_number(filled, "BC-TCNSCĐ", dt.date.today().year) == 1  # an image takes no number


def test_print_goes_through_the_print_preview(qtbot, filled, home, monkeypatch):
    collected = []
    monkeypatch.setattr(printing, "preview_for_tests", collected)
    page = _page(qtbot, filled, home)
    page.set_period("2023-Q2")
    _settle(qtbot, page)
    page.print_button.click()
    _settle(qtbot, page)
    assert len(collected) == 1
    dialog, _printer = collected[0]
    assert "1/BC-TCNSCĐ" in dialog.windowTitle()


def test_dashboard_charts(qtbot, filled, home):
    page = _page(qtbot, filled, home)
    page.set_period("2023")
    page.tabs.setCurrentIndex(1)
    _settle(qtbot, page)
    charts = page.dashboard.charts
    assert len(charts) == 4
    weeks = charts[0].series()[0]
    assert weeks.count() == 3 and max(p.y() for p in weeks.points()) == 6800  # 3 ISO weeks with work
    bars = charts[1].series()[0]  # targets reached
    assert sorted(bars.barSets()[0].at(i) for i in range(bars.barSets()[0].count())) == [141.6, 154.0]
    pie = charts[2].series()[0]
    assert sorted(s.value() for s in pie.slices()) == [6801]  # citizens by channel: the 739 shops are not people
    # the counter's busiest hour (counter channel only: no outreach day names it)
    assert "tại quầy" in charts[3].title() and "Thứ Hai 08:00–09:00, 6.800 lượt" in charts[3].title()
    summary = page.dashboard.summary.text()
    assert "6.801 lượt người dân" in summary and "739 cửa hàng" in summary and "7.540" not in summary, summary
    path = page.copy_dashboard()
    assert path is not None and path.exists() and not QGuiApplication.clipboard().image().isNull()


def test_volunteer_cannot_print_and_bad_range_is_refused(qtbot, filled, home, captured_messages):
    page = _page(qtbot, filled, home, Actor("tnv", "volunteer"))
    assert not page.pdf_button.isEnabled() and not page.print_button.isEnabled()
    page.start("pdf")  # even if asked directly: refused by the domain, nothing registered
    assert captured_messages and "không được" in captured_messages[-1][2]
    assert reportnumbers.next_number(filled, "BC-TCNSCĐ", dt.date.today().year) == 1
    page = _page(qtbot, filled, home)
    page.kind_box.setCurrentIndex(page.kind_box.findData("custom"))
    page.from_edit.setDate(page.to_edit.date().addDays(3))
    page.refresh()
    # a range cannot end before it starts any more: the end date moves with the start (one picker for every page)
    assert page.to_edit.date() >= page.from_edit.date() and page.period().start <= page.period().end


def test_province_database_reports_the_whole_province_or_one_commune(qtbot, db, home, admin, tmp_path):
    """Units stay apart after a roll-up: the Đơn vị box lists the communes imported, and the report and the
    dashboard count only the chosen one (or all of them for Toàn tỉnh)."""
    from dxdesk.database import open_database
    from dxdesk.exchange.export import export_package
    from dxdesk.exchange.importer import import_package
    from dxdesk.paths import AppPaths

    set_profile(db, admin, "82")  # a province-level database
    for code, n in (("28261", 3), ("28249", 5)):
        commune = open_database(None, AppPaths(tmp_path / code).ensure())
        set_profile(commune, admin, "82", unit_code=code)
        for i in range(n):
            log_record(commune, admin, NewRecord(["vneid"], dt.datetime(2023, 3, 6, 8, i)))
        enrol(db, commune, tmp_path)
        import_package(db, admin, export_package(commune, admin, parse_period("2023"), tmp_path / f"{code}.zip").path)
        commune.dispose()
    page = _page(qtbot, db, home)
    page.activated()
    assert page.unit_box.isVisibleTo(page)
    labels = [page.unit_box.itemText(i) for i in range(page.unit_box.count())]
    assert labels[0] == "Toàn tỉnh" and any("28261" in t for t in labels) and any("28249" in t for t in labels)
    page.set_period("2023")
    page.tabs.setCurrentIndex(1)
    _settle(qtbot, page)
    assert page.dashboard_data["tally"].services[0].count + sum(s.count for s in page.dashboard_data["tally"].services[1:]) == 8
    page.unit_box.setCurrentIndex(page.unit_box.findData("28249"))
    _settle(qtbot, page)
    assert sum(s.count for s in page.dashboard_data["tally"].services) == 5
    page.tabs.setCurrentIndex(0)
    _settle(qtbot, page)
    from dxdesk.settings.units import find_unit

    text = subprocess.run(["pdftotext", "-", "-"], input=page.last_pdf, capture_output=True, check=True).stdout.decode()
    assert find_unit("28249").unit_name.upper() in text.upper()  # the chosen commune's report


def test_commune_database_has_no_unit_box(qtbot, filled, home):
    page = _page(qtbot, filled, home)
    assert not page.unit_box.isVisibleTo(page) and page.unit_code() is None


def test_breakdown_and_number_register_tabs(qtbot, filled, home, tmp_path, monkeypatch):
    """Phân tích: services by indicator × channel × volunteer × reception point add up to the services given, and
    citizens by age band and sex to the citizens; Sổ số báo cáo lists a number once its report was saved, and a
    save cancelled in the file dialog takes no number."""
    from dxdesk.ui.pages.reports import page as reports

    page = _page(qtbot, filled, home)
    page.set_period("2023")
    page.tabs.setCurrentIndex(2)
    _settle(qtbot, page)
    model = page.breakdown_view.matrix_model
    rows = [[model.index(r, c).data() for c in range(5)] for r in range(model.rowCount())]
    assert ["e-Đồng Tháp", "Quầy tiếp dân", "(không ghi tên)", "—", "6.800"] in rows
    assert ["Cửa hàng TT điện tử", "Lưu động", "(không ghi tên)", "—", "739"] in rows
    assert sum(model.index(r, 4).data(Qt.ItemDataRole.UserRole) for r in range(model.rowCount())) == 6800 + 739 + 2
    people = page.breakdown_view.people_model
    cells = [(people.index(r, 0).data().strip(), people.index(r, 1).data()) for r in range(people.rowCount())]
    assert ("Không hỏi", "6.801") in cells  # citizens: the shops are not people

    page.tabs.setCurrentIndex(3)
    _settle(qtbot, page)
    assert page.register_tab.model.rowCount() == 0 and "Chưa cấp" in page.register_tab.summary.text()
    page.tabs.setCurrentIndex(0)
    _settle(qtbot, page)
    monkeypatch.setattr(reports, "save_path_for_tests", "")  # the clerk closes the file dialog
    page.start("pdf")
    _settle(qtbot, page)
    assert reportnumbers.list_numbers(filled, dt.date.today().year) == []
    monkeypatch.setattr(reports, "save_path_for_tests", tmp_path / "bc.pdf")
    page.start("pdf")
    _settle(qtbot, page)
    page.tabs.setCurrentIndex(3)
    _settle(qtbot, page)
    assert page.register_tab.model.rowCount() == 1
    assert page.register_tab.model.index(0, 0).data() == "1/BC-TCNSCĐ"
    assert "2023" in page.register_tab.model.index(0, 1).data()
