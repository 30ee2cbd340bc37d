"""Trao đổi dữ liệu: export a period's package, import (roll up) packages, and the upload queue.

Export, import and upload run in a QThreadPool worker with a progress bar and a Cancel button; a cancelled
export leaves no file and a cancelled import writes nothing (dxdesk.exchange does the all-or-nothing)."""

from __future__ import annotations

import logging
from pathlib import Path

from dxdesk.ui import messages
from dxdesk.ui.background import Job
from dxdesk.ui.keys_panel import TrustedKeysBox
from dxdesk.ui.period_picker import PeriodPicker
from dxdesk.ui.settings_package_dialog import SettingsPackageBox
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from dxdesk import clock
from dxdesk.errors import UserError
from dxdesk.exchange import upload
from dxdesk.exchange.export import Cancelled, export_package
from dxdesk.exchange.importer import import_package
from dxdesk.exchange.trust import Unsigned
from dxdesk.i18n import N_, _
from dxdesk.periods import report_default
from dxdesk.permissions import allowed
from dxdesk.profile import get_profile, rolled_up_units
from dxdesk.vnformat import fmt_int

STATUS_LABELS = {"queued": N_("Waiting"), "sent": N_("Sent"), "failed": N_("Refused")}


log = logging.getLogger(__name__)

