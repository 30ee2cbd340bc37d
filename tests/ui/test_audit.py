"""Settings → Audit log: filters by who and kind, read-only, export; hidden from volunteers and clerks."""

from dxdesk.ui.app import create_application
from dxdesk.ui.context import PageContext
from PySide6.QtWidgets import QAbstractItemView

from dxdesk.security import auth
from dxdesk.security.actor import Actor


def _tab(qtbot, db, home, actor):
    from dxdesk.ui.pages.settings.audit import AuditTab

    create_application()
    tab = AuditTab(PageContext(db=db, paths=home, actor=actor), "Nhật ký")
    qtbot.addWidget(tab)
    tab.resize(880, 560)
    tab.show()
    return tab


def _fill(db, admin):
    auth.create_user(db, admin, "lan", "Chị Lan", "clerk", "135792")
    auth.authenticate(db, "lan", "135792")
    for _ in range(2):
        try:
            auth.authenticate(db, "lan", "000000")
        except Exception:  # noqa: BLE001
            pass


def test_filters_and_read_only(qtbot, db, home, admin, qtmodeltester, monkeypatch, tmp_path):
    _fill(db, admin)
    tab = _tab(qtbot, db, home, admin)
    qtmodeltester.check(tab.model)
    assert tab.model.rowCount() == 4  # user.create + 1 sign-in + 2 failures
    assert tab.table.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
    tab.kind.setCurrentIndex(tab.kind.findData("auth."))
    tab.refresh()
    actions = [tab.model.item(r, 3).text() for r in range(tab.model.rowCount())]
    assert actions == ["đăng nhập không thành công", "đăng nhập không thành công", "đăng nhập"]
    tab.who.setCurrentIndex(tab.who.findData("cli:" + admin.username.split(":")[1]))
    tab.refresh()
    assert tab.model.rowCount() == 0
    tab.kind.setCurrentIndex(0)
    tab.refresh()
    assert [tab.model.item(r, 3).text() for r in range(tab.model.rowCount())] == ["thêm người dùng"]
    assert "000000" not in "".join(tab.model.item(r, 4).text() for r in range(tab.model.rowCount()))
    out = tmp_path / "nk.csv"
    monkeypatch.setattr("PySide6.QtWidgets.QFileDialog.getSaveFileName", lambda *a, **k: (str(out), ""))
    tab.export()
    assert "user.create" in out.read_text(encoding="utf-8-sig")


def test_clerk_cannot_view(qtbot, db, home, admin):
    _fill(db, admin)
    tab = _tab(qtbot, db, home, Actor("lan", "clerk"))
    assert tab.model.rowCount() == 0 and not tab.table.isEnabled()
    assert "Chỉ tổ trưởng" in tab.status.text()
