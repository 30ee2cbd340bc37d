"""The main window: a sidebar of places, the chosen page, and a status bar with unit, database and day."""

from __future__ import annotations

import importlib
import logging

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
from dxdesk.profile import get_profile
from dxdesk.today import current_shift
from dxdesk.vnformat import fmt_date, weekday_name

log = logging.getLogger("dxdesk.ui")


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
        self.switch_button.setFlat(True)
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

        ctx.events.profile_changed.connect(self.refresh_status)
        ctx.events.actor_changed.connect(self.refresh_status)
        ctx.events.status_message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        self._clock = QTimer(self, interval=60_000)
        self._clock.timeout.connect(self.refresh_status)
        self._clock.start()
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
        profile = get_profile(self.ctx.db)
        if profile is None:
            self.setWindowTitle(_("dxdesk — no unit set (Settings)"))
        else:
            demo = _(" [demo data]") if profile.is_demo else ""
            self.setWindowTitle(f"dxdesk — {profile.display_name} ({profile.codes}){demo}")
        actor = self.ctx.actor
        user = _("User: {name}").format(name=actor.display_name or actor.username)
        if profile is not None and profile.is_demo:
            user += " · " + _("DEMO DATA")
        self.user_label.setText(user)
        self.status_db.setText(self.ctx.db.describe())
        now = clock.now()
        self.status_day.setText(f"{weekday_name(now.date())} {fmt_date(now.date())}")
        self.refresh_outbox()
        shift = current_shift(self.ctx.db, now)
        self.status_shift.setText(
            _("Shift {start}–{end}").format(start=shift.start.strftime("%H:%M"), end=shift.end.strftime("%H:%M"))
            if shift else _("No shift now")
        )

    def refresh_outbox(self) -> None:
        """On a shared server: send what the outbox kept during an outage, and show how many still wait."""
        if self.ctx.db.is_sqlite:
            return
        from dxdesk.exchange import outbox

        try:
            if outbox.pending_count(self.ctx.paths):
                sent, _failed = outbox.flush(self.ctx.db, self.ctx.paths)
                if sent:
                    self.ctx.events.records_changed.emit()
            waiting = outbox.pending_count(self.ctx.paths)
        except Exception:  # noqa: BLE001 - the status bar must never take the window down
            log.exception("outbox")
            return
        self.status_outbox.setText(_("Waiting to send: {n}").format(n=waiting))
        self.status_outbox.show()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        # Let background work (previews, counts) finish before the pages it reports to are destroyed.
        pool = QThreadPool.globalInstance()
        pool.clear()
        pool.waitForDone(5000)
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
