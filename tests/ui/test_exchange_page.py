"""Trao đổi dữ liệu page: export in a worker (cancel leaves no file), import with per-package results
(refusal shown, nothing written), upload settings with the token only in the keyring, queue status."""

import datetime as dt
import threading
import zipfile

import pytest
from dxdesk.ui.context import PageContext
from dxdesk.ui.pages.exchange.page import ExchangePage
from PySide6.QtCore import Qt, QTimer
from sqlalchemy import func, select

from dxdesk import demo
from dxdesk.db.models import ServiceRecord, Setting
from dxdesk.exchange import upload
from dxdesk.security.actor import Actor
from dxdesk.settings.profile import set_profile


@pytest.fixture
def page(qtbot, db, home, admin, captured_messages):
    set_profile(db, admin, "82", unit_code="28249")
    demo.fill(db, admin, records=3000, seed=4, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
    p = ExchangePage(PageContext(db, home, admin), "Trao đổi dữ liệu")
    qtbot.addWidget(p)
    p.resize(880, 560)
    p.show()
    return p


def wait_idle(qtbot, page):
    qtbot.waitUntil(lambda: page.job is None, timeout=30_000)


def test_export_then_import_shows_results(page, qtbot, tmp_path, db):
    page.export_box.period_picker.set_period("2025")
    page.start_export(tmp_path / "a.zip")
    assert page.job_progress.cancel_button.isVisible() and not page.export_box.export_button.isEnabled()
    wait_idle(qtbot, page)
    assert (tmp_path / "a.zip").is_file()
    assert "3.000 lượt ghi nhận" in page.import_box.results.item(0).text()
    with zipfile.ZipFile(tmp_path / "a.zip") as zf:
        assert "personal.csv" not in zf.namelist()

    (tmp_path / "bad.zip").write_bytes(b"not a zip")
    page.start_import([tmp_path / "a.zip", tmp_path / "bad.zip"])
    wait_idle(qtbot, page)
    texts = [page.import_box.results.item(i).text() for i in range(page.import_box.results.count())]
    assert any(t.startswith("✗ Từ chối gói bad.zip") for t in texts)
    assert any(t.startswith("✓ a.zip") and "0 mới, 3000 đã có" in t for t in texts)


def test_cancelled_export_leaves_no_file(page, qtbot, tmp_path, monkeypatch):
    import dxdesk.ui.pages.exchange.page as module

    gate, real = threading.Event(), module.export_package

    def held(*args, **kwargs):  # the worker waits until Cancel was pressed, then exports
        gate.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, "export_package", held)
    page.export_box.period_picker.set_period("2025")
    job = page.start_export(tmp_path / "c.zip")
    qtbot.mouseClick(page.job_progress.cancel_button, Qt.MouseButton.LeftButton)
    assert job.stop.is_set() and page.job_progress.progress_label.text() == "Đang hủy…"
    gate.set()
    wait_idle(qtbot, page)
    assert list(tmp_path.glob("c.zip*")) == []
    assert "Đã hủy" in page.import_box.results.item(0).text()


def test_a_custom_range_never_ends_before_it_starts(page, tmp_path):
    picker = page.export_box.period_picker
    picker.set_period("2025-03-01..2025-03-31")
    picker.to_edit.setDate(picker.to_edit.date().fromString("2025-02-01", "yyyy-MM-dd"))
    assert picker.period().key.startswith("2025-03-01") and picker.period().end >= picker.period().start
    assert picker.days_label.text().startswith("01/03/2025 – ")


def test_upload_settings_token_only_in_keyring_and_queue_status(page, db, qtbot, tmp_path, memory_keyring):
    page.upload_box.endpoint.setText("https://sotttt.example.gov.vn/nhan")
    page.upload_box.token.setText("abc123token")
    page.save_settings()
    assert memory_keyring.store[("dxdesk", upload.token_name(db))] == "abc123token"
    assert page.upload_box.token.text() == "" and "kho mật khẩu" in page.upload_box.token.placeholderText()
    with db.session() as s:
        assert "abc123token" not in "".join(v.value for v in s.scalars(select(Setting)))
    page.export_box.period_picker.set_period("2025-03")
    page.export_box.queue_after.setChecked(True)
    page.start_export(tmp_path / "q.zip")
    wait_idle(qtbot, page)
    assert page.upload_box.table.rowCount() == 1 and page.upload_box.table.item(0, 1).text() == "Đang chờ"
    assert page.upload_box.queue_note.text() == "Hàng chờ gửi: 1"
    assert [e.status for e in upload.queue(db)] == ["queued"]


def test_clerk_exports_but_cannot_import_or_configure(qtbot, db, home, admin):
    set_profile(db, admin, "82", unit_code="28249")
    p = ExchangePage(PageContext(db, home, Actor("thu", "clerk")), "x")
    qtbot.addWidget(p)
    assert p.export_box.export_button.isEnabled() and not p.import_box.import_button.isEnabled()
    assert not p.export_box.personal.isEnabled() and not p.upload_box.endpoint.isEnabled()
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(ServiceRecord)) == 0


def test_the_period_is_chosen_with_the_report_pickers_and_says_its_days(page, qtbot):
    picker = page.export_box.period_picker
    assert picker.kind_box.currentText() == "Tháng"  # the same picker as Báo cáo, not a typed code
    picker.kind_box.setCurrentIndex(picker.kind_box.findData("quarter"))
    picker.year_spin.setValue(2025)
    picker.quarter_box.setCurrentIndex(3)
    assert picker.period().key == "2025-Q4"
    assert picker.days_label.text() == "01/10/2025 – 31/12/2025"
    picker.set_period("2025-03")
    assert picker.days_label.text() == "01/03/2025 – 31/03/2025"


def test_closing_during_an_export_asks_stops_cleanly_and_says_what_was_not_made(qtbot, open_window, db, home, admin, tmp_path,
                                                                               captured_messages, monkeypatch):
    import dxdesk.ui.pages.exchange.page as module
    from dxdesk.ui import messages

    set_profile(db, admin, "82", unit_code="28249")
    demo.fill(db, admin, records=500, seed=4, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
    gate, real = threading.Event(), module.export_package

    def held(*args, progress=None, **kwargs):  # the export is in the middle of writing when the window closes
        def slow(done, total):
            gate.wait(10)
            return progress(done, total)
        return real(*args, progress=slow, **kwargs)

    monkeypatch.setattr(module, "export_package", held)
    win = open_window(db, admin, catalogue=False, size=None)
    page = win.show_page("exchange")
    page.export_box.period_picker.set_period("2025")
    out = tmp_path / "out"
    out.mkdir()
    page.start_export(out / "dxdesk-2025.zip")
    qtbot.waitUntil(lambda: list(out.glob("*.part")) != [], timeout=10_000)

    messages.answers[:] = [False]  # "Keep working": the window stays, the export goes on
    win.close()
    assert win.isVisible() and page.job is not None
    assert captured_messages[-1][0] == "confirm"
    assert captured_messages[-1][2] == "Đang xuất gói dxdesk-2025.zip — dừng và thoát?"

    messages.answers[:] = [True]  # "Stop and quit"
    QTimer.singleShot(50, gate.set)
    win.close()
    assert not win.isVisible()
    kind, _title, text = captured_messages[-1]
    assert kind == "info" and text == "Gói dxdesk-2025.zip chưa được tạo."
    assert list(out.iterdir()) == []  # neither the package nor a *.part
