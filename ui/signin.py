"""Who uses the GUI: the first start creates the administrator, a demo database opens as its coordinator,
otherwise a sign-in dialog (user name + PIN/password) that shows the lockout wait."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from dxdesk.errors import UserError
from dxdesk.i18n import _
from dxdesk.security.actor import Actor

log = logging.getLogger(__name__)


def _secret_edit(name: str) -> QLineEdit:
    edit = QLineEdit(objectName=name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(128)
    return edit


class SignInDialog(QDialog):
    """User name + PIN/password. `actor` holds who signed in after accept()."""

    def __init__(self, db, parent=None, title: str | None = None, username: str = ""):
        """DB may be None: the dialog is then shown before the database is open, and `open_database(db)` completes
        it (names to complete, the demo hint) a moment later; a click or key meanwhile waits in the queue."""
        super().__init__(parent)
        self.setObjectName("signin")
        self.db = None
        self.actor: Actor | None = None
        self.setWindowTitle(title or _("Sign in to dxdesk"))
        self.setMinimumWidth(420)
        intro = QLabel(_("Each person at the counter signs in with their own user name and PIN, so entries and "
                         "the audit log show who did what."))
        intro.setWordWrap(True)
        self.username = QLineEdit(username, objectName="username")
        self.username.setMaxLength(60)
        self.secret = _secret_edit("secret")
        self.message = QLabel("", objectName="signin_message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        form = QFormLayout()
        user_label = QLabel(_("&User name:"))
        user_label.setBuddy(self.username)
        secret_label = QLabel(_("&PIN or password:"))
        secret_label.setBuddy(self.secret)
        form.addRow(user_label, self.username)
        form.addRow(secret_label, self.secret)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(_("&Sign in"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.accepted.connect(self.try_sign_in)
        self.buttons.rejected.connect(self.reject)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addWidget(intro)
        self.layout_.addLayout(form)
        self.layout_.addWidget(self.message)
        self.layout_.addWidget(self.buttons)
        self._timer = QTimer(self, interval=1000)
        self._timer.timeout.connect(self._tick)
        self.username.textChanged.connect(self._tick)  # a locked account shows its wait as soon as it is named
        (self.secret if username else self.username).setFocus()
        if db is not None:
            self.open_database(db)

    def open_database(self, db) -> None:
        """The database is open: the user names to complete and, on demo data, how to sign in."""
        from dxdesk.security import auth

        self.db = db
        completer = QCompleter(auth.sign_in_names(db), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.username.setCompleter(completer)
        if _is_demo(db):  # demo data: how to sign in is on the dialog, not only in docs/permissions.md
            demo_hint = QLabel(auth.demo_sign_in_text(), objectName="demo_hint", wordWrap=True)
            demo_hint.setStyleSheet("color: #1b7a2f; font-weight: bold;")
            demo_hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.layout_.insertWidget(1, demo_hint)
        if self.username.text():
            self._tick()

    def _tick(self) -> None:
        """While the account is locked the PIN field and the button are off and the time left counts down."""
        if self.db is None:  # not open yet: open_database() looks again
            return
        from dxdesk.security import auth

        left = auth.lockout_remaining(self.db, self.username.text())
        if left <= 0:
            locked = not self.secret.isEnabled()
            self._timer.stop()
            self.ok_button.setEnabled(True)
            self.secret.setEnabled(True)
            if locked:
                self.message.setText(_("You can try again now."))
                self.secret.setFocus()
            return
        self.ok_button.setEnabled(False)
        self.secret.setEnabled(False)
        self.message.setText(auth.locked_message(left))
        if not self._timer.isActive():
            self._timer.start()

    def try_sign_in(self) -> None:
        if self.db is None:  # not open yet (the click came before it): nothing to check against
            return
        from dxdesk.security import auth

        if not self.username.text().strip():
            self.message.setText(_("Write your user name."))
            self.username.setFocus()
            return
        try:
            self.actor = auth.authenticate(self.db, self.username.text(), self.secret.text())
        except UserError as exc:
            self.secret.clear()
            self.secret.setFocus()
            self.message.setText(exc.message)
            if auth.lockout_remaining(self.db, self.username.text()) > 0:
                self._tick()
                self.message.setText(exc.message)  # the reason first; the countdown takes over at the next tick
            return
        self.accept()


class FirstAdminDialog(QDialog):
    """The first start on a database without users: create the administrator."""

    def __init__(self, db, parent=None):
        super().__init__(parent)
        self.db = db
        self.actor: Actor | None = None
        self.setWindowTitle(_("Create the administrator"))
        self.setMinimumWidth(460)
        intro = QLabel(_("This database has no users yet. Create the administrator account: it adds the other "
                         "users (volunteers, clerks, coordinators) in Settings → Users."))
        intro.setWordWrap(True)
        self.username = QLineEdit("quantri", objectName="username")
        self.display = QLineEdit(objectName="display_name")
        self.display.setPlaceholderText(_("e.g. Nguyễn Thị Lan"))
        self.secret = _secret_edit("secret")
        self.again = _secret_edit("secret_again")
        hint = QLabel(_("A PIN of at least 6 digits, or a password of at least 8 characters."))
        hint.setWordWrap(True)
        self.message = QLabel("", objectName="signin_message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        form = QFormLayout()
        for text, widget in ((_("&User name:"), self.username), (_("&Name shown:"), self.display),
                             (_("&PIN or password:"), self.secret), (_("&Again:"), self.again)):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        form.addRow("", hint)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("C&reate and sign in"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self.create)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.display.setFocus()

    def create(self) -> None:
        from dxdesk.security import auth

        if self.secret.text() != self.again.text():
            self.message.setText(_("The two entries differ."))
            self.again.clear()
            self.again.setFocus()
            return
        try:
            self.actor = auth.create_first_admin(self.db, self.username.text(), self.display.text(),
                                                 self.secret.text())
        except UserError as exc:
            self.message.setText(exc.message)
            return
        self.accept()


def _is_demo(db) -> bool:
    from dxdesk.settings.profile import get_profile

    profile = get_profile(db)
    return bool(profile and profile.is_demo)


def demo_actor(db) -> Actor | None:
    """A demo database opens signed in as its coordinator (display name marked as demo)."""
    from dxdesk.security import auth

    if not _is_demo(db):
        return None
    coordinator = auth.demo_coordinator(db)
    if coordinator is None and not auth.has_users(db):
        auth.create_demo_users(db)
        coordinator = auth.demo_coordinator(db)
    if coordinator is None:
        return None
    from dxdesk.security import audit

    with db.write() as session:
        audit.record(session, coordinator, "auth.sign_in", "user", coordinator.user_id, demo=True)
    return coordinator


def after_sign_in(db) -> None:
    """Housekeeping once someone is in at the start (dxdesk.ui.app): the automatic retention purge of contact
    fields (once a day)."""
    from dxdesk.security import privacy

    try:
        privacy.auto_purge(db)
    except Exception:  # noqa: BLE001 - never keeps anyone out of the app; logged for the admin
        log.exception("automatic retention purge failed")


def sign_in(parent, db, paths, shown: SignInDialog | None = None) -> Actor | None:
    """The actor for this session, or None when the user gave up signing in. SHOWN: a sign-in dialog already on
    screen, put up before the database opened (dxdesk.startup guessed a PIN would be asked): it is used when this
    database does ask for one, and closed when another way in applies (demo data, a first start)."""
    from dxdesk.security import auth

    actor = demo_actor(db)
    if actor is None:
        if auth.has_users(db):
            dialog = shown if shown is not None else SignInDialog(db, parent)
            if shown is not None:
                shown.open_database(db)
        else:
            dialog = FirstAdminDialog(db, parent)
        if shown is not None and dialog is not shown:
            shown.close()
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        actor = dialog.actor
    elif shown is not None:
        shown.close()
    return actor
