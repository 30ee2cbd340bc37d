"""Chỉ tiêu, bottom: counting in progress, what happened last (saved, nothing changed, …), Undo changes and Save."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from dxdesk.i18n import _


class TargetActions(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.progress = QProgressBar(objectName="target_progress")
        self.progress.setRange(0, 0)  # counting: busy, no known end
        self.progress.setTextVisible(False)
        self.progress.setMaximumWidth(120)
        self.status = QLabel(objectName="target_status")
        self.status.setWordWrap(True)
        self.revert_button = QPushButton(_("&Undo changes"), objectName="target_revert")
        self.save_button = QPushButton(_("&Save targets"), objectName="target_save")
        self.save_button.setToolTip(_("Save the targets you changed (Ctrl+S)."))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.progress)
        row.addWidget(self.status, 1)
        row.addWidget(self.revert_button)
        row.addWidget(self.save_button)

    def set_editable(self, may: bool) -> None:
        self.save_button.setVisible(may)
        self.revert_button.setVisible(may)

    def counting(self, text: str) -> None:
        self.progress.setVisible(True)
        self.status.setText(text)

    def show_status(self, text: str) -> None:
        self.progress.setVisible(False)
        self.status.setText(text)
