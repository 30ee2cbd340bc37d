"""Quầy tiếp dân: log each citizen served with a key and Enter; today's entries and progress beside it."""

from __future__ import annotations

import datetime as dt
import importlib.util
import logging
import math
import time

from dxdesk.ui.counter_dialogs import CampaignDialog, CorrectDialog, VoidDialog
from PySide6.QtCore import QObject, QRect, QRunnable, QSize, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QFont, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from dxdesk import clock
from dxdesk.catalogue import list_services
from dxdesk.contact import ContactInput, unavailable_reason
from dxdesk.counting.progress import day_totals, today_progress
from dxdesk.db.models import Assignment, Volunteer
from dxdesk.errors import UserError
from dxdesk.i18n import N_, _
from dxdesk.records import (
    NewRecord,
    log_record,
    today_entries,
    undo_record,
)
from dxdesk.today import current_shift
from dxdesk.vnformat import fmt_int, fmt_percent

log = logging.getLogger("dxdesk.ui")
CONTACT_CHECK_AFTER_MS = 1000

DIGIT_KEYS = [getattr(Qt.Key, f"Key_{i}") for i in range(1, 10)]
F_KEYS = [getattr(Qt.Key, f"Key_F{i}") for i in range(1, 13)]
AGE_LABELS = (("", N_("Age: —")), ("u18", N_("Under 18")), ("18-34", "18–34"), ("35-59", "35–59"),
              ("60+", N_("60 and over")))
SEX_LABELS = (("", N_("Sex: —")), ("F", N_("Female")), ("M", N_("Male")))
KIND_LABELS = {"counter": N_("Counter shift"), "outreach": N_("Outreach shift"), "home": N_("Home-visit shift")}
GREEN, AMBER, RED = "#1b7a2f", "#9a6200", "#b00020"
QUICK_WINDOW_MS = 3000  # quick mode: time to add another service for the same citizen before it is saved


class ServiceButton(QPushButton):
    """A large toggle button: shortcut, icon and the service's short name, wrapped on two lines."""

    def __init__(self, code: str, short: str, full: str, key_text: str, icon, parent=None):
        super().__init__(parent)
        self.code = code
        self.setObjectName(f"service_{code}")
        self.setCheckable(True)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.setToolTip(f"{full} ({key_text})")
        self.setAccessibleName(f"{short} ({key_text})")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(54)
        key = QLabel(key_text.split(" / ")[0])
        key.setStyleSheet("font-weight: bold; color: #35506b; background: transparent;")
        icon_label = QLabel()
        if icon is not None:
            icon_label.setPixmap(icon.pixmap(QSize(22, 22)))
        else:
            icon_label.hide()
        name = QLabel(short)
        name.setWordWrap(True)
        font = QFont(self.font())
        font.setPointSize(14)
        name.setFont(font)
        key.setFont(font)
        self.name_label = name
        for label in (key, icon_label, name):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 2, 6, 2)
        row.addWidget(key)
        row.addWidget(icon_label)
        row.addWidget(name, 1)
        self.setStyleSheet(
            "QPushButton { border: 1px solid #8aa0b8; border-radius: 6px; background: #f6f8fb; }"
            "QPushButton:checked { background: #cfe3ff; border: 3px solid #1d5fbf; }"
            "QPushButton:focus { border: 2px dashed #1d5fbf; }"
        )


class PanelNote(QLabel):
    """A wrapped note of the today panel sized as two lines, without height-for-width: a wrapped label made its
    box keep its full height, and the progress table under it lost its last row ("Hỗ trợ khác") at 125 %."""

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt API
        return False

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(100, 2 * self.fontMetrics().lineSpacing() + 4)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return self.sizeHint()


class FiguresSignals(QObject):
    done = Signal(int, object, object)  # generation, ((today, week), progress) or None, the signals object


