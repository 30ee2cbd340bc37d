"""The month (or week) grid of the Lịch trực page: Monday first; each day lists its sessions as buttons with
the volunteers' given names and a "2/2–4" badge; days off greyed with their name; understaffed amber,
conflicts red (the reason on hover)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from dxdesk.i18n import N_, _
from dxdesk.planning import KIND_LABELS, ShiftView
from dxdesk.vnformat import fmt_date, weekday_name

DAY_HEADERS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
AMBER_BG, AMBER_FG = "#fff1c2", "#7a5300"
RED_BG, RED_FG = "#ffd6d6", "#9b0000"
OK_BG, OK_FG = "#e3f2e1", "#1b4d1b"
GREY_BG = "#e4e4e4"
CANCELLED_BG = "#f0f0f0"


def given_name(full: str) -> str:
    parts = full.split()
    return parts[-1] if parts else full


def shift_state(s: ShiftView) -> str:
    if s.cancelled:
        return "cancelled"
    if s.problems:
        return "conflict"
    if s.understaffed:
        return "understaffed"
    return "ok"


def shift_text(s: ShiftView, full_names: bool) -> str:
    badge = f"{len(s.assigned)}/{s.min_staff}–{s.max_staff}"
    head = f"{s.start:%H:%M} {badge}"
    if s.kind != "counter":
        head += " " + (s.place[:14] if s.place else _(KIND_LABELS[s.kind]))
    names = [x.name if full_names else given_name(x.name) for x in s.assigned]
    sep = "\n" if full_names else ", "
    return head + ("\n" + sep.join(names) if names else "\n—")


def shift_tooltip(s: ShiftView) -> str:
    lines = [f"{weekday_name(s.date)} {fmt_date(s.date)} {s.start:%H:%M}–{s.end:%H:%M} · {_(KIND_LABELS[s.kind])}"]
    if s.place or s.reception_point:
        lines.append(", ".join(x for x in (s.reception_point, s.place) if x))
    lines.append(_("Volunteers: {n} (needs {min}–{max})").format(n=len(s.assigned), min=s.min_staff, max=s.max_staff))
    for x in s.staff:
        mark = {"assigned": "", "absent": " — " + _("absent: {reason}").format(reason=x.absence_reason),
                "swapped": " — " + _("handed over")}[x.status]
        lines.append(f"• {x.name}{' (VNeID)' if x.can_vneid else ''}{mark}")
    if s.cancelled:
        lines.append(_("Cancelled: {reason}").format(reason=s.note))
    elif s.understaffed:
        lines.append(_("Understaffed: below the minimum of {min}.").format(min=s.min_staff))
    lines += [_("Conflict: {reason}").format(reason=p) for p in s.problems]
    if s.day_off:
        lines.append(_("Day off: {name}").format(name=s.day_off))
    return "\n".join(lines)


class ShiftButton(QPushButton):
    def __init__(self, shift: ShiftView, full_names: bool, parent=None):
        super().__init__(shift_text(shift, full_names), parent)
        self.shift = shift
        self.state = shift_state(shift)
        self.setObjectName(f"shift_{shift.id}")
        self.setToolTip(shift_tooltip(shift))
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        bg, fg = {"ok": (OK_BG, OK_FG), "understaffed": (AMBER_BG, AMBER_FG), "conflict": (RED_BG, RED_FG),
                  "cancelled": (CANCELLED_BG, "#777777")}[self.state]
        strike = "text-decoration: line-through;" if shift.cancelled else ""
        self.setStyleSheet(
            f"QPushButton {{ background: {bg}; color: {fg}; border: 1px solid {fg}; border-radius: 3px;"
            f" text-align: left; padding: 1px 3px; font-size: 8pt; {strike} }}"
            f" QPushButton:focus {{ border: 2px solid #1a56db; }}")
        self.setAccessibleName(self.toolTip().replace("\n", ". "))


class DayCell(QFrame):
    def __init__(self, day: dt.date, in_month: bool, day_off: str, working_swap: str, parent=None):
        super().__init__(parent)
        self.day = day
        self.setObjectName(f"day_{day.isoformat()}")
        self.setFrameShape(QFrame.Shape.Box)
        bg = GREY_BG if day_off else ("#ffffff" if in_month else "#f6f6f6")
        self.setStyleSheet(f"DayCell {{ background: {bg}; border: 1px solid #c8c8c8; }}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 1, 2, 1)
        layout.setSpacing(1)
        head = QLabel(objectName="day_label")
        text = str(day.day) if in_month else f"<span style='color:#999'>{day.day}</span>"
        if day_off:
            text += f" <span style='color:#555; font-size:8pt'>{day_off}</span>"
        elif working_swap:
            text += f" <span style='color:#1a56db; font-size:8pt'>{working_swap}</span>"
        head.setText(text)
        head.setToolTip(day_off or working_swap)
        head.setWordWrap(True)
        layout.addWidget(head)
        self.body = layout
        self.buttons: list[ShiftButton] = []

    def add_shift(self, button: ShiftButton) -> None:
        self.buttons.append(button)
        self.body.addWidget(button)

    def finish(self) -> None:
        self.body.addStretch(1)


class MonthGrid(QWidget):
    """Rebuilt on every load (at most 42 cells): simple, and fast enough (a few ms)."""

    shift_activated = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setSpacing(2)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.cells: dict[dt.date, DayCell] = {}

    def clear(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.cells = {}

    def show_days(self, days: list[dt.date], month: int | None, shifts: list[ShiftView],
                  days_off: dict[dt.date, str], working: dict[dt.date, str], full_names: bool) -> None:
        self.clear()
        for col, name in enumerate(DAY_HEADERS):
            label = QLabel(_(name))
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setStyleSheet("font-weight: bold;" + (" color: #9b0000;" if col == 6 else ""))
            self.grid.addWidget(label, 0, col)
        by_day: dict[dt.date, list[ShiftView]] = {}
        for s in shifts:
            by_day.setdefault(s.date, []).append(s)
        for i, day in enumerate(days):
            in_month = month is None or day.month == month
            cell = DayCell(day, in_month, days_off.get(day, ""), working.get(day, ""))
            for s in by_day.get(day, []):
                if not in_month:
                    continue
                button = ShiftButton(s, full_names)
                button.clicked.connect(lambda _c=False, sid=s.id: self.shift_activated.emit(sid))
                cell.add_shift(button)
            cell.finish()
            self.cells[day] = cell
            self.grid.addWidget(cell, 1 + i // 7, i % 7)
        for r in range(1, 8):  # stretches persist in a QGridLayout: reset the rows of a previous month
            self.grid.setRowStretch(r, 1 if r <= len(days) // 7 else 0)
        for c in range(7):
            self.grid.setColumnStretch(c, 1)

    def buttons(self) -> list[ShiftButton]:
        return [b for cell in self.cells.values() for b in cell.buttons]
