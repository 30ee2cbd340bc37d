"""Issuing body, signer and recipients of the report (stored in the database's report settings)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QPlainTextEdit, QVBoxLayout

from dxdesk.i18n import _
from dxdesk.reporting.issuer import ReportSettings


class SignerDialog(QDialog):
    """Issuing body, signer and recipients of the report (stored in the database's settings)."""

    def __init__(self, value: ReportSettings, parent=None):
        super().__init__(parent)
        self.setWindowTitle(_("Signer and recipients"))
        self.parent_edit = QLineEdit(value.parent_agency, objectName="parent_edit")
        self.body_edit = QLineEdit(value.issuing_body, objectName="body_edit")
        self.symbol_edit = QLineEdit(value.symbol, objectName="symbol_edit")
        self.authority_edit = QLineEdit(value.signer_authority, objectName="authority_edit")
        self.position_edit = QLineEdit(value.signer_position, objectName="position_edit")
        self.name_edit = QLineEdit(value.signer_name, objectName="name_edit")
        self.recipients_edit = QPlainTextEdit("\n".join(value.recipients), objectName="recipients_edit")
        self.recipients_edit.setTabChangesFocus(True)
        self.recipients_edit.setFixedHeight(90)
        form = QFormLayout()
        form.addRow(_("&Parent agency:"), self.parent_edit)
        form.addRow(_("&Issuing body:"), self.body_edit)
        form.addRow(_("S&ymbol (BC-…):"), self.symbol_edit)
        form.addRow(_("Signing &authority (TM./KT.):"), self.authority_edit)
        form.addRow(_("P&osition:"), self.position_edit)
        form.addRow(_("Signer's &name:"), self.name_edit)
        form.addRow(_("&Recipients (one a line):"), self.recipients_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Save"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(560, 380)

    def value(self) -> ReportSettings:
        return ReportSettings(
            parent_agency=self.parent_edit.text().strip(), issuing_body=self.body_edit.text().strip(),
            symbol=self.symbol_edit.text().strip(), signer_authority=self.authority_edit.text().strip(),
            signer_position=self.position_edit.text().strip(), signer_name=self.name_edit.text().strip(),
            recipients=[line.strip() for line in self.recipients_edit.toPlainText().splitlines() if line.strip()],
        )


