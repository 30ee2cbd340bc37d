"""Signing keys on screen: the units enrolled here and the senders pinned (Trao đổi dữ liệu), the enrolment step
with the fingerprint read over the phone, and this database's own fingerprint (Cài đặt). The rules are in
dxdesk/exchange/trust.py and dxdesk/exchange/signing.py; this module only shows them and asks."""

from __future__ import annotations

from pathlib import Path

from dxdesk.ui import messages
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from dxdesk.errors import UserError
from dxdesk.exchange import signing, trust
from dxdesk.i18n import N_, _
from dxdesk.security.permissions import allowed
from dxdesk.settings.profile import get_profile

# Tests set this to a list of strings: ask_fingerprint() then returns them in order instead of asking.
typed_answers: list[str] | None = None


def ask_fingerprint(parent: QWidget | None, title: str, who: str, fingerprint: str) -> str | None:
    """Show FINGERPRINT of WHO and ask the user to type the one read to them by phone (None: cancelled)."""
    text = _("Fingerprint of {who}'s key:\n\n    {fp}\n\nCall them and ask them to read the fingerprint their dxdesk "
             "shows (Settings). Type what they read:").format(who=who, fp=fingerprint)
    if typed_answers is not None or messages.captured is not None:  # tests: never a real dialog
        if messages.captured is not None:
            messages.captured.append(("ask", title, text))
        return typed_answers.pop(0) if typed_answers else None  # nothing typed: cancelled
    value, ok = QInputDialog.getText(parent, title, text, QLineEdit.EchoMode.Normal, "")
    return value if ok else None


def own_fingerprint_text(db) -> str:
    """'Dấu vân tay khoá ký của cơ sở dữ liệu này: XXXX-…' or why there is none."""
    try:
        return _("Fingerprint of this database's signing key: {fp}").format(fp=signing.own_key(db).fingerprint)
    except UserError as exc:
        return exc.message


class TrustedKeysBox(QWidget):
    """The keys this database trusts: enrolled units (name, fingerprint, enrolled when and by whom, last package
    received) and pinned senders; buttons to enrol a unit and to write this commune's enrolment file."""

    HEADERS = (N_("Unit"), N_("Code"), N_("Fingerprint"), N_("Enrolled"), N_("By"), N_("Last package"))

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.table = QTableWidget(0, len(self.HEADERS), objectName="trusted_keys")
        self.table.setHorizontalHeaderLabels([_(h) for h in self.HEADERS])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        for column in range(len(self.HEADERS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(self.HEADERS) - 1, QHeaderView.ResizeMode.Stretch)
        self.own = QLabel(objectName="own_fingerprint")
        self.own.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.enrol_button = QPushButton(_("&Enrol a unit…"), objectName="enrol_unit")
        self.enrol_button.clicked.connect(lambda: self.choose_enrolment())
        self.export_button = QPushButton(_("Enrolment &file of this unit…"), objectName="export_enrolment")
        self.export_button.clicked.connect(lambda: self.choose_export())
        buttons = QHBoxLayout()
        buttons.addWidget(self.own, 1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.enrol_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.refresh()

    def refresh(self) -> None:
        may = allowed(self.ctx.actor, "keys.manage")
        profile = get_profile(self.ctx.db)
        self.enrol_button.setEnabled(may and profile is not None)
        self.export_button.setEnabled(may and profile is not None)
        self.own.setText(own_fingerprint_text(self.ctx.db))
        views = trust.trusted_keys(self.ctx.db)
        self.table.setRowCount(len(views))
        for r, v in enumerate(views):
            name = v.name if v.purpose == trust.UNIT else _("{name} (settings packages)").format(name=v.name)
            last = (v.last_package_at.strftime("%d/%m/%Y %H:%M") + " · " + v.last_package) if v.last_package_at else "—"
            for c, value in enumerate((name, v.subject, v.fingerprint, v.added_at.strftime("%d/%m/%Y %H:%M"),
                                       v.added_by, last)):
                self.table.setItem(r, c, QTableWidgetItem(value))

    def choose_enrolment(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, _("Enrol a unit"), str(Path.home()),
                                                    _("Enrolment files (*.json)"))
        if path:
            self.enrol(Path(path))

    def enrol(self, path: Path) -> bool:
        """Read the enrolment file, show its fingerprint, ask for the one read over the phone, enrol."""
        title = _("Enrol a unit")
        try:
            enrolment = trust.read_enrolment(path)
            typed = ask_fingerprint(self, title, f"{enrolment.unit_name} ({enrolment.unit_code})", enrolment.fingerprint)
            if typed is None:
                return False
            trust.enrol(self.ctx.db, self.ctx.actor, path, typed)
        except UserError as exc:
            messages.warning(self, title, exc.message)
            return False
        self.refresh()
        self.ctx.events.status_message.emit(_("Enrolled: {unit} ({code}), key {fp}. Its packages are accepted from now "
                                              "on.").format(unit=enrolment.unit_name, code=enrolment.unit_code,
                                                            fp=enrolment.fingerprint))
        return True

    def choose_export(self) -> None:
        profile = get_profile(self.ctx.db)
        default = str(Path.home() / f"dang-ky-khoa-{profile.unit_code if profile else ''}.json")
        path, _filter = QFileDialog.getSaveFileName(self, _("Enrolment file"), default, _("Enrolment files (*.json)"))
        if path:
            self.export(Path(path))

    def export(self, path: Path) -> bool:
        try:
            made = trust.export_enrolment(self.ctx.db, self.ctx.actor, path)
        except UserError as exc:
            messages.warning(self, _("Enrolment file"), exc.message)
            return False
        messages.info(self, _("Enrolment file"), _("Enrolment file {file} for {unit} ({code}). Fingerprint: {fp} — read "
                                                   "it to the province by phone.").format(
            file=made.path.name, unit=made.unit_name, code=made.unit_code, fp=made.fingerprint))
        return True


def pin_then(parent: QWidget, ctx, error: trust.NotPinned, path: Path) -> bool:
    """The first settings package from a sender: show its fingerprint, ask for the one read over the phone, pin."""
    title = _("Settings package")
    typed = ask_fingerprint(parent, title, error.issuer_name, error.fingerprint)
    if typed is None:
        return False
    try:
        trust.pin(ctx.db, ctx.actor, path, typed)
    except UserError as exc:
        messages.warning(parent, title, exc.message)
        return False
    return True