class ExchangePage(QWidget):
    def __init__(self, ctx, title: str, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.job: Job | None = None
        self.pool = QThreadPool.globalInstance()
        self._running_text = ""  # what the running job is doing, for "… — stop and quit?" when the window closes
        self._running_not_made = ""  # what is not made if it is stopped
        self._running_part: Path | None = None  # the file being written (its .part is removed if stopped)

        # --- export
        # the same picker as Báo cáo (chosen, never a typed code), opened on the month a clerk would send
        self.period_picker = PeriodPicker(report_default(clock.today()), prefix="export", show_days=True)
        period_label = QLabel(_("Package &period:"))
        period_label.setBuddy(self.period_picker.kind_box)
        self.personal = QCheckBox(_("With personal &data (notes, names, phone numbers)"), objectName="personal")
        self.with_report = QCheckBox(_("With the report (PD&F)"), objectName="with_report")
        self.with_report.setToolTip(_("Adds the tally report of the period (report.pdf, number left blank) to "
                                      "the package."))
        self.queue_after = QCheckBox(_("Put in the &upload queue"), objectName="queue_after")
        self.export_button = QPushButton(_("E&xport…"), objectName="export")
        self.export_button.clicked.connect(lambda: self.choose_export())
        # on a province database: which commune's package (re-sending it, or forwarding it up)
        self.unit = QComboBox(objectName="export_unit")
        self.unit.setMinimumContentsLength(18)
        self.unit_label = QLabel(_("Commun&e:"))
        self.unit_label.setBuddy(self.unit)
        export_box = QGroupBox(_("Send up: the package of a period"))
        e = QVBoxLayout(export_box)
        first = QHBoxLayout()
        first.addWidget(period_label)
        first.addWidget(self.period_picker)
        first.addWidget(self.unit_label)
        first.addWidget(self.unit)
        first.addStretch(1)
        first.addWidget(self.export_button)
        second = QHBoxLayout()
        second.addWidget(self.personal)
        second.addWidget(self.with_report)
        second.addWidget(self.queue_after)
        second.addStretch(1)
        e.addLayout(first)
        e.addLayout(second)

        # --- import
        self.import_button = QPushButton(_("&Import packages…"), objectName="import")
        self.import_button.clicked.connect(lambda: self.choose_import())
        self.opening_button = QPushButton(_("Import &opening balances…"), objectName="opening")
        self.opening_button.clicked.connect(lambda: self.open_opening())
        self.results = QListWidget(objectName="results")
        placeholder = QListWidgetItem(_("No package imported in this session yet: “Import packages…” merges the "
                                        "communes' .zip files; the result of each shows here."))
        placeholder.setFlags(Qt.ItemFlag.NoItemFlags)  # a hint, not a result: removed with the first result
        self.results.addItem(placeholder)
        self._results_placeholder = placeholder
        self.results.setWordWrap(True)
        import_note = QLabel(_("Merges the packages of several communes; the same package twice adds nothing, and "
                               "a damaged or altered package is refused whole."))
        import_note.setWordWrap(True)
        import_box = QGroupBox(_("Roll up: packages from the communes"))
        i = QVBoxLayout(import_box)
        top = QHBoxLayout()
        top.addWidget(import_note, 1)
        top.addWidget(self.import_button)
        top.addWidget(self.opening_button)
        i.addLayout(top)
        self.keys_box = TrustedKeysBox(ctx)  # enrolled units and pinned senders, the enrolment step
        self.import_tabs = QTabWidget(objectName="import_tabs")
        self.import_tabs.addTab(self.results, _("Results"))
        self.import_tabs.addTab(self.keys_box, _("Enrolled units and keys"))
        i.addWidget(self.import_tabs, 1)

        # --- progress (shared by the three jobs)
        self.progress = QProgressBar(objectName="progress")
        self.progress_label = QLabel(objectName="progress_label")
        self.cancel_button = QPushButton(_("&Cancel"), objectName="cancel")
        self.cancel_button.clicked.connect(self.cancel)
        prog = QHBoxLayout()
        prog.addWidget(self.progress_label)
        prog.addWidget(self.progress, 1)
        prog.addWidget(self.cancel_button)

        # --- upload
        self.endpoint = QLineEdit(objectName="endpoint")
        self.endpoint.setPlaceholderText("https://…")
        self.token = QLineEdit(objectName="token")
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.save_upload = QPushButton(_("&Save"), objectName="save_upload")
        self.save_upload.clicked.connect(self.save_settings)
        self.send_button = QPushButton(_("Se&nd now"), objectName="send_now")
        self.send_button.clicked.connect(self.send_now)
        self.retry_button = QPushButton(_("&Queue again"), objectName="retry")
        self.retry_button.clicked.connect(self.retry_selected)
        self.table = QTableWidget(0, 4, objectName="queue")
        self.table.setHorizontalHeaderLabels([_("Package"), _("Status"), _("Tries"), _("Server's answer")])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        upload_box = QGroupBox(_("Upload"))
        form = QFormLayout()
        endpoint_label = QLabel(_("&Address:"))
        endpoint_label.setBuddy(self.endpoint)
        token_label = QLabel(_("Access &token:"))
        token_label.setBuddy(self.token)
        row = QHBoxLayout()
        row.addWidget(self.endpoint, 2)
        row.addWidget(token_label)
        row.addWidget(self.token, 1)
        row.addWidget(self.save_upload)
        form.addRow(endpoint_label, row)
        u = QVBoxLayout(upload_box)
        u.addLayout(form)
        u.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.queue_note = QLabel(objectName="queue_note")
        buttons.addWidget(self.queue_note, 1)
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.send_button)
        u.addLayout(buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(export_box)
        layout.addWidget(import_box, 2)
        self.settings_box = SettingsPackageBox(ctx)  # downward: targets, catalogue, guides, days off
        layout.addWidget(self.settings_box)
        layout.addLayout(prog)
        layout.addWidget(upload_box, 3)
        self.setTabOrder(self.period_picker.to_edit, self.unit)
        self.setTabOrder(self.unit, self.export_button)
        self.setTabOrder(self.export_button, self.personal)
        self.setTabOrder(self.personal, self.with_report)
        self.setTabOrder(self.with_report, self.queue_after)
        self._set_busy(False)
        self.refresh()

    # --- state -----------------------------------------------------------------------------------------
    def activated(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        actor = self.ctx.actor
        may_export = allowed(actor, "data.export")
        busy = self.job is not None
        self.export_button.setEnabled(may_export and not busy)
        self.personal.setEnabled(allowed(actor, "data.export_personal"))
        if not self.personal.isEnabled():
            self.personal.setChecked(False)
        self.with_report.setEnabled(allowed(actor, "report.print"))
        if not self.with_report.isEnabled():
            self.with_report.setChecked(False)
        self._fill_units()
        self.import_button.setEnabled(allowed(actor, "data.import") and not busy)
        self.opening_button.setEnabled(allowed(actor, "data.import") and not busy)
        may_configure = allowed(actor, "settings.manage")
        for w in (self.endpoint, self.token, self.save_upload):
            w.setEnabled(may_configure)
            w.setToolTip("" if may_configure else _("Only an administrator changes the upload address and token."))
        self.send_button.setEnabled(may_export and not busy)
        self.retry_button.setEnabled(may_export)
        self.endpoint.setText(upload.get_endpoint(self.ctx.db) or "")
        try:
            has_token = bool(upload.get_token(self.ctx.db))
            self.token.setPlaceholderText(_("(kept in the system's password store)") if has_token else "")
        except UserError as exc:
            self.token.setEnabled(False)
            self.token.setToolTip(exc.message)
        self.settings_box.refresh()
        self.keys_box.refresh()
        self.fill_queue()

    def _fill_units(self) -> None:
        """The commune chooser, shown on a province database only (a commune exports its own records)."""
        profile = get_profile(self.ctx.db)
        province = profile is not None and not profile.unit_code
        self.unit.setVisible(province)
        self.unit_label.setVisible(province)
        if not province:
            self.unit.clear()
            return
        rows = list(rolled_up_units(self.ctx.db).items())
        current = self.unit.currentData()
        if [self.unit.itemData(i) for i in range(self.unit.count())] != [code for code, _name in rows]:
            self.unit.clear()
            for code, name in rows:
                self.unit.addItem(f"{name} ({code})", code)
        if current is not None and self.unit.findData(current) >= 0:
            self.unit.setCurrentIndex(self.unit.findData(current))

    def fill_queue(self) -> None:
        entries = upload.queue(self.ctx.db)
        self.table.setRowCount(len(entries))
        for r, e in enumerate(entries):
            status = _(STATUS_LABELS.get(e.status, e.status))
            if e.status == "queued" and e.attempts and e.next_try_at:
                status += " " + _("(next try {at})").format(at=e.next_try_at.strftime("%H:%M %d/%m"))
            values = [e.name, status, fmt_int(e.attempts), e.last_answer]
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, e.id)
                if c == 3:
                    item.setToolTip(value)
                self.table.setItem(r, c, item)
        waiting = sum(1 for e in entries if e.status == "queued")
        text = _("Waiting to be sent: {n}").format(n=fmt_int(waiting))
        if not self.endpoint.text():
            text += " · " + _("no upload address yet (an administrator enters it above)")
        self.queue_note.setText(text)

    def _set_busy(self, busy: bool, label: str = "") -> None:
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.cancel_button.setEnabled(busy)
        self.progress_label.setText(label)
        if busy:
            self.progress.setRange(0, 0)

    def _start(self, fn, label: str, on_done) -> Job:
        job = Job(fn, what="exchange job", takes_job=True, cancelled=(Cancelled,))
        self.job = job
        job.signals.progress.connect(self._on_progress)
        job.signals.item.connect(self._on_item)
        job.signals.done.connect(lambda result: self._finished(on_done, result))
        job.signals.failed.connect(self._on_failed)
        job.signals.cancelled.connect(self._on_cancelled)
        self._set_busy(True, label)
        self.refresh()
        self.pool.start(job)
        return job

    def cancel(self) -> None:
        if self.job is not None:
            self.job.stop.set()
            self.cancel_button.setEnabled(False)
            self.progress_label.setText(_("Cancelling…"))

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(min(done, total))

    def _on_item(self, text: str, ok: bool) -> None:
        if self._results_placeholder is not None:
            self.results.takeItem(self.results.row(self._results_placeholder))
            self._results_placeholder = None
        self.results.insertItem(0, ("✓ " if ok else "✗ ") + text)

    # --- closing the window while a job runs ---------------------------------------------------------
    def running_work(self) -> str | None:
        """What the page is doing now ("Exporting the package x.zip"), or None when idle."""
        return self._running_text if self.job is not None else None

    def stop_for_exit(self) -> str:
        """Ask the running job to stop (the window is closing); returns what will not have been made."""
        if self.job is not None:
            self.job.stop.set()
        return self._running_not_made

    def clean_after_exit(self) -> None:
        """After the pool was waited for: no half-written package is left behind, even if the job did not stop
        in time (it would have removed its .part itself)."""
        if self._running_part is not None:
            part = self._running_part.with_name(self._running_part.name + ".part")
            try:
                part.unlink(missing_ok=True)
            except OSError:  # still open on Windows: logged, the name says what it is
                log.warning("could not remove %s", part)

    def _end(self) -> None:
        self._running_text, self._running_not_made, self._running_part = "", "", None
        self.job = None
        self._set_busy(False)
        self.refresh()

    def _finished(self, on_done, result) -> None:
        self._end()
        on_done(result)

    def _on_failed(self, text: str) -> None:
        self._end()
        messages.warning(self, _("Data exchange"), text)

    def _on_cancelled(self) -> None:
        self._end()
        self.ctx.events.status_message.emit(_("Cancelled: nothing was written."))
        self.results.insertItem(0, _("Cancelled: nothing was written."))

    # --- export ----------------------------------------------------------------------------------------
    def choose_export(self) -> None:
        try:
            period = self.period_picker.period()
        except UserError as exc:  # a custom range that ends before it starts
            messages.warning(self, _("Export"), exc.message)
            self.period_picker.setFocus()
            return
        if self.personal.isChecked() and not messages.confirm(
                self, _("Export with personal data"),
                _("The package will contain notes, places, volunteer names and phone numbers and consented "
                  "contacts. Send it only where the law allows. Continue?")):
            return
        default = str(Path.home() / f"dxdesk-{period.key}.zip")
        path, _filter = QFileDialog.getSaveFileName(self, _("Export package"), default, _("Packages (*.zip)"))
        if path:
            self.start_export(Path(path if path.lower().endswith(".zip") else path + ".zip"))

    def start_export(self, path: Path) -> Job | None:
        try:
            period = self.period_picker.period()
        except UserError as exc:
            messages.warning(self, _("Export"), exc.message)
            return None
        personal, queue_after = self.personal.isChecked(), self.queue_after.isChecked()
        with_report = self.with_report.isChecked()
        unit_code = self.unit.currentData() if self.unit.isVisibleTo(self) else None
        if self.unit.isVisibleTo(self) and unit_code is None:
            messages.warning(self, _("Export"), _("No commune's package has been imported into this database yet."))
            return None
        db, actor = self.ctx.db, self.ctx.actor

        def work(job: Job):
            result = export_package(db, actor, period, path, with_personal_data=personal, with_report=with_report,
                                    unit_code=unit_code, progress=job.progress)
            if queue_after:
                upload.enqueue(db, actor, result.path)
            return result

        def done(result) -> None:
            text = _("Package {file}: {records} records ({rows} services), {period}.").format(
                file=result.path.name, records=fmt_int(result.records), rows=fmt_int(result.rows),
                period=period.label())
            self.results.insertItem(0, "✓ " + text)
            self.ctx.events.status_message.emit(text)

        job = self._start(work, _("Exporting…"), done)
        self._running_text = _("Exporting the package {file}").format(file=path.name)
        self._running_not_made = _("The package {file} was not made.").format(file=path.name)
        self._running_part = path
        return job

    # --- import ----------------------------------------------------------------------------------------
    def choose_import(self) -> None:
        paths, _filter = QFileDialog.getOpenFileNames(self, _("Import packages"), "", _("Packages (*.zip)"))
        if paths:
            self.start_import([Path(p) for p in paths])

    def open_opening(self) -> None:
        from dxdesk.ui.exchange_opening import OpeningDialog

        OpeningDialog(self.ctx, self).exec()

    def start_import(self, paths: list[Path], allow_unsigned: bool = False) -> Job:
        db, actor = self.ctx.db, self.ctx.actor

        def work(job: Job):
            imported = refused = 0
            unsigned: list[Path] = []
            for path in paths:
                if job.stop.is_set():
                    raise Cancelled()
                try:
                    result = import_package(db, actor, path, progress=job.progress, allow_unsigned=allow_unsigned)
                except UserError as exc:
                    refused += 1
                    if isinstance(exc, Unsigned):
                        unsigned.append(path)
                    job.signals.item.emit(exc.message, False)
                    continue
                imported += 1
                job.signals.item.emit(result.summary(), result.conflicts == 0)
            return imported, refused, unsigned

        def done(counts) -> None:
            imported, refused, unsigned = counts
            if imported:
                self.ctx.events.records_changed.emit()
            self.ctx.events.status_message.emit(
                _("Packages imported: {n}; refused: {m}.").format(n=imported, m=refused))
            if unsigned and allowed(actor, "keys.manage") and self._accept_unsigned(unsigned):
                self.start_import(unsigned, allow_unsigned=True)

        job = self._start(work, _("Importing…"), done)
        self._running_text = _("Importing {n} packages").format(n=len(paths))
        self._running_not_made = _("Import stopped: the packages not yet imported were not (each one is imported "
                                   "whole or not at all); import them again.")
        return job

    def _accept_unsigned(self, paths: list[Path]) -> bool:
        """An administrator may accept unsigned packages (an older version's): asked twice, then audited."""
        names = ", ".join(p.name for p in paths[:5]) + ("…" if len(paths) > 5 else "")
        title = _("Unsigned packages")
        return (messages.confirm(self, title, _("{names}: not signed. Packages made by an older dxdesk have no "
                                                "signature, but so does a forged one. Do you know for certain where "
                                                "they came from?").format(names=names),
                                 yes=_("I know where they came from"), no=_("No"))
                and messages.confirm(self, title, _("Accept them without a signature? This is recorded in the "
                                                    "audit log under your name."),
                                     yes=_("Accept unsigned"), no=_("Cancel")))

    # --- upload ----------------------------------------------------------------------------------------
    def save_settings(self) -> None:
        try:
            upload.configure(self.ctx.db, self.ctx.actor, self.endpoint.text(), self.token.text() or None)
        except UserError as exc:
            messages.warning(self, _("Upload"), exc.message)
            return
        self.token.clear()
        self.refresh()
        self.ctx.events.status_message.emit(_("Upload address saved."))

    def send_now(self) -> Job:
        db, actor = self.ctx.db, self.ctx.actor

        def done(totals) -> None:
            self.ctx.events.status_message.emit(_("Sent: {sent}, refused: {failed}, still waiting: {waiting}.").format(
                **totals))

        return self._start(lambda job: upload.process_queue(db, actor), _("Sending…"), done)

    def retry_selected(self) -> None:
        items = self.table.selectedItems()
        if not items:
            messages.info(self, _("Upload"), _("Choose a package in the list first."))
            return
        try:
            upload.requeue(self.ctx.db, self.ctx.actor, items[0].data(Qt.ItemDataRole.UserRole))
        except UserError as exc:
            messages.warning(self, _("Upload"), exc.message)
        self.fill_queue()
