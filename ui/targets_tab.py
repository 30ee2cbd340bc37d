"""Cài đặt → Chỉ tiêu: the targets (chỉ tiêu giao) per indicator for a year, quarter or month, with the count so
far and the percent achieved; a coordinator edits and saves them (`targets.set_target`, audited). A province
database chooses the commune (or the province itself) the targets are for; they go down to the communes in a
settings package (Trao đổi dữ liệu → Tạo gói cài đặt…)."""

from __future__ import annotations

import logging
import re

from dxdesk.ui import messages
from dxdesk.ui.background import Job
from PySide6.QtCore import Qt, QThreadPool, QTimer
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from dxdesk import clock, counting
from dxdesk.catalogue import list_indicators
from dxdesk.errors import UserError
from dxdesk.i18n import N_, _
from dxdesk.periods import Period, month_period, parse_period
from dxdesk.permissions import allowed
from dxdesk.targets import MAX_TARGET, set_target
from dxdesk.vnformat import fmt_int, fmt_percent, percent

log = logging.getLogger(__name__)

PERIOD_KINDS = (("year", N_("Year")), ("quarter", N_("Quarter")), ("month", N_("Month")))
COL_NAME, COL_UNIT, COL_TARGET, COL_COUNT, COL_PERCENT = range(5)
_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+$")
BAD_COLOR = QColor("#b00020")
REACHED_COLOR = QColor("#1b7f3b")  # 100 % or more


def parse_target(text: str) -> int | None:
    """'4802', '4.802' or '4 802' -> 4802; '' -> None; anything else (negative, a fraction, letters) raises
    ValueError."""
    text = (text or "").strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    if text.isdigit():
        value = int(text)
    elif _GROUPED.match(text):
        value = int(text.replace(".", ""))
    else:
        raise ValueError(text)
    if value > MAX_TARGET:
        raise ValueError(text)
    return value


