"""Trao đổi dữ liệu page: export in a worker (cancel leaves no file), import with per-package results
(refusal shown, nothing written), upload settings with the token only in the keyring, queue status."""

import datetime as dt
import threading
import zipfile

import pytest
from dxdesk.ui.context import PageContext
from dxdesk.ui.pages.exchange import ExchangePage
from PySide6.QtCore import Qt
from sqlalchemy import func, select

from dxdesk import demo
from dxdesk.actor import Actor
from dxdesk.db.models import ServiceRecord, Setting
from dxdesk.exchange import upload
from dxdesk.profile import set_profile


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
    page.period.setText("2025")
    page.start_export(tmp_path / "a.zip")
    assert page.cancel_button.isVisible() and not page.export_button.isEnabled()
    wait_idle(qtbot, page)
    assert (tmp_path / "a.zip").is_file()
    assert "3.000 lượt ghi nhận" in page.results.item(0).text()
    with zipfile.ZipFile(tmp_path / "a.zip") as zf:
        assert "personal.csv" not in zf.namelist()

    (tmp_path / "bad.zip").write_bytes(b"not a zip")
    page.start_import([tmp_path / "a.zip", tmp_path / "bad.zip"])
    wait_idle(qtbot, page)
    texts = [page.results.item(i).text() for i in range(page.results.count())]
    assert any(t.startswith("✗ Từ chối gói bad.zip") for t in texts)
    assert any(t.startswith("✓ a.zip") and "0 mới, 3000 đã có" in t for t in texts)


def test_cancelled_export_leaves_no_file(page, qtbot, tmp_path, monkeypatch):
    import dxdesk.ui.pages.exchange as module

    gate, real = threading.Event(), module.export_package

    def held(*args, **kwargs):  # the worker waits until Cancel was pressed, then exports
        gate.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, "export_package", held)
    page.period.setText("2025")
    job = page.start_export(tmp_path / "c.zip")
    qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    assert job.stop.is_set() and page.progress_label.text() == "Đang hủy…"
    gate.set()
    wait_idle(qtbot, page)
    assert list(tmp_path.glob("c.zip*")) == []
    assert "Đã hủy" in page.results.item(0).text()


def test_bad_period_is_one_message(page, captured_messages, tmp_path):
    page.period.setText("2025-13")
    assert page.start_export(tmp_path / "x.zip") is None
    assert captured_messages and "2025-13" in captured_messages[-1][2]
    assert not (tmp_path / "x.zip").exists()


def test_upload_settings_token_only_in_keyring_and_queue_status(page, db, qtbot, tmp_path, memory_keyring):
    page.endpoint.setText("https://sotttt.example.gov.vn/nhan")
    page.token.setText("abc123token")
    page.save_settings()
    assert memory_keyring.store[("dxdesk", upload.token_name(db))] == "abc123token"
    assert page.token.text() == "" and "kho mật khẩu" in page.token.placeholderText()
    with db.session() as s:
        assert "abc123token" not in "".join(v.value for v in s.scalars(select(Setting)))
    page.period.setText("2025-03")
    page.queue_after.setChecked(True)
    page.start_export(tmp_path / "q.zip")
    wait_idle(qtbot, page)
    assert page.table.rowCount() == 1 and page.table.item(0, 1).text() == "Đang chờ"
    assert page.queue_note.text() == "Hàng chờ gửi: 1"
    assert [e.status for e in upload.queue(db)] == ["queued"]


def test_clerk_exports_but_cannot_import_or_configure(qtbot, db, home, admin):
    set_profile(db, admin, "82", unit_code="28249")
    p = ExchangePage(PageContext(db, home, Actor("thu", "clerk")), "x")
    qtbot.addWidget(p)
    assert p.export_button.isEnabled() and not p.import_button.isEnabled()
    assert not p.personal.isEnabled() and not p.endpoint.isEnabled()
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(ServiceRecord)) == 0


def test_the_typed_period_is_explained_as_the_clerk_types(page):
    page.period.setText("2025-03")
    assert page.period_hint.text() == "Tháng 3/2025: 01/03/2025 – 31/03/2025"
    page.period.setText("2025-13")
    assert page.period_hint.text().startswith("Viết năm 2026, quý 2026-Q4")
    page.period.setText("2025-Q4")
    assert "01/10/2025 – 31/12/2025" in page.period_hint.text()
