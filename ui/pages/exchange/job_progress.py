"""Trao đổi dữ liệu: the running job's line — what it does, how far it is, Cancel (shared by export, import and
sending)."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from dxdesk.i18n import _


class JobProgress(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.progress = QProgressBar(objectName="progress")
        self.progress_label = QLabel(objectName="progress_label")
        self.cancel_button = QPushButton(_("&Cancel"), objectName="cancel")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.progress_label)
        row.addWidget(self.progress, 1)
        row.addWidget(self.cancel_button)

    def set_busy(self, busy: bool, label: str = "") -> None:
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.cancel_button.setEnabled(busy)
        self.progress_label.setText(label)
        if busy:
            self.progress.setRange(0, 0)  # busy until the job reports how far it is

    def show_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(min(done, total))

    def cancelling(self) -> None:
        self.cancel_button.setEnabled(False)
        self.progress_label.setText(_("Cancelling…"))