class TargetsTab(QWidget):
    def __init__(self, ctx, title: str = "", parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.pool = QThreadPool.globalInstance()
        self.generation = 0
        self.shown_generation = -1  # the generation whose counts are on screen (tests wait for it)
        self._jobs: set = set()
        self.saved: dict[str, int] = {}  # indicator -> target as stored, for the period and unit on screen
        self.counts: dict[str, int] = {}
        self.codes: list[str] = []
        self._shown: tuple | None = None  # the picker state of the table on screen
        self._filling = False
        self._count_pending = False  # a count waits for the tab to be shown
        self._message = ""  # shown once the count is in (e.g. "saved")

        today = clock.today()
        from dxdesk.ui.period_picker import (
            PeriodPicker,  # the one picker of Báo cáo, Chỉ tiêu, Trao đổi dữ liệu
        )

        self.picker = PeriodPicker(month_period(today.year, today.month), kinds=[k for k, _label in PERIOD_KINDS],
                                   prefix="target")
        self.picker.set_period(str(today.year))  # targets are mostly set for the year
        self.kind_box, self.year_spin = self.picker.kind_box, self.picker.year_spin
        self.quarter_box, self.month_box = self.picker.quarter_box, self.picker.month_box
        self.month_box.setCurrentIndex(today.month - 1)
        self.quarter_box.setCurrentIndex((today.month - 1) // 3)
        period_label = QLabel(_("&Period:"))
        period_label.setBuddy(self.kind_box)
        self.period_text = QLabel(objectName="target_period_text")

        # a province database: the province's own targets, or one commune's
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

        top = QHBoxLayout()
        top.addWidget(period_label)
        top.addWidget(self.picker)
        top.addWidget(self.period_text, 1)
        unit_row = QHBoxLayout()
        unit_row.addWidget(self.unit_label)
        unit_row.addWidget(self.unit_box, 3)
        unit_row.addStretch(1)

        self.hint = QLabel(objectName="target_hint")
        self.hint.setWordWrap(True)
        self.note = QLabel(objectName="target_note")  # why the table is read-only
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #8a5a00;")

        self.table = QTableWidget(0, 5, objectName="target_table")
        self.table.setHorizontalHeaderLabels([_("Indicator"), _("Unit of count"), _("Assigned target"),
                                              _("Done so far"), _("Achieved")])
        header = self.table.horizontalHeader()
        header.setMinimumSectionSize(80)  # room for '1.000.000' and '141,6 %' before anything is typed
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        for col in (COL_UNIT, COL_TARGET, COL_COUNT, COL_PERCENT):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers
                                   & ~QAbstractItemView.EditTrigger.CurrentChanged)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move, typing edits
        self.table.itemChanged.connect(self._item_changed)

        self.how_to = QLabel(_("Select a cell under “Assigned target” and type the number (Enter to finish); "
                               "the percent updates as you type. Ctrl+S saves."), objectName="target_how_to")
        self.how_to.setWordWrap(True)
        self.how_to.setStyleSheet("color: #555555;")

        self.progress = QProgressBar(objectName="target_progress")
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.setMaximumWidth(120)
        self.status = QLabel(objectName="target_status")
        self.status.setWordWrap(True)
        self.revert_button = QPushButton(_("&Undo changes"), objectName="target_revert")
        self.save_button = QPushButton(_("&Save targets"), objectName="target_save")
        self.save_button.setToolTip(_("Save the targets you changed (Ctrl+S)."))
        self.revert_button.clicked.connect(self.revert)
        self.save_button.clicked.connect(self.save)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        bottom = QHBoxLayout()
        bottom.addWidget(self.progress)
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.revert_button)
        bottom.addWidget(self.save_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(unit_row)
        layout.addWidget(self.hint)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.how_to)
        layout.addLayout(bottom)

        self.reload_timer = QTimer(self, singleShot=True, interval=250)
        self.reload_timer.timeout.connect(self.reload)
        for signal in (self.kind_box.currentIndexChanged, self.year_spin.valueChanged,
                       self.quarter_box.currentIndexChanged, self.month_box.currentIndexChanged,
                       self.unit_box.currentIndexChanged):
            signal.connect(self._picker_changed)
        self.kind_box.currentIndexChanged.connect(self._show_period_fields)
        ctx.events.actor_changed.connect(self._apply_permissions)
        ctx.events.profile_changed.connect(self._profile_changed)
        ctx.events.records_changed.connect(self._recount)
        self._fill_units()
        self._show_period_fields()
        self._apply_permissions()
        self.reload()

    # --- inputs -------------------------------------------------------------------------------------------
    def _show_period_fields(self) -> None:
        kind = self.kind_box.currentData()
        self.quarter_box.setVisible(kind == "quarter")
        self.month_box.setVisible(kind == "month")

    def period(self) -> Period:
        return self.picker.period()

    def set_period(self, text: str) -> None:
        """Show the period written as the CLI writes it ('2026', '2026-Q2', '2026-05')."""
        p = parse_period(text)
        self._set_picker((p.kind, p.start.year, (p.start.month - 1) // 3, p.start.month - 1, self._unit_index()))
        self.reload()

    def _picker_state(self) -> tuple:
        return (self.kind_box.currentData(), self.year_spin.value(), self.quarter_box.currentIndex(),
                self.month_box.currentIndex(), self._unit_index())

    def _unit_index(self) -> int:
        return self.unit_box.currentIndex()

    def _set_picker(self, state: tuple) -> None:
        kind, year, quarter, month, unit = state
        widgets = (self.kind_box, self.year_spin, self.quarter_box, self.month_box, self.unit_box)
        for w in widgets:
            w.blockSignals(True)
        self.kind_box.setCurrentIndex(max(0, self.kind_box.findData(kind)))
        self.year_spin.setValue(year)
        self.quarter_box.setCurrentIndex(quarter)
        self.month_box.setCurrentIndex(month)
        if self.unit_box.count():
            self.unit_box.setCurrentIndex(max(0, unit))
        for w in widgets:
            w.blockSignals(False)
        self._show_period_fields()

    def _fill_units(self) -> None:
        """Province databases only: the province's own targets, then every commune of the province (the official
        list and any rolled up here), by name."""
        from dxdesk import units
        from dxdesk.profile import get_profile, rolled_up_units
        from dxdesk.text import sort_key

        profile = get_profile(self.ctx.db)
        current = self.unit_box.currentData()
        self.unit_box.blockSignals(True)
        self.unit_box.clear()
        province_level = profile is not None and profile.unit_code is None
        if province_level:
            names = {u.unit_code: u.unit_name for u in units.units_of(profile.province_code)}
            names.update(rolled_up_units(self.ctx.db))
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

    def unit_code(self) -> str | None:
        return self.unit_box.currentData() if self.unit_box.count() else None

    def may_edit(self) -> bool:
        return allowed(self.ctx.actor, "target.manage")

    def _apply_permissions(self) -> None:
        may = self.may_edit()
        self.note.setVisible(not may)
        self.note.setText("" if may else _("Only a coordinator or an administrator sets targets; you can see them "
                                           "but not change them."))
        self.save_button.setVisible(may)
        self.revert_button.setVisible(may)
        self.how_to.setVisible(may)
        self._set_editable(may)

    def _set_editable(self, may: bool) -> None:
        self._filling = True
        for row in range(self.table.rowCount()):
            item = self.table.item(row, COL_TARGET)
            if item is not None:
                flags = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
                item.setFlags(flags | Qt.ItemFlag.ItemIsEditable if may else flags)
        self._filling = False

    # --- loading ------------------------------------------------------------------------------------------
    def dirty(self) -> dict[str, str]:
        """Indicator -> the text typed, for every target cell that differs from what is stored."""
        out = {}
        for row, code in enumerate(self.codes):
            text = self.table.item(row, COL_TARGET).text()
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

    def _picker_changed(self, *_args) -> None:
        if self._shown is not None and self.dirty() and not messages.confirm(
                self, _("Targets"), _("Leave the targets you changed without saving them?"),
                yes=_("Leave without saving"), no=_("Stay")):
            self._set_picker(self._shown)
            return
        self.reload_timer.start()

    def _profile_changed(self) -> None:
        self._fill_units()
        self.reload()

    def reload(self) -> None:
        """Read the stored targets now (a small query) and count the period off the UI thread."""
        self.reload_timer.stop()
        try:
            period = self.period()
            indicators = list_indicators(self.ctx.db)
            self.saved = counting.targets_for(self.ctx.db, period, self.unit_code())
        except UserError as exc:
            self.status.setText(exc.message)
            return
        self._shown = self._picker_state()
        self.period_text.setText(f"{period.label()} ({period.start:%d/%m/%Y} – {period.end:%d/%m/%Y})")
        rows = [i for i in indicators if i.has_target or i.code in self.saved]
        self.codes = [i.code for i in rows]
        self.counts = {}
        self._filling = True
        self.table.setRowCount(len(rows))
        for r, ind in enumerate(rows):
            name = QTableWidgetItem(ind.name)
            name.setToolTip(f"{ind.name} ({ind.code})")
            unit = QTableWidgetItem(ind.unit)
            value = self.saved.get(ind.code)
            target = QTableWidgetItem(fmt_int(value) if value is not None else "")
            target.setToolTip(_("Type the target, e.g. 4802 or 4.802; leave it empty for no target."))
            count, pct = QTableWidgetItem("…"), QTableWidgetItem("…")
            for item in (target, count, pct):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            for c, item in ((COL_NAME, name), (COL_UNIT, unit), (COL_COUNT, count), (COL_PERCENT, pct)):
                item.setFlags(Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled)
                self.table.setItem(r, c, item)
            self.table.setItem(r, COL_TARGET, target)
        self._filling = False
        self._set_editable(self.may_edit())
        self.table.resizeRowsToContents()
        if rows and self.table.currentRow() < 0:
            self.table.setCurrentCell(0, COL_TARGET)
        if not rows:
            self.status.setText(_("No indicator in the catalogue has a target."))
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
        self.progress.setVisible(True)
        self.status.setText(_("Counting {period}…").format(period=period.label()))
        self.pool.start(job)

    def _counted(self, result: counting.Tally, generation: int) -> None:
        if generation != self.generation:
            return  # another period or unit was chosen meanwhile
        self.counts = {row.code: row.count for row in result.indicators}
        self._filling = True
        for r, code in enumerate(self.codes):
            self.table.item(r, COL_COUNT).setText(fmt_int(self.counts.get(code, 0)))
        self._filling = False
        for r in range(len(self.codes)):
            self._update_percent(r)
        self.progress.setVisible(False)
        self.status.setText(self._message)
        self._message = ""
        self.shown_generation = generation

    def _count_failed(self, text: str, generation: int) -> None:
        if generation != self.generation:
            return
        self.progress.setVisible(False)
        self.status.setText(text)
        self.shown_generation = generation

    # --- editing ------------------------------------------------------------------------------------------
    def _item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() != COL_TARGET:
            return
        self._update_percent(item.row())

    def _update_percent(self, row: int) -> None:
        """Reformat a target typed as 4802 to 4.802, mark one that is not a whole number, and show the percent
        the typed target would give."""
        item = self.table.item(row, COL_TARGET)
        self._filling = True
        try:
            value = parse_target(item.text())
        except ValueError:
            value = None
            item.setForeground(QBrush(BAD_COLOR))
            item.setToolTip(_("Not a whole number of 0 or more."))
        else:
            item.setForeground(QBrush())
            item.setToolTip(_("Type the target, e.g. 4802 or 4.802; leave it empty for no target."))
            if value is not None and item.text() != fmt_int(value):
                item.setText(fmt_int(value))
        code = self.codes[row]
        if code in self.counts:
            achieved = percent(self.counts[code], value)
            cell = self.table.item(row, COL_PERCENT)
            cell.setText(fmt_percent(achieved))
            cell.setForeground(QBrush(REACHED_COLOR) if achieved is not None and achieved >= 100 else QBrush())
        self._filling = False

    def revert(self) -> None:
        self.reload()

    def save(self) -> None:
        """Check every changed target first; one message and nothing saved if any is wrong."""
        if not self.may_edit():
            messages.warning(self, _("Targets"), _("Only a coordinator or an administrator sets targets."))
            return
        changed = self.dirty()
        if not changed:
            self.status.setText(_("No target was changed."))
            return
        names = {self.codes[r]: self.table.item(r, COL_NAME).text() for r in range(len(self.codes))}
        values: dict[str, int] = {}
        for code, text in changed.items():
            try:
                value = parse_target(text)
            except ValueError:
                messages.warning(self, _("Targets"), _(
                    "The target of “{indicator}” must be a whole number of 0 or more (for example 4802 or 4.802), "
                    "not “{text}”. Nothing was saved.").format(indicator=names[code], text=text.strip()))
                self._focus(code)
                return
            if value is None:
                messages.warning(self, _("Targets"), _(
                    "The target of “{indicator}” was emptied: a target once set cannot be removed here, type 0 "
                    "instead. Nothing was saved.").format(indicator=names[code]))
                self._focus(code)
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

    def _focus(self, code: str) -> None:
        row = self.codes.index(code)
        self.table.setCurrentCell(row, COL_TARGET)
        self.table.setFocus()
