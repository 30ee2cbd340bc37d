"""What a place that is not built yet shows: an honest sentence, not a fake screen."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from dxdesk.i18n import _


class PlaceholderPage(QWidget):
    def __init__(self, ctx, title: str, parent=None):
        super().__init__(parent)
        label = QLabel(
            _("“{title}” is not built yet in this version of dxdesk. The other places work.").format(title=title)
        )
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setObjectName("placeholder_label")
        layout = QVBoxLayout(self)
        layout.addWidget(label)
