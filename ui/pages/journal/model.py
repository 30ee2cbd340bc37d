"""The log browser's lazy table model (a window of cached pages) and its workers (count, export)."""

from __future__ import annotations

from collections import OrderedDict

from dxdesk.ui.background import Job, JobSignals
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont

from dxdesk.counter import journal
from dxdesk.i18n import N_, _
from dxdesk.vnformat import fmt_int

PAGE_SIZE = 200
MAX_PAGES = 60  # at most 12.000 rows in memory, whatever the size of the database
_ROOT = QModelIndex()

# (heading msgid, sort key or None)
COLUMNS = (
    (N_("Record no."), "id"),  # the record's id, not a running number (STT)
    (N_("Date and time"), "date"),
    (N_("Services"), None),
    (N_("Volunteer"), None),
    (N_("Channel"), "channel"),
    (N_("Outcome"), "outcome"),
    (N_("Count"), "count"),
    (N_("Place / note"), None),
)


class JournalModel(QAbstractTableModel):
    """Rows are read page by page as the view asks for them; only a window of pages is kept.

    rowCount is the first page's size until the count (run in a worker by the page) arrives."""

    def __init__(self, db, actor, parent=None):
        super().__init__(parent)
        self.db = db
        self.actor = actor  # whose view: a volunteer's own entries only (record.view_all)
        self.flt = journal.JournalFilter()
        self.query: journal.JournalQuery | None = None
        self.pages: OrderedDict[int, list[journal.JournalRow]] = OrderedDict()
        self.rows = 0
        self.total: int | None = None
        self.generation = 0

    # --- filter and counts ---
    def set_filter(self, flt: journal.JournalFilter) -> None:
        self.beginResetModel()
        self.flt = flt
        self.generation += 1
        self.query = journal.JournalQuery(self.db, self.actor, flt)
        self.pages.clear()
        first = self.query.page_after(None, PAGE_SIZE)
        self.pages[0] = first
        self.rows = len(first)
        self.total = len(first) if len(first) < PAGE_SIZE else None
        self.endResetModel()

    def set_total(self, total: int, generation: int) -> None:
        """The count worker's answer for the filter of GENERATION (stale answers are dropped)."""
        if generation != self.generation:
            return
        self.total = total
        if total > self.rows:
            self.beginInsertRows(QModelIndex(), self.rows, total - 1)
            self.rows = total
            self.endInsertRows()
        elif total < self.rows:
            self.beginRemoveRows(QModelIndex(), total, self.rows - 1)
            self.rows = total
            self.endRemoveRows()

    # --- paging ---
    def _page(self, number: int) -> list[journal.JournalRow]:
        if number in self.pages:
            self.pages.move_to_end(number)
            return self.pages[number]
        if self.query is None:
            return []
        before, after = self.pages.get(number - 1), self.pages.get(number + 1)
        if before and len(before) == PAGE_SIZE:
            rows = self.query.page_after(journal.key_of(before[-1]), PAGE_SIZE)
        elif after:
            rows = self.query.page_before(journal.key_of(after[0]), PAGE_SIZE)
        else:
            rows = self.query.page_at(number * PAGE_SIZE, PAGE_SIZE, self.rows)
        self.pages[number] = rows
        while len(self.pages) > MAX_PAGES:
            self.pages.popitem(last=False)
        return rows

    def row_at(self, row: int) -> journal.JournalRow | None:
        if not 0 <= row < self.rows:
            return None
        page = self._page(row // PAGE_SIZE)
        offset = row % PAGE_SIZE
        return page[offset] if offset < len(page) else None

    # --- Qt model API ---
    def rowCount(self, parent=_ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else self.rows

    def columnCount(self, parent=_ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(COLUMNS):
            return _(COLUMNS[section][0])
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.column() < len(COLUMNS):
            return None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.FontRole,
                        Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.TextAlignmentRole):
            return None
        row = self.row_at(index.row())
        if row is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.FontRole:
            if row.voided:
                font = QFont()
                font.setStrikeOut(True)
                return font
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor("#777777") if row.voided else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if col in (0, 6):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if row.voided:
                return _("Voided: {reason}").format(reason=row.void_reason)
            return None
        if col == 0:
            return str(row.id)
        if col == 1:
            return row.occurred_at.strftime("%d/%m/%Y %H:%M")
        if col == 2:
            return row.services
        if col == 3:
            return row.volunteer or "—"
        if col == 4:
            return _(journal.CHANNEL_LABELS.get(row.channel, row.channel))
        if col == 5:
            return _(journal.OUTCOME_LABELS.get(row.outcome, row.outcome))
        if col == 6:
            return fmt_int(row.count)
        text = " · ".join(t for t in (row.place, row.note) if t)
        if row.voided:
            text = (_("VOIDED") + (" · " + text if text else ""))
        return text

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS) or COLUMNS[column][1] is None:
            return
        from dataclasses import replace

        total = self.total  # the same rows in another order: the count stands
        self.set_filter(replace(self.flt, sort=COLUMNS[column][1],
                                descending=order == Qt.SortOrder.DescendingOrder))
        if total is not None:
            self.set_total(total, self.generation)


class CountSignals(JobSignals):
    counted = Signal(int, int)  # total, generation


class CountWorker(Job):
    """The number of entries the filter of GENERATION matches (`counted`); a failure is logged by Job and
    `failed` carries one sentence for the page."""

    signals_class = CountSignals

    def __init__(self, db, actor, flt, generation: int):
        super().__init__(lambda: journal.count(db, actor, flt), what="journal count")
        self.generation = generation

    def deliver(self, result: int) -> None:
        super().deliver(result)
        self.signals.counted.emit(result, self.generation)


class ExportSignals(JobSignals):
    finished = Signal(int)  # rows written, -1 when cancelled (no file is left behind then)


class ExportWorker(Job):
    """journal.export off the UI thread: `progress(rows, total)`, `finished(rows or -1)`, `failed(sentence)`.
    Setting `cancel` (or `stop`) asks it to stop between rows."""

    signals_class = ExportSignals

    def __init__(self, db, actor, flt, path, kind: str):
        super().__init__(lambda job: journal.export(db, actor, flt, path, kind,
                                                    progress=lambda n: job.progress(n, max(n, 1)),
                                                    cancelled=job.stop.is_set),
                         what="journal export", takes_job=True)

    @property
    def cancel(self) -> bool:
        return self.stop.is_set()

    @cancel.setter
    def cancel(self, value: bool) -> None:
        if value:
            self.stop.set()

    def deliver(self, result: int) -> None:
        super().deliver(result)
        self.signals.finished.emit(-1 if self.stop.is_set() else result)