class FiguresWorker(QRunnable):
    """Today's and this week's totals and progress against targets, off the UI thread."""

    def __init__(self, db, generation: int):
        super().__init__()
        self.db, self.generation = db, generation
        self.signals = FiguresSignals()

    def run(self) -> None:
        try:
            figures = (day_totals(self.db), today_progress(self.db))
        except Exception:  # noqa: BLE001 - logged; the panel keeps its last figures
            log.exception("today's figures")
            figures = None
        self.signals.done.emit(self.generation, figures, self.signals)


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
        self._figures_signals: set = set()  # keep the workers' signal objects alive until they report

        # --- who is at the counter ---
        self.shift_label = QLabel(objectName="shift_label")
        self.volunteer_box = QComboBox(objectName="volunteer_box")
        self.volunteer_box.setMinimumWidth(190)
        volunteer_caption = QLabel(_("On &duty:"))
        volunteer_caption.setBuddy(self.volunteer_box)
        self.checkin_button = QPushButton(_("Check &in"), objectName="checkin_button")
        self.checkin_button.setVisible(importlib.util.find_spec("dxdesk.attendance") is not None)
        self.checkin_button.clicked.connect(self.check_in)
        self.volunteer_warning = QLabel(objectName="volunteer_warning")
        self.volunteer_warning.setStyleSheet(f"color: {AMBER};")
        self.totals_label = QLabel(objectName="totals_label")
        self.totals_label.setStyleSheet("font-weight: bold;")
        top = QHBoxLayout()
        top.addWidget(self.shift_label)
        top.addWidget(volunteer_caption)
        top.addWidget(self.volunteer_box)
        top.addWidget(self.checkin_button)
        top.addStretch(1)
        top.addWidget(self.totals_label)
        self.volunteer_box.currentIndexChanged.connect(self._volunteer_changed)

        # --- the service buttons ---
        self.buttons: dict[str, ServiceButton] = {}
        self.key_map: dict[int, str] = {}
        grid = self.service_grid = QGridLayout()
        grid.setSpacing(6)
        self._build_service_buttons()

        # --- optional details ---
        self.outcome_group = QButtonGroup(self)
        outcome_row = QHBoxLayout()
        outcome_row.addWidget(QLabel(_("Outcome:")))
        self.outcome_buttons = {}
        for code, text in (("done", _("&Done")), ("partial", _("&Partly")), ("referred", _("&Referred to officer"))):
            radio = QRadioButton(text, objectName=f"outcome_{code}")
            self.outcome_group.addButton(radio)
            self.outcome_buttons[code] = radio
            outcome_row.addWidget(radio)
        self.outcome_buttons["done"].setChecked(True)
        self.age_box = QComboBox(objectName="age_box")
        for code, label in AGE_LABELS:
            self.age_box.addItem(_(label), code or None)
        self.sex_box = QComboBox(objectName="sex_box")
        for code, label in SEX_LABELS:
            self.sex_box.addItem(_(label), code or None)
        outcome_row.addStretch(1)
        outcome_row.addWidget(self.age_box)
        outcome_row.addWidget(self.sex_box)

        self.note_edit = QLineEdit(objectName="note_edit")
        self.note_edit.setPlaceholderText(_("Optional; never a citizen ID number, password or OTP"))
        note_caption = QLabel(_("N&ote:"))
        note_caption.setBuddy(self.note_edit)
        note_row = QHBoxLayout()
        note_row.addWidget(note_caption)
        note_row.addWidget(self.note_edit, 1)

        self.consent_box = QCheckBox(
            _("The citizen agrees to leave a name and phone number to be called back about this request"),
            objectName="consent_box")
        self.consent_box.setChecked(False)
        self.contact_name = QLineEdit(objectName="contact_name", placeholderText=_("Full name"))
        self.contact_phone = QLineEdit(objectName="contact_phone", placeholderText=_("Phone"))
        self.contact_phone.setMaximumWidth(130)
        self.contact_note = QLabel(objectName="contact_unavailable")
        self.contact_note.setWordWrap(True)
        self.contact_note.setStyleSheet(f"color: {AMBER};")
        self.contact_note.hide()
        contact_row = QHBoxLayout()
        contact_row.addWidget(self.contact_name, 1)
        contact_row.addWidget(self.contact_phone)
        self.consent_box.toggled.connect(self._consent_toggled)
        self.contact_name.setEnabled(False)
        self.contact_phone.setEnabled(False)
        # Whether contact fields can be used here asks the OS keyring, slow to load (#16): not before the window is up
        # and painted. Until then a tick of the box asks it there and then (_consent_toggled). It also reads the
        # database's id: through _ask_server, as a shared server may have gone silent by then.
        QTimer.singleShot(CONTACT_CHECK_AFTER_MS, self,
                          lambda: self._ask_server(self._consent_toggled, self.consent_box.isChecked()))

        # --- actions and the quiet confirmation line ---
        self.save_button = QPushButton(_("Save  ⏎"), objectName="save_button")
        self.save_button.setToolTip(_("Save this citizen (Enter)"))
        self.save_button.clicked.connect(self.save)
        self.undo_button = QPushButton(_("Undo  Ctrl+Z"), objectName="undo_button")
        self.undo_button.setToolTip(_("Undo the last entry (within 5 minutes)"))
        self.undo_button.clicked.connect(self.undo)
        self.clear_button = QPushButton(_("Clear  Esc"), objectName="clear_button")
        self.clear_button.clicked.connect(self.clear)
        self.campaign_button = QPushButton(_("Ca&mpaign entry…"), objectName="campaign_button")
        self.campaign_button.setToolTip(_("Outreach days: N citizens served with one service at a place"))
        self.campaign_button.clicked.connect(self.campaign)
        self.quick_mode = QCheckBox(_("&Quick: a click saves"), objectName="quick_mode")
        self.quick_mode.setToolTip(_("A click (or a service key) starts a short countdown; more services chosen "
                                     "before it runs out belong to the same citizen. Enter saves at once, Esc "
                                     "drops the citizen."))
        self.quick_mode.toggled.connect(self._quick_mode_toggled)
        for b in (self.save_button, self.undo_button, self.clear_button, self.campaign_button):
            b.setAutoDefault(False)
        big = QFont(self.save_button.font())
        big.setPointSize(12)
        big.setBold(True)
        self.save_button.setFont(big)
        self.save_button.setMinimumHeight(34)
        action_row = QHBoxLayout()
        action_row.addWidget(self.quick_mode)
        action_row.addWidget(self.campaign_button)
        action_row.addStretch(1)
        action_row.addWidget(self.clear_button)
        action_row.addWidget(self.undo_button)
        action_row.addWidget(self.save_button)
        self.status_label = QLabel(objectName="status_label")
        self.status_label.setWordWrap(True)
        self.status_label.setMinimumHeight(22)
        status_font = QFont(self.status_label.font())
        status_font.setPointSize(11)
        self.status_label.setFont(status_font)
        # Quick mode: one citizen's services are joined while this bar runs down, then saved as one record.
        self.quick_window_ms = QUICK_WINDOW_MS
        self.quick_bar = QProgressBar(objectName="quick_bar", textVisible=True)
        self.quick_bar.setMaximumHeight(20)
        self.quick_bar.hide()
        self._quick_deadline: dt.datetime | None = None
        self._quick_timer = QTimer(self, interval=100)
        self._quick_timer.timeout.connect(self._quick_tick)

        left = QVBoxLayout()
        left.addLayout(grid, 1)
        left.addLayout(outcome_row)
        left.addLayout(note_row)
        left.addWidget(self.consent_box)
        left.addLayout(contact_row)
        left.addWidget(self.contact_note)
        left.addLayout(action_row)
        left.addWidget(self.status_label)
        left.addWidget(self.quick_bar)

        # --- today panel ---
        self.today_table = QTableWidget(0, 3, objectName="today_table")
        self.today_table.setHorizontalHeaderLabels([_("Time"), _("Services"), _("Volunteer")])
        self.today_table.verticalHeader().hide()
        self.today_table.setTabKeyNavigation(False)  # Tab leaves the list (to Sửa, Hủy); arrows choose the entry
        self.today_table.setMinimumHeight(60)  # gives way to the progress table at 125 %; it scrolls, that does not
        self.today_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.today_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.today_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.today_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.correct_button = QPushButton(_("Co&rrect…"), objectName="correct_button")
        self.correct_button.clicked.connect(self.correct_selected)
        self.void_button = QPushButton(_("&Void…"), objectName="void_button")
        self.void_button.clicked.connect(self.void_selected)
        self.list_key_label = QLabel(_("Alt+L: the list"), objectName="list_key_label")
        self.list_key_label.setStyleSheet("color: palette(placeholder-text);")
        self.list_key_label.setToolTip(_("Alt+L goes to today's list (↑ ↓ to choose); Alt+S corrects and Alt+Y voids "
                                         "the chosen entry, or the newest one when none is chosen."))
        edit_row = QHBoxLayout()
        edit_row.addWidget(self.list_key_label)
        edit_row.addStretch(1)
        edit_row.addWidget(self.correct_button)
        edit_row.addWidget(self.void_button)
        today_box = QGroupBox(_("Today"))
        today_layout = QVBoxLayout(today_box)
        today_layout.setContentsMargins(4, 4, 4, 4)
        today_layout.addWidget(self.today_table, 1)
        self.empty_label = PanelNote(_("Nobody served yet today: press a service's key, then Enter."),
                                     objectName="empty_label", wordWrap=True)
        self.empty_label.setStyleSheet("color: palette(placeholder-text); font-style: italic;")
        today_layout.addWidget(self.empty_label)
        # On a shared server during an outage: entries kept on this PC are listed (marked) and explained here.
        self.waiting_label = PanelNote(objectName="waiting_label", wordWrap=True)
        self.waiting_label.setStyleSheet(f"color: {AMBER};")
        self.waiting_label.hide()
        today_layout.addWidget(self.waiting_label)
        today_layout.addLayout(edit_row)

        # Three columns (today and this week share one, "2 / 14") so the names fit without being cut.
        self.progress_table = QTableWidget(0, 3, objectName="progress_table")
        self.progress_table.setHorizontalHeaderLabels([_("Indicator"), _("Today\n/ week"), _("Progress")])
        self.progress_table.verticalHeader().hide()
        self.progress_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.progress_table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        pheader = self.progress_table.horizontalHeader()
        pheader.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2):
            pheader.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        # Names in full on two lines rather than cut ("Cửa hàng T…"); every row shown, no scroll bar hiding the last.
        self.progress_table.setWordWrap(True)
        self.progress_table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.progress_table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.progress_table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.progress_table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self._fit_timer = QTimer(self, singleShot=True, interval=0)  # after the columns settled, not in between
        self._fit_timer.timeout.connect(self._fit_progress_table)
        pheader.sectionResized.connect(lambda *_args: self._fit_timer.start())
        progress_box = self.progress_box = QGroupBox(_("Counts and targets"))
        progress_box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        progress_layout = QVBoxLayout(progress_box)
        progress_layout.setContentsMargins(4, 4, 4, 4)
        progress_layout.addWidget(self.progress_table)

        right = QVBoxLayout()
        right.addWidget(today_box, 1)
        right.addWidget(progress_box, 0)
        right_widget = QWidget()
        right_widget.setLayout(right)
        right_widget.setFixedWidth(314)
        right.setContentsMargins(0, 0, 0, 0)

        body = QHBoxLayout()
        body.addLayout(left, 1)
        body.addWidget(right_widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.volunteer_warning)
        layout.addLayout(body, 1)

        for box in (self.volunteer_box, self.age_box, self.sex_box):  # after a choice, keys are service keys again
            box.activated.connect(lambda _index: self.setFocus())
        QShortcut(QKeySequence.StandardKey.Undo, self, self.undo,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence("Alt+L"), self, self.focus_today_list,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.today_table.activated.connect(lambda _index: self.correct_selected())  # Enter / double click: correct
        self._status_timer = QTimer(self, singleShot=True, interval=30_000)
        self._status_timer.timeout.connect(lambda: self.status_label.setText(""))
        self._shift_timer = QTimer(self, interval=60_000)  # a shift starts or ends: show who is on duty then
        self._shift_timer.timeout.connect(self._check_shift)
        self._shift_timer.start()
        ctx.events.records_changed.connect(self.refresh_today)
        ctx.events.roster_changed.connect(self.refresh_roster)
        ctx.events.profile_changed.connect(self.reload_services)  # e.g. a settings package changed the catalogue
        ctx.events.profile_changed.connect(self.refresh_today)  # targets changed: the progress column follows
        self._set_tab_order()
        # The roster and today's entries load in activated(), which the main window calls when it shows the page
        # (the first time too): loading them here as well did the start-up's queries twice (#16).

    # --- the service buttons ----------------------------------------------------------------------

    def _build_service_buttons(self) -> None:
        """One button per active service, three columns; 1–9 and F1–F12 in catalogue order."""
        for button in self.buttons.values():
            self.service_grid.removeWidget(button)
            button.deleteLater()
        self.buttons, self.key_map = {}, {}
        columns = 3
        for i, svc in enumerate(self.services):
            keys = []
            if i < 9:
                keys.append(str(i + 1))
                self.key_map[DIGIT_KEYS[i]] = svc.code
            if i < 12:
                keys.append(f"F{i + 1}")
                self.key_map[F_KEYS[i]] = svc.code
            # No icon: Qt's stock pixmaps meant other things (a green tick on "payment", folders for wallets); the
            # key and the name are what volunteers look for.
            button = ServiceButton(svc.code, svc.short, svc.name, " / ".join(keys) or "—", None)
            button.clicked.connect(lambda checked=False, code=svc.code: self._button_clicked(code))
            self.buttons[svc.code] = button
            self.service_grid.addWidget(button, i // columns, i % columns)

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
        table = self.today_table
        if table.rowCount() and not table.selectionModel().selectedRows():
            table.selectRow(0)
        table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def reload_services(self) -> None:
        """Rebuild the buttons when the catalogue changed (nothing half-chosen is kept: the entry starts over)."""
        try:
            services = list_services(self.ctx.db)
        except OperationalError:  # the shared server is down: keep the buttons there are
            return
        if [(s.code, s.short, s.name, s.icon) for s in services] == [
                (s.code, s.short, s.name, s.icon) for s in self.services]:
            return
        self.services = services
        self._build_service_buttons()
        self._set_tab_order()

    # --- who is on duty ---------------------------------------------------------------------------

    def refresh_roster(self) -> None:
        now = clock.now()
        self.shift = current_shift(self.ctx.db, now)
        with self.ctx.db.session() as session:
            everyone = session.execute(
                select(Volunteer.id, Volunteer.name).where(Volunteer.active.is_(True)).order_by(Volunteer.name)
            ).all()
            on_shift = []
            if self.shift is not None:
                on_shift = session.execute(
                    select(Volunteer.id, Volunteer.name).join(Assignment, Assignment.volunteer_id == Volunteer.id)
                    .where(Assignment.shift_id == self.shift.id, Assignment.status != "absent")
                    .order_by(Volunteer.name)
                ).all()
        previous = self.volunteer_box.currentData()
        self._volunteer_names = dict(everyone)
        self.on_shift_ids = {vid for vid, _name in on_shift}
        self.volunteer_box.blockSignals(True)
        self.volunteer_box.clear()
        for vid, name in on_shift:
            self.volunteer_box.addItem(name, vid)
        if on_shift:
            self.volunteer_box.insertSeparator(self.volunteer_box.count())
        self.volunteer_box.addItem(_("— nobody named —"), None)
        for vid, name in everyone:
            if vid not in self.on_shift_ids:
                self.volunteer_box.addItem(_("{name} (not on this shift)").format(name=name), vid)
        wanted = previous if previous is not None else self.ctx.actor.volunteer_id
        index = self.volunteer_box.findData(wanted) if wanted is not None else -1
        self.volunteer_box.setCurrentIndex(index if index >= 0 else 0)
        self.volunteer_box.blockSignals(False)
        if self.shift is None:
            self.shift_label.setText(_("No shift now"))
        else:
            kind = _(KIND_LABELS.get(self.shift.kind, self.shift.kind))
            self.shift_label.setText(f"{kind} {self.shift.start:%H:%M}–{self.shift.end:%H:%M}")
        self._volunteer_changed()

    def _check_shift(self) -> None:
        self._ask_server(self._check_shift_now)

    def _check_shift_now(self) -> None:
        now_shift = current_shift(self.ctx.db, clock.now())
        if (now_shift.id if now_shift else None) != (self.shift.id if self.shift else None):
            self.refresh_roster()

    def volunteers_for_dialogs(self) -> list[tuple[int | None, str]]:
        items = []
        for i in range(self.volunteer_box.count()):
            if self.volunteer_box.itemText(i):
                items.append((self.volunteer_box.itemData(i), self.volunteer_box.itemText(i)))
        return items

    def _volunteer_changed(self, *_args) -> None:
        vid = self.volunteer_box.currentData()
        if self.shift is None:
            text = _("No shift is scheduled now: entries are logged without a shift (channel: counter).")
        elif vid is None:
            text = _("Choose who is serving, so the entry is credited to them.")
        elif vid not in self.on_shift_ids:
            text = _("This volunteer is not assigned to this shift; the entry is still logged and credited to them.")
        else:
            text = ""
        self.volunteer_warning.setText(("⚠ " + text) if text else "")
        self.volunteer_warning.setVisible(bool(text))
        checked_in = None
        if vid is not None and self.shift is not None:
            with self.ctx.db.session() as session:
                checked_in = session.scalar(select(Assignment.check_in).where(
                    Assignment.shift_id == self.shift.id, Assignment.volunteer_id == vid))
        if checked_in is not None:
            self.checkin_button.setText(_("Checked in {time}").format(time=checked_in.strftime("%H:%M")))
        else:
            self.checkin_button.setText(_("Check &in"))
        self.checkin_button.setEnabled(vid is not None and self.shift is not None and checked_in is None)

    def check_in(self) -> None:  # only shown when dxdesk.attendance exists (issue #4)
        import dxdesk.attendance as attendance

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
        if self.ctx.db.is_sqlite:
            return False
        from dxdesk.exchange import outbox

        return outbox.server_unreachable(self.ctx.db)

    def _ask_server(self, fn, *args) -> bool:
        """Run FN (which queries the database) unless a shared server is known to be down; a connection failure
        marks it down instead of reaching the crash dialog. False when FN did not run through."""
        if self.server_down():
            return False
        try:
            fn(*args)
        except Exception as exc:
            if self.ctx.db.is_sqlite:
                raise
            from dxdesk.exchange import outbox

            if not outbox.is_connection_error(exc):
                raise
            outbox.mark_unreachable(self.ctx.db)
            log.warning("counter: server unreachable (%s)", exc.__class__.__name__)
            return False
        return True

    def _say_server_down(self) -> None:
        self.show_status(_("The server cannot be reached. Try again when it is back."), RED)

    # --- logging ----------------------------------------------------------------------------------

    def toggle(self, code: str) -> None:
        button = self.buttons[code]
        button.setChecked(not button.isChecked())

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
        self.quick_bar.setRange(0, self.quick_window_ms)
        self._quick_timer.start()
        self._quick_tick()
        self.quick_bar.show()

    def _quick_tick(self) -> None:
        if self._quick_deadline is None:
            return
        left = self._quick_deadline - time.monotonic()
        if left <= 0:
            self._quick_stop()
            self.save()
            return
        self.quick_bar.setValue(int(left * 1000))
        names = ", ".join(self.buttons[c].name_label.text() for c in self.selected_codes())
        self.quick_bar.setFormat(_("One citizen: {services} — saved in {s} s · another service: same citizen · "
                                   "Enter: save now · Esc: drop").format(services=names, s=math.ceil(left)))

    def _quick_stop(self) -> None:
        self._quick_deadline = None
        self._quick_timer.stop()
        self.quick_bar.hide()

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
        return [code for code, button in self.buttons.items() if button.isChecked()]

    def _consent_toggled(self, on: bool) -> None:
        reason = unavailable_reason(self.ctx.db)
        if reason:
            self.consent_box.setChecked(False)
            self.consent_box.setEnabled(False)
            # One short line: the volunteer can do nothing about it; the explanation is in the administrator's
            # Cài đặt (Settings) page.
            self.contact_note.setText(_("Call-back contacts are off on this computer (see Settings)."))
            self.contact_note.setToolTip(reason)
            self.contact_note.show()
            on = False
        self.contact_name.setEnabled(on)
        self.contact_phone.setEnabled(on)
        if not on:
            self.contact_name.clear()
            self.contact_phone.clear()

    def save(self) -> None:
        self._quick_stop()
        codes = self.selected_codes()
        if not codes:
            self.show_status(_("Press a service key (1–9 or F1–F12) first, then Enter."), AMBER)
            return
        outcome = next(code for code, radio in self.outcome_buttons.items() if radio.isChecked())
        contact = None
        if self.consent_box.isChecked():
            contact = ContactInput(consent=True, name=self.contact_name.text(), phone=self.contact_phone.text())
        shift = self.shift
        rec = NewRecord(
            services=codes, channel=shift.kind if shift else "counter", outcome=outcome,
            volunteer_id=self.volunteer_box.currentData(), shift_id=shift.id if shift else None,
            age_band=self.age_box.currentData(), sex=self.sex_box.currentData(), note=self.note_edit.text(),
            contact=contact,
        )
        queued = False
        try:
            if self.ctx.db.is_sqlite:
                record_uuid = log_record(self.ctx.db, self.ctx.actor, rec)
            else:  # a shared server: keep logging through a network or server outage (local outbox; an entry
                # with a call-back contact is refused offline with its own message, the contact never kept)
                from dxdesk.exchange.outbox import log_or_queue

                record_uuid, queued = log_or_queue(self.ctx.db, self.ctx.paths, self.ctx.actor, rec)
        except UserError as exc:  # e.g. a CCCD number in the note: say why, keep the form, save nothing
            self.show_status(str(exc), RED)
            return
        # Only now, after the commit, is the record acknowledged on screen.
        names = ", ".join(self.buttons[c].name_label.text() for c in codes)
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
        for button in self.buttons.values():
            button.setChecked(False)
        self.outcome_buttons["done"].setChecked(True)
        self.age_box.setCurrentIndex(0)
        self.sex_box.setCurrentIndex(0)
        self.note_edit.clear()
        self.consent_box.setChecked(False)

    def undo(self) -> None:
        if self.quick_pending():  # the citizen being chosen in quick mode is not saved yet: dropping it is the undo
            names = ", ".join(self.buttons[c].name_label.text() for c in self.selected_codes())
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
            from dxdesk.exchange import outbox

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
        self.status_label.setStyleSheet(f"color: {colour};")
        self.status_label.setText(text)
        self._status_timer.start()

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
        self._waiting = []
        if not self.ctx.db.is_sqlite:
            from dxdesk.exchange import outbox

            self._waiting = list(reversed(outbox.pending(self.ctx.paths, clock.today())))  # newest first
        short = {svc.code: svc.short for svc in self.services}
        table = self.today_table
        table.setRowCount(len(self._waiting) + len(self._entries))
        waiting_tip = _("Kept on this PC: the server could not be reached. It is sent automatically when the "
                        "server is back, and counts in the figures once sent.")
        for row, kept in enumerate(self._waiting):
            services = ", ".join(short.get(c, c) for c in kept.services)
            if kept.count > 1:
                services = f"{fmt_int(kept.count)} × {services}"
            services = _("{services} (waiting to send)").format(services=services)
            volunteer = self._volunteer_names.get(kept.volunteer_id, "") if kept.volunteer_id is not None else ""
            cells = [kept.occurred_at.strftime("%H:%M"), services, volunteer or "—"]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(waiting_tip if not kept.last_error or kept.attempts == 0 else
                                f"{waiting_tip}\n{kept.last_error}")
                font = item.font()
                font.setItalic(True)
                item.setFont(font)
                item.setForeground(Qt.GlobalColor.darkYellow)
                table.setItem(row, col, item)
        offset = len(self._waiting)
        for row, entry in enumerate(self._entries, start=offset):
            services = entry.service_names
            if entry.count > 1:
                services = f"{fmt_int(entry.count)} × {services}"
            if entry.voided:
                services = _("{services} (voided)").format(services=services)
            cells = [entry.occurred_at.strftime("%H:%M"), services, entry.volunteer or "—"]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if entry.voided:
                    font = item.font()
                    font.setStrikeOut(True)
                    item.setFont(font)
                    item.setForeground(Qt.GlobalColor.gray)
                table.setItem(row, col, item)
        if self._waiting:
            self.waiting_label.setText(_("Kept on this PC until the server is back: {n}. They count in the figures once "
                                         "sent.").format(n=fmt_int(len(self._waiting))))
        self.waiting_label.setVisible(bool(self._waiting))
        self.empty_label.setVisible(table.rowCount() == 0)
        if not online:
            return  # the figures need the server: the panel keeps its last ones
        # Counts over the week and the target's period scan many rows on a big database: a worker does them.
        self._figures_generation += 1
        worker = FiguresWorker(self.ctx.db, self._figures_generation)
        worker.signals.done.connect(self._show_figures)
        self._figures_signals.add(worker.signals)
        QThreadPool.globalInstance().start(worker)

    def figures_current(self) -> bool:
        return self.figures_shown == self._figures_generation

    def _show_figures(self, generation: int, figures, signals=None) -> None:
        self._figures_signals.discard(signals)
        if generation != self._figures_generation or figures is None:
            return
        (today, week), progress = figures
        self.figures_shown = generation
        self.totals_label.setText(_("Today: {today} · Week: {week}").format(today=fmt_int(today), week=fmt_int(week)))
        short_by_indicator: dict[str, list[str]] = {}
        for svc in self.services:
            short_by_indicator.setdefault(svc.indicator_code, []).append(svc.short)
        ptable = self.progress_table
        ptable.setRowCount(len(progress))
        # Which period the progress counts: in the header when all targets share it (the usual "Năm 2026"),
        # else on each bar.
        periods = {ind.period_label for ind in progress if ind.target}
        common = next(iter(periods)) if len(periods) == 1 else ""
        ptable.setHorizontalHeaderItem(2, QTableWidgetItem(
            _("Progress\n{period}").format(period=common) if common else _("Progress\n(period on the bar)")))
        for row, ind in enumerate(progress):
            name = QTableWidgetItem(", ".join(short_by_indicator.get(ind.code, [])) or ind.name)
            name.setToolTip(ind.name)
            ptable.setItem(row, 0, name)
            item = QTableWidgetItem(f"{fmt_int(ind.today)} / {fmt_int(ind.week)}")
            item.setToolTip(_("Today: {today} · this week: {week}").format(today=fmt_int(ind.today),
                                                                          week=fmt_int(ind.week)))
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            ptable.setItem(row, 1, item)
            if ind.target:
                bar = QProgressBar()
                bar.setRange(0, 1000)
                bar.setValue(min(1000, int(ind.percent * 10)))
                bar.setFormat(fmt_percent(ind.percent) if common else
                              f"{fmt_percent(ind.percent)} · {ind.period_label}")
                bar.setMinimumWidth(84)
                bar.setToolTip(_("{label}: {count} of {target}").format(
                    label=ind.period_label, count=fmt_int(ind.period_count), target=fmt_int(ind.target)))
                bar.setMaximumHeight(18)
                ptable.setCellWidget(row, 2, bar)
            else:
                ptable.removeCellWidget(row, 2)
                none = QTableWidgetItem(_("no target"))
                none.setToolTip(_("No target is set for this indicator in the current period (Settings › Targets, "
                                  "or a settings package from the province)."))
                none.setForeground(Qt.GlobalColor.gray)
                ptable.setItem(row, 2, none)
        self._fit_progress_table()

    def _fit_progress_table(self) -> None:
        """The table as tall as its rows (every indicator visible, "Hỗ trợ khác" included, no scroll bar)."""
        table = self.progress_table
        width = table.columnWidth(0) - 8  # the cell's text margins
        metrics = table.fontMetrics()
        line = metrics.height() + 4
        for row in range(table.rowCount()):
            item = table.item(row, 0)
            text = item.text() if item else ""
            wrapped = metrics.boundingRect(QRect(0, 0, max(20, width), 10_000), Qt.TextFlag.TextWordWrap, text)
            table.setRowHeight(row, max(line, wrapped.height() + 4))
        height = table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth()
        height += sum(table.rowHeight(r) for r in range(table.rowCount()))
        table.setFixedHeight(height)
        self.progress_box.layout().invalidate()  # the column beside it gives the today list what is left
        self.progress_box.parentWidget().layout().invalidate()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._fit_timer.start()  # wrapped names take another line when the column narrows

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
