"""Cài đặt → Chỉ tiêu: the targets (chỉ tiêu giao) per indicator for a year, quarter or month, with the count so
far and the percent achieved; a coordinator edits and saves them (`targets.set_target`, audited). A province
database chooses the commune (or the province itself) the targets are for; they go down to the communes in a
settings package (Trao đổi dữ liệu → Tạo gói cài đặt…). The tab is three widgets (ui/targets_parts/): the period
and unit, the table, the save bar; it reads, counts (in a background Job) and saves."""

from __future__ import annotations

import logging

from dxdesk.ui import messages
from dxdesk.ui.background import Job
from dxdesk.ui.pages.reports.target_actions import TargetActions
from dxdesk.ui.pages.reports.target_scope import TargetScope
from dxdesk.ui.pages.reports.target_table import (
    TargetTable,
    parse_target,  # noqa: F401 - where callers have found it
)
from PySide6.QtCore import Qt, QThreadPool, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QVBoxLayout, QWidget

from dxdesk import counting
from dxdesk.counting.catalogue import list_indicators
from dxdesk.counting.targets import set_target
from dxdesk.errors import UserError
from dxdesk.i18n import _
from dxdesk.periods import Period
from dxdesk.security.permissions import allowed

log = logging.getLogger(__name__)


class TargetsTab(QWidget):
    def __init__(self, ctx, title: str = "", parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.pool = QThreadPool.globalInstance()
        self.generation = 0
        self.shown_generation = -1  # the generation whose counts are on screen (tests wait for it)
        self._jobs: set = set()
        self.saved: dict[str, int] = {}  # indicator -> target as stored, for the period and unit on screen
        self._shown: tuple | None = None  # the scope of the table on screen
        self._count_pending = False  # a count waits for the tab to be shown
        self._message = ""  # shown once the count is in (e.g. "saved")

        self.scope = TargetScope()  # which period, which unit
        self.grid = TargetTable()  # the targets, counts and percents
        self.actions = TargetActions()  # counting…, Undo changes, Save
        layout = QVBoxLayout(self)
        layout.addWidget(self.scope)
        layout.addWidget(self.grid, 1)
        layout.addWidget(self.actions)

        self.reload_timer = QTimer(self, singleShot=True, interval=250)
        self.reload_timer.timeout.connect(self.reload)
        self.scope.changed.connect(self._picker_changed)
        self.actions.revert_button.clicked.connect(self.revert)
        self.actions.save_button.clicked.connect(self.save)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        ctx.events.actor_changed.connect(self._apply_permissions)
        ctx.events.profile_changed.connect(self._profile_changed)
        ctx.events.records_changed.connect(self._recount)
        self.scope.fill_units(ctx.db)
        self._apply_permissions()
        self.reload()

    # --- inputs -------------------------------------------------------------------------------------------
    def period(self) -> Period:
        return self.scope.period()

    def set_period(self, text: str) -> None:
        """Show the period written as the CLI writes it ('2026', '2026-Q2', '2026-05')."""
        self.scope.picker.set_period(text, notify=False)
        self.reload()

    def unit_code(self) -> str | None:
        return self.scope.unit_code()

    def may_edit(self) -> bool:
        return allowed(self.ctx.actor, "target.manage")

    def _apply_permissions(self) -> None:
        may = self.may_edit()
        self.grid.set_editable(may)
        self.actions.set_editable(may)

    # --- loading ------------------------------------------------------------------------------------------
    def dirty(self) -> dict[str, str]:
        """Indicator -> the text typed, for every target cell that differs from what is stored."""
        out = {}
        for code, text in self.grid.typed().items():
            try:
                value = parse_target(text)
            except ValueError:
                out[code] = text
                continue
            if value != self.saved.get(code):
                out[code] = text
        return out

    def settled(self) -> bool:
        """The table shows the period and unit chosen, counted (tests wait for it)."""
        return not self.reload_timer.isActive() and self._count_pending is False and \
            self.shown_generation == self.generation

    def _picker_changed(self) -> None:
        if self._shown is not None and self.dirty() and not messages.confirm(
                self, _("Targets"), _("Leave the targets you changed without saving them?"),
                yes=_("Leave without saving"), no=_("Stay")):
            self.scope.restore(self._shown)
            return
        self.reload_timer.start()

    def _profile_changed(self) -> None:
        self.scope.fill_units(self.ctx.db)
        self.reload()

    def reload(self) -> None:
        """Read the stored targets now (a small query) and count the period off the UI thread."""
        self.reload_timer.stop()
        try:
            period = self.period()
            indicators = list_indicators(self.ctx.db)
            self.saved = counting.targets_for(self.ctx.db, period, self.unit_code())
        except UserError as exc:
            self.actions.status.setText(exc.message)
            return
        self._shown = self.scope.state()
        self.scope.show_period(period)
        rows = [i for i in indicators if i.has_target or i.code in self.saved]
        self.grid.show_rows(rows, self.saved)
        if not rows:
            self.actions.status.setText(_("No indicator in the catalogue has a target."))
        self._recount()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self._count_pending:
            self._recount()

    def _recount(self) -> None:
        """Count the period off the UI thread (1 million records take seconds); only while the tab is seen."""
        if not self.isVisible():
            self._count_pending = True
            return
        self._count_pending = False
        period, unit_code = self.period(), self.unit_code()
        self.generation += 1
        generation = self.generation
        job = Job(lambda: counting.compute(self.ctx.db, period, unit_code), what="targets tally")
        job.signals.done.connect(lambda result, g=generation: self._counted(result, g))
        job.signals.failed.connect(lambda text, g=generation: self._count_failed(text, g))
        self._jobs.add(job.signals)
        job.signals.done.connect(lambda *_a, s=job.signals: self._jobs.discard(s))
        job.signals.failed.connect(lambda *_a, s=job.signals: self._jobs.discard(s))
        self.actions.counting(_("Counting {period}…").format(period=period.label()))
        self.pool.start(job)

    def _counted(self, result: counting.Tally, generation: int) -> None:
        if generation != self.generation:
            return  # another period or unit was chosen meanwhile
        self.grid.show_counts({row.code: row.count for row in result.indicators})
        self.actions.show_status(self._message)
        self._message = ""
        self.shown_generation = generation

    def _count_failed(self, text: str, generation: int) -> None:
        if generation != self.generation:
            return
        self.actions.show_status(text)
        self.shown_generation = generation

    # --- saving -------------------------------------------------------------------------------------------
    def revert(self) -> None:
        self.reload()

    def save(self) -> None:
        """Check every changed target first; one message and nothing saved if any is wrong."""
        if not self.may_edit():
            messages.warning(self, _("Targets"), _("Only a coordinator or an administrator sets targets."))
            return
        changed = self.dirty()
        if not changed:
            self.actions.status.setText(_("No target was changed."))
            return
        names = self.grid.names()
        values: dict[str, int] = {}
        for code, text in changed.items():
            try:
                value = parse_target(text)
            except ValueError:
                messages.warning(self, _("Targets"), _(
                    "The target of “{indicator}” must be a whole number of 0 or more (for example 4802 or 4.802), "
                    "not “{text}”. Nothing was saved.").format(indicator=names[code], text=text.strip()))
                self.grid.focus(code)
                return
            if value is None:
                messages.warning(self, _("Targets"), _(
                    "The target of “{indicator}” was emptied: a target once set cannot be removed here, type 0 "
                    "instead. Nothing was saved.").format(indicator=names[code]))
                self.grid.focus(code)
                return
            values[code] = value
        period, unit_code = self.period(), self.unit_code()
        saved = 0
        try:
            for code, value in values.items():
                set_target(self.ctx.db, self.ctx.actor, code, value, period, unit_code=unit_code)
                saved += 1
        except UserError as exc:
            messages.warning(self, _("Targets"), exc.message)
            if not saved:
                return
        self._message = _("Targets saved for {period}: {n}.").format(period=period.label(), n=saved)
        self.ctx.events.status_message.emit(self._message)
        # the counter, the reports and the dashboard show the new targets; this tab reloads through it too
        self.ctx.events.profile_changed.emit()
