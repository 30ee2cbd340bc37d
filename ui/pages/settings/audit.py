"""Cài đặt → Nhật ký: the audit log, read-only, with filters (dates, who, kind of action), exportable to CSV.
Coordinators and administrators only (the domain refuses others)."""

from __future__ import annotations

import json
from pathlib import Path

from dxdesk.ui import messages
from PySide6.QtCore import QDate
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from dxdesk import clock
from dxdesk.errors import UserError
from dxdesk.i18n import N_, _
from dxdesk.security import auth
from dxdesk.security.permissions import ROLE_LABELS, allowed
from dxdesk.vnformat import fmt_int

LIMIT = 5000
# filter: (label msgid, action prefix)
KINDS = (
    (N_("All actions"), ""),
    (N_("Sign-ins"), "auth."),
    (N_("Entries logged, corrected, voided"), "record."),
    (N_("Contact data and purges"), "personal."),
    (N_("Contact data viewed or recorded"), "contact."),
    (N_("Users and roles"), "user."),
    (N_("Settings"), "settings."),
    (N_("Backups"), "backup."),
    (N_("Exports"), "export"),
    (N_("Imports"), "import"),
    (N_("Signing keys"), "keys."),
)
ACTION_LABELS = {
    "auth.sign_in": N_("signed in"),
    "auth.sign_in_failed": N_("sign-in failed"),
    "record.void": N_("voided an entry"),
    "record.correct": N_("corrected an entry"),
    "contact.record": N_("recorded a contact (with consent)"),
    "contact.view": N_("viewed a contact"),
    "contact.erase": N_("erased a contact"),
    "personal.purge": N_("retention purge of contacts"),
    "personal.erase": N_("erased a citizen's contacts on request"),
    "user.create": N_("added a user"),
    "user.role": N_("changed a role"),
    "user.reset_secret": N_("set a new PIN"),
    "user.change_secret": N_("changed own PIN"),
    "user.activate": N_("turned a user on"),
    "user.deactivate": N_("turned a user off"),
    "user.link_volunteer": N_("linked a volunteer"),
    "settings.change": N_("changed a setting"),
    "backup.create": N_("made a backup"),
    "backup.restore": N_("restored a backup"),
    "recovery.code_shown": N_("showed the recovery code"),
    "recovery.key_restored": N_("restored the key from the recovery code"),
    "audit.export": N_("exported the audit log"),
    "data.import_unsigned": N_("imported an unsigned package"),
    "keys.enrol": N_("enrolled a unit's signing key"),
    "keys.pin": N_("pinned the province's signing key"),
    "keys.repin": N_("re-pinned the province's signing key"),
    "keys.rotate": N_("rotated this database's signing key"),
    "keys.rotated": N_("accepted a sender's new key (rotation)"),
    "keys.export_enrolment": N_("wrote the enrolment file"),
    "guide.allow_domain": N_("allowed an address for guide links"),
}


def _details_text(raw: str) -> str:
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        return raw
    if not isinstance(data, dict):
        return str(data)
    return "; ".join(f"{k}={v}" for k, v in data.items())


class AuditTab(QWidget):
    def __init__(self, ctx, title: str = "", parent=None):
        super().__init__(parent)
        self.ctx = ctx
        today = QDate.currentDate()
        self.start = QDateEdit(today.addDays(-30), objectName="audit_from")
        self.end = QDateEdit(today, objectName="audit_to")
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy")
        self.who = QComboBox(objectName="audit_who")
        self.kind = QComboBox(objectName="audit_kind")
        for label, prefix in KINDS:
            self.kind.addItem(_(label), prefix)
        self.refresh_button = QPushButton(_("&Show"), objectName="audit_show")
        self.export_button = QPushButton(_("E&xport CSV…"), objectName="audit_export")
        bar = QHBoxLayout()
        for text, widget in ((_("&From:"), self.start), (_("&To:"), self.end), (_("&Who:"), self.who),
                             (_("&Kind:"), self.kind)):
            label = QLabel(text)
            label.setBuddy(widget)
            bar.addWidget(label)
            bar.addWidget(widget)
        bar.addWidget(self.refresh_button)
        bar.addStretch(1)
        bar.addWidget(self.export_button)

        self.model = QStandardItemModel(0, 5, self)
        self.model.setHorizontalHeaderLabels([_("Time"), _("Who"), _("Role"), _("Action"), _("Details")])
        self.table = QTableView(objectName="audit_table")
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.status = QLabel(objectName="audit_status")
        self.status.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        self.refresh_button.clicked.connect(self.refresh)
        self.export_button.clicked.connect(self.export)
        for combo in (self.who, self.kind):
            combo.activated.connect(self.refresh)
        ctx.events.actor_changed.connect(self.activated)
        self.activated()

    def activated(self) -> None:
        may = allowed(self.ctx.actor, "audit.view")
        for w in (self.start, self.end, self.who, self.kind, self.refresh_button, self.export_button, self.table):
            w.setEnabled(may)
        if not may:
            self.model.removeRows(0, self.model.rowCount())
            self.status.setText(_("Only a coordinator or an administrator may view the audit log."))
            return
        current = self.who.currentData()
        self.who.clear()
        self.who.addItem(_("Everyone"), "")
        for name in auth.audit_actors(self.ctx.db, self.ctx.actor):
            self.who.addItem(name, name)
        self.who.setCurrentIndex(max(0, self.who.findData(current)) if current else 0)
        self.refresh()

    def _filter(self) -> auth.AuditFilter:
        return auth.AuditFilter(start=self.start.date().toPython(), end=self.end.date().toPython(),
                                actor=self.who.currentData() or "", action_prefix=self.kind.currentData() or "")

    def refresh(self) -> None:
        try:
            rows = auth.audit_events(self.ctx.db, self.ctx.actor, self._filter(), limit=LIMIT + 1)
        except UserError as exc:
            self.status.setText(exc.message)
            return
        self.model.removeRows(0, self.model.rowCount())
        for r in rows[:LIMIT]:
            role = _(ROLE_LABELS[r.actor_role]) if r.actor_role in ROLE_LABELS else r.actor_role
            label = _(ACTION_LABELS[r.action]) if r.action in ACTION_LABELS else r.action
            details = _details_text(r.details)
            if r.entity_id:
                details = f"{r.entity} {r.entity_id}" + (f" — {details}" if details else "")
            items = [QStandardItem(r.at.strftime("%d/%m/%Y %H:%M:%S")), QStandardItem(r.actor), QStandardItem(role),
                     QStandardItem(label), QStandardItem(details)]
            items[3].setToolTip(r.action)
            items[4].setToolTip(details)
            self.model.appendRow(items)
        more = len(rows) > LIMIT
        self.status.setText(
            (_("Showing the newest {n} events; narrow the dates to see older ones.") if more else
             _("{n} events. The log is append-only: nobody can edit or delete an event from dxdesk.")).format(
                n=fmt_int(min(len(rows), LIMIT))))

    def export(self) -> None:
        suggested = str(Path.home() / f"nhat-ky-{clock.today():%Y%m%d}.csv")
        path, _filter = QFileDialog.getSaveFileName(self, _("Export the audit log"), suggested, _("CSV files (*.csv)"))
        if not path:
            return
        try:
            n = auth.export_csv(self.ctx.db, self.ctx.actor, self._filter(), path)
        except UserError as exc:
            messages.warning(self, _("Export the audit log"), exc.message)
            return
        self.ctx.events.status_message.emit(_("Wrote {path}: {n} events.").format(path=path, n=fmt_int(n)))
        self.refresh()

