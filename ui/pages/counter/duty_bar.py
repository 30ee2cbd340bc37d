"""Who is at the counter: the shift now, the volunteer on duty (those on the shift first), check-in, and today's and
this week's totals; a warning line under it when the entry would not be credited as expected."""

from __future__ import annotations

import importlib.util

from dxdesk.ui.pages.counter.style import AMBER, KIND_LABELS
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from dxdesk.i18n import _
from dxdesk.vnformat import fmt_int


class DutyBar(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.on_shift_ids: set[int] = set()
        self.shift_label = QLabel(objectName="shift_label")
        self.volunteer_box = QComboBox(objectName="volunteer_box")
        self.volunteer_box.setMinimumWidth(190)
        caption = QLabel(_("On &duty:"))
        caption.setBuddy(self.volunteer_box)
        self.checkin_button = QPushButton(_("Check &in"), objectName="checkin_button")
        self.checkin_button.setVisible(importlib.util.find_spec("dxdesk.shifts.attendance") is not None)
        self.volunteer_warning = QLabel(objectName="volunteer_warning")
        self.volunteer_warning.setStyleSheet(f"color: {AMBER};")
        self.totals_label = QLabel(objectName="totals_label")
        self.totals_label.setStyleSheet("font-weight: bold;")
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        for widget in (self.shift_label, caption, self.volunteer_box, self.checkin_button):
            top.addWidget(widget)
        top.addStretch(1)
        top.addWidget(self.totals_label)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(top)
        column.addWidget(self.volunteer_warning)

    def show_roster(self, shift, on_shift: list[tuple[int, str]], everyone: list[tuple[int, str]],
                    wanted: int | None) -> None:
        """SHIFT (or None) and its volunteers first, then everyone else marked "not on this shift"; WANTED chosen
        if it is there (else the first)."""
        box = self.volunteer_box
        self.on_shift_ids = {vid for vid, _name in on_shift}
        box.blockSignals(True)
        box.clear()
        for vid, name in on_shift:
            box.addItem(name, vid)
        if on_shift:
            box.insertSeparator(box.count())
        box.addItem(_("— nobody named —"), None)
        for vid, name in everyone:
            if vid not in self.on_shift_ids:
                box.addItem(_("{name} (not on this shift)").format(name=name), vid)
        index = box.findData(wanted) if wanted is not None else -1
        box.setCurrentIndex(index if index >= 0 else 0)
        box.blockSignals(False)
        if shift is None:
            self.shift_label.setText(_("No shift now"))
        else:
            kind = _(KIND_LABELS.get(shift.kind, shift.kind))
            self.shift_label.setText(f"{kind} {shift.start:%H:%M}–{shift.end:%H:%M}")

    def show_choice(self, shift, checked_in) -> None:
        """The warning for the volunteer chosen on SHIFT, and the check-in button (CHECKED_IN: when they did)."""
        vid = self.volunteer_box.currentData()
        if shift is None:
            text = _("No shift is scheduled now: entries are logged without a shift (channel: counter).")
        elif vid is None:
            text = _("Choose who is serving, so the entry is credited to them.")
        elif vid not in self.on_shift_ids:
            text = _("This volunteer is not assigned to this shift; the entry is still logged and credited to them.")
        else:
            text = ""
        self.volunteer_warning.setText(("⚠ " + text) if text else "")
        self.volunteer_warning.setVisible(bool(text))
        if checked_in is not None:
            self.checkin_button.setText(_("Checked in {time}").format(time=checked_in.strftime("%H:%M")))
        else:
            self.checkin_button.setText(_("Check &in"))
        self.checkin_button.setEnabled(vid is not None and shift is not None and checked_in is None)

    def choices(self) -> list[tuple[int | None, str]]:
        """(id, text) of the box's entries, separators left out: what the campaign dialog offers."""
        box = self.volunteer_box
        return [(box.itemData(i), box.itemText(i)) for i in range(box.count()) if box.itemText(i)]

    def show_totals(self, today: int, week: int) -> None:
        self.totals_label.setText(_("Today: {today} · Week: {week}").format(today=fmt_int(today), week=fmt_int(week)))
