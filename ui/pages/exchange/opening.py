"""Nhập số liệu đầu kỳ: choose an .xlsx/.csv sheet (indicator, period, count), see every row checked, import.

Reading/checking and writing run in a QThreadPool worker (a busy bar shows meanwhile); the dialog's widgets
are touched only on the main thread, from the worker's signals. "Nhập" is enabled only when the preview has
no error and at least one new row; the domain (dxdesk.exchange.opening) checks everything again in the
write transaction, so a file changed between preview and import cannot slip through."""

from __future__ import annotations

from pathlib import Path

from dxdesk.ui import messages
from dxdesk.ui.background import Job
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from dxdesk.exchange.opening import OpeningPreview, OpeningResult, apply_opening, preview_opening
from dxdesk.i18n import _
from dxdesk.vnformat import fmt_int

ERROR_COLOR = QColor("#b3261e")


class OpeningDialog(QDialog):
    """Modal dialog; `imported` is the OpeningResult after a successful import (else None)."""

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.preview: OpeningPreview | None = None
        self.imported: OpeningResult | None = None
        self.job: Job | None = None
        self._on_done = None
        self.setWindowTitle(_("Import opening balances"))
        self.resize(760, 480)

        intro = QLabel(_("For a commune that starts mid-year: a sheet (.xlsx or .csv) with three columns: "
                         "indicator code, period (2026-01, 2026-Q1…) and count. The figures count as "
                         "campaign entries of each period's last day; the same file twice adds nothing."))
        intro.setWordWrap(True)
        self.file_label = QLabel(_("No file chosen."), objectName="file_label")
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.choose_button = QPushButton(_("&Choose file…"), objectName="choose")
        self.choose_button.clicked.connect(lambda: self.choose_file())

        self.table = QTableWidget(0, 5, objectName="rows")
        self.table.setHorizontalHeaderLabels([_("Row"), _("Indicator"), _("Period"), _("Count"), _("Status")])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        for col in range(4):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)

        self.summary = QLabel("", objectName="summary")
        self.summary.setWordWrap(True)
        self.busy = QProgressBar(objectName="busy")
        self.busy.setRange(0, 0)  # indeterminate: a small file, read in a worker
        self.busy.setVisible(False)
        self.import_button = QPushButton(_("&Import"), objectName="apply")
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(lambda: self.start_apply())
        self.close_button = QPushButton(_("C&lose"), objectName="close")
        self.close_button.clicked.connect(self.reject)

        top = QHBoxLayout()
        top.addWidget(self.file_label, 1)
        top.addWidget(self.choose_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.busy, 1)
        bottom.addStretch(0)
        bottom.addWidget(self.import_button)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addLayout(bottom)
        self.setTabOrder(self.choose_button, self.table)
        self.setTabOrder(self.table, self.import_button)
        self.setTabOrder(self.import_button, self.close_button)
        self.choose_button.setFocus()

    # --- choosing and previewing ---------------------------------------------------------------------

    def choose_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Choose the opening balances sheet"), "", _("Sheets (*.xlsx *.csv)"))
        if path:
            self.load(Path(path))

    def load(self, path: Path) -> Job:
        """Read and check PATH in a worker; the table fills when it is done."""
        db = self.ctx.db
        self.preview = None
        self.import_button.setEnabled(False)
        self.file_label.setText(path.name)
        self.table.setRowCount(0)
        self.summary.setText(_("Reading…"))
        return self._start(lambda: preview_opening(db, path), self._show_preview)

    def _show_preview(self, preview: OpeningPreview) -> None:
        self.preview = preview
        red = QBrush(ERROR_COLOR)
        self.table.setRowCount(len(preview.rows))
        for i, row in enumerate(preview.rows):
            if row.error:
                status = row.error[:1].upper() + row.error[1:]
            elif row.present:
                status = _("Already imported from this file")
            elif not row.count:
                status = _("Zero: nothing to write")
            else:
                status = _("New")
            period = row.period.label() if row.period is not None else row.period_text
            count = fmt_int(row.count) if row.count is not None else row.count_text
            cells = [str(row.line), row.indicator, period, count, status]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col in (0, 3):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if row.error:
                    item.setForeground(red)
                    item.setToolTip(status)
                self.table.setItem(i, col, item)
        errors, new = len(preview.errors), preview.new_rows
        if errors:
            self.summary.setText(_("{n} rows have errors (in red): correct the sheet and choose it again. "
                                   "Nothing will be imported while an error remains.").format(n=errors))
            self.summary.setStyleSheet(f"color: {ERROR_COLOR.name()};")
        else:
            self.summary.setStyleSheet("")
            self.summary.setText(_("{rows} rows checked: {new} new entries ({citizens} citizens).").format(
                rows=fmt_int(len(preview.rows)), new=fmt_int(len(new)),
                citizens=fmt_int(sum(r.count for r in new))))
        self.import_button.setEnabled(not errors and bool(new))
        if self.import_button.isEnabled():
            self.import_button.setFocus()

    # --- importing -------------------------------------------------------------------------------------

    def start_apply(self) -> Job | None:
        if self.preview is None or self.preview.errors or not self.preview.new_rows:
            return None
        db, actor, path = self.ctx.db, self.ctx.actor, self.preview.path
        self.summary.setText(_("Importing…"))
        return self._start(lambda: apply_opening(db, actor, path), self._applied)

    def _applied(self, result: OpeningResult) -> None:
        self.imported = result
        self.import_button.setEnabled(False)
        self.summary.setText(_("Imported: {new} entries ({citizens} citizens); {present} rows were already there.")
                             .format(new=fmt_int(result.new), citizens=fmt_int(result.citizens),
                                     present=fmt_int(result.present)))
        self.ctx.events.records_changed.emit()
        self.ctx.events.status_message.emit(_("Opening balances imported: {n} entries.").format(n=result.new))

    # --- the worker ------------------------------------------------------------------------------------

    def _start(self, fn, on_done) -> Job:
        job = Job(fn, what="opening balances job")
        self.job = job
        self.busy.setVisible(True)
        self.choose_button.setEnabled(False)
        self.close_button.setEnabled(False)
        self.import_button.setEnabled(False)
        self._on_done = on_done
        job.signals.done.connect(self._done)  # bound methods of this QObject: queued to the main thread
        job.signals.failed.connect(self._failed)
        QThreadPool.globalInstance().start(job)
        return job

    def _done(self, result) -> None:
        self._end()
        self._on_done(result)

    def _end(self) -> None:
        self.job = None
        self.busy.setVisible(False)
        self.choose_button.setEnabled(True)
        self.close_button.setEnabled(True)

    def _failed(self, text: str) -> None:
        self._end()
        self.summary.setText("")
        messages.warning(self, _("Import opening balances"), text)
        if self.preview is not None and self.imported is None and not self.preview.errors:
            self.import_button.setEnabled(bool(self.preview.new_rows))

    def reject(self) -> None:
        if self.job is None:
            super().reject()
