"""The quiet confirmation line ("✓ Đã lưu …", cleared after 30 s) and quick mode's countdown bar under it."""

from __future__ import annotations

import math

from PySide6.QtCore import QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QProgressBar, QVBoxLayout, QWidget

from dxdesk.i18n import _

STATUS_SHOWN_MS = 30_000


class StatusLine(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.status_label = QLabel(objectName="status_label")
        self.status_label.setWordWrap(True)
        self.status_label.setMinimumHeight(22)
        font = QFont(self.status_label.font())
        font.setPointSize(11)
        self.status_label.setFont(font)
        self.quick_bar = QProgressBar(objectName="quick_bar", textVisible=True)
        self.quick_bar.setMaximumHeight(20)
        self.quick_bar.hide()
        self._timer = QTimer(self, singleShot=True, interval=STATUS_SHOWN_MS)
        self._timer.timeout.connect(lambda: self.status_label.setText(""))
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.status_label)
        column.addWidget(self.quick_bar)

    def say(self, text: str, colour: str) -> None:
        self.status_label.setStyleSheet(f"color: {colour};")
        self.status_label.setText(text)
        self._timer.start()

    def show_countdown(self, left_s: float, window_ms: int, services: str) -> None:
        """Quick mode: LEFT_S seconds until the citizen with SERVICES is saved."""
        self.quick_bar.setRange(0, window_ms)
        self.quick_bar.setValue(int(left_s * 1000))
        self.quick_bar.setFormat(_("One citizen: {services} — saved in {s} s · another service: same citizen · "
                                   "Enter: save now · Esc: drop").format(services=services, s=math.ceil(left_s)))
        self.quick_bar.show()

    def hide_countdown(self) -> None:
        self.quick_bar.hide()
