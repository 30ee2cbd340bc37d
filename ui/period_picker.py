"""The one period picker (Tháng / Quý / Năm / Tùy chọn) of Báo cáo, Cài đặt › Chỉ tiêu and Trao đổi dữ liệu:
choose, never type a code; it says which days the period covers."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QLabel, QSpinBox, QWidget

from dxdesk.i18n import N_, _
from dxdesk.periods import Period, from_picker, parse_period

KIND_LABELS = {"month": N_("Month"), "quarter": N_("Quarter"), "year": N_("Year"), "custom": N_("Custom")}


class PeriodPicker(QWidget):
    """KINDS in the order offered; `period()` is what is chosen; `changed` fires once for every change the user
    makes (and for `set_period` unless NOTIFY is false)."""

    changed = Signal()

    def __init__(self, initial: Period, kinds=("month", "quarter", "year", "custom"), prefix: str = "",
                 show_days: bool = False, parent=None):
        super().__init__(parent)
        name = (prefix + "_") if prefix else ""
        self.kind_box = QComboBox(objectName=f"{name}period_kind")
        for key in kinds:
            self.kind_box.addItem(_(KIND_LABELS[key]), key)
        self.year_spin = QSpinBox(objectName=f"{name}year_spin", minimum=2000, maximum=2100)
        self.month_box = QComboBox(objectName=f"{name}month_box")
        for m in range(1, 13):
            self.month_box.addItem(_("Month {m}").format(m=m), m)
        self.quarter_box = QComboBox(objectName=f"{name}quarter_box")
        for q in range(1, 5):
            self.quarter_box.addItem(_("Quarter {q}").format(q=q), q)
        self.from_edit = QDateEdit(objectName=f"{name}from_edit", calendarPopup=True)
        self.to_edit = QDateEdit(objectName=f"{name}to_edit", calendarPopup=True)
        for edit in (self.from_edit, self.to_edit):
            edit.setDisplayFormat("dd/MM/yyyy")
        self.days_label = QLabel(objectName=f"{name}period_days")  # "01/11/2026 – 30/11/2026"
        self.days_label.setVisible(show_days)
        self._show_days = show_days
        self._quiet = False  # set_period is filling the fields: one `changed` at the end, if any
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for widget in (self.kind_box, self.year_spin, self.month_box, self.quarter_box, self.from_edit, self.to_edit,
                       self.days_label):
            row.addWidget(widget)
        self.set_period(initial)
        for signal in (self.kind_box.currentIndexChanged, self.year_spin.valueChanged, self.month_box.currentIndexChanged,
                       self.quarter_box.currentIndexChanged, self.from_edit.dateChanged, self.to_edit.dateChanged):
            signal.connect(self._changed)
        self.kind_box.currentIndexChanged.connect(self._show_fields)
        self._show_fields()
        self._update_days()

    def _changed(self, *_args) -> None:
        if self._quiet:
            return
        self._update_days()
        self.changed.emit()

    def _update_days(self) -> None:
        self.to_edit.setMinimumDate(self.from_edit.date())  # a range never ends before it starts
        if self._show_days:
            p = self.period()
            self.days_label.setText(f"{p.start:%d/%m/%Y} – {p.end:%d/%m/%Y}")

    def _show_fields(self, *_args) -> None:
        kind = self.kind_box.currentData()
        self.year_spin.setVisible(kind != "custom")
        self.month_box.setVisible(kind == "month")
        self.quarter_box.setVisible(kind == "quarter")
        self.from_edit.setVisible(kind == "custom")
        self.to_edit.setVisible(kind == "custom")

    def period(self) -> Period:
        kind = self.kind_box.currentData()
        if kind != "custom":
            return from_picker(kind, self.year_spin.value(), self.quarter_box.currentData(),
                               self.month_box.currentData())
        a, b = self.from_edit.date().toPython(), self.to_edit.date().toPython()
        return parse_period(f"{a.isoformat()}..{b.isoformat()}")

    def set_period(self, period: Period | str, notify: bool = True) -> None:
        """Show PERIOD (or a period as the CLI writes it); a kind this picker does not offer becomes 'custom'.
        `changed` fires once afterwards, or not at all when NOTIFY is false."""
        p = parse_period(period) if isinstance(period, str) else period
        self._quiet = True
        try:
            self._fill(p)
        finally:
            self._quiet = False
        self._show_fields()
        self._update_days()
        if notify:
            self.changed.emit()

    def show_month(self, month: int) -> None:
        """The month (and its quarter) offered when the user switches to Month or Quarter; changes no period shown
        now when it is a year (no `changed`)."""
        self._quiet = True
        try:
            self.month_box.setCurrentIndex(month - 1)
            self.quarter_box.setCurrentIndex((month - 1) // 3)
        finally:
            self._quiet = False

    def state(self) -> tuple:
        """Everything the fields hold (also the month offered while a year is shown), for `restore`."""
        return (self.kind_box.currentIndex(), self.year_spin.value(), self.month_box.currentIndex(),
                self.quarter_box.currentIndex(), self.from_edit.date(), self.to_edit.date())

    def restore(self, state: tuple) -> None:
        """Put back what `state()` returned, without `changed` (e.g. the user declined to leave unsaved edits)."""
        kind, year, month, quarter, start, end = state
        self._quiet = True
        try:
            self.kind_box.setCurrentIndex(kind)
            self.year_spin.setValue(year)
            self.month_box.setCurrentIndex(month)
            self.quarter_box.setCurrentIndex(quarter)
            self.to_edit.setMinimumDate(min(start, end))
            self.from_edit.setDate(start)
            self.to_edit.setDate(end)
        finally:
            self._quiet = False
        self._show_fields()
        self._update_days()

    def _fill(self, p: Period) -> None:
        kind = p.kind if self.kind_box.findData(p.kind) >= 0 else "custom"
        if kind == "custom" and self.kind_box.findData("custom") < 0:
            kind = self.kind_box.itemData(0)
        self.kind_box.setCurrentIndex(self.kind_box.findData(kind))
        self.year_spin.setValue(p.start.year)
        self.month_box.setCurrentIndex(p.start.month - 1)
        self.quarter_box.setCurrentIndex((p.start.month - 1) // 3)
        self.to_edit.setMinimumDate(_qdate(min(p.start, p.end)))
        self.from_edit.setDate(_qdate(p.start))
        self.to_edit.setDate(_qdate(p.end))


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)
