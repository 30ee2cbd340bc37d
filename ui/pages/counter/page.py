"""Quầy tiếp dân: log each citizen served with a key and Enter; today's entries and progress beside it.

The page is composed of the small widgets in `counter_parts` (one a file: who is on duty, the service buttons, the
details, the actions, the status line, today's list, counts and targets); this file holds what keys, saves and
undos do. The database is asked through the core only (records, today, roster, the outbox's counter functions)."""

from __future__ import annotations

import datetime as dt
import logging
import time

from dxdesk.ui.background import Job
from dxdesk.ui.pages.counter.action_bar import ActionBar
from dxdesk.ui.pages.counter.details_form import DetailsForm
from dxdesk.ui.pages.counter.dialogs import CampaignDialog, CorrectDialog, VoidDialog
from dxdesk.ui.pages.counter.duty_bar import DutyBar
from dxdesk.ui.pages.counter.progress_panel import ProgressPanel
from dxdesk.ui.pages.counter.service_grid import ServiceButton, ServiceGrid  # noqa: F401 - the page's parts
from dxdesk.ui.pages.counter.status_line import StatusLine
from dxdesk.ui.pages.counter.style import AMBER, GREEN, RED
from dxdesk.ui.pages.counter.today_panel import TodayPanel
from PySide6.QtCore import Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from dxdesk import clock
from dxdesk.counter.contact import unavailable_reason
from dxdesk.counter.records import NewRecord, today_entries, undo_record
from dxdesk.counting.catalogue import list_services
from dxdesk.counting.progress import day_totals, today_progress
from dxdesk.errors import UserError
from dxdesk.exchange import outbox
from dxdesk.i18n import _
from dxdesk.shifts.today import checked_in_at, current_shift, on_shift
from dxdesk.vnformat import fmt_int
from dxdesk.volunteers.members import volunteer_names

log = logging.getLogger(__name__)
CONTACT_CHECK_AFTER_MS = 1000
QUICK_WINDOW_MS = 3000  # quick mode: time to add another service for the same citizen before it is saved
RIGHT_COLUMN_WIDTH = 314


