"""The top row of Báo cáo, shared by every tab: the period (the one PeriodPicker, opened on the month a clerk would
print), its first and last day, and on a province database the unit (the whole province or one commune)."""

from __future__ import annotations

from dxdesk.ui.period_picker import PeriodPicker
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from dxdesk.i18n import _
from dxdesk.periods import Period

PERIOD_KINDS = ("month", "quarter", "year", "custom")


class PeriodBar(QWidget):
    def __init__(self, default: Period, parent=None):
        super().__init__(parent)
        self.picker = PeriodPicker(default, kinds=list(PERIOD_KINDS))
        label = QLabel(_("&Period:"))
        label.setBuddy(self.picker.kind_box)
        self.period_text = QLabel(objectName="period_text")
        self.unit_box = QComboBox(objectName="unit_box")
        self.unit_label = QLabel(_("&Unit:"))
        self.unit_label.setBuddy(self.unit_box)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(label)
        row.addWidget(self.picker)
        row.addWidget(self.period_text, 1)
        row.addWidget(self.unit_label)
        row.addWidget(self.unit_box)

    def show_units(self, units: dict[str, str] | None) -> None:
        """UNITS (code -> name) of a province database: 'Toàn tỉnh' and each; None: a commune's, no unit box."""
        current = self.unit_box.currentData()
        self.unit_box.blockSignals(True)
        self.unit_box.clear()
        if units is not None:
            self.unit_box.addItem(_("Whole province"), None)
            for code, name in units.items():
                self.unit_box.addItem(f"{name} ({code})", code)
            self.unit_box.setCurrentIndex(max(self.unit_box.findData(current), 0))
        self.unit_box.blockSignals(False)
        self.unit_box.setVisible(units is not None)
        self.unit_label.setVisible(units is not None)

    def unit_code(self) -> str | None:
        return self.unit_box.currentData() if self.unit_box.count() else None
