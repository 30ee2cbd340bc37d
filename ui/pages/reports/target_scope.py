"""Chỉ tiêu, top: the period (the one PeriodPicker: year, quarter or month) with the days it covers, and on a
province database the unit the targets are for (the province itself or one of its communes)."""

from __future__ import annotations

from dxdesk.ui.period_picker import PeriodPicker
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from dxdesk import clock
from dxdesk.i18n import _
from dxdesk.periods import Period, parse_period


class TargetScope(QWidget):
    """`changed` when the user picks another period or unit; `state()` / `restore(state)` put a choice back
    without saying so."""

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        today = clock.today()
        self.picker = PeriodPicker(parse_period(str(today.year)), kinds=("year", "quarter", "month"),
                                   prefix="target")  # targets are mostly set for the year
        self.picker.show_month(today.month)  # switching to Month or Quarter offers this one
        period_label = QLabel(_("&Period:"))
        period_label.setBuddy(self.picker.kind_box)
        self.period_text = QLabel(objectName="target_period_text")
        self.unit_box = QComboBox(objectName="target_unit")
        self.unit_box.setEditable(True)
        self.unit_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.unit_box.setMinimumContentsLength(24)
        self.unit_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        completer = self.unit_box.completer()
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.unit_label = QLabel(_("For &unit:"))
        self.unit_label.setBuddy(self.unit_box)
        self.hint = QLabel(objectName="target_hint")
        self.hint.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(period_label)
        top.addWidget(self.picker)
        top.addWidget(self.period_text, 1)
        unit_row = QHBoxLayout()
        unit_row.addWidget(self.unit_label)
        unit_row.addWidget(self.unit_box, 3)
        unit_row.addStretch(1)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addLayout(top)
        box.addLayout(unit_row)
        box.addWidget(self.hint)
        self.picker.changed.connect(self.changed)
        self.unit_box.currentIndexChanged.connect(self._unit_changed)

    def _unit_changed(self, *_args) -> None:
        self.changed.emit()

    def period(self) -> Period:
        return self.picker.period()

    def unit_code(self) -> str | None:
        return self.unit_box.currentData() if self.unit_box.count() else None

    def show_period(self, period: Period) -> None:
        self.period_text.setText(f"{period.label()} ({period.start:%d/%m/%Y} – {period.end:%d/%m/%Y})")

    def state(self) -> tuple:
        return self.picker.state(), self.unit_box.currentIndex()

    def restore(self, state: tuple) -> None:
        """Put back a STATE (no `changed`)."""
        picker, unit = state
        self.picker.restore(picker)
        if self.unit_box.count():
            self.unit_box.blockSignals(True)
            self.unit_box.setCurrentIndex(max(0, unit))
            self.unit_box.blockSignals(False)

    def fill_units(self, db) -> None:
        """Province databases only: the province's own targets, then every commune of the province (the official
        list and any rolled up here), by name."""
        from dxdesk.settings import units
        from dxdesk.settings.profile import get_profile, rolled_up_units
        from dxdesk.text import sort_key

        profile = get_profile(db)
        current = self.unit_box.currentData()
        self.unit_box.blockSignals(True)
        self.unit_box.clear()
        province_level = profile is not None and profile.unit_code is None
        if province_level:
            names = {u.unit_code: u.unit_name for u in units.units_of(profile.province_code)}
            names.update(rolled_up_units(db))
            self.unit_box.addItem(_("{province} (the province's own targets)").format(
                province=profile.province_name), None)
            for code, name in sorted(names.items(), key=lambda item: sort_key(item[1])):
                self.unit_box.addItem(f"{name} ({code})", code)
            self.unit_box.setCurrentIndex(max(0, self.unit_box.findData(current)))
            self.hint.setText(_("Targets set here for a commune are sent to it with “Make settings package…” on "
                                "the Data exchange page."))
        self.unit_box.blockSignals(False)
        for w in (self.unit_box, self.unit_label, self.hint):
            w.setVisible(province_level)
