"""The sign-in dialog as the first window (issue #16): on screen before the database opens, completed when it is;
the sign-in step then uses it, or closes it when another way in applies (demo data, a first start)."""

from dxdesk.ui.app import create_application
from dxdesk.ui.signin import FirstAdminDialog, SignInDialog, sign_in
from PySide6.QtCore import Qt

from dxdesk import demo
from dxdesk.security import auth


def test_the_dialog_opens_before_the_database_and_signs_in_once_it_is_open(qtbot, db, admin, home, monkeypatch):
    auth.create_user(db, admin, "lan", "Chị Lan", "clerk", "135792")
    create_application()
    dialog = SignInDialog(None)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.username.hasFocus() or dialog.focusWidget() is dialog.username
    qtbot.keyClicks(dialog.username, "lan")  # typed before the database is open: kept in the field
    dialog.secret.setText("135792")
    dialog.try_sign_in()  # nothing to check against yet: nothing happens, nothing is lost
    assert dialog.actor is None and dialog.isVisible() and dialog.secret.text() == "135792"
    monkeypatch.setattr(SignInDialog, "exec", lambda self: (self.try_sign_in(), self.result())[1])
    actor = sign_in(None, db, home, shown=dialog)  # the database is open now
    assert dialog.username.completer().model().stringList() == ["lan"]
    assert actor is not None and actor.username == "lan"


def test_a_database_without_users_closes_it_and_creates_the_administrator(qtbot, db, home, monkeypatch):
    create_application()
    dialog = SignInDialog(None)
    qtbot.addWidget(dialog)
    dialog.show()
    asked = []
    monkeypatch.setattr(FirstAdminDialog, "exec", lambda self: (asked.append(self.isVisible()), 0)[1])
    assert sign_in(None, db, home, shown=dialog) is None  # the first-admin dialog was cancelled
    assert asked == [False] and not dialog.isVisible()


def test_demo_data_closes_it_and_opens_as_the_coordinator(qtbot, db, admin, home):
    demo.fill(db, admin, records=10)
    create_application()
    dialog = SignInDialog(None)
    qtbot.addWidget(dialog)
    dialog.show()
    actor = sign_in(None, db, home, shown=dialog)
    assert actor.role == "coordinator" and not dialog.isVisible()


def test_a_locked_account_named_before_the_database_opened_shows_its_wait_once_it_is(qtbot, db, admin):
    auth.create_user(db, admin, "lan", "Chị Lan", "clerk", "135792")
    for _attempt in range(3):
        try:
            auth.authenticate(db, "lan", "000000")
        except Exception:  # noqa: BLE001 - the wrong PINs are the point
            pass
    create_application()
    dialog = SignInDialog(None, username="lan")
    qtbot.addWidget(dialog)
    assert dialog.secret.isEnabled()  # nothing known yet
    dialog.open_database(db)
    assert not dialog.secret.isEnabled() and "giây" in dialog.message.text()
    assert dialog.username.completer().caseSensitivity() == Qt.CaseSensitivity.CaseInsensitive
