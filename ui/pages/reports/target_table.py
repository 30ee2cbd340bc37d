"""Chỉ tiêu, middle: one row per indicator with a target — its unit of count, the assigned target (typed here),
the count so far and the percent achieved, updated as the target is typed; why it is read-only, how to edit."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from dxdesk.counting.targets import MAX_TARGET
from dxdesk.i18n import _
from dxdesk.vnformat import fmt_int, fmt_percent, percent

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


class TargetTable(QWidget):
    """`codes`: the indicators shown, by row; `show_rows` fills the table, `show_counts` the counts and percents."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.codes: list[str] = []
        self.counts: dict[str, int] = {}
        self._filling = False
        self._editable = True
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
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.note)
        box.addWidget(self.table, 1)
        box.addWidget(self.how_to)

    def set_editable(self, may: bool) -> None:
        """MAY the user change the targets? Otherwise the table is read-only and the note says why."""
        self._editable = may
        self.note.setVisible(not may)
        self.note.setText("" if may else _("Only a coordinator or an administrator sets targets; you can see them "
                                           "but not change them."))
        self.how_to.setVisible(may)
        self._filling = True
        for row in range(self.table.rowCount()):
            item = self.table.item(row, COL_TARGET)
            if item is not None:
                flags = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
                item.setFlags(flags | Qt.ItemFlag.ItemIsEditable if may else flags)
        self._filling = False

    def show_rows(self, indicators, saved: dict[str, int]) -> None:
        """INDICATORS with the targets SAVED for them; counts are '…' until `show_counts`."""
        self.codes = [i.code for i in indicators]
        self.counts = {}
        self._filling = True
        self.table.setRowCount(len(indicators))
        for r, ind in enumerate(indicators):
            name = QTableWidgetItem(ind.name)
            name.setToolTip(f"{ind.name} ({ind.code})")
            unit = QTableWidgetItem(ind.unit)
            value = saved.get(ind.code)
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
        self.set_editable(self._editable)
        self.table.resizeRowsToContents()
        if indicators and self.table.currentRow() < 0:
            self.table.setCurrentCell(0, COL_TARGET)

    def show_counts(self, counts: dict[str, int]) -> None:
        self.counts = counts
        self._filling = True
        for r, code in enumerate(self.codes):
            self.table.item(r, COL_COUNT).setText(fmt_int(counts.get(code, 0)))
        self._filling = False
        for r in range(len(self.codes)):
            self._update_percent(r)

    def typed(self) -> dict[str, str]:
        """Indicator -> the text in its target cell."""
        return {code: self.table.item(row, COL_TARGET).text() for row, code in enumerate(self.codes)}

    def names(self) -> dict[str, str]:
        return {code: self.table.item(row, COL_NAME).text() for row, code in enumerate(self.codes)}

    def focus(self, code: str) -> None:
        self.table.setCurrentCell(self.codes.index(code), COL_TARGET)
        self.table.setFocus()

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