class CounterPage(QWidget):
    record_saved = Signal(str)  # uuid, after the commit

    def __init__(self, ctx, title: str, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.last_saved: tuple[str, dt.datetime, str] | None = None  # uuid, when, what
        self.shift = None
        self.services = list_services(ctx.db)
        self._entries = []
        self._waiting = []  # entries kept in the offline outbox (shared server only), listed above the others
        self._volunteer_names: dict[int, str] = {}
        self._last_queued = False  # the last save went to the outbox (undo takes it back out of it)
        self._figures_generation = 0
        self.figures_shown = -1  # generation of the figures on screen (tests wait for it)
        self._jobs: dict[object, tuple[Job, int]] = {}  # a figures job's signals -> (the job, its generation)
        self.quick_window_ms = QUICK_WINDOW_MS
        self._quick_deadline: float | None = None

        # The page, as read: who is on duty; the services; the details; the actions and what they did; beside it,
        # today's list and the counts against the targets.
        self.duty = DutyBar()
        self.service_grid = ServiceGrid()
        self.details = DetailsForm()
        self.actions = ActionBar()
        self.status = StatusLine()
        self.today = TodayPanel()
        self.progress = ProgressPanel()
        self._name_parts()
        self._lay_out()
        self._connect()
        self.service_grid.show_services(self.services)
        self._set_tab_order()
        # Whether contact fields can be used here asks the OS keyring, slow to load (#16): not before the window is up
        # and painted. Until then a tick of the box asks it there and then (_consent_toggled). It also reads the
        # database's id: through _ask_server, as a shared server may have gone silent by then.
        QTimer.singleShot(CONTACT_CHECK_AFTER_MS, self,
                          lambda: self._ask_server(self._consent_toggled, self.consent_box.isChecked()))
        # The roster and today's entries load in activated(), which the main window calls when it shows the page
        # (the first time too): loading them here as well did the start-up's queries twice (#16).

    def _name_parts(self) -> None:
        """The parts' widgets by the names the page (and its tests) use."""
        for part, names in ((self.duty, ("shift_label", "volunteer_box", "checkin_button", "volunteer_warning",
                                         "totals_label")),
                            (self.details, ("outcome_buttons", "age_box", "sex_box", "note_edit", "consent_box",
                                            "contact_name", "contact_phone", "contact_note")),
                            (self.actions, ("save_button", "undo_button", "clear_button", "campaign_button",
                                            "quick_mode")),
                            (self.status, ("status_label", "quick_bar")),
                            (self.today, ("correct_button", "void_button", "list_key_label", "empty_label",
                                          "waiting_label"))):
            for name in names:
                setattr(self, name, getattr(part, name))
        self.today_table = self.today.table
        self.progress_table = self.progress.table
        self.progress_box = self.progress

    def _lay_out(self) -> None:
        left = QVBoxLayout()
        left.addWidget(self.service_grid, 1)
        for part in (self.details, self.actions, self.status):
            left.addWidget(part)
        right_widget = QWidget()
        right = QVBoxLayout(right_widget)
        right.setContentsMargins(0, 0, 0, 0)
        right.addWidget(self.today, 1)
        right.addWidget(self.progress, 0)
        right_widget.setFixedWidth(RIGHT_COLUMN_WIDTH)
        body = QHBoxLayout()
        body.addLayout(left, 1)
        body.addWidget(right_widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.duty)
        layout.addLayout(body, 1)

    def _connect(self) -> None:
        ctx = self.ctx
        self.volunteer_box.currentIndexChanged.connect(self._volunteer_changed)
        self.checkin_button.clicked.connect(self.check_in)
        self.service_grid.clicked.connect(self._button_clicked)
        self.consent_box.toggled.connect(self._consent_toggled)
        self.save_button.clicked.connect(self.save)
        self.undo_button.clicked.connect(self.undo)
        self.clear_button.clicked.connect(self.clear)
        self.campaign_button.clicked.connect(self.campaign)
        self.quick_mode.toggled.connect(self._quick_mode_toggled)
        self._quick_timer = QTimer(self, interval=100)
        self._quick_timer.timeout.connect(self._quick_tick)
        self.correct_button.clicked.connect(self.correct_selected)
        self.void_button.clicked.connect(self.void_selected)
        for box in (self.volunteer_box, self.age_box, self.sex_box):  # after a choice, keys are service keys again
            box.activated.connect(lambda _index: self.setFocus())
        QShortcut(QKeySequence.StandardKey.Undo, self, self.undo,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence("Alt+L"), self, self.focus_today_list,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.today_table.activated.connect(lambda _index: self.correct_selected())  # Enter / double click: correct
        self._shift_timer = QTimer(self, interval=60_000)  # a shift starts or ends: show who is on duty then
        self._shift_timer.timeout.connect(self._check_shift)
        self._shift_timer.start()
        ctx.events.records_changed.connect(self.refresh_today)
        ctx.events.roster_changed.connect(self.refresh_roster)
        ctx.events.profile_changed.connect(self.reload_services)  # e.g. a settings package changed the catalogue
        ctx.events.profile_changed.connect(self.refresh_today)  # targets changed: the progress column follows

    @property
    def buttons(self) -> dict[str, ServiceButton]:
        return self.service_grid.buttons

    @property
    def key_map(self) -> dict[int, str]:
        return self.service_grid.key_map

    def _set_tab_order(self) -> None:
        """Tab walks the page as it is read: who is on duty, the services, the details, the actions, then today's
        list with Sửa / Hủy (they were the 23rd stop, after the check-in button came second)."""
        chain = [self.volunteer_box, *self.buttons.values(), *self.outcome_buttons.values(), self.age_box,
                 self.sex_box, self.note_edit, self.consent_box, self.contact_name, self.contact_phone,
                 self.save_button, self.undo_button, self.clear_button, self.quick_mode, self.campaign_button,
                 self.today_table, self.correct_button, self.void_button, self.checkin_button]
        for first, second in zip(chain, chain[1:], strict=False):
            self.setTabOrder(first, second)

    def focus_today_list(self) -> None:
        self.today.focus_list()

    def reload_services(self) -> None:
        """Rebuild the buttons when the catalogue changed (nothing half-chosen is kept: the entry starts over)."""
        try:
            services = list_services(self.ctx.db)
        except Exception as exc:
            if not outbox.is_connection_error(exc):
                raise
            return  # the shared server is down: keep the buttons there are
        if [(s.code, s.short, s.name, s.icon) for s in services] == [
                (s.code, s.short, s.name, s.icon) for s in self.services]:
            return
        self.services = services
        self.service_grid.show_services(services)
        self._set_tab_order()

    # --- who is on duty ---------------------------------------------------------------------------

    def refresh_roster(self) -> None:
        self.shift = current_shift(self.ctx.db, clock.now())
        everyone = volunteer_names(self.ctx.db)
        staff = on_shift(self.ctx.db, self.shift.id) if self.shift is not None else []
        self._volunteer_names = dict(everyone)
        previous = self.volunteer_box.currentData()
        self.duty.show_roster(self.shift, staff, everyone,
                              previous if previous is not None else self.ctx.actor.volunteer_id)
        self._volunteer_changed()

    @property
    def on_shift_ids(self) -> set[int]:
        return self.duty.on_shift_ids

    def _check_shift(self) -> None:
        self._ask_server(self._check_shift_now)

    def _check_shift_now(self) -> None:
        now_shift = current_shift(self.ctx.db, clock.now())
        if (now_shift.id if now_shift else None) != (self.shift.id if self.shift else None):
            self.refresh_roster()

    def volunteers_for_dialogs(self) -> list[tuple[int | None, str]]:
        return self.duty.choices()

    def _volunteer_changed(self, *_args) -> None:
        vid = self.volunteer_box.currentData()
        checked_in = None
        if vid is not None and self.shift is not None:
            checked_in = checked_in_at(self.ctx.db, self.shift.id, vid)
        self.duty.show_choice(self.shift, checked_in)

    def check_in(self) -> None:  # only shown when dxdesk.shifts.attendance exists (issue #4)
        import dxdesk.shifts.attendance as attendance

        vid = self.volunteer_box.currentData()
        try:
            attendance.check_in(self.ctx.db, self.ctx.actor, self.shift.id, vid)
        except UserError as exc:
            self.show_status(str(exc), RED)
            return
        self.show_status(_("✓ Checked in: {name}").format(name=self.volunteer_box.currentText()), GREEN)
        self.ctx.events.roster_changed.emit()

    # --- keyboard ---------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        key = event.key()
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if mods == Qt.KeyboardModifier.NoModifier and key in self.key_map:
            self.toggle(self.key_map[key])
            self._quick_chosen()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and mods == Qt.KeyboardModifier.NoModifier:
            if not self.today_table.hasFocus():  # Enter on today's list opens the correction instead
                self.save()
        elif key == Qt.Key.Key_Escape:
            self.clear()
            self.setFocus()
        else:
            super().keyPressEvent(event)

    def activated(self) -> None:
        self._ask_server(self.refresh_roster)
        self.refresh_today()
        self.setFocus()

    # --- a shared server that may be down ---------------------------------------------------------

    def server_down(self) -> bool:
        """On a shared server: True while it is known not to answer (then the page does not ask it)."""
        return outbox.server_down(self.ctx.db)

    def _ask_server(self, fn, *args) -> bool:
        """Run FN (which queries the database) unless a shared server is known to be down; a connection failure
        marks it down instead of reaching the crash dialog. False when FN did not run through."""
        return outbox.through_server(self.ctx.db, fn, *args)

    def _say_server_down(self) -> None:
        self.show_status(_("The server cannot be reached. Try again when it is back."), RED)

    # --- logging ----------------------------------------------------------------------------------

    def toggle(self, code: str) -> None:
        self.service_grid.toggle(code)

    def _button_clicked(self, code: str) -> None:
        self._quick_chosen()
        self.setFocus()

    # --- quick mode: one citizen, several services, no Enter ---------------------------------------
    # A click (or key) does not save at once: that split a citizen served with VNeID and e-Đồng Tháp into two.
    # It starts a short countdown, shown as a bar under the status line; every further service chosen before
    # it runs out belongs to the same citizen and starts it again. When it runs out the citizen is saved as
    # one record. Enter saves at once (the "next citizen" key), Esc drops the citizen, leaving the page saves.

    def quick_pending(self) -> bool:
        return self._quick_deadline is not None

    def _quick_chosen(self) -> None:
        if not self.quick_mode.isChecked():
            return
        if not self.selected_codes():  # the last service was unticked: nobody to save
            self._quick_stop()
            return
        self._quick_deadline = time.monotonic() + self.quick_window_ms / 1000
        self._quick_timer.start()
        self._quick_tick()

    def _quick_tick(self) -> None:
        if self._quick_deadline is None:
            return
        left = self._quick_deadline - time.monotonic()
        if left <= 0:
            self._quick_stop()
            self.save()
            return
        self.status.show_countdown(left, self.quick_window_ms, self.service_grid.names(self.selected_codes()))

    def _quick_stop(self) -> None:
        self._quick_deadline = None
        self._quick_timer.stop()
        self.status.hide_countdown()

    def _quick_mode_toggled(self, on: bool) -> None:
        if not on:
            self._quick_stop()  # what is chosen stays; Enter saves it as usual
        self.setFocus()

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt API
        if self.quick_pending():  # leaving the page (or closing) never loses the citizen being counted
            self._quick_stop()
            self.save()
        super().hideEvent(event)

    def selected_codes(self) -> list[str]:
        return self.service_grid.selected_codes()

    def _consent_toggled(self, on: bool) -> None:
        self.details.enable_contact(on, unavailable_reason(self.ctx.db))

    def save(self) -> None:
        self._quick_stop()
        codes = self.selected_codes()
        if not codes:
            self.show_status(_("Press a service key (1–9 or F1–F12) first, then Enter."), AMBER)
            return
        shift = self.shift
        rec = NewRecord(
            services=codes, channel=shift.kind if shift else "counter", outcome=self.details.outcome(),
            volunteer_id=self.volunteer_box.currentData(), shift_id=shift.id if shift else None,
            age_band=self.age_box.currentData(), sex=self.sex_box.currentData(), note=self.note_edit.text(),
            contact=self.details.contact(),
        )
        try:  # this PC's file, or a shared server with the outbox for its outages: the core decides
            record_uuid, queued = outbox.save_at_counter(self.ctx.db, self.ctx.paths, self.ctx.actor, rec)
        except UserError as exc:  # e.g. a CCCD number in the note: say why, keep the form, save nothing
            self.show_status(str(exc), RED)
            return
        # Only now, after the commit, is the record acknowledged on screen.
        names = self.service_grid.names(codes)
        now = clock.now()
        self.last_saved = (record_uuid, now, names)
        self._last_queued = queued
        self.clear()
        if queued:
            self.show_status(_("✓ Kept on this PC: {services} ({time}). The server cannot be reached; the entry is "
                               "sent when it is back.").format(services=names, time=now.strftime("%H:%M")), AMBER)
        else:
            self.show_status(_("✓ Saved: {services} ({time})").format(services=names, time=now.strftime("%H:%M")),
                             GREEN)
        self.record_saved.emit(record_uuid)
        self.ctx.events.records_changed.emit()
        if not queued:  # kept offline is said above and by the status bar's count, not as "saved"
            self.ctx.events.status_message.emit(_("Saved: {services}").format(services=names))
        self.setFocus()

    def clear(self) -> None:
        self._quick_stop()
        self.service_grid.clear()
        self.details.clear()

    def undo(self) -> None:
        if self.quick_pending():  # the citizen being chosen in quick mode is not saved yet: dropping it is the undo
            names = self.service_grid.names(self.selected_codes())
            self.clear()
            self.show_status(_("↶ Dropped before saving: {services}").format(services=names), AMBER)
            self.setFocus()
            return
        if self.last_saved is None:
            self.show_status(_("Nothing to undo."), AMBER)
            return
        record_uuid, _when, names = self.last_saved
        taken_back = False
        if self._last_queued:  # still on this PC: take it out of the outbox (not sent, so never counted)
            taken_back = outbox.discard(self.ctx.paths, self.ctx.actor, record_uuid)
        try:
            if not taken_back and not self._ask_server(undo_record, self.ctx.db, self.ctx.actor, record_uuid):
                self._say_server_down()
                return
        except UserError as exc:
            self.show_status(str(exc), RED)
            return
        self.last_saved = None
        self.show_status(_("↶ Undone: {services}").format(services=names), AMBER)
        self.ctx.events.records_changed.emit()
        self.setFocus()

    def show_status(self, text: str, colour: str) -> None:
        self.status.say(text, colour)

    def campaign(self) -> None:
        if self.server_down():  # a campaign entry is not kept offline: say so before the form is filled in
            self._say_server_down()
            return
        dialog = CampaignDialog(self.ctx, self.volunteers_for_dialogs(), self.volunteer_box.currentData(), self)
        if dialog.exec() and dialog.saved_uuid:
            what = f"{fmt_int(dialog.count_spin.value())} × {dialog.service_box.currentText()}"
            self.last_saved = (dialog.saved_uuid, clock.now(), what)  # Ctrl+Z takes it back like any entry
            self._last_queued = False
            self.show_status(_("✓ Campaign entry saved: {n} × {service}").format(
                n=fmt_int(dialog.count_spin.value()), service=dialog.service_box.currentText())
                + "  " + _("(Ctrl+Z undoes it)"), GREEN)
            self.ctx.events.records_changed.emit()
        self.setFocus()

    # --- today panel ------------------------------------------------------------------------------

    def refresh_today(self) -> None:
        def load() -> None:
            self._entries = today_entries(self.ctx.db, self.ctx.actor)

        online = self._ask_server(load)  # a shared server that does not answer: keep the last list
        self._waiting = outbox.waiting_at_counter(self.ctx.db, self.ctx.paths, clock.today())
        self.today.show_entries(self._waiting, self._entries, {svc.code: svc.short for svc in self.services},
                                self._volunteer_names)
        if not online:
            return  # the figures need the server: the panel keeps its last ones
        # Counts over the week and the target's period scan many rows on a big database: a job does them.
        self._figures_generation += 1
        generation, db = self._figures_generation, self.ctx.db
        job = Job(lambda: (day_totals(db), today_progress(db)), what="today's figures")
        self._jobs[job.signals] = (job, generation)
        job.signals.done.connect(self._figures_done)  # bound methods: a page closed meanwhile is never called
        job.signals.failed.connect(self._figures_failed)  # logged by the job; the last figures stay
        QThreadPool.globalInstance().start(job)

    def figures_current(self) -> bool:
        return self.figures_shown == self._figures_generation

    def _figures_done(self, figures) -> None:
        _job, generation = self._jobs.pop(self.sender(), (None, -1))
        self._show_figures(generation, figures)

    def _figures_failed(self, _text: str) -> None:
        self._jobs.pop(self.sender(), None)

    def _show_figures(self, generation: int, figures) -> None:
        if generation != self._figures_generation or figures is None:
            return
        (today, week), progress = figures
        self.figures_shown = generation
        self.duty.show_totals(today, week)
        self.progress.show_progress(progress, self.services)

    def _selected_entry(self):
        rows = self.today_table.selectionModel().selectedRows()
        if rows:
            row = rows[0].row()
        else:  # by keyboard with nothing chosen: the newest entry (selected, so it is seen which one it is)
            row = len(self._waiting)
            if row >= self.today_table.rowCount():
                self.show_status(_("Nothing logged today yet."), AMBER)
                return None
            self.today_table.selectRow(row)
        if row < len(self._waiting):
            self.show_status(_("This entry is still kept on this PC. It can be corrected or voided once it has been "
                               "sent to the server."), AMBER)
            return None
        if self.server_down():
            self._say_server_down()
            return None
        return self._entries[row - len(self._waiting)]

    def correct_selected(self) -> None:
        entry = self._selected_entry()
        if entry is None:
            return
        if entry.voided:
            self.show_status(_("This entry is voided and can no longer be corrected."), AMBER)
            return
        dialog = CorrectDialog(self.ctx, entry, self)
        if dialog.exec():
            self.show_status(_("✓ Entry corrected."), GREEN)
            self.ctx.events.records_changed.emit()

    def void_selected(self) -> None:
        entry = self._selected_entry()
        if entry is None:
            return
        dialog = VoidDialog(self.ctx, entry, self)  # an empty or refused reason is said in the dialog, kept open
        if not dialog.exec():
            self.setFocus()
            return
        self.show_status(_("Entry voided: {services}").format(services=entry.service_names), AMBER)
        self.ctx.events.records_changed.emit()
