"""The main window: a sidebar of places, the chosen page, and a status bar with unit, database and day."""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import logging
from typing import TYPE_CHECKING

from dxdesk.ui.background import Job
from dxdesk.ui.context import PageContext
from dxdesk.ui.pages.registry import PAGES
from PySide6.QtCore import QSize, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from dxdesk import clock
from dxdesk.i18n import _
from dxdesk.vnformat import fmt_date, fmt_int, weekday_name

if TYPE_CHECKING:  # the database layer loads after the window's first paint (issue #16)
    from dxdesk.settings.profile import Profile
    from dxdesk.shifts.today import ShiftNow

log = logging.getLogger(__name__)
OUTBOX_RETRY_MS = 20_000  # while entries wait or the server is down: try again this soon (the clock is 60 s)
_UNKNOWN = object()


@dataclasses.dataclass
class StatusFacts:
    """What the status bar shows from the database; `_UNKNOWN` where the server could not be asked."""

    profile: Profile | None | object = _UNKNOWN
    shift: ShiftNow | None | object = _UNKNOWN
    reachable: bool = True
    sent: int = 0
    waiting: int | None = None  # entries in the offline outbox (None: SQLite, no outbox)


def gather_status(db, paths, now: dt.datetime) -> StatusFacts:
    """The status bar's database facts. On a shared server this runs in a worker: a server that does not answer
    costs one connect timeout there, never in the window. The outbox is sent only when the server answered."""
    from dxdesk.settings.profile import get_profile
    from dxdesk.shifts.today import current_shift

    facts = StatusFacts()
    shared = not db.is_sqlite
    if shared:
        from dxdesk.exchange import outbox
    try:
        facts.profile = get_profile(db)
        facts.shift = current_shift(db, now)
    except Exception as exc:  # noqa: BLE001 - the status bar must never take the window down
        if not (shared and outbox.is_connection_error(exc)):
            raise
        facts.reachable = False
        outbox.mark_unreachable(db)
        log.warning("status: server unreachable (%s)", exc.__class__.__name__)
    if not shared:
        return facts
    if facts.reachable:
        outbox.mark_reachable(db)
    if facts.reachable and outbox.pending_count(paths):
        facts.sent, _failed = outbox.flush(db, paths)
        facts.reachable = not outbox.server_unreachable(db)
    facts.waiting = outbox.pending_count(paths)
    return facts


