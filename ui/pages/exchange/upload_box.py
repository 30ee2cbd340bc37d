"""Trao đổi dữ liệu › Upload: the province server's address and access token, the queue of packages with each
one's state and the server's answer, Queue again and Send now."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from dxdesk.errors import UserError
from dxdesk.exchange import upload
from dxdesk.i18n import N_, _
from dxdesk.security.permissions import allowed
from dxdesk.vnformat import fmt_int

STATUS_LABELS = {"queued": N_("Waiting"), "sent": N_("Sent"), "failed": N_("Refused")}


class UploadBox(QGroupBox):
    def __init__(self, parent=None):
        super().__init__(_("Upload"), parent)
        self.endpoint = QLineEdit(objectName="endpoint")
        self.endpoint.setPlaceholderText("https://…")
        self.token = QLineEdit(objectName="token")
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.save_upload = QPushButton(_("&Save"), objectName="save_upload")
        self.send_button = QPushButton(_("Se&nd now"), objectName="send_now")
        self.retry_button = QPushButton(_("&Queue again"), objectName="retry")
        self.table = QTableWidget(0, 4, objectName="queue")
        self.table.setHorizontalHeaderLabels([_("Package"), _("Status"), _("Tries"), _("Server's answer")])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        for column in (0, 1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        endpoint_label = QLabel(_("&Address:"))
        endpoint_label.setBuddy(self.endpoint)
        token_label = QLabel(_("Access &token:"))
        token_label.setBuddy(self.token)
        row = QHBoxLayout()
        row.addWidget(self.endpoint, 2)
        row.addWidget(token_label)
        row.addWidget(self.token, 1)
        row.addWidget(self.save_upload)
        form = QFormLayout()
        form.addRow(endpoint_label, row)
        self.queue_note = QLabel(objectName="queue_note")
        buttons = QHBoxLayout()
        buttons.addWidget(self.queue_note, 1)
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.send_button)
        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addWidget(self.table, 1)
        box.addLayout(buttons)

    def refresh(self, db, actor, busy: bool) -> None:
        may_export = allowed(actor, "data.export")
        may_configure = allowed(actor, "settings.manage")
        for w in (self.endpoint, self.token, self.save_upload):
            w.setEnabled(may_configure)
            w.setToolTip("" if may_configure else _("Only an administrator changes the upload address and token."))
        self.send_button.setEnabled(may_export and not busy)
        self.retry_button.setEnabled(may_export)
        self.endpoint.setText(upload.get_endpoint(db) or "")
        try:
            has_token = bool(upload.get_token(db))
            self.token.setPlaceholderText(_("(kept in the system's password store)") if has_token else "")
        except UserError as exc:
            self.token.setEnabled(False)
            self.token.setToolTip(exc.message)

    def fill_queue(self, db) -> None:
        entries = upload.queue(db)
        self.table.setRowCount(len(entries))
        for r, e in enumerate(entries):
            status = _(STATUS_LABELS.get(e.status, e.status))
            if e.status == "queued" and e.attempts and e.next_try_at:
                status += " " + _("(next try {at})").format(at=e.next_try_at.strftime("%H:%M %d/%m"))
            for c, value in enumerate([e.name, status, fmt_int(e.attempts), e.last_answer]):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, e.id)
                if c == 3:
                    item.setToolTip(value)
                self.table.setItem(r, c, item)
        waiting = sum(1 for e in entries if e.status == "queued")
        text = _("Waiting to be sent: {n}").format(n=fmt_int(waiting))
        if not self.endpoint.text():
            text += " · " + _("no upload address yet (an administrator enters it above)")
        self.queue_note.setText(text)

    def selected_entry(self) -> int | None:
        items = self.table.selectedItems()
        return items[0].data(Qt.ItemDataRole.UserRole) if items else None
