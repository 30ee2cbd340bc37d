"""Nhật ký: every record, filtered and searched, smooth on a million rows; export of the filtered view."""

from __future__ import annotations

import datetime as dt

from dxdesk.ui import messages, ui_settings
from dxdesk.ui.empty_hint import EmptyHint
from dxdesk.ui.pages.journal.model import CountWorker, ExportWorker, JournalModel
from PySide6.QtCore import QDate, Qt, QThreadPool, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from dxdesk import clock
from dxdesk.counter import journal
from dxdesk.counting.catalogue import list_services
from dxdesk.i18n import N_, _
from dxdesk.security.permissions import allowed
from dxdesk.settings.store import JOURNAL_EXPORT_DIR
from dxdesk.text import nfc
from dxdesk.vnformat import fmt_int
from dxdesk.volunteers.members import volunteer_names

PERIODS = (("today", N_("Today")), ("week", N_("This week")), ("month", N_("This month")),
           ("year", N_("This year")), ("all", N_("All time")), ("custom", N_("From – to")))


class JournalPage(QWidget):
    def __init__(self, ctx, title: str, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.pool = QThreadPool.globalInstance()
        self.export_worker: ExportWorker | None = None
        self._workers: set = set()
        self._stale = False

        self.period_box = QComboBox(objectName="period_box")
        for key, label in PERIODS:
            self.period_box.addItem(_(label), key)
        self.period_box.setCurrentIndex(self.period_box.findData("month"))
        today = clock.today()
        self.from_edit = QDateEdit(objectName="from_edit", calendarPopup=True)
        self.to_edit = QDateEdit(objectName="to_edit", calendarPopup=True)
        for edit in (self.from_edit, self.to_edit):
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.setDate(QDate(today.year, today.month, today.day))
        self.from_edit.setDate(QDate(today.year, today.month, 1))
        self.service_box = QComboBox(objectName="service_box")
        self.service_box.addItem(_("All services"), None)
        for svc in list_services(ctx.db, include_inactive=True):
            self.service_box.addItem(svc.short, svc.code)
        self.volunteer_box = QComboBox(objectName="volunteer_filter")
        self.channel_box = QComboBox(objectName="channel_box")
        self.channel_box.addItem(_("All channels"), None)
        for code, label in journal.CHANNEL_LABELS.items():
            self.channel_box.addItem(_(label), code)
        self.outcome_box = QComboBox(objectName="outcome_box")
        self.outcome_box.addItem(_("All outcomes"), None)
        for code, label in journal.OUTCOME_LABELS.items():
            self.outcome_box.addItem(_(label), code)
        self.voided_box = QComboBox(objectName="voided_box")
        self.voided_box.addItem(_("Valid and voided"), journal.VOIDED_ALL)
        self.voided_box.addItem(_("Valid only"), journal.VOIDED_EXCLUDE)
        self.voided_box.addItem(_("Voided only"), journal.VOIDED_ONLY)
        self.voided_box.setCurrentIndex(1)  # valid entries by default: voided ones never count
        self.search_edit = QLineEdit(objectName="search_edit")
        self.search_edit.setPlaceholderText(_("Search: service, volunteer, place, note (accents optional)"))
        self.search_edit.setClearButtonEnabled(True)
        search_caption = QLabel(_("&Search:"))
        search_caption.setBuddy(self.search_edit)
        self.count_label = QLabel(objectName="count_label")
        self.count_label.setMinimumWidth(140)
        self.csv_button = QPushButton(_("Export &CSV…"), objectName="csv_button")
        self.xlsx_button = QPushButton(_("Export &XLSX…"), objectName="xlsx_button")
        self.csv_button.clicked.connect(lambda: self.export("csv"))
        self.xlsx_button.clicked.connect(lambda: self.export("xlsx"))

        row1 = QHBoxLayout()
        period_caption = QLabel(_("&Period:"))
        period_caption.setBuddy(self.period_box)
        row1.addWidget(period_caption)
        row1.addWidget(self.period_box)
        row1.addWidget(self.from_edit)
        row1.addWidget(QLabel("–"))
        row1.addWidget(self.to_edit)
        row1.addWidget(self.service_box, 1)
        row1.addWidget(self.volunteer_box, 1)
        row2 = QHBoxLayout()
        row2.addWidget(self.channel_box)
        row2.addWidget(self.outcome_box)
        row2.addWidget(self.voided_box)
        row2.addWidget(search_caption)
        row2.addWidget(self.search_edit, 1)
        row3 = QHBoxLayout()
        row3.addWidget(self.count_label, 1)
        row3.addWidget(self.csv_button)
        row3.addWidget(self.xlsx_button)

        self.model = JournalModel(ctx.db, ctx.actor, self)
        self.model.flt = journal.JournalFilter(sort="date")  # newest days first
        self.table = QTableView(objectName="journal_table")
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSortIndicator(1, Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        for col, width in enumerate((60, 115, 180, 130, 90, 95, 66)):  # the last column (place / note) stretches
            header.resizeSection(col, width)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setToolTip(_("Click No., Date, Channel, Outcome or Count to sort"))

        self.export_bar = QProgressBar(objectName="export_bar")
        self.export_cancel = QPushButton(_("Cancel export"), objectName="export_cancel")
        self.export_cancel.clicked.connect(self.cancel_export)
        self.export_label = QLabel(objectName="export_label")
        export_row = QHBoxLayout()
        export_row.addWidget(self.export_label)
        export_row.addWidget(self.export_bar, 1)
        export_row.addWidget(self.export_cancel)
        self.export_row = QWidget()
        self.export_row.setLayout(export_row)
        export_row.setContentsMargins(0, 0, 0, 0)
        self.export_row.hide()

        # An empty result says why and offers the next step (a wider period, or dropping the filters).
        self.empty_row = EmptyHint("journal_empty", "journal_empty_action", self._empty_next_step,
                                   "color: #555; font-style: italic;")
        self.empty_note, self.empty_action = self.empty_row.note, self.empty_row.button

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(row1)
        layout.addLayout(row2)
        layout.addLayout(row3)
        layout.addWidget(self.empty_row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.export_row)

        # Typing in the search box waits for a pause; other filters apply at once.
        self.debounce = QTimer(self, singleShot=True, interval=300)
        self.debounce.timeout.connect(self.apply_filter)
        self.search_edit.textChanged.connect(lambda _t: self.debounce.start())
        for box in (self.period_box, self.service_box, self.volunteer_box, self.channel_box, self.outcome_box,
                    self.voided_box):
            box.currentIndexChanged.connect(self.apply_filter)
        self.from_edit.dateChanged.connect(self.apply_filter)
        self.to_edit.dateChanged.connect(self.apply_filter)
        ctx.events.records_changed.connect(self._records_changed)
        ctx.events.roster_changed.connect(self.fill_volunteers)
        ctx.events.actor_changed.connect(self._actor_changed)
        self._actor_changed()

    def _actor_changed(self, *_args) -> None:
        """Who is signed in decides what the page shows: a volunteer (no record.view_all) their own entries only,
        without the other volunteers in the filter; export for those with data.export."""
        self.model.actor = self.ctx.actor
        everyone = allowed(self.ctx.actor, "record.view_all")
        self.volunteer_box.setVisible(everyone)
        self.search_edit.setPlaceholderText(
            _("Search: service, volunteer, place, note (accents optional)") if everyone
            else _("Search your own entries: service, place, note (accents optional)"))
        may_export = allowed(self.ctx.actor, "data.export")
        for button in (self.csv_button, self.xlsx_button):
            button.setVisible(may_export)
        self.fill_volunteers()
        self.apply_filter()

    def fill_volunteers(self) -> None:
        current = self.volunteer_box.currentData()
        people = []
        if allowed(self.ctx.actor, "record.view_all"):  # the names of the others are not a volunteer's to browse
            people = volunteer_names(self.ctx.db, include_inactive=True)
        self.volunteer_box.blockSignals(True)
        self.volunteer_box.clear()
        self.volunteer_box.addItem(_("All volunteers"), None)
        for vid, name in people:
            self.volunteer_box.addItem(name, vid)
        self.volunteer_box.setCurrentIndex(max(0, self.volunteer_box.findData(current)))
        self.volunteer_box.blockSignals(False)

    def period_range(self) -> tuple[dt.date | None, dt.date | None]:
        today = clock.today()
        key = self.period_box.currentData()
        custom = key == "custom"
        self.from_edit.setEnabled(custom)
        self.to_edit.setEnabled(custom)
        if key == "today":
            return today, today
        if key == "week":
            monday = today - dt.timedelta(days=today.weekday())
            return monday, monday + dt.timedelta(days=6)
        if key == "month":
            return today.replace(day=1), today
        if key == "year":
            return dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
        if key == "custom":
            return self.from_edit.date().toPython(), self.to_edit.date().toPython()
        return None, None

    def current_filter(self) -> journal.JournalFilter:
        start, end = self.period_range()
        service = self.service_box.currentData()
        text = nfc(self.search_edit.text())
        if text != self.search_edit.text().strip():  # decomposed input from a Vietnamese keyboard: show NFC
            self.search_edit.blockSignals(True)
            self.search_edit.setText(text)
            self.search_edit.blockSignals(False)
        return journal.JournalFilter(
            start=start, end=end, services=(service,) if service else (), volunteer_id=self.volunteer_box.currentData(),
            channel=self.channel_box.currentData(), outcome=self.outcome_box.currentData(),
            voided=self.voided_box.currentData(), search=text, sort=self.model.flt.sort,
            descending=self.model.flt.descending,
        )

    def apply_filter(self, *_args) -> None:
        self.debounce.stop()
        self.model.set_filter(self.current_filter())
        if self.model.total is not None:
            self._show_count(self.model.total)
            return
        self.count_label.setText(_("Counting…"))
        worker = CountWorker(self.ctx.db, self.model.actor, self.model.flt, self.model.generation)
        worker.signals.counted.connect(self._counted)
        worker.signals.failed.connect(lambda text: self.count_label.setText(text))
        self._workers.add(worker.signals)
        self.pool.start(worker)

    def _counted(self, total: int, generation: int) -> None:
        self.model.set_total(total, generation)
        if generation == self.model.generation:
            self._show_count(total)

    def _show_count(self, total: int) -> None:
        self.count_label.setText(_("{n} entries").format(n=fmt_int(total)))
        self._show_empty(total == 0)

    def _filtered(self) -> bool:
        return any((self.service_box.currentData(), self.volunteer_box.currentData(), self.channel_box.currentData(),
                    self.outcome_box.currentData(), self.search_edit.text().strip(),
                    self.voided_box.currentData() == journal.VOIDED_ONLY))

    def _show_empty(self, empty: bool) -> None:
        self.empty_row.setVisible(empty)
        if not empty:
            return
        if self._filtered():
            self.empty_note.setText(_("No entry matches these filters in this period."))
            self.empty_action.setText(_("Clear the filters"))
            self.empty_action.show()
        elif self.period_box.currentData() in ("today", "week", "month"):
            self.empty_note.setText(_("Nothing logged in this period yet. Entries are logged at the counter "
                                      "(Quầy tiếp dân: a service's key, then Enter)."))
            self.empty_action.setText(_("Show the whole year"))
            self.empty_action.show()
        else:
            self.empty_note.setText(_("Nothing logged yet. Entries are logged at the counter (Quầy tiếp dân: a "
                                      "service's key, then Enter), or come in a package (Trao đổi dữ liệu)."))
            self.empty_action.hide()

    def _empty_next_step(self) -> None:
        if self._filtered():
            for box in (self.service_box, self.volunteer_box, self.channel_box, self.outcome_box):
                box.setCurrentIndex(0)
            self.voided_box.setCurrentIndex(self.voided_box.findData(journal.VOIDED_EXCLUDE))
            self.search_edit.clear()
        else:
            self.period_box.setCurrentIndex(self.period_box.findData("year"))
        self.apply_filter()

    def _records_changed(self) -> None:
        if self.isVisible():
            self.apply_filter()
        else:
            self._stale = True

    def activated(self) -> None:
        if self._stale:
            self._stale = False
            self.apply_filter()
        self.search_edit.setFocus()

    # --- export ---
    def export(self, kind: str) -> None:
        if self.export_worker is not None:
            return
        folder = ui_settings.value(self.ctx.paths, JOURNAL_EXPORT_DIR) or str(self.ctx.paths.home)
        name = f"nhat-ky-{clock.today().isoformat()}.{kind}"
        kinds = {"csv": _("CSV files (*.csv)"), "xlsx": _("Excel workbooks (*.xlsx)")}
        path, _chosen = QFileDialog.getSaveFileName(self, _("Export the journal"), f"{folder}/{name}", kinds[kind])
        if not path:
            return
        if not path.lower().endswith("." + kind):
            path += "." + kind
        from pathlib import Path

        ui_settings.set_value(self.ctx.paths, JOURNAL_EXPORT_DIR, str(Path(path).parent))
        self.start_export(path, kind)

    def start_export(self, path: str, kind: str) -> ExportWorker:
        worker = ExportWorker(self.ctx.db, self.model.actor, self.model.flt, path, kind)
        self.export_worker = worker
        total = self.model.total or 0
        self.export_bar.setRange(0, max(total, 1))
        self.export_bar.setValue(0)
        self.export_label.setText(_("Exporting {n} entries…").format(n=fmt_int(total)))
        self.export_row.show()
        self.csv_button.setEnabled(False)
        self.xlsx_button.setEnabled(False)
        worker.signals.progress.connect(self.export_bar.setValue)
        worker.signals.finished.connect(lambda n, p=path: self._export_done(n, p))
        worker.signals.failed.connect(self._export_failed)
        self.pool.start(worker)
        return worker

    def cancel_export(self) -> None:
        if self.export_worker is not None:
            self.export_worker.cancel = True
            self.export_label.setText(_("Cancelling…"))

    def _export_finished(self) -> None:
        self.export_worker = None
        self.export_row.hide()
        self.csv_button.setEnabled(True)
        self.xlsx_button.setEnabled(True)

    def _export_done(self, written: int, path: str) -> None:
        self._export_finished()
        if written < 0:
            self.ctx.events.status_message.emit(_("Export cancelled; no file was written."))
        else:
            self.ctx.events.status_message.emit(_("Exported {n} entries to {path}").format(n=fmt_int(written), path=path))

    def _export_failed(self, text: str) -> None:
        self._export_finished()
        messages.warning(self, _("Export the journal"), text)
