"""The Dashboard tab: four charts of the period, and a button that copies them as one image."""

from __future__ import annotations

from dxdesk.ui.pages.reports.dashboard import Dashboard
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from dxdesk.i18n import _


class DashboardTab(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.dashboard = Dashboard()
        self.copy_button = QPushButton(_("Copy d&ashboard image"), objectName="dash_copy")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.dashboard, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.copy_button)
        layout.addLayout(row)

    def png(self) -> bytes:
        """The charts as a PNG image."""
        from PySide6.QtCore import QBuffer, QByteArray, QIODevice

        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        self.dashboard.grab().save(buffer, "PNG")
        buffer.close()
        return bytes(data.data())
