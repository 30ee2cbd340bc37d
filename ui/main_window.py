"""The main window: a sidebar of places, the chosen page, and a status bar with unit, database and day."""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import logging

from dxdesk.ui.background import Job
from dxdesk.ui.context import PageContext
from dxdesk.ui.pages.registry import PAGES
from PySide6.QtCore import QSize, Qt, QThreadPool, QTimer
from PySide6.QtGui import QAction, QKeySequence
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
from dxdesk.profile import Profile, get_profile
from dxdesk.today import ShiftNow, current_shift
from dxdesk.vnformat import fmt_date, fmt_int, weekday_name

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
    def __init__(self, ctx: PageContext):
        super().__init__()
        self.ctx = ctx
        self.setObjectName("main_window")
        self.setMinimumSize(QSize(960, 560))
        self.pages: dict[str, QWidget] = {}

        self.nav = QListWidget(objectName="nav")
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setFixedWidth(190)
        self.nav.setSpacing(2)
        for index, spec in enumerate(PAGES):
            icon = self.style().standardIcon(getattr(QStyle.StandardPixmap, spec.icon))
            item = QListWidgetItem(icon, _(spec.title))
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
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

        self.nav.currentRowChanged.connect(self._show_row)
        for index in range(len(PAGES)):
            action = QAction(self)
            action.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
            action.triggered.connect(lambda _checked=False, i=index: self.nav.setCurrentRow(i))
            self.addAction(action)
        help_action = QAction(self)
        help_action.setShortcut(QKeySequence("Ctrl+F1"))
        help_action.triggered.connect(self.show_help)
        self.addAction(help_action)
        switch_action = QAction(self)
        switch_action.setShortcut(QKeySequence("Ctrl+U"))
        switch_action.triggered.connect(self.switch_user)
        self.addAction(switch_action)
        quit_action = QAction(self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        self.addAction(quit_action)

        self._profile: Profile | None = None
        self._status_running = False  # one status worker (and so one outbox flush) at a time
        self._status_again = False  # asked again while it ran: run once more when it reports
        self._status_job: Job | None = None
        self._closing = False
        ctx.events.profile_changed.connect(self.refresh_status)
        ctx.events.actor_changed.connect(self.refresh_status)
        ctx.events.records_changed.connect(self._records_changed)
        ctx.events.status_message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        self._clock = QTimer(self, interval=60_000)
        self._clock.timeout.connect(self.refresh_status)
        self._clock.start()
        self._outbox_timer = QTimer(self, singleShot=True, interval=OUTBOX_RETRY_MS)
        self._outbox_timer.timeout.connect(self.refresh_outbox)
        from dxdesk.ui.tally_check import DailyTallyCheck

        self.tally_check = DailyTallyCheck(ctx, self)
        self.refresh_status()
        self.nav.setCurrentRow(0)

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
        if row < 0:
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
        self.status_day.setText(f"{weekday_name(now.date())} {fmt_date(now.date())}")
        if self.ctx.db.is_sqlite:
            self._apply_status(gather_status(self.ctx.db, self.ctx.paths, now))
        else:
            self._start_status_worker()

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
        from dxdesk.ui.switch_user import switch_user

        switch_user(self, self.ctx)

    def show_help(self) -> None:
        from dxdesk.ui.help import show_help

        show_help(self, self._current_key())

    def _current_key(self) -> str:
        row = self.nav.currentRow()
        return PAGES[row].key if row >= 0 else "counter"
