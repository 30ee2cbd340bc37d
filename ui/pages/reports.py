"""Báo cáo: choose a period (Tháng / Quý / Năm / Tùy chọn) and the report kind, see page 1 live, print it
(system dialog), save it as PDF or Word, copy a tally card for Zalo; a Dashboard tab with four charts.

All counting and rendering runs in a QThreadPool worker (progress bar, cancel button); the widgets are only
touched on the main thread. Printing and saving register the report number first ("Số: …" never repeats)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from dxdesk.ui import messages, ui_settings
from dxdesk.ui.dashboard import Dashboard
from dxdesk.ui.report_breakdown import BreakdownView
from dxdesk.ui.report_register import RegisterView
from PySide6.QtCore import QDate, QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from dxdesk import clock, counting, tally_report
from dxdesk.errors import UserError
from dxdesk.i18n import N_, _
from dxdesk.paths import replaced_when_done
from dxdesk.periods import Period, report_default
from dxdesk.permissions import allowed
from dxdesk.report_settings import ReportSettings, load, save
from dxdesk.settings import REPORTS_SAVE_DIR
from dxdesk.text import clean_free_text

PERIOD_KINDS = (("month", N_("Month")), ("quarter", N_("Quarter")), ("year", N_("Year")), ("custom", N_("Custom")))
REPORT_KINDS = (("state", N_("Results report (state layout, ND 30/2020)")),
                ("doan", N_("Results report (Youth Union layout)")))

# Tests set these instead of answering file dialogs.
save_path_for_tests: str | Path | None = None
signer_answers_for_tests: list[tuple[str, bool]] | None = None  # answers to "who signs?" (text, OK pressed)


class _Signals(QObject):
    progress = Signal(int, int, int)  # step, steps, generation
    done = Signal(object, int)  # result dict, generation
    failed = Signal(str, int)


class ReportWorker(QRunnable):
    """Counts, then renders what was asked: 'preview' (PDF), 'pdf', 'docx', 'zalo' (PNG), 'dashboard' (data)."""

    def __init__(self, db, actor, period: Period, doan: bool, texts, day: dt.date, purpose: str, generation: int,
                 number_text: str | None = None, unit_code: str | None = None):
        super().__init__()
        self.db, self.actor, self.period, self.doan, self.texts, self.day = db, actor, period, doan, texts, day
        self.unit_code = unit_code  # one commune of a province database; None: the whole database
        self.purpose, self.generation, self.number_text = purpose, generation, number_text
        self.signals = _Signals()
        self.cancel = False

    def run(self) -> None:
        from dxdesk.reports import tally_pdf

        from dxdesk import tally_report

        steps = 3
        try:
            self.signals.progress.emit(0, steps, self.generation)
            if self.purpose == "dashboard":
                result = {"tally": counting.compute(self.db, self.period, self.unit_code),
                          "breakdown": counting.breakdown(self.db, self.period, self.unit_code)}
                self.signals.done.emit(result, self.generation)
                return
            what = dict(unit_code=self.unit_code, doan=self.doan, texts=self.texts, day=self.day,
                        number_text=self.number_text)
            if self.purpose in ("pdf", "docx"):  # the document itself: what `report tally` makes, checked the same
                report = tally_report.build(self.db, self.actor, self.period, **what)
            else:  # page 1's preview and the Zalo card: any role that sees the page
                report = tally_report.prepare(self.db, self.period, **what)
            self.signals.progress.emit(1, steps, self.generation)
            if self.cancel:
                return
            result = {"report": report}
            if self.purpose == "zalo":
                from dxdesk.reports import zalo

                result["png"] = zalo.render(report.tally, report.unit_name, self.day)
            elif self.purpose == "docx":
                from dxdesk.reports import tally_docx

                result["docx"] = tally_docx.render(report)
            else:
                result["pdf"] = tally_pdf.render(report)
            self.signals.progress.emit(steps, steps, self.generation)
            if not self.cancel:
                self.signals.done.emit(result, self.generation)
        except UserError as exc:
            self.signals.failed.emit(str(exc), self.generation)
        except Exception as exc:  # noqa: BLE001 - shown on the page, never a crash in a thread
            self.signals.failed.emit(_("The report could not be made: {error}").format(error=exc), self.generation)


class SignerDialog(QDialog):
    """Issuing body, signer and recipients of the report (stored in the database's settings)."""

    def __init__(self, value: ReportSettings, parent=None):
        super().__init__(parent)
        self.setWindowTitle(_("Signer and recipients"))
        self.parent_edit = QLineEdit(value.parent_agency, objectName="parent_edit")
        self.body_edit = QLineEdit(value.issuing_body, objectName="body_edit")
        self.symbol_edit = QLineEdit(value.symbol, objectName="symbol_edit")
        self.authority_edit = QLineEdit(value.signer_authority, objectName="authority_edit")
        self.position_edit = QLineEdit(value.signer_position, objectName="position_edit")
        self.name_edit = QLineEdit(value.signer_name, objectName="name_edit")
        self.recipients_edit = QPlainTextEdit("\n".join(value.recipients), objectName="recipients_edit")
        self.recipients_edit.setTabChangesFocus(True)
        self.recipients_edit.setFixedHeight(90)
        form = QFormLayout()
        form.addRow(_("&Parent agency:"), self.parent_edit)
        form.addRow(_("&Issuing body:"), self.body_edit)
        form.addRow(_("S&ymbol (BC-…):"), self.symbol_edit)
        form.addRow(_("Signing &authority (TM./KT.):"), self.authority_edit)
        form.addRow(_("P&osition:"), self.position_edit)
        form.addRow(_("Signer's &name:"), self.name_edit)
        form.addRow(_("&Recipients (one a line):"), self.recipients_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Save"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(560, 380)

    def value(self) -> ReportSettings:
        return ReportSettings(
            parent_agency=self.parent_edit.text().strip(), issuing_body=self.body_edit.text().strip(),
            symbol=self.symbol_edit.text().strip(), signer_authority=self.authority_edit.text().strip(),
            signer_position=self.position_edit.text().strip(), signer_name=self.name_edit.text().strip(),
            recipients=[line.strip() for line in self.recipients_edit.toPlainText().splitlines() if line.strip()],
        )


class ReportsPage(QWidget):
    def __init__(self, ctx, title: str, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.pool = QThreadPool.globalInstance()
        self.generation = 0
        self.worker: ReportWorker | None = None
        self.pending: str | None = None  # what the running worker is for
        self._workers: set = set()
        self.last_pdf: bytes | None = None
        self.last_png: bytes | None = None
        self.issued: dict[tuple, str] = {}  # (period, kind, symbol) -> number text given in this session
        self._signer_asked: set[bool] = set()  # report kinds (doan or not) whose signer was asked for
        self.dashboard_data: dict | None = None

        today = clock.today()
        # --- period picker (shared by both tabs): the one PeriodPicker, opened on the month a clerk would print ---
        from dxdesk.ui.period_picker import PeriodPicker

        self.picker = PeriodPicker(report_default(today), kinds=[k for k, _label in PERIOD_KINDS])
        self.kind_box, self.year_spin = self.picker.kind_box, self.picker.year_spin
        self.month_box, self.quarter_box = self.picker.month_box, self.picker.quarter_box
        self.from_edit, self.to_edit = self.picker.from_edit, self.picker.to_edit
        period_label = QLabel(_("&Period:"))
        period_label.setBuddy(self.kind_box)
        self.period_text = QLabel(objectName="period_text")
        # a province database: the whole province or one of the communes rolled up into it
        self.unit_box = QComboBox(objectName="unit_box")
        self.unit_label = QLabel(_("&Unit:"))
        self.unit_label.setBuddy(self.unit_box)
        self._fill_units()
        top = QHBoxLayout()
        top.addWidget(period_label)
        top.addWidget(self.picker)
        top.addWidget(self.period_text, 1)
        top.addWidget(self.unit_label)
        top.addWidget(self.unit_box)

        # --- report tab ---
        self.report_kind = QComboBox(objectName="report_kind")
        for key, label in REPORT_KINDS:
            self.report_kind.addItem(_(label), key)
        self.date_edit = QDateEdit(objectName="report_date", calendarPopup=True)
        self.date_edit.setDisplayFormat("dd/MM/yyyy")
        self.date_edit.setDate(QDate(today.year, today.month, today.day))
        self.number_label = QLabel(objectName="number_label")
        self.texts_tabs = QTabWidget(objectName="texts_tabs")
        self.difficulties_edit = QPlainTextEdit(objectName="difficulties_edit")
        self.proposals_edit = QPlainTextEdit(objectName="proposals_edit")
        self.plan_edit = QPlainTextEdit(objectName="plan_edit")
        for edit, label in ((self.difficulties_edit, _("Difficulties")), (self.proposals_edit, _("Proposals")),
                            (self.plan_edit, _("Next period"))):
            edit.setTabChangesFocus(True)
            edit.setPlaceholderText(_("Left empty, the report prints dotted lines to write on."))
            self.texts_tabs.addTab(edit, label)
        self.signer_button = QPushButton(_("Si&gner and recipients…"), objectName="signer_button")
        self.print_button = QPushButton(_("&Print…"), objectName="print_button")
        self.pdf_button = QPushButton(_("Save P&DF"), objectName="pdf_button")
        self.docx_button = QPushButton(_("Save &Word"), objectName="docx_button")
        self.zalo_button = QPushButton(_("Copy &image (Zalo)"), objectName="zalo_button")
        self.print_button.setShortcut(QKeySequence.StandardKey.Print)
        self.progress = QProgressBar(objectName="progress")
        self.progress.setTextVisible(False)
        self.cancel_button = QPushButton(_("Cancel"), objectName="cancel_button")
        self.status_label = QLabel(objectName="status_label")
        self.status_label.setWordWrap(True)

        form = QFormLayout()
        kind_label = QLabel(_("Report &kind:"))
        kind_label.setBuddy(self.report_kind)
        form.addRow(kind_label, self.report_kind)
        date_label = QLabel(_("Report &date:"))
        date_label.setBuddy(self.date_edit)
        form.addRow(date_label, self.date_edit)
        form.addRow(_("Number:"), self.number_label)
        left = QVBoxLayout()
        left.addLayout(form)
        left.addWidget(self.texts_tabs, 1)
        left.addWidget(self.signer_button)
        buttons = QGridLayout()
        buttons.addWidget(self.print_button, 0, 0)
        buttons.addWidget(self.pdf_button, 0, 1)
        buttons.addWidget(self.docx_button, 1, 0)
        buttons.addWidget(self.zalo_button, 1, 1)
        left.addLayout(buttons)
        busy = QHBoxLayout()
        busy.addWidget(self.progress, 1)
        busy.addWidget(self.cancel_button)
        left.addLayout(busy)
        left.addWidget(self.status_label)
        left_box = QWidget()
        left_box.setLayout(left)
        left_box.setFixedWidth(340)

        self.preview = QLabel(objectName="preview")
        self.preview.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.preview.setText(_("Preparing the preview…"))
        self.preview_area = QScrollArea(objectName="preview_area")
        self.preview_area.setWidget(self.preview)
        self.preview_area.setWidgetResizable(True)
        self.preview_area.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        report_tab = QWidget()
        row = QHBoxLayout(report_tab)
        row.setContentsMargins(0, 4, 0, 0)
        row.addWidget(left_box)
        row.addWidget(self.preview_area, 1)

        # --- dashboard tab ---
        self.dashboard = Dashboard()
        self.dash_copy = QPushButton(_("Copy d&ashboard image"), objectName="dash_copy")
        dash_tab = QWidget()
        dash_layout = QVBoxLayout(dash_tab)
        dash_layout.setContentsMargins(0, 4, 0, 0)
        dash_layout.addWidget(self.dashboard, 1)
        dash_row = QHBoxLayout()
        dash_row.addStretch(1)
        dash_row.addWidget(self.dash_copy)
        dash_layout.addLayout(dash_row)

        self.tabs = QTabWidget(objectName="report_tabs")
        self.tabs.addTab(report_tab, _("&Report"))
        self.tabs.addTab(dash_tab, _("Dash&board"))
        self.breakdown_view = BreakdownView()
        self.tabs.addTab(self.breakdown_view, _("Break&down"))
        self.register_tab = RegisterView(self.ctx.db)
        self.tabs.addTab(self.register_tab, _("Number re&gister"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)

        # --- behaviour ---
        self.refresh_timer = QTimer(self, singleShot=True, interval=350)
        self.refresh_timer.timeout.connect(self.refresh)
        for signal in (self.picker.changed, self.unit_box.currentIndexChanged, self.report_kind.currentIndexChanged,
                       self.date_edit.dateChanged, self.difficulties_edit.textChanged,
                       self.proposals_edit.textChanged, self.plan_edit.textChanged):
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

    # --- inputs ---
    def period(self) -> Period:
        return self.picker.period()

    def set_period(self, text: str) -> None:
        """Select a period given as the CLI writes it (used by tests and 'open this period')."""
        self.picker.set_period(text)
        self.refresh()

    @property
    def doan(self) -> bool:
        return self.report_kind.currentData() == "doan"

    def texts(self):
        from dxdesk.tally_report import ReportTexts

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
        from dxdesk.profile import get_profile, rolled_up_units

        profile = get_profile(self.ctx.db)
        current = self.unit_box.currentData()
        self.unit_box.blockSignals(True)
        self.unit_box.clear()
        province_level = profile is not None and profile.unit_code is None
        if province_level:
            self.unit_box.addItem(_("Whole province"), None)
            for code, name in rolled_up_units(self.ctx.db).items():
                self.unit_box.addItem(f"{name} ({code})", code)
            index = self.unit_box.findData(current)
            self.unit_box.setCurrentIndex(max(index, 0))
        self.unit_box.blockSignals(False)
        self.unit_box.setVisible(province_level)
        self.unit_label.setVisible(province_level)

    def unit_code(self) -> str | None:
        return self.unit_box.currentData() if self.unit_box.count() else None

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

    def start(self, purpose: str) -> ReportWorker | None:
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
            self.worker.cancel = True
        self.generation += 1
        render_purpose = {"print": "pdf"}.get(purpose, purpose)
        worker = ReportWorker(self.ctx.db, self.ctx.actor, period, self.doan, texts, self.date_edit.date().toPython(),
                              render_purpose, self.generation, number_text, self.unit_code())
        worker.setAutoDelete(False)
        self._workers.add(worker)
        self.worker, self.pending = worker, purpose
        worker.signals.progress.connect(self._progress)
        worker.signals.done.connect(self._done)
        worker.signals.failed.connect(self._failed)
        worker.signals.done.connect(lambda *_a, w=worker: self._workers.discard(w))
        worker.signals.failed.connect(lambda *_a, w=worker: self._workers.discard(w))
        self._set_busy(True)
        self.pool.start(worker)
        return worker

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
            self.worker.cancel = True
            self.worker = None
            self.generation += 1
        self._set_busy(False)
        self.status_label.setText(_("Cancelled."))

    def _set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        if busy:
            self.progress.setRange(0, 0)

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
        from PySide6.QtCore import QBuffer, QByteArray, QIODevice

        pixmap = self.dashboard.grab()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        pixmap.save(buffer, "PNG")
        buffer.close()
        return self._copy_png(bytes(data.data()), self.dashboard_data["tally"].period)

    def _show_preview(self, pdf: bytes) -> None:
        from dxdesk.ui.printing import render_page

        width = max(300, self.preview_area.viewport().width() - 16)
        image = render_page(pdf, 0, dpi=width / 8.27)  # A4 is 8,27 in wide: page 1 fits the width
        if image is None:
            self.preview.setText(_("The preview could not be drawn."))
            return
        self.preview.setPixmap(QPixmap.fromImage(image))

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
