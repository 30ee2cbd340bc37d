"""Cài đặt → Sao lưu: backups (automatic daily list, manual copy to a USB stick, checked restore), the recovery
code of the contact-data key, and citizens' personal data (retention, purge, erase on request, consent slip)."""

from __future__ import annotations

from pathlib import Path

from dxdesk.ui import messages
from dxdesk.ui.background import Job
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressDialog,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from dxdesk import clock
from dxdesk.errors import UserError
from dxdesk.i18n import _
from dxdesk.security import privacy, recovery
from dxdesk.security.permissions import allowed
from dxdesk.settings import backup
from dxdesk.vnformat import fmt_date, fmt_int


class RecoveryCodeDialog(QDialog):
    def __init__(self, code: str, db_label: str, parent=None):
        super().__init__(parent)
        self.code = code
        self.db_label = db_label
        self.setWindowTitle(_("Recovery code of the contact-data key"))
        text = QLabel(_("Print this code and keep it locked away. With it, a reinstalled PC reads its contact "
                        "data again, and another counter PC of a shared PostgreSQL database can be enrolled. "
                        "Anyone holding it can read the contacts."))
        text.setWordWrap(True)
        groups = code.split("-")
        shown = QLabel("\n".join("  ".join(groups[i:i + 4]) for i in range(0, len(groups), 4)), objectName="code")
        shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = shown.font()
        font.setFamily("monospace")
        font.setPointSize(font.pointSize() + 4)
        font.setBold(True)
        shown.setFont(font)
        shown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        buttons = QDialogButtonBox()
        print_button = buttons.addButton(_("&Print…"), QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(_("Close"), QDialogButtonBox.ButtonRole.RejectRole)
        print_button.clicked.connect(self.print_sheet)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(shown)
        layout.addWidget(buttons)

    def print_sheet(self) -> None:
        from dxdesk.reports.consent_slip import recovery_sheet_pdf
        from dxdesk.ui.printing import print_pdf

        print_pdf(self, recovery_sheet_pdf(self.code, self.db_label, clock.today()), _("Recovery code"))


class BackupTab(QWidget):
    def __init__(self, ctx, title: str = "", parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self._jobs: list[Job] = []

        # --- backups
        self.backup_note = QLabel(objectName="backup_note")
        self.backup_note.setWordWrap(True)
        self.backup_list = QListWidget(objectName="backup_list")
        self.backup_list.setMaximumHeight(110)
        self.backup_button = QPushButton(_("&Back up now to a file…"), objectName="backup_now")
        self.restore_button = QPushButton(_("&Restore from a backup…"), objectName="restore")
        self.backup_button.clicked.connect(lambda: self.backup_now())
        self.restore_button.clicked.connect(lambda: self.restore())
        box1 = QGroupBox(_("Backups"))
        l1 = QVBoxLayout(box1)
        l1.addWidget(self.backup_note)
        l1.addWidget(self.backup_list)
        row = QHBoxLayout()
        row.addWidget(self.backup_button)
        row.addWidget(self.restore_button)
        row.addStretch(1)
        l1.addLayout(row)

        # --- recovery code
        self.code_button = QPushButton(_("Show and print the recovery &code…"), objectName="show_code")
        self.enter_code_button = QPushButton(_("&Enter a recovery code…"), objectName="enter_code")
        self.code_button.clicked.connect(self.show_code)
        self.enter_code_button.clicked.connect(lambda: self.enter_code())
        box2 = QGroupBox(_("Key of the contact data"))
        l2 = QVBoxLayout(box2)
        note2 = QLabel(_("Citizens' names and phones are encrypted; the key is only in this PC's password store. "
                         "Print the recovery code once and lock it away: after a reinstall, or on another counter PC "
                         "of a shared PostgreSQL database, enter it here."))
        note2.setWordWrap(True)
        l2.addWidget(note2)
        row2 = QHBoxLayout()
        row2.addWidget(self.code_button)
        row2.addWidget(self.enter_code_button)
        row2.addStretch(1)
        l2.addLayout(row2)

        # --- personal data
        self.retention = QSpinBox(objectName="retention_days")
        self.retention.setRange(0, privacy.MAX_RETENTION_DAYS)
        self.retention.setSuffix(_(" days"))
        self.retention.setMinimumWidth(110)
        self.save_retention = QPushButton(_("&Save"), objectName="save_retention")
        self.purge_button = QPushButton(_("&Purge expired contacts now"), objectName="purge_now")
        self.erase_button = QPushButton(_("Erase a citizen's contacts on re&quest…"), objectName="erase_request")
        self.slip_button = QPushButton(_("Print the consent &slip…"), objectName="consent_slip")
        self.contact_count = QLabel(objectName="contact_count")
        self.save_retention.clicked.connect(self.set_retention)
        self.purge_button.clicked.connect(self.purge_now)
        self.erase_button.clicked.connect(lambda: self.erase_request())
        self.slip_button.clicked.connect(self.print_slip)
        box3 = QGroupBox(_("Citizens' personal data"))
        grid = QGridLayout(box3)
        label = QLabel(_("Keep contacts until the end of the reporting &quarter plus:"))
        label.setBuddy(self.retention)
        grid.addWidget(label, 0, 0)
        grid.addWidget(self.retention, 0, 1)
        grid.addWidget(self.save_retention, 0, 2)
        grid.setColumnStretch(3, 1)
        grid.addWidget(self.contact_count, 1, 0, 1, 4)
        row3 = QHBoxLayout()
        for b in (self.purge_button, self.erase_button, self.slip_button):
            row3.addWidget(b)
        row3.addStretch(1)
        grid.addLayout(row3, 2, 0, 1, 4)

        inner = QWidget()
        layout = QVBoxLayout(inner)
        for box in (box1, box2, box3):
            layout.addWidget(box)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        ctx.events.actor_changed.connect(self.activated)
        self.activated()

    # --- state

    def activated(self) -> None:
        admin = allowed(self.ctx.actor, "backup.manage")
        sqlite = self.ctx.db.sqlite_path is not None
        for b in (self.backup_button, self.restore_button):
            b.setEnabled(admin and sqlite)
        self.code_button.setEnabled(admin)
        self.enter_code_button.setEnabled(admin)
        self.retention.setEnabled(allowed(self.ctx.actor, "settings.manage"))
        self.save_retention.setEnabled(allowed(self.ctx.actor, "settings.manage"))
        self.purge_button.setEnabled(allowed(self.ctx.actor, "personal.purge"))
        self.erase_button.setEnabled(allowed(self.ctx.actor, "personal.purge"))
        if not sqlite:
            self.backup_note.setText(_("This database is on a PostgreSQL server: back it up on the server with "
                                       "pg_dump (see the documentation)."))
        else:
            self.backup_note.setText(
                _("dxdesk copies the database once a day into {folder} (14 daily and 12 monthly copies are kept). "
                  "Copy to a USB stick from time to time.").format(folder=self.ctx.paths.backups)
                + ("" if admin else " " + _("Only an administrator backs up and restores.")))
        self.backup_list.clear()
        for path in backup.list_backups(self.ctx.paths.backups)[:40]:
            self.backup_list.addItem(f"{path.name}  ({fmt_int(path.stat().st_size // 1024)} KB)")
        if not self.backup_list.count():
            self.backup_list.addItem(_("No backup yet in this folder."))
        self.retention.setValue(privacy.retention_days(self.ctx.db))
        self.contact_count.setText(_("Entries with a consented contact now: {n}.").format(
            n=fmt_int(privacy.count_with_contact(self.ctx.db))))

    # --- backups

    def _start(self, fn, label: str, on_done, title: str | None = None) -> None:
        title = title or _("Backup")
        progress = QProgressDialog(label, "", 0, 0, self)
        progress.setCancelButton(None)  # the SQLite backup API copies in one go: nothing to cancel halfway
        progress.setWindowTitle(title)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(300)
        job = Job(fn, what="backup job")
        self._jobs.append(job)

        def finish(ok: bool, payload) -> None:
            progress.close()
            self._jobs.remove(job)
            if ok:
                on_done(payload)
            else:
                messages.warning(self, title, payload)

        job.signals.done.connect(lambda result: finish(True, result))
        job.signals.failed.connect(lambda message: finish(False, message))
        QThreadPool.globalInstance().start(job)

    def backup_now(self, target: str | None = None) -> None:
        from PySide6.QtWidgets import QFileDialog

        if not target:
            suggested = str(Path.home() / f"dxdesk-{clock.now():%Y%m%d-%H%M}.sqlite3")
            target, _f = QFileDialog.getSaveFileName(self, _("Back up to a file"), suggested,
                                                     _("dxdesk backups (*.sqlite3)"))
            if not target:
                return
        db, actor = self.ctx.db, self.ctx.actor

        def done(info) -> None:
            messages.info(self, _("Backup"), _("Backup written to {path} and checked: {n} entries.").format(
                path=info.path, n=fmt_int(info.records)))
            self.activated()

        self._start(lambda: backup.backup_to(db, actor, Path(target)), _("Backing up…"), done)

    def restore(self, source: str | None = None) -> None:
        from PySide6.QtWidgets import QFileDialog

        if not source:
            source, _f = QFileDialog.getOpenFileName(self, _("Restore from a backup"), str(self.ctx.paths.backups),
                                                     _("dxdesk backups (*.sqlite3);;All files (*)"))
            if not source:
                return
        # checking the backup migrates a fresh database to its revision (seconds): off the UI thread
        self._start(lambda: backup.verify(Path(source), schema=True), _("Checking the backup…"),
                    lambda info: self._confirm_restore(Path(source), info), title=_("Restore"))

    def _confirm_restore(self, source: Path, info) -> None:
        if not messages.confirm(self, _("Restore"), _(
                "The backup is whole and readable: {n} entries. Replace the current database with it? The current "
                "file is kept in the backups folder. Close dxdesk on every other window and PC using this database "
                "first.").format(n=fmt_int(info.records)), yes=_("Restore"), no=_("Cancel")):
            return
        db, actor, paths = self.ctx.db, self.ctx.actor, self.ctx.paths
        live = db.sqlite_path
        if not QThreadPool.globalInstance().waitForDone(15_000):  # a count, an export… still reading the file
            messages.warning(self, _("Restore"), _("dxdesk is still busy with another task (an export, a count…). "
                                                   "Wait until it is done, then restore again. Nothing was changed."))
            return

        def work():  # this window lets go of the file for the swap and keeps the same Database on the restored one
            return backup.restore_database(actor, live, source, paths, db=db)

        def done(kept) -> None:
            events = self.ctx.events
            for signal in (events.profile_changed, events.roster_changed, events.records_changed):
                signal.emit()
            self.activated()
            messages.info(self, _("Restore"), _("Database restored: {n} entries. The previous file is kept as "
                                                "{kept}.").format(n=fmt_int(info.records), kept=kept))

        self._start(work, _("Restoring…"), done, title=_("Restore"))

    # --- recovery code

    def show_code(self) -> None:
        try:
            code = recovery.recovery_code(self.ctx.db, self.ctx.actor)
        except UserError as exc:
            messages.warning(self, _("Recovery code"), exc.message)
            return
        RecoveryCodeDialog(code, self.ctx.db.describe(), self).exec()

    def enter_code(self, code: str | None = None) -> None:
        if code is None:
            code, ok = QInputDialog.getText(self, _("Enter a recovery code"),
                                            _("The 14 groups from the printed sheet:"), QLineEdit.EchoMode.Normal)
            if not ok:
                return
        try:
            recovery.restore_key(self.ctx.db, self.ctx.actor, code)
        except UserError as exc:
            messages.warning(self, _("Recovery code"), exc.message)
            return
        messages.info(self, _("Recovery code"), _("The key is back on this computer: contact details can be read "
                                                  "here again."))

    # --- personal data

    def set_retention(self) -> None:
        try:
            privacy.set_retention_days(self.ctx.db, self.ctx.actor, self.retention.value())
        except UserError as exc:
            messages.warning(self, _("Citizens' personal data"), exc.message)
            return
        self.ctx.events.status_message.emit(_("Retention period saved."))

    def purge_now(self) -> None:
        try:
            n = privacy.purge_expired(self.ctx.db, self.ctx.actor)
        except UserError as exc:
            messages.warning(self, _("Citizens' personal data"), exc.message)
            return
        messages.info(self, _("Citizens' personal data"), _(
            "Contact details erased from {n} entries past the retention period; the entries still count.").format(
            n=fmt_int(n)))
        self.activated()

    def erase_request(self, text: str | None = None) -> None:
        if text is None:
            text, ok = QInputDialog.getText(self, _("Erase on request"),
                                            _("The citizen's phone number (or name, if no phone was kept):"))
            if not ok:
                return
        try:
            found = privacy.find_contact(self.ctx.db, self.ctx.actor, text)
        except UserError as exc:
            messages.warning(self, _("Erase on request"), exc.message)
            return
        if not found:
            messages.info(self, _("Erase on request"), _("No entry keeps a contact matching this."))
            return
        dates = ", ".join(fmt_date(f.work_date) for f in found[:10])
        if not messages.confirm(self, _("Erase on request"), _(
                "{n} entries keep this citizen's contact ({dates}). Erase the name and phone from all of them? "
                "The entries still count.").format(n=fmt_int(len(found)), dates=dates), yes=_("Erase"),
                no=_("Cancel")):
            return
        n = privacy.erase_on_request(self.ctx.db, self.ctx.actor, text)
        messages.info(self, _("Erase on request"), _("Contact details erased from {n} entries.").format(n=fmt_int(n)))
        self.activated()

    def print_slip(self) -> None:
        from dxdesk.reports.consent_slip import consent_slip_for
        from dxdesk.ui.printing import print_pdf

        from dxdesk.security.privacy import consent_slip

        print_pdf(self, consent_slip_for(consent_slip(self.ctx.db)), _("Consent slip"))