class MainWindow(QMainWindow):
    """The sidebar of places, the chosen page and the status bar.

    Built with a PageContext it is complete at once. Built without one it is the frame only (sidebar, an empty page
    area saying the data is opening, status bar), which needs no database: the start-up shows it first and calls
    `attach()` once the database is open and someone is signed in (issue #16). `ready` fires then."""

    ready = Signal()

    def __init__(self, ctx: PageContext | None = None):
        super().__init__()
        self.ctx: PageContext | None = None
        self.setObjectName("main_window")
        self.setWindowTitle("dxdesk")
        self.setMinimumSize(QSize(960, 560))
        self.pages: dict[str, QWidget] = {}

        self.nav = QListWidget(objectName="nav")
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setFixedWidth(190)
        self.nav.setSpacing(2)
        for index, spec in enumerate(PAGES):
            icon = self.style().standardIcon(getattr(QStyle.StandardPixmap, spec.icon))
            item = QListWidgetItem(icon, _(spec.title))  # row i is PAGES[i]
            item.setToolTip(f"{_(spec.title)} (Ctrl+{index + 1})")
            self.nav.addItem(item)
        self.help_button = QPushButton(_("Help"), objectName="help_button")
        self.help_button.setToolTip(_("Help and keyboard shortcuts (Ctrl+F1)"))
        self.help_button.clicked.connect(self.show_help)
        side = QWidget(objectName="sidebar")
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.nav, 1)
        side_layout.addWidget(self.help_button)

        self.stack = QStackedWidget(objectName="stack")
        # Until the database is open (a moment after the first paint): the page area says so, in the splash's words,
        # in the middle. (Centred by stretches, not Qt.AlignmentFlag: the first use of the Qt namespace creates its
        # ~90 enum types, a fifth of a bare window's whole start-up, and nothing else before the first paint needs it.)
        self.opening = QWidget(objectName="opening")
        opening_text = QLabel(_("Opening the database…"), objectName="opening_text")
        opening_text.setStyleSheet("color: #5f6368;")
        opening_layout = QHBoxLayout(self.opening)
        opening_layout.addStretch(1)
        opening_layout.addWidget(opening_text)
        opening_layout.addStretch(1)
        self.stack.addWidget(self.opening)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addWidget(side)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.status_db = QLabel(objectName="status_db")
        self.status_day = QLabel(objectName="status_day")
        self.status_shift = QLabel(objectName="status_shift")
        self.status_outbox = QLabel(objectName="status_outbox")
        self.status_outbox.hide()
        self.user_label = QLabel(objectName="user_label")
        self.switch_button = QPushButton(_("Switch user"), objectName="switch_user")
        self.switch_button.setToolTip(_("Another person takes the counter (Ctrl+U)"))
        self.switch_button.setFlat(False)  # it must look clickable (a flat one read as plain text)
        self.switch_button.clicked.connect(self.switch_user)
        bar = self.statusBar()
        for widget in (self.status_db, self.status_day, self.status_shift, self.status_outbox):
            bar.addPermanentWidget(widget)
        bar.insertPermanentWidget(0, self.user_label)
        bar.insertPermanentWidget(1, self.switch_button)
        self.switch_button.hide()  # nobody to switch from until someone is signed in (attach)
        self._show_day(clock.now())

        self.nav.currentRowChanged.connect(self._show_row)

        self._profile: Profile | None = None
        self._status_running = False  # one status worker (and so one outbox flush) at a time
        self._status_again = False  # asked again while it ran: run once more when it reports
        self._status_job: Job | None = None
        self._closing = False
        self._clock = QTimer(self, interval=60_000)
        self._clock.timeout.connect(self.refresh_status)
        self._outbox_timer = QTimer(self, singleShot=True, interval=OUTBOX_RETRY_MS)
        self._outbox_timer.timeout.connect(self.refresh_outbox)
        self.tally_check = None
        self.nav.blockSignals(True)  # the frame shows the Counter's place chosen; its page comes with the database
        self.nav.setCurrentRow(0)
        self.nav.blockSignals(False)
        self.nav.setFocus()  # the sidebar has the keyboard in the frame; the page takes it when shown
        if ctx is not None:
            self.attach(ctx)

    def attach(self, ctx: PageContext) -> None:
        """The database is open and someone signed in: fill the status bar and show the chosen place's page (the
        Counter unless another was picked meanwhile). Called once."""
        from dxdesk.ui.tally_check import DailyTallyCheck

        self.ctx = ctx
        self._add_shortcuts()
        self.switch_button.show()
        ctx.events.profile_changed.connect(self.refresh_status)
        ctx.events.actor_changed.connect(self.refresh_status)
        ctx.events.records_changed.connect(self._records_changed)
        ctx.events.status_message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        self._clock.start()
        self.tally_check = DailyTallyCheck(ctx, self)
        self.refresh_status()
        self._show_row(max(0, self.nav.currentRow()))
        self.stack.removeWidget(self.opening)
        self.opening.deleteLater()
        self.ready.emit()

    def _add_shortcuts(self) -> None:
        """Ctrl+1…8 for the places, Ctrl+F1 help, Ctrl+U switch user, Ctrl+Q quit. Added with the database, not in the
        frame: the first shortcut makes PySide create the ~90 enum types of the Qt namespace (tens of milliseconds),
        and keys pressed before the Counter page is there wait in the queue until then anyway."""
        from PySide6.QtGui import QAction, QKeySequence

        for index in range(len(PAGES)):
            action = QAction(self)
            action.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
            action.triggered.connect(lambda _checked=False, i=index: self.nav.setCurrentRow(i))
            self.addAction(action)
        for keys, slot in (("Ctrl+F1", self.show_help), ("Ctrl+U", self.switch_user), ("Ctrl+Q", self.close)):
            action = QAction(self)
            action.setShortcut(QKeySequence(keys))
            action.triggered.connect(slot)
            self.addAction(action)

    def call_after_first_paint(self, fn) -> None:
        """Run FN once the window has been painted, so what FN loads comes after a window the user already sees."""
        from dxdesk.ui.first_paint import call_after_first_paint

        call_after_first_paint(self, fn)

    def page(self, key: str) -> QWidget:
        """The page for KEY, built on first use."""
        if key not in self.pages:
            spec = next(s for s in PAGES if s.key == key)
            module = importlib.import_module(f"dxdesk.ui.pages.{spec.module}")
            widget = getattr(module, spec.cls)(self.ctx, _(spec.title))
            widget.setObjectName(f"page_{key}")
            self.pages[key] = widget
            self.stack.addWidget(widget)
        return self.pages[key]

    def show_page(self, key: str) -> QWidget:
        row = next(i for i, s in enumerate(PAGES) if s.key == key)
        self.nav.setCurrentRow(row)
        return self.page(key)

    def _show_row(self, row: int) -> None:
        if row < 0 or self.ctx is None:  # the frame, before the database is open: the page comes with it
            return
        widget = self.page(PAGES[row].key)
        self.stack.setCurrentWidget(widget)
        if hasattr(widget, "activated"):
            widget.activated()

    def refresh_status(self) -> None:
        """Unit, user, database, day, shift and the outbox. What needs a shared server is asked by a worker, so a
        server that does not answer never freezes the window; on SQLite (a local file) it is asked here."""
        self._show_user()
        self.status_db.setText(self.ctx.db.describe())
        now = clock.now()
        self._show_day(now)
        if self.ctx.db.is_sqlite:
            self._apply_status(gather_status(self.ctx.db, self.ctx.paths, now))
        else:
            self._start_status_worker()

    def _show_day(self, now: dt.datetime) -> None:
        self.status_day.setText(f"{weekday_name(now.date())} {fmt_date(now.date())}")

    def refresh_outbox(self) -> None:
        """On a shared server: send what the outbox kept during an outage and show how many still wait — in a
        worker; returns at once. Asked while a send is running, it runs once more after it."""
        if not self.ctx.db.is_sqlite:
            self._start_status_worker()

    def status_busy(self) -> bool:
        """True while a status worker runs (tests wait for it)."""
        return self._status_running

    def _start_status_worker(self) -> None:
        if self._closing:
            return
        if self._status_running:
            self._status_again = True
            return
        self._status_running = True
        self._outbox_timer.stop()
        db, paths, now = self.ctx.db, self.ctx.paths, clock.now()
        job = Job(lambda: gather_status(db, paths, now), what="status bar")  # a failure is logged there
        job.signals.done.connect(self._status_done)  # bound methods: queued to the main thread
        job.signals.failed.connect(self._status_failed)
        self._status_job = job  # its signals live until it reports
        QThreadPool.globalInstance().start(job)

    def _status_failed(self, _text: str) -> None:
        self._status_done(None)  # the status bar keeps what it shows and tries again later

    def _status_done(self, facts: StatusFacts | None) -> None:
        self._status_job = None
        self._status_running = False
        if self._closing:
            return
        if facts is not None:
            self._apply_status(facts)
            if facts.sent:
                self.ctx.events.records_changed.emit()
        if self._status_again:
            self._status_again = False
            self._start_status_worker()
        elif facts is None or not facts.reachable or facts.waiting:
            self._outbox_timer.start()

    def _apply_status(self, facts: StatusFacts) -> None:
        if facts.profile is not _UNKNOWN:
            self._profile = facts.profile
            profile = self._profile
            if profile is None:
                self.setWindowTitle(_("dxdesk — no unit set (Settings)"))
            else:
                demo = _(" [demo data]") if profile.is_demo else ""
                self.setWindowTitle(f"dxdesk — {profile.display_name} ({profile.codes}){demo}")
            self._show_user()
        if facts.shift is not _UNKNOWN:
            shift = facts.shift
            self.status_shift.setText(
                _("Shift {start}–{end}").format(start=shift.start.strftime("%H:%M"), end=shift.end.strftime("%H:%M"))
                if shift else _("No shift now")
            )
        if facts.reachable:
            self.status_db.setText(self.ctx.db.describe())
            self.status_db.setStyleSheet("")
            self.status_db.setToolTip("")
        else:
            self.status_db.setText("⚠ " + _("Server unreachable"))  # short: the status bar is full at 1093 px
            self.status_db.setStyleSheet("color: #b3261e; font-weight: bold;")
            self.status_db.setToolTip(self.ctx.db.describe() + "\n" + _(
                "The database server does not answer. The counter keeps entries on this PC and sends them when the "
                "server is back."))
        if facts.waiting is not None:
            self._show_waiting(facts.waiting)

    def _show_waiting(self, waiting: int) -> None:
        self.status_outbox.setText(_("Waiting to send: {n}").format(n=fmt_int(waiting)))
        self.status_outbox.setToolTip(_("Entries kept on this PC while the server could not be reached. They are "
                                        "sent automatically and count in the figures once sent."))
        self.status_outbox.setStyleSheet("color: #9a6700; font-weight: bold;" if waiting else "")
        self.status_outbox.show()

    def _records_changed(self) -> None:
        """An entry was saved (maybe kept offline): show the outbox count now (a local file, quick) and try to
        send soon."""
        if self.ctx.db.is_sqlite:
            return
        from dxdesk.exchange import outbox

        try:
            waiting = outbox.pending_count(self.ctx.paths)
        except Exception:  # noqa: BLE001 - the status bar must never take the window down
            log.exception("outbox count")
            return
        self._show_waiting(waiting)
        if waiting and not self._status_running and not self._outbox_timer.isActive():
            self._outbox_timer.start()

    def _show_user(self) -> None:
        actor = self.ctx.actor
        user = _("User: {name}").format(name=actor.display_name or actor.username)
        if self._profile is not None and self._profile.is_demo:
            user += " · " + _("DEMO DATA")
        self.user_label.setText(user)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        # Work a user started (an export, an import) is not cut off silently: ask first, stop it cleanly (no
        # *.part left), and say what was not made. Pages that run such work answer `running_work()`.
        from dxdesk.ui import messages

        busy = [page for page in self.pages.values()
                if getattr(page, "running_work", None) is not None and page.running_work()]
        not_made = []
        if busy and not self._closing:
            work = "; ".join(page.running_work() for page in busy)
            if not messages.confirm(self, _("Quit dxdesk"), _("{work} — stop and quit?").format(work=work),
                                    yes=_("Stop and quit"), no=_("Keep working")):
                event.ignore()
                return
            not_made = [text for text in (page.stop_for_exit() for page in busy) if text]
        # Let background work (previews, counts, the status worker) finish before the pages it reports to are
        # destroyed; a status worker's late answer is ignored.
        self._closing = True
        self._clock.stop()
        self._outbox_timer.stop()
        pool = QThreadPool.globalInstance()
        pool.clear()
        pool.waitForDone(5000)
        for page in busy:
            page.clean_after_exit()
        if not_made:
            log.info("closed while busy: %s", " ".join(not_made))
            messages.info(self, _("Quit dxdesk"), "\n".join(not_made))
        super().closeEvent(event)

    def switch_user(self) -> None:
        if self.ctx is None:  # nobody is signed in yet
            return
        from dxdesk.ui.switch_user import switch_user

        switch_user(self, self.ctx)

    def show_help(self) -> None:
        from dxdesk.ui.help import show_help

        show_help(self, self._current_key())

    def _current_key(self) -> str:
        row = self.nav.currentRow()
        return PAGES[row].key if row >= 0 else "counter"
