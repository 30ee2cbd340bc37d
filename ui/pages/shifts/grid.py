"""The month (or week) grid of the Lịch trực page: Monday first; each day lists its sessions as buttons with
the volunteers' given names (with initials when two volunteers share one: "Quân (L.)", full names on hover)
and a "2/2–4" badge; days off greyed with their name; understaffed amber, conflicts red (the reason on hover);
today framed in blue."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from dxdesk.i18n import N_, _
from dxdesk.shifts.planning import KIND_LABELS, ShiftView
from dxdesk.vnformat import fmt_date, weekday_name
from dxdesk.volunteers.members import short_names

DAY_HEADERS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
AMBER_BG, AMBER_FG = "#fff1c2", "#7a5300"
RED_BG, RED_FG = "#ffd6d6", "#9b0000"
OK_BG, OK_FG = "#e3f2e1", "#1b4d1b"
GREY_BG = "#e4e4e4"
CANCELLED_BG = "#f0f0f0"
PADDING = 2  # px left and right of a shift button's text
TODAY_BG, TODAY_BORDER = "#eef4ff", "#1a56db"


def given_name(full: str) -> str:
    parts = full.split()
    return parts[-1] if parts else full


def staff_labels(shifts: list[ShiftView], active_names: dict[int, str]) -> dict[int, str]:
    """Volunteer id -> the label shown in the month grid: given name when unique among the active volunteers
    (and anyone else on these shifts), else with initials (dxdesk.volunteers.members.short_names)."""
    people = dict(active_names)
    for s in shifts:
        for x in s.staff:
            people.setdefault(x.volunteer_id, x.name)
    ids = list(people)
    short = short_names([people[i] for i in ids])
    return {i: short[people[i]] for i in ids}


def shift_state(s: ShiftView) -> str:
    if s.cancelled:
        return "cancelled"
    if s.problems:
        return "conflict"
    if s.understaffed:
        return "understaffed"
    return "ok"


def shift_head(s: ShiftView) -> str:
    head = f"{s.start:%H:%M} {len(s.assigned)}/{s.min_staff}–{s.max_staff}"
    if s.kind != "counter":
        head += " " + (s.place[:14] if s.place else _(KIND_LABELS[s.kind]))
    return head


def shift_names(s: ShiftView, full_names: bool, labels: dict[int, str] | None = None) -> list[str]:
    labels = labels or {}
    return [x.name if full_names else labels.get(x.volunteer_id) or given_name(x.name) for x in s.assigned]


def shift_text(s: ShiftView, full_names: bool, labels: dict[int, str] | None = None) -> str:
    names = shift_names(s, full_names, labels)
    if full_names:
        return shift_head(s) + "\n" + ("\n".join(names) or "—")
    return shift_head(s) + "\n" + (", ".join(compact(n) for n in names) or "—")


def compact(label: str) -> str:
    """'Hương (N.V.)' -> 'Hương N.V.': the same initials in two characters less, for a narrow cell."""
    return label.replace(" (", " ").replace(")", "") if label.endswith(")") else label


def fit_names(names: list[str], width: int, measure, elide) -> str:
    """The names line of a month-grid button in WIDTH pixels: the compact labels 'Hương V., Hiếu P.', cut at the
    end with '…' when a narrow cell cannot hold them (whole names on hover and in the week view)."""
    if not names:
        return "—"
    text = ", ".join(compact(n) for n in names)
    return text if measure(text) <= width else elide(text, width)


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
    """Month view: the names line is fitted to the button's width on every resize (see fit_names);
    week view: one full name a line (the short labels 'Hương N.V.' when the column is too narrow for them)."""

    def __init__(self, shift: ShiftView, full_names: bool, labels: dict[int, str] | None = None, parent=None):
        super().__init__(shift_text(shift, full_names, labels), parent)
        self.shift = shift
        self.full_names = full_names
        self.names = shift_names(shift, full_names, labels)
        self.short = shift_names(shift, False, labels)
        self.state = shift_state(shift)
        self.setObjectName(f"shift_{shift.id}")
        self.setToolTip(shift_tooltip(shift))
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        bg, fg = {"ok": (OK_BG, OK_FG), "understaffed": (AMBER_BG, AMBER_FG), "conflict": (RED_BG, RED_FG),
                  "cancelled": (CANCELLED_BG, "#777777")}[self.state]
        strike = "text-decoration: line-through;" if shift.cancelled else ""
        self.setStyleSheet(
            f"QPushButton {{ background: {bg}; color: {fg}; border: 1px solid {fg}; border-radius: 3px;"
            f" text-align: left; padding: 1px {PADDING}px; font-size: 8pt; {strike} }}"
            f" QPushButton:focus {{ border: 2px solid #1a56db; }}")
        self.setAccessibleName(self.toolTip().replace("\n", ". "))

    def resizeEvent(self, event):  # noqa: N802 - Qt API
        super().resizeEvent(event)
        fm = self.fontMetrics()
        width = self.width() - 2 * PADDING - 2

        def elide(text: str, w: int) -> str:
            return fm.elidedText(text, Qt.TextElideMode.ElideRight, w)

        if self.full_names:  # week view: full names, or the short labels when one is too long for the column
            fits = all(fm.horizontalAdvance(n) <= width for n in self.names)
            lines = [elide(n if fits else compact(short), width)
                     for n, short in zip(self.names, self.short, strict=True)] or ["—"]
        else:
            lines = [fit_names(self.names, width, fm.horizontalAdvance, elide)]
        text = "\n".join([shift_head(self.shift), *lines])
        if text != self.text():
            self.setText(text)


class DayCell(QFrame):
    def __init__(self, day: dt.date, in_month: bool, day_off: str, working_swap: str, today: bool = False,
                 parent=None):
        super().__init__(parent)
        self.day = day
        self.is_today = today
        self.setObjectName(f"day_{day.isoformat()}")
        self.setFrameShape(QFrame.Shape.Box)
        bg = GREY_BG if day_off else (TODAY_BG if today else ("#ffffff" if in_month else "#f6f6f6"))
        border = f"2px solid {TODAY_BORDER}" if today else "1px solid #c8c8c8"
        self.setStyleSheet(f"DayCell {{ background: {bg}; border: {border}; }}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(1, 1, 1, 1)
        layout.setSpacing(1)
        head = QLabel(objectName="day_label")
        text = str(day.day) if in_month else f"<span style='color:#999'>{day.day}</span>"
        if today:
            text = (f"<span style='background:{TODAY_BORDER}; color:white; font-weight:bold'>&nbsp;{day.day}&nbsp;"
                    "</span> <span style='color:" + TODAY_BORDER + "; font-size:8pt'>" + _("today") + "</span>")
        if day_off:
            text += f" <span style='color:#555; font-size:8pt'>{day_off}</span>"
        elif working_swap:
            text += f" <span style='color:#1a56db; font-size:8pt'>{working_swap}</span>"
        head.setText(text)
        head.setToolTip(day_off or working_swap or (_("Today") if today else ""))
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
                item.widget().hide()  # not drawn where it was until it is deleted
                item.widget().deleteLater()
        self.cells = {}

    def show_days(self, days: list[dt.date], month: int | None, shifts: list[ShiftView],
                  days_off: dict[dt.date, str], working: dict[dt.date, str], full_names: bool,
                  active_names: dict[int, str] | None = None, today: dt.date | None = None) -> None:
        """ACTIVE_NAMES (volunteer id -> full name of every active volunteer) decides which given names need
        initials; TODAY's cell is framed."""
        self.clear()
        labels = staff_labels(shifts, active_names or {})
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
            cell = DayCell(day, in_month, days_off.get(day, ""), working.get(day, ""), today=day == today)
            for s in by_day.get(day, []):
                if not in_month:
                    continue
                button = ShiftButton(s, full_names, labels)
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
