"""Trao đổi dữ liệu: export a period's package, import (roll up) packages, and the upload queue.

Export, import and upload run in a background Job with a progress bar and a Cancel button; a cancelled
export leaves no file and a cancelled import writes nothing (dxdesk.exchange does the all-or-nothing). The page is
five widgets (ui/pages/exchange_parts/ and the settings-package row); it runs the jobs they ask for."""

from __future__ import annotations

import logging
from pathlib import Path

from dxdesk.ui import messages
from dxdesk.ui.background import Job
from dxdesk.ui.pages.exchange.export_box import ExportBox
from dxdesk.ui.pages.exchange.import_box import ImportBox
from dxdesk.ui.pages.exchange.job_progress import JobProgress
from dxdesk.ui.pages.exchange.settings_package import SettingsPackageBox
from dxdesk.ui.pages.exchange.upload_box import UploadBox
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QFileDialog, QVBoxLayout, QWidget

from dxdesk.errors import UserError
from dxdesk.exchange import upload
from dxdesk.exchange.export import Cancelled, export_package
from dxdesk.exchange.importer import import_package
from dxdesk.exchange.trust import Unsigned
from dxdesk.i18n import _
from dxdesk.security.permissions import allowed
from dxdesk.vnformat import fmt_int

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

        self.export_box = ExportBox()  # upward: a period's package
        self.import_box = ImportBox(ctx)  # from the communes, and the keys that vouch for them
        self.settings_box = SettingsPackageBox(ctx)  # downward: targets, catalogue, guides, days off
        self.job_progress = JobProgress()  # the running job of any of them
        self.upload_box = UploadBox()  # the queue to the province server
        layout = QVBoxLayout(self)
        layout.addWidget(self.export_box)
        layout.addWidget(self.import_box, 2)
        layout.addWidget(self.settings_box)
        layout.addWidget(self.job_progress)
        layout.addWidget(self.upload_box, 3)

        self.export_box.export_button.clicked.connect(lambda: self.choose_export())
        self.import_box.import_button.clicked.connect(lambda: self.choose_import())
        self.import_box.opening_button.clicked.connect(lambda: self.open_opening())
        self.job_progress.cancel_button.clicked.connect(self.cancel)
        self.upload_box.save_upload.clicked.connect(self.save_settings)
        self.upload_box.send_button.clicked.connect(self.send_now)
        self.upload_box.retry_button.clicked.connect(self.retry_selected)
        self.job_progress.set_busy(False)
        self.refresh()

    # --- state -----------------------------------------------------------------------------------------
    def activated(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        db, actor, busy = self.ctx.db, self.ctx.actor, self.job is not None
        self.export_box.refresh(db, actor, busy)
        self.import_box.refresh(actor, busy)
        self.upload_box.refresh(db, actor, busy)
        self.settings_box.refresh()
        self.fill_queue()

    def fill_queue(self) -> None:
        self.upload_box.fill_queue(self.ctx.db)

    def _start(self, fn, label: str, on_done) -> Job:
        job = Job(fn, what="exchange job", takes_job=True, cancelled=(Cancelled,))
        self.job = job
        job.signals.progress.connect(self.job_progress.show_progress)
        job.signals.item.connect(self.import_box.add_result)
        job.signals.done.connect(lambda result: self._finished(on_done, result))
        job.signals.failed.connect(self._on_failed)
        job.signals.cancelled.connect(self._on_cancelled)
        self.job_progress.set_busy(True, label)
        self.refresh()
        self.pool.start(job)
        return job

    def cancel(self) -> None:
        if self.job is not None:
            self.job.stop.set()
            self.job_progress.cancelling()

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
        self.job_progress.set_busy(False)
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
        self.import_box.add_result(_("Cancelled: nothing was written."))

    # --- export ----------------------------------------------------------------------------------------
    def choose_export(self) -> None:
        try:
            period = self.export_box.period_picker.period()
        except UserError as exc:  # a custom range that ends before it starts
            messages.warning(self, _("Export"), exc.message)
            self.export_box.period_picker.setFocus()
            return
        if self.export_box.personal.isChecked() and not messages.confirm(
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
            period = self.export_box.period_picker.period()
        except UserError as exc:
            messages.warning(self, _("Export"), exc.message)
            return None
        box = self.export_box
        personal, queue_after, with_report = (box.personal.isChecked(), box.queue_after.isChecked(),
                                              box.with_report.isChecked())
        unit_code = box.unit.currentData() if box.chooses_unit() else None
        if box.chooses_unit() and unit_code is None:
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
            self.import_box.add_result(text, True)
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
        from dxdesk.ui.pages.exchange.opening import OpeningDialog

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
            upload.configure(self.ctx.db, self.ctx.actor, self.upload_box.endpoint.text(),
                             self.upload_box.token.text() or None)
        except UserError as exc:
            messages.warning(self, _("Upload"), exc.message)
            return
        self.upload_box.token.clear()
        self.refresh()
        self.ctx.events.status_message.emit(_("Upload address saved."))

    def send_now(self) -> Job:
        db, actor = self.ctx.db, self.ctx.actor

        def done(totals) -> None:
            self.ctx.events.status_message.emit(_("Sent: {sent}, refused: {failed}, still waiting: {waiting}.").format(
                **totals))

        return self._start(lambda job: upload.process_queue(db, actor), _("Sending…"), done)

    def retry_selected(self) -> None:
        entry = self.upload_box.selected_entry()
        if entry is None:
            messages.info(self, _("Upload"), _("Choose a package in the list first."))
            return
        try:
            upload.requeue(self.ctx.db, self.ctx.actor, entry)
        except UserError as exc:
            messages.warning(self, _("Upload"), exc.message)
        self.fill_queue()
