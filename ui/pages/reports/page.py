"""Báo cáo: choose a period (Tháng / Quý / Năm / Tùy chọn) and the report kind, see page 1 live, print it
(system dialog), save it as PDF or Word, copy a tally card for Zalo; a Dashboard tab with four charts.

The page is composed of the widgets in `reports_parts` (one a file). All counting and rendering runs in a background
job (progress bar, cancel button); the widgets are only touched on the main thread. Printing and saving register the report number first ("Số: …" never repeats)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from dxdesk.ui import messages, ui_settings
from dxdesk.ui.background import Job
from dxdesk.ui.pages.reports.breakdown import BreakdownView
from dxdesk.ui.pages.reports.dashboard_tab import DashboardTab
from dxdesk.ui.pages.reports.period_bar import PeriodBar
from dxdesk.ui.pages.reports.preview_pane import PreviewPane
from dxdesk.ui.pages.reports.register import RegisterView
from dxdesk.ui.pages.reports.report_form import ReportForm
from dxdesk.ui.pages.reports.signer_dialog import SignerDialog
from dxdesk.ui.pages.reports.worker import report_job
from PySide6.QtCore import QThreadPool, QTimer
from PySide6.QtGui import QGuiApplication, QImage, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from dxdesk import clock
from dxdesk.errors import UserError
from dxdesk.i18n import _
from dxdesk.paths import replaced_when_done
from dxdesk.periods import Period, report_default
from dxdesk.reporting import tally_report
from dxdesk.reporting.issuer import load, save
from dxdesk.security.permissions import allowed
from dxdesk.settings.store import REPORTS_SAVE_DIR
from dxdesk.text import clean_free_text

# Tests set these instead of answering file dialogs.
save_path_for_tests: str | Path | None = None
signer_answers_for_tests: list[tuple[str, bool]] | None = None  # answers to "who signs?" (text, OK pressed)


class ReportsPage(QWidget):
    def __init__(self, ctx, title: str, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.pool = QThreadPool.globalInstance()
        self.generation = 0
        self.worker: Job | None = None  # the job making what the page asked for last
        self.pending: str | None = None  # what it is for
        self._jobs: dict[object, tuple[Job, int]] = {}  # a job's signals -> (the job, alive until it reports; its generation)
        self.last_pdf: bytes | None = None
        self.last_png: bytes | None = None
        self.issued: dict[tuple, str] = {}  # (period, kind, symbol) -> number text given in this session
        self._signer_asked: set[bool] = set()  # report kinds (doan or not) whose signer was asked for
        self.dashboard_data: dict | None = None

        # The page, as read: the period (every tab); the report tab (the form, page 1's preview); the dashboard;
        # the breakdown; the register of numbers.
        today = clock.today()
        self.period_bar = PeriodBar(report_default(today))
        self.form = ReportForm(today)
        self.preview_pane = PreviewPane()
        self.dash_tab = DashboardTab()
        self.breakdown_view = BreakdownView()
        self.register_tab = RegisterView(self.ctx.db)
        self._name_parts()
        self._fill_units()
        report_tab = QWidget()
        row = QHBoxLayout(report_tab)
        row.setContentsMargins(0, 4, 0, 0)
        row.addWidget(self.form)
        row.addWidget(self.preview_pane, 1)
        self.tabs = QTabWidget(objectName="report_tabs")
        self.tabs.addTab(report_tab, _("&Report"))
        self.tabs.addTab(self.dash_tab, _("Dash&board"))
        self.tabs.addTab(self.breakdown_view, _("Break&down"))
        self.tabs.addTab(self.register_tab, _("Number re&gister"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.period_bar)
        layout.addWidget(self.tabs, 1)

        # --- behaviour ---
        self.refresh_timer = QTimer(self, singleShot=True, interval=350)
        self.refresh_timer.timeout.connect(self.refresh)
        for signal in (self.picker.changed, self.unit_box.currentIndexChanged, *self.form.changed_signals()):
            signal.connect(self.schedule_refresh)
        self.tabs.currentChanged.connect(lambda _i: self.schedule_refresh())
        self.print_button.clicked.connect(lambda: self.start("print"))
        self.pdf_button.clicked.connect(lambda: self.start("pdf"))
        self.docx_button.clicked.connect(lambda: self.start("docx"))
        self.zalo_button.clicked.connect(lambda: self.start("zalo"))
        self.dash_copy.clicked.connect(self.copy_dashboard)
        self.signer_button.clicked.connect(self.edit_signer)
        self.cancel_button.clicked.connect(self.cancel)
        QShortcut(QKeySequence("Ctrl+S"), self, activated=lambda: self.start("pdf"))
        ctx.events.records_changed.connect(self.schedule_refresh)
        ctx.events.profile_changed.connect(self.schedule_refresh)
        ctx.events.actor_changed.connect(self._apply_permissions)
        self._set_busy(False)
        self._apply_permissions()
        self.schedule_refresh()

    def _name_parts(self) -> None:
        """The parts' widgets by the names the page (and its tests) use."""
        self.picker = self.period_bar.picker
        for name in ("kind_box", "year_spin", "month_box", "quarter_box", "from_edit", "to_edit"):
            setattr(self, name, getattr(self.picker, name))
        for name in ("period_text", "unit_box", "unit_label"):
            setattr(self, name, getattr(self.period_bar, name))
        for name in ("report_kind", "date_edit", "number_label", "texts_tabs", "difficulties_edit", "proposals_edit",
                     "plan_edit", "signer_button", "print_button", "pdf_button", "docx_button", "zalo_button",
                     "progress", "cancel_button", "status_label"):
            setattr(self, name, getattr(self.form, name))
        self.preview, self.preview_area = self.preview_pane.label, self.preview_pane
        self.dashboard, self.dash_copy = self.dash_tab.dashboard, self.dash_tab.copy_button

    # --- inputs ---
    def period(self) -> Period:
        return self.picker.period()

    def set_period(self, text: str) -> None:
        """Select a period given as the CLI writes it (used by tests and 'open this period')."""
        self.picker.set_period(text)
        self.refresh()

    @property
    def doan(self) -> bool:
        return self.form.doan

    def texts(self):
        from dxdesk.reporting.tally_report import ReportTexts

        return ReportTexts(clean_free_text(self.difficulties_edit.toPlainText(), max_length=4000),
                           clean_free_text(self.proposals_edit.toPlainText(), max_length=4000),
                           clean_free_text(self.plan_edit.toPlainText(), max_length=4000))

    def _apply_permissions(self) -> None:
        may = allowed(self.ctx.actor, "report.print")
        for button in (self.print_button, self.pdf_button, self.docx_button, self.signer_button):
            button.setEnabled(may)
            button.setToolTip("" if may else _("Your role may not print reports."))

    # --- work ---
    def schedule_refresh(self, *_args) -> None:
        self.refresh_timer.start()

    def _fill_units(self) -> None:
        """Province databases only: 'Toàn tỉnh' and every commune whose packages were rolled up."""
        from dxdesk.settings.profile import get_profile, rolled_up_units

        profile = get_profile(self.ctx.db)
        province_level = profile is not None and profile.unit_code is None
        self.period_bar.show_units(rolled_up_units(self.ctx.db) if province_level else None)

    def unit_code(self) -> str | None:
        return self.period_bar.unit_code()

    def _key(self, period: Period) -> tuple:
        return (period.key, self.doan, load(self.ctx.db, self.doan).symbol, self.unit_code())

    def refresh(self) -> None:
        """Recount and redraw what the visible tab shows (page 1 preview, or the charts)."""
        try:
            period = self.period()
        except UserError as exc:
            self.period_text.setText(str(exc))
            return
        self.period_text.setText(f"{period.start:%d/%m/%Y} – {period.end:%d/%m/%Y}")
        self._update_number(period)
        if self.tabs.currentIndex() == 3:
            self.register_tab.reload()
            return
        self.start("dashboard" if self.tabs.currentIndex() in (1, 2) else "preview")

    def _update_number(self, period: Period) -> None:
        given = self.issued.get(self._key(period))
        if given:
            self.number_label.setText(_("{number} (registered)").format(number=given))
        else:
            text = tally_report.next_number_text(self.ctx.db, self.doan, self.date_edit.date().year())
            self.number_label.setText(_("{number} (given when printed or saved)").format(number=text))

    def start(self, purpose: str) -> Job | None:
        try:
            period, texts = self.period(), self.texts()
        except UserError as exc:
            messages.warning(self, _("Reports"), str(exc))
            return None
        number_text = None
        self.reservation = None
        if purpose in ("print", "pdf", "docx"):
            if allowed(self.ctx.actor, "report.print"):
                self._ask_signer_once()  # an empty signer's name is asked for once, kept and printed
            number_text = self.issued.get(self._key(period))
            if number_text is None:  # the next number, registered only once the document is printed or saved
                try:  # refused before anything is made
                    self.reservation = tally_report.reserve(self.ctx.db, self.ctx.actor, self.doan,
                                                            self.date_edit.date().year())
                except UserError as exc:
                    messages.warning(self, _("Reports"), str(exc))
                    return None
                number_text = self.reservation.text()
        elif purpose == "preview":
            number_text = self.issued.get(self._key(period))
        if self.worker is not None:
            self.worker.stop.set()
        self.generation += 1
        generation = self.generation
        render_purpose = {"print": "pdf"}.get(purpose, purpose)
        job = report_job(self.ctx.db, self.ctx.actor, period, self.doan, texts, self.date_edit.date().toPython(),
                         render_purpose, number_text, self.unit_code())
        self._jobs[job.signals] = (job, generation)
        self.worker, self.pending = job, purpose
        # bound methods of this page: a page closed meanwhile is never called (lambdas would be)
        job.signals.progress.connect(self._job_progress)
        job.signals.done.connect(self._job_done)
        job.signals.failed.connect(self._job_failed)
        job.signals.cancelled.connect(self._job_generation)
        self._set_busy(True)
        self.pool.start(job)
        return job

    def _confirm(self, report, files: list[tuple[Path, bytes]] | None = None) -> bool:
        """Register the reserved number now that the report has been printed, or write FILES ('.part' then
        rename) and register it; a number already registered in this session is simply used again."""
        key = self._key(report.tally.period)
        reservation, self.reservation = self.reservation, None
        try:
            if reservation is None:  # printed or saved before in this session: the number is registered already
                for path, data in files or []:
                    with replaced_when_done(path) as part:
                        part.write_bytes(data)
                return True
            if files:  # made with the reserved number already (the preview shows it): written as they are
                issued = tally_report.issue_files(self.ctx.db, self.ctx.actor, report, reservation,
                                                  [(path, lambda _report, d=data: d) for path, data in files],
                                                  attempts=1)
            else:
                issued = tally_report.issue_printed(self.ctx.db, self.ctx.actor, report, reservation)
        except OSError as exc:
            messages.warning(self, _("Save the report"),
                             _("The file could not be written: {reason}").format(reason=exc.strerror or str(exc)))
            return False
        except UserError as exc:
            messages.warning(self, _("Reports"), str(exc) + " " + _("Make the report again: it will take the next "
                                                                     "free number."))
            self._update_number(report.tally.period)
            return False
        self.issued[key] = issued.text(self.doan)
        self._update_number(report.tally.period)
        self.numbers_changed()
        return True

    def numbers_changed(self) -> None:
        """The register was written: the register tab shows it."""
        if getattr(self, "register_tab", None) is not None:
            self.register_tab.reload()

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.stop.set()
            self.worker = None
            self.generation += 1
        self._set_busy(False)
        self.status_label.setText(_("Cancelled."))

    def _set_busy(self, busy: bool) -> None:
        self.form.set_busy(busy)

    def _job_generation(self, *, finished: bool = True) -> int:
        """The generation of the job whose signal is being delivered (-1: unknown); FINISHED lets it go."""
        entry = self._jobs.pop(self.sender(), None) if finished else self._jobs.get(self.sender())
        return entry[1] if entry else -1

    def _job_progress(self, step: int, steps: int) -> None:
        self._progress(step, steps, self._job_generation(finished=False))

    def _job_done(self, result: dict) -> None:
        self._done(result, self._job_generation())

    def _job_failed(self, text: str) -> None:
        self._failed(text, self._job_generation())

    def _progress(self, step: int, steps: int, generation: int) -> None:
        if generation == self.generation:
            self.progress.setRange(0, steps)
            self.progress.setValue(step)

    def _failed(self, text: str, generation: int) -> None:
        if generation != self.generation:
            return
        self.worker = None
        self._set_busy(False)
        self.status_label.setText(text)
        if self.pending not in ("preview", "dashboard"):
            messages.warning(self, _("Reports"), text)

    def _done(self, result: dict, generation: int) -> None:
        if generation != self.generation:
            return
        purpose = self.pending
        self.worker = None
        self._set_busy(False)
        self.status_label.setText("")
        if purpose == "dashboard":
            self.dashboard_data = result
            self.dashboard.show_data(result["tally"], result["breakdown"])
            self.breakdown_view.show_data(result["breakdown"])
            return
        report = result["report"]
        if "pdf" in result:
            self.last_pdf = result["pdf"]
            self._show_preview(result["pdf"])
        if purpose == "print":
            from dxdesk.ui.printing import print_pdf

            if print_pdf(self, result["pdf"], _("Report {number}").format(number=report.number_text.strip())):
                if self._confirm(report):
                    self.ctx.events.status_message.emit(_("Report {number} sent to the printer.").format(
                        number=report.number_text.strip()))
            else:
                self.reservation = None  # not printed: no number taken
        elif purpose == "pdf":
            self._save(report, result["pdf"], self._file_name(report, "pdf"), _("PDF files (*.pdf)"), ".pdf")
        elif purpose == "docx":
            self._save(report, result["docx"], self._file_name(report, "docx"), _("Word documents (*.docx)"), ".docx")
        elif purpose == "zalo":
            self.last_png = result["png"]
            self._copy_png(result["png"], report.tally.period)

    def _file_name(self, report, ext: str) -> str:
        return f"bao-cao-{report.tally.period.key.replace('..', '_')}.{ext}"

    def _save(self, report, data: bytes, name: str, file_filter: str, suffix: str) -> Path | None:
        folder = ui_settings.value(self.ctx.paths, REPORTS_SAVE_DIR) or str(Path.home())
        if save_path_for_tests is not None:
            chosen = str(save_path_for_tests)
        else:
            chosen, _f = QFileDialog.getSaveFileName(self, _("Save the report"), f"{folder}/{name}", file_filter)
        if not chosen:
            self.reservation = None  # not saved: no number taken
            return None
        path = Path(chosen)
        if path.suffix.lower() != suffix:
            path = path.with_name(path.name + suffix)
        if not self._confirm(report, [(path, data)]):
            return None
        ui_settings.set_value(self.ctx.paths, REPORTS_SAVE_DIR, str(path.parent))
        self.status_label.setText(_("Saved: {path}").format(path=path))
        self.ctx.events.status_message.emit(_("Saved: {path}").format(path=path))
        return path

    def _image_folder(self) -> Path:
        folder = self.ctx.paths.home / "zalo"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def _copy_png(self, png: bytes, period: Period) -> Path | None:
        image = QImage.fromData(png, "PNG")
        QGuiApplication.clipboard().setImage(image)
        path = self._image_folder() / f"bao-cao-{period.key.replace('..', '_')}.png"
        try:
            path.write_bytes(png)
        except OSError as exc:
            messages.warning(self, _("Reports"),
                             _("The file could not be written: {reason}").format(reason=exc.strerror or str(exc)))
            return None
        text = _("Image copied: paste it into Zalo (Ctrl+V). Also saved as {path}").format(path=path)
        self.status_label.setText(text)
        self.ctx.events.status_message.emit(text)
        return path

    def copy_dashboard(self) -> Path | None:
        if self.dashboard_data is None:
            self.status_label.setText(_("The charts are not ready yet."))
            return None
        return self._copy_png(self.dash_tab.png(), self.dashboard_data["tally"].period)

    def _show_preview(self, pdf: bytes) -> None:
        self.preview_pane.show_pdf(pdf)

    def _ask_signer_once(self) -> None:
        """The signer's name is empty out of the box ("Họ tên người ký" printed blank): before the first print or
        save, ask for it once, keep it in the report settings, and it is printed from then on."""
        if self.doan in self._signer_asked:
            return
        value = load(self.ctx.db, self.doan)
        if value.signer_name:
            return
        self._signer_asked.add(self.doan)  # asked once: an empty answer is not asked again in this session
        question = _("Full name of the person who signs ({position}); it is printed under the signature and kept "
                     "for the next reports:").format(position=value.signer_position or _("signer"))
        if signer_answers_for_tests is not None:
            name, ok = signer_answers_for_tests.pop(0) if signer_answers_for_tests else ("", False)
        else:
            name, ok = QInputDialog.getText(self, _("Signer of the report"), question, QLineEdit.EchoMode.Normal, "")
        name = clean_free_text(name or "", max_length=120)
        if not ok or not name:
            return
        try:
            save(self.ctx.db, self.ctx.actor, replace(value, signer_name=name), self.doan)
        except UserError as exc:  # e.g. a role that may print but not change the settings: printed blank
            messages.warning(self, _("Signer and recipients"), str(exc))
            return
        self.ctx.events.status_message.emit(_("Signer saved: {name}.").format(name=name))

    def edit_signer(self) -> None:
        dialog = SignerDialog(load(self.ctx.db, self.doan), self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            save(self.ctx.db, self.ctx.actor, dialog.value(), self.doan)
        except UserError as exc:
            messages.warning(self, _("Signer and recipients"), str(exc))
            return
        self.schedule_refresh()

    def activated(self) -> None:
        self._fill_units()  # packages may have been imported since
        self.schedule_refresh()
