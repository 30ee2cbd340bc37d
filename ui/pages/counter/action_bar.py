"""The actions under the form: quick mode and the campaign entry on the left; clear, undo and save on the right."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QPushButton, QWidget

from dxdesk.i18n import _


class ActionBar(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.save_button = QPushButton(_("Save  ⏎"), objectName="save_button")
        self.save_button.setToolTip(_("Save this citizen (Enter)"))
        self.undo_button = QPushButton(_("Undo  Ctrl+Z"), objectName="undo_button")
        self.undo_button.setToolTip(_("Undo the last entry (within 5 minutes)"))
        self.clear_button = QPushButton(_("Clear  Esc"), objectName="clear_button")
        self.campaign_button = QPushButton(_("Ca&mpaign entry…"), objectName="campaign_button")
        self.campaign_button.setToolTip(_("Outreach days: N citizens served with one service at a place"))
        self.quick_mode = QCheckBox(_("&Quick: a click saves"), objectName="quick_mode")
        self.quick_mode.setToolTip(_("A click (or a service key) starts a short countdown; more services chosen "
                                     "before it runs out belong to the same citizen. Enter saves at once, Esc "
                                     "drops the citizen."))
        for b in (self.save_button, self.undo_button, self.clear_button, self.campaign_button):
            b.setAutoDefault(False)
        big = QFont(self.save_button.font())
        big.setPointSize(12)
        big.setBold(True)
        self.save_button.setFont(big)
        self.save_button.setMinimumHeight(34)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.quick_mode)
        row.addWidget(self.campaign_button)
        row.addStretch(1)
        row.addWidget(self.clear_button)
        row.addWidget(self.undo_button)
        row.addWidget(self.save_button)
