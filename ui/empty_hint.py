"""The line an empty page shows: why it is empty, and a button with the next step (Nhật ký, Lịch trực)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget


class EmptyHint(QWidget):
    """`note` says why; `button` offers the next step. Hidden until the page has nothing to show."""

    def __init__(self, note_name: str, button_name: str, on_click: Callable[[], object], style: str,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.note = QLabel(objectName=note_name, wordWrap=True)
        self.note.setStyleSheet(style)
        self.button = QPushButton(objectName=button_name)
        self.button.clicked.connect(on_click)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.note, 1)
        row.addWidget(self.button)
        self.hide()
