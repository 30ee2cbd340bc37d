"""Sign-in: first start creates the admin; a demo database opens as its coordinator; wrong PIN shows the
lockout wait and disables the button; switch user replaces the actor and tells the pages."""

import datetime as dt

import pytest
from dxdesk.ui.app import create_application
from dxdesk.ui.context import PageContext
from PySide6.QtCore import Qt
from sqlalchemy import select

from dxdesk import demo
from dxdesk.db.models import AuditEvent
from dxdesk.errors import UserError
from dxdesk.security import auth


def test_first_start_creates_the_admin(qtbot, db):
    from dxdesk.ui.signin import FirstAdminDialog

    create_application()
    dialog = FirstAdminDialog(db)
    qtbot.addWidget(dialog)
    dialog.display.setText("Nguyễn Thị Lan")
    dialog.secret.setText("246810")
    dialog.again.setText("246811")
    dialog.create()
    assert "không khớp" in dialog.message.text() and not auth.has_users(db)
    dialog.again.setText("246810")
    dialog.secret.setText("246810")
    dialog.create()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert (dialog.actor.username, dialog.actor.role, dialog.actor.display_name) == ("quantri", "admin", "Nguyễn Thị Lan")
    assert auth.authenticate(db, "quantri", "246810").role == "admin"


def test_sign_in_dialog_wrong_pin_then_locked(qtbot, db, admin, monkeypatch):
    from dxdesk.ui.signin import SignInDialog

    now = [dt.datetime(2026, 3, 2, 8, 0)]
    monkeypatch.setattr(auth, "_now", lambda: now[0])
    auth.create_user(db, admin, "lan", "Chị Lan", "clerk", "135792")
    create_application()
    dialog = SignInDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.username, "lan")
    for _attempt in range(3):
        dialog.secret.setText("000000")
        qtbot.keyClick(dialog.secret, Qt.Key.Key_Return)
    assert "Sai tên đăng nhập" in dialog.message.text()
    assert "30 giây" in dialog.message.text()
    assert not dialog.ok_button.isEnabled() and dialog.secret.text() == ""
    assert not dialog.secret.isEnabled()  # no typing into a locked account
    assert dialog.isVisible()
    now[0] += dt.timedelta(seconds=12)
    dialog._tick()
    assert "18 giây" in dialog.message.text() and not dialog.secret.isEnabled()  # the time left, counting down
    now[0] += dt.timedelta(seconds=19)
    dialog._tick()
    assert dialog.ok_button.isEnabled() and dialog.secret.isEnabled()
    dialog.secret.setText("135792")
    qtbot.keyClick(dialog.secret, Qt.Key.Key_Return)
    assert dialog.result() == dialog.DialogCode.Accepted and dialog.actor.username == "lan"


def test_sign_in_dialog_shows_a_locked_account_at_once(qtbot, db, admin, monkeypatch):
    from dxdesk.ui.signin import SignInDialog

    now = [dt.datetime(2026, 3, 2, 8, 0)]
    monkeypatch.setattr(auth, "_now", lambda: now[0])
    auth.create_user(db, admin, "lan", "Chị Lan", "clerk", "135792")
    for _attempt in range(5):
        with pytest.raises(UserError):
            auth.authenticate(db, "lan", "000000")
    create_application()
    dialog = SignInDialog(db)  # another window: the account is already locked
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.username, "lan")
    qtbot.keyClick(dialog.username, Qt.Key.Key_Tab)
    assert not dialog.secret.isEnabled() and not dialog.ok_button.isEnabled()
    assert "30 giây" in dialog.message.text()


def test_demo_database_opens_as_its_coordinator(qtbot, db, admin, home):
    from dxdesk.ui.signin import sign_in

    demo.fill(db, admin, records=10)
    actor = sign_in(None, db, home)  # no dialog: returns at once
    assert actor.role == "coordinator" and "demo" in actor.display_name
    with db.session() as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "auth.sign_in"))
    assert event.actor == actor.username and '"demo": true' in event.details


def test_switch_user(qtbot, db, admin, home, monkeypatch):
    from dxdesk.ui import switch_user as sw
    from dxdesk.ui.signin import SignInDialog

    auth.create_user(db, admin, "lan", "Chị Lan", "clerk", "135792")
    create_application()
    ctx = PageContext(db=db, paths=home, actor=admin)
    seen = []
    ctx.events.actor_changed.connect(lambda: seen.append(ctx.actor.username))

    def fake_exec(self):
        self.username.setText("lan")
        self.secret.setText("135792")
        self.try_sign_in()
        return self.result()

    monkeypatch.setattr(SignInDialog, "exec", fake_exec)
    assert sw.switch_user(None, ctx)
    assert ctx.actor.username == "lan" and ctx.actor.role == "clerk" and seen == ["lan"]


def test_a_demo_databases_sign_in_dialog_says_how_to_sign_in(qtbot, db, admin, home):
    from dxdesk.ui.signin import SignInDialog
    from PySide6.QtWidgets import QLabel

    create_application()
    plain = SignInDialog(db)
    qtbot.addWidget(plain)
    assert plain.findChild(QLabel, "demo_hint") is None  # a real database never shows a PIN
    demo.fill(db, admin, records=10)
    dialog = SignInDialog(db)
    qtbot.addWidget(dialog)
    hint = dialog.findChild(QLabel, "demo_hint").text()
    assert hint == "Dữ liệu mẫu: đăng nhập bằng totruong (hoặc quantri, canbo, tinhnguyen), mã PIN 123456."
    qtbot.keyClicks(dialog.username, "totruong")
    qtbot.keyClicks(dialog.secret, "123456")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.actor is not None and dialog.actor.role == "coordinator"
