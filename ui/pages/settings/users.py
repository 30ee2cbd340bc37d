"""Cài đặt → Người dùng: local accounts, their roles, PIN resets, turning off, linking to a volunteer.

Only administrators change anything (the domain refuses others too); everyone may change their own PIN."""

from __future__ import annotations

from dxdesk.ui import messages
from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from dxdesk.errors import UserError
from dxdesk.i18n import _
from dxdesk.security import auth
from dxdesk.security.permissions import ACTIONS, ROLE_LABELS, ROLE_ORDER, allowed
from dxdesk.vnformat import fmt_date


def _volunteers(db) -> list[tuple[int, str, int | None]]:
    from dxdesk.volunteers.members import list_volunteers

    return [(v.id, v.name, v.user_id) for v in list_volunteers(db, include_inactive=False)]


def _secret(name: str) -> QLineEdit:
    edit = QLineEdit(objectName=name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(128)
    return edit


def role_summary(role: str) -> str:
    """What a role may do, in words (from the permission matrix)."""
    lowest = {r: i for i, r in enumerate(ROLE_ORDER)}
    mine = [_(label) for action, (label, low) in ACTIONS.items() if lowest[low] == lowest.get(role, -1)]
    return ", ".join(mine)


class UserDialog(QDialog):
    """Add a user: user name, name shown, role, PIN twice, optional volunteer."""

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(_("Add a user"))
        self.username = QLineEdit(objectName="new_username")
        self.username.setMaxLength(60)
        self.username.setPlaceholderText(_("e.g. lan.nguyen (no accents)"))
        self.display = QLineEdit(objectName="new_display_name")
        self.display.setMaxLength(120)
        self.role = QComboBox(objectName="new_role")
        for role in ROLE_ORDER:
            self.role.addItem(_(ROLE_LABELS[role]), role)
        self.role_help = QLabel(objectName="role_help")
        self.role_help.setWordWrap(True)
        self.secret = _secret("new_secret")
        self.again = _secret("new_secret_again")
        self.volunteer = QComboBox(objectName="new_volunteer")
        self.volunteer.addItem(_("(not a volunteer)"), None)
        for vid, name, user_id in _volunteers(ctx.db):
            if user_id is None:
                self.volunteer.addItem(name, vid)
        form = QFormLayout()
        for text, widget in ((_("&User name:"), self.username), (_("&Name shown:"), self.display),
                             (_("&Role:"), self.role), ("", self.role_help), (_("&PIN or password:"), self.secret),
                             (_("&Again:"), self.again), (_("&Volunteer record:"), self.volunteer)):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        self.message = QLabel(objectName="user_message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("Save"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.role.currentIndexChanged.connect(self._role_changed)
        self._role_changed()

    def _role_changed(self) -> None:
        role = self.role.currentData()
        self.role_help.setText(_("Adds: {what}.").format(what=role_summary(role)))

    def save(self) -> None:
        if self.secret.text() != self.again.text():
            self.message.setText(_("The two entries differ."))
            return
        try:
            auth.create_user(self.ctx.db, self.ctx.actor, self.username.text(), self.display.text(),
                             self.role.currentData(), self.secret.text(), volunteer_id=self.volunteer.currentData())
        except UserError as exc:
            self.message.setText(exc.message)
            return
        self.accept()


class UsersTab(QWidget):
    def __init__(self, ctx, title: str = "", parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.model = QStandardItemModel(0, 6, self)
        self.model.setHorizontalHeaderLabels([_("User name"), _("Name shown"), _("Role"), _("Volunteer"),
                                              _("State"), _("Created")])
        self.table = QTableView(objectName="users_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.note = QLabel(objectName="users_note")
        self.note.setWordWrap(True)

        self.add_button = QPushButton(_("&Add user…"), objectName="add_user")
        self.role_button = QPushButton(_("Change &role…"), objectName="change_role")
        self.reset_button = QPushButton(_("Set new &PIN…"), objectName="reset_pin")
        self.active_button = QPushButton(_("Turn o&ff / on"), objectName="toggle_active")
        self.link_button = QPushButton(_("&Link volunteer…"), objectName="link_volunteer")
        self.own_button = QPushButton(_("Change &my PIN…"), objectName="own_pin")
        self.add_button.clicked.connect(self.add_user)
        self.role_button.clicked.connect(self.change_role)
        self.reset_button.clicked.connect(self.reset_pin)
        self.active_button.clicked.connect(self.toggle_active)
        self.link_button.clicked.connect(self.link_volunteer)
        self.own_button.clicked.connect(self.change_own_pin)
        self.manage_buttons = (self.add_button, self.role_button, self.reset_button, self.active_button,
                               self.link_button)
        buttons = QHBoxLayout()
        for b in (*self.manage_buttons, self.own_button):
            buttons.addWidget(b)
        buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        ctx.events.actor_changed.connect(self.refresh)
        self.refresh()

    def activated(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        may = allowed(self.ctx.actor, "user.manage")
        self.note.setText(
            _("Each person signs in with their own user name and PIN. Roles decide what they may do; the "
              "table of permissions is in the documentation.") if may else
            _("Only an administrator manages users. You can change your own PIN."))
        keep = self.selected().id if getattr(self, "rows", None) and self.selected() else None
        self.rows = auth.list_users(self.ctx.db, self.ctx.actor)
        self.model.removeRows(0, self.model.rowCount())
        for r in self.rows:
            state = _("active") if r.active else _("turned off")
            if r.locked_until is not None and r.active:
                state = _("locked for a while")
            items = [QStandardItem(v) for v in (r.username, r.display_name, _(ROLE_LABELS.get(r.role, r.role)),
                                                r.volunteer_name or "", state, fmt_date(r.created_at.date()))]
            items[0].setData(r.id, Qt.ItemDataRole.UserRole)
            self.model.appendRow(items)
        for index, r in enumerate(self.rows):
            if r.id == keep:
                self.table.selectRow(index)
        self.own_button.setEnabled(self.ctx.actor.user_id is not None)
        self._update_buttons()

    def _update_buttons(self, *args) -> None:
        may = allowed(self.ctx.actor, "user.manage")
        selected = self.selected() is not None
        self.add_button.setEnabled(may)
        for b in self.manage_buttons[1:]:
            b.setEnabled(may and selected)

    def selected(self):
        rows = self.table.selectionModel().selectedRows()
        return self.rows[rows[0].row()] if rows else None

    def _run(self, fn, *args) -> bool:
        try:
            fn(self.ctx.db, self.ctx.actor, *args)
        except UserError as exc:
            messages.warning(self, _("Users"), exc.message)
            return False
        self.refresh()
        return True

    def add_user(self) -> None:
        if UserDialog(self.ctx, self).exec() == QDialog.DialogCode.Accepted:
            self.refresh()
            self.ctx.events.status_message.emit(_("User added."))

    def change_role(self) -> None:
        row = self.selected()
        if row is None:
            return
        labels = [_(ROLE_LABELS[r]) for r in ROLE_ORDER]
        label, ok = QInputDialog.getItem(self, _("Change role"), _("Role of {name}:").format(name=row.display_name),
                                         labels, ROLE_ORDER.index(row.role), False)
        if ok:
            self._run(auth.set_role, row.id, ROLE_ORDER[labels.index(label)])

    def reset_pin(self) -> None:
        row = self.selected()
        if row is None:
            return
        secret, ok = QInputDialog.getText(self, _("Set new PIN"), _("New PIN or password for {name}:").format(
            name=row.display_name), QLineEdit.EchoMode.Password)
        if ok and self._run(auth.reset_secret, row.id, secret):
            self.ctx.events.status_message.emit(_("New PIN set; the account is unlocked."))

    def toggle_active(self) -> None:
        row = self.selected()
        if row is not None:
            self._run(auth.set_active, row.id, not row.active)

    def link_volunteer(self) -> None:
        row = self.selected()
        if row is None:
            return
        choices = [(None, _("(not a volunteer)"))] + [(vid, name) for vid, name, uid in _volunteers(self.ctx.db)
                                                        if uid in (None, row.id)]
        labels = [c[1] for c in choices]
        current = next((i for i, c in enumerate(choices) if c[0] == row.volunteer_id), 0)
        label, ok = QInputDialog.getItem(self, _("Link volunteer"), _("Volunteer record of {name}:").format(
            name=row.display_name), labels, current, False)
        if ok:
            self._run(auth.link_volunteer, row.id, choices[labels.index(label)][0])

    def change_own_pin(self) -> None:
        dialog = QDialog(self)
        dialog.setWindowTitle(_("Change my PIN"))
        old, new, again = _secret("old_secret"), _secret("own_new_secret"), _secret("own_secret_again")
        form = QFormLayout(dialog)
        form.addRow(_("Current PIN or password:"), old)
        form.addRow(_("New PIN or password:"), new)
        form.addRow(_("Again:"), again)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("Save"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        form.addRow(buttons)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        if new.text() != again.text():
            messages.warning(self, _("Change my PIN"), _("The two entries differ."))
            return
        try:
            auth.change_own_secret(self.ctx.db, self.ctx.actor, old.text(), new.text())
        except UserError as exc:
            messages.warning(self, _("Change my PIN"), exc.message)
            return
        self.ctx.events.status_message.emit(_("Your PIN was changed."))
