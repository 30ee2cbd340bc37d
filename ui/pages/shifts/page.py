"""Lịch trực: a month grid (Monday first) or a week, sessions with names and a "2/2–4" badge, days off
greyed with their names, understaffed amber, conflicts red; plan the month, auto-assign, print, iCal;
beside it, every volunteer's shifts and hours this month so fairness is visible."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from dxdesk.ui import messages
from dxdesk.ui.empty_hint import EmptyHint
from dxdesk.ui.pages.shifts import dialogs as schedule_dialogs
from dxdesk.ui.pages.shifts.grid import MonthGrid
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from dxdesk import clock
from dxdesk.errors import UserError
from dxdesk.i18n import N_, _
from dxdesk.periods import month_period
from dxdesk.security import permissions
from dxdesk.shifts import attendance, calendar_vn, planning
from dxdesk.text import name_sort_key
from dxdesk.vnformat import fmt_date, weekday_name
from dxdesk.volunteers import members as roster

ics_path_for_tests: str | Path | None = None
VIEWS = (("month", N_("Month")), ("week", N_("Week")))
SIDE_WIDTH = 240  # logical px: "Nguyễn Văn Hương" whole beside the two number columns, at 125 % too


def _hours_text(h: float) -> str:
    text = f"{h:.1f}".replace(".", ",")
    return text[:-2] if text.endswith(",0") else text


class ShiftsPage(QWidget):
    def __init__(self, ctx, title: str, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        today = clock.today()
        self.anchor = today  # a day of the month / week shown
        self.prev_button = QPushButton("◀", objectName="prev_button")
        self.prev_button.setToolTip(_("Previous (Page Up)"))
        self.next_button = QPushButton("▶", objectName="next_button")
        self.next_button.setToolTip(_("Next (Page Down)"))
        for b in (self.prev_button, self.next_button):
            b.setFixedWidth(32)
        self.period_label = QLabel(objectName="period_label")
        self.period_label.setStyleSheet("font-weight: bold; font-size: 11pt;")
        self.period_label.setMinimumWidth(150)
        self.period_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.today_button = QPushButton(_("T&oday"), objectName="today_button")
        self.view_box = QComboBox(objectName="view_box")
        for key, label in VIEWS:
            self.view_box.addItem(_(label), key)
        view_caption = QLabel(_("&View:"))
        view_caption.setBuddy(self.view_box)
        legend = QLabel(objectName="legend")
        legend.setText("<span style='background:#e3f2e1'>&nbsp;" + _("enough") + "&nbsp;</span> "
                       "<span style='background:#fff1c2'>&nbsp;" + _("understaffed") + "&nbsp;</span> "
                       "<span style='background:#ffd6d6'>&nbsp;" + _("conflict") + "&nbsp;</span> "
                       "<span style='background:#e4e4e4'>&nbsp;" + _("day off") + "&nbsp;</span>")
        nav = QHBoxLayout()
        for w in (self.prev_button, self.period_label, self.next_button, self.today_button, view_caption,
                  self.view_box):
            nav.addWidget(w)
        nav.addStretch(1)
        nav.addWidget(legend)

        self.plan_button = QPushButton(_("&Plan the month"), objectName="plan_button")
        self.auto_button = QPushButton(_("A&uto-assign"), objectName="auto_button")
        self.adhoc_button = QPushButton(_("Outreac&h shift…"), objectName="adhoc_button")
        self.print_button = QPushButton(_("&Print roster"), objectName="print_button")
        self.save_button = QPushButton(_("&Save PDF"), objectName="save_button")
        self.ics_button = QPushButton(_("Export i&Cal"), objectName="ics_button")
        self.settings_button = QPushButton(_("Rule && calen&dar…"), objectName="settings_button")
        actions = QHBoxLayout()
        for b in (self.plan_button, self.auto_button, self.adhoc_button, self.settings_button):
            actions.addWidget(b)
        actions.addStretch(1)
        for b in (self.print_button, self.save_button, self.ics_button):
            actions.addWidget(b)

        self.grid = MonthGrid(self)
        self.grid.setObjectName("month_grid")
        self.summary = QLabel(objectName="summary_label")
        self.summary.setWordWrap(True)
        self.side = QTableWidget(0, 3, objectName="side_table")
        self.side.setHorizontalHeaderLabels([_("Volunteer"), _("Shifts"), _("Hours")])
        self.side.horizontalHeaderItem(1).setToolTip(_("Shifts assigned this month (no-shows included, absences "
                                                       "reported beforehand not)."))
        self.side.horizontalHeaderItem(2).setToolTip(_(
            "Hours this month: confirmed at the counter (check-in to check-out) plus the planned hours of shifts "
            "not yet confirmed. A no-show counts no hours."))
        self.side.verticalHeader().setVisible(False)
        self.side.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.side.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.side.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.side.setFixedWidth(SIDE_WIDTH)
        self.side.setWordWrap(False)
        self.side.setTextElideMode(Qt.TextElideMode.ElideRight)
        side_caption = QLabel(_("Volunteers this month:"))
        side_caption.setBuddy(self.side)
        side_box = QVBoxLayout()
        side_box.addWidget(side_caption)
        side_box.addWidget(self.side, 1)
        self.side_note = QLabel(_("* includes hours counted from logged services (no check-in)"),
                                objectName="side_note", wordWrap=True)
        self.side_note.setMaximumWidth(SIDE_WIDTH)
        self.side_note.setStyleSheet("color: #555;")
        self.side_note.hide()
        side_box.addWidget(self.side_note)
        body = QHBoxLayout()
        body.addWidget(self.grid, 1)
        body.addLayout(side_box)

        # No shift in the month (or week) shown: say so and offer to plan it.
        self.empty_row = EmptyHint("schedule_empty", "schedule_empty_plan", self.plan_month, "color: #9a6200;")
        self.empty_note, self.empty_plan = self.empty_row.note, self.empty_row.button

        layout = QVBoxLayout(self)
        layout.setSpacing(4)
        layout.addLayout(nav)
        layout.addLayout(actions)
        layout.addWidget(self.empty_row)
        layout.addLayout(body, 1)
        layout.addWidget(self.summary)

        self.prev_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.today_button.clicked.connect(self.go_today)
        self.view_box.currentIndexChanged.connect(lambda _i: self.reload())
        self.plan_button.clicked.connect(self.plan_month)
        self.auto_button.clicked.connect(self.auto_assign)
        self.adhoc_button.clicked.connect(self.add_adhoc)
        self.print_button.clicked.connect(self.print_roster)
        self.save_button.clicked.connect(self.save_roster)
        self.ics_button.clicked.connect(self.export_ics)
        self.settings_button.clicked.connect(self.open_settings)
        self.grid.shift_activated.connect(self.open_shift)
        QShortcut(QKeySequence(Qt.Key.Key_PageUp), self, activated=lambda: self.step(-1))
        QShortcut(QKeySequence(Qt.Key.Key_PageDown), self, activated=lambda: self.step(1))
        ctx.events.roster_changed.connect(self.reload)
        ctx.events.actor_changed.connect(self.reload)
        ctx.events.records_changed.connect(self.reload)
        self.reload()

    # --- what is shown ----------------------------------------------------------------------------

    @property
    def view(self) -> str:
        return self.view_box.currentData() or "month"

    def month(self):
        return month_period(self.anchor.year, self.anchor.month)

    def visible_days(self) -> list[dt.date]:
        if self.view == "week":
            start = self.anchor - dt.timedelta(days=self.anchor.weekday())
            return [start + dt.timedelta(days=i) for i in range(7)]
        m = self.month()
        start = m.start - dt.timedelta(days=m.start.weekday())
        end = m.end + dt.timedelta(days=6 - m.end.weekday())
        return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]

    def range(self) -> tuple[dt.date, dt.date]:
        if self.view == "week":
            days = self.visible_days()
            return days[0], days[-1]
        m = self.month()
        return m.start, m.end

    def go_to(self, day: dt.date) -> None:
        self.anchor = day
        self.reload()

    def go_today(self) -> None:
        self.go_to(clock.today())

    def step(self, n: int) -> None:
        if self.view == "week":
            self.go_to(self.anchor + dt.timedelta(days=7 * n))
        else:
            y, m = self.anchor.year, self.anchor.month + n
            y, m = y + (m - 1) // 12, (m - 1) % 12 + 1
            self.go_to(dt.date(y, m, 1))

    def reload(self) -> None:
        days = self.visible_days()
        start, end = self.range()
        if self.view == "week":
            self.period_label.setText(f"{days[0]:%d/%m} – {fmt_date(days[-1])}")
        else:
            self.period_label.setText(_("Month {month}/{year}").format(month=f"{self.anchor.month:02d}",
                                                                        year=self.anchor.year))
        self.shifts = planning.list_shifts(self.ctx.db, start, end)
        special = calendar_vn.calendar(self.ctx.db, days[0], days[-1])
        off = {d: i.name for d, i in special.items() if i.off}
        working = {d: i.name for d, i in special.items() if i.working_swap}
        active = {v.id: v.name for v in roster.list_volunteers(self.ctx.db, include_inactive=False)}
        self.grid.show_days(days, None if self.view == "week" else self.anchor.month, self.shifts, off, working,
                            full_names=self.view == "week", active_names=active, today=clock.today())
        live = [s for s in self.shifts if not s.cancelled]
        under = sum(1 for s in live if s.understaffed)
        conflicts = sum(1 for s in live if s.problems)
        text = _("{n} shifts · {under} understaffed · {conflicts} with conflicts").format(
            n=len(live), under=under, conflicts=conflicts)
        if working:
            text += " · " + _("Working weekend days (not planned): {days}").format(
                days=", ".join(f"{weekday_name(d)} {fmt_date(d)}" for d in sorted(working)))
        self.summary.setText(text)
        self._show_empty(not live)
        self._fill_side()
        may = permissions.allowed(self.ctx.actor, "shift.manage")
        for b in (self.plan_button, self.auto_button, self.adhoc_button):
            b.setEnabled(may)
        may_print = permissions.allowed(self.ctx.actor, "report.print")
        self.print_button.setEnabled(may_print)
        self.save_button.setEnabled(may_print)

    def _show_empty(self, empty: bool) -> None:
        self.empty_row.setVisible(empty)
        if not empty:
            return
        month = f"{self.anchor.month:02d}/{self.anchor.year}"
        if permissions.allowed(self.ctx.actor, "shift.manage"):
            self.empty_note.setText(_("No shifts planned for {month} yet: plan the month from the rule (weekdays "
                                      "and sessions in Settings), then Auto-assign.").format(month=month))
            self.empty_plan.setText(_("Plan month {month}").format(month=month))
            self.empty_plan.show()
        else:
            self.empty_note.setText(_("No shifts planned for {month} yet: ask the team leader to plan the month.")
                                    .format(month=month))
            self.empty_plan.hide()

    def _fill_side(self) -> None:
        m = self.month()
        rows = sorted(attendance.hours_report(self.ctx.db, m.start, m.end, include_inactive=False),
                      key=lambda h: (name_sort_key(h.name), h.volunteer_id))  # as on the Volunteers page
        self.side.setRowCount(len(rows))
        for i, h in enumerate(rows):
            name = QTableWidgetItem(h.name)
            name.setToolTip(h.name + "\n" + _(
                "{attended} attended, {no_shows} no-shows, {absences} absences; {services} citizens helped").format(
                    attended=h.attended, no_shows=h.no_shows, absences=h.absences, services=h.services))
            shifts = QTableWidgetItem(str(h.shifts))
            total = _hours_text(h.hours + h.service_hours + h.planned_hours)
            # "*": part of it is counted from the services logged on a shift without check-in (told apart)
            hours = QTableWidgetItem(total + ("*" if h.service_shifts else ""))
            hours.setToolTip(_("Confirmed: {confirmed} h · not yet confirmed: {planned} h · no-shows: {no_shows}").format(
                confirmed=_hours_text(h.hours), planned=_hours_text(h.planned_hours), no_shows=h.no_shows)
                + ("\n" + _("* {hours} h from the services logged on {n} shifts without check-in").format(
                    hours=_hours_text(h.service_hours), n=h.service_shifts) if h.service_shifts else ""))
            for it in (shifts, hours):
                it.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.side.setItem(i, 0, name)
            self.side.setItem(i, 1, shifts)
            self.side.setItem(i, 2, hours)
        self.side.resizeColumnToContents(1)
        self.side.resizeColumnToContents(2)
        self.side_note.setVisible(any(h.service_shifts for h in rows))

    # --- actions ----------------------------------------------------------------------------------

    @staticmethod
    def _title(button: QPushButton) -> str:
        """A message box titled like the button that opened it (without its mnemonic)."""
        return button.text().replace("&", "")

    def _changed(self) -> None:
        self.ctx.events.roster_changed.emit()  # reloads this page and the others

    def open_shift(self, shift_id: int) -> None:
        dialog = schedule_dialogs.ShiftDialog(self.ctx, shift_id, self)
        schedule_dialogs.run(dialog)
        if dialog.changed:
            self._changed()

    def plan_month(self) -> None:
        m = self.month()
        try:
            r = planning.plan(self.ctx.db, self.ctx.actor, m.start, m.end)
        except UserError as exc:
            messages.warning(self, self._title(self.plan_button), str(exc))
            return
        lines = [_("Created {created} shifts ({existing} already planned).").format(created=r.created,
                                                                                  existing=r.existing)]
        for day, why in r.skipped:
            lines.append(_("Skipped {weekday} {date}: {why}").format(weekday=weekday_name(day), date=fmt_date(day),
                                                                    why=why))
        for day, why in r.suggestions:
            lines.append(_("Suggestion: {weekday} {date} is a working day ({why}); not planned.").format(
                weekday=weekday_name(day), date=fmt_date(day), why=why))
        for _sid, day, why, n in r.on_days_off:
            lines.append(_("Warning: a shift on {date} falls on a day off ({why}); {n} volunteers assigned.").format(
                date=fmt_date(day), why=why, n=n))
        self._changed()
        messages.info(self, self._title(self.plan_button), "\n".join(lines))

    def auto_assign(self) -> None:
        start, end = self.range()
        try:
            r = planning.auto_assign(self.ctx.db, self.ctx.actor, start, end, today=clock.today())
        except UserError as exc:
            messages.warning(self, self._title(self.auto_button), str(exc))
            return
        lines = planning.auto_assign_summary(self.ctx.db, r)
        self._changed()
        messages.info(self, self._title(self.auto_button), "\n".join(lines))

    def open_settings(self) -> None:
        from dxdesk.ui.pages.shifts.rules import ScheduleSettingsDialog

        dialog = ScheduleSettingsDialog(self.ctx, self.anchor.year, self)
        schedule_dialogs.run(dialog)
        if dialog.changed:
            self._changed()

    def add_adhoc(self) -> None:
        dialog = schedule_dialogs.AdhocShiftDialog(self.ctx, self.anchor, self)
        if schedule_dialogs.run(dialog):
            self._changed()

    def _roster_pdf(self) -> bytes | None:
        from dxdesk.reports.roster import roster_pdf

        from dxdesk.shifts.sheets import roster_sheet

        try:
            return roster_pdf(roster_sheet(self.ctx.db, self.ctx.actor, self.month()))
        except UserError as exc:
            messages.warning(self, _("Print roster"), str(exc))
            return None

    def print_roster(self) -> None:
        from dxdesk.ui.printing import print_pdf

        pdf = self._roster_pdf()
        if pdf:
            print_pdf(self, pdf, _("Shift roster"))

    def save_roster(self) -> None:
        from dxdesk.ui.printing import save_pdf

        pdf = self._roster_pdf()
        if pdf:
            save_pdf(self, pdf, f"lich-truc-{self.anchor:%Y-%m}.pdf")

    def export_ics(self) -> None:
        from dxdesk.shifts.ical import export_ics

        path = ics_path_for_tests
        if path is None:
            path, _filter = QFileDialog.getSaveFileName(self, _("Export iCal"), f"lich-truc-{self.anchor:%Y-%m}.ics",
                                                        _("iCalendar (*.ics)"))
        if not path:
            return
        start, end = self.range()
        try:
            n = export_ics(self.ctx.db, start, end, path)
        except UserError as exc:
            messages.warning(self, _("Export iCal"), str(exc))
            return
        self.ctx.events.status_message.emit(_("Wrote {path}: {n} shifts.").format(path=path, n=n))
