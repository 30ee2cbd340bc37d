"""Starting the GUI: Qt application, fonts, Vietnamese for Qt's own texts, exception hook, main window."""

from __future__ import annotations

import logging
import os
import sys
import threading
from importlib.resources import as_file, files

from dxdesk.errors import UserError
from dxdesk.i18n import _, set_language

log = logging.getLogger(__name__)
UI_FONT_FILES = ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf")


def opens_maximised(width: int, height: int) -> bool:
    """On the office PC's small screen (1366×768 at 100 % left a 1280 px window with a strip beside it, and
    1093×614 at 125 %) the window opens maximised; on a larger screen it opens at 1280×760."""
    return width <= 1440 or height <= 820


def load_fonts() -> str:
    """Register the bundled Vietnamese-complete UI font; returns its family name."""
    from PySide6.QtGui import QFontDatabase

    family = ""
    for name in UI_FONT_FILES:
        with as_file(files("dxdesk.resources") / "fonts" / name) as path:
            font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id >= 0 and not family:
            family = QFontDatabase.applicationFontFamilies(font_id)[0]
    return family


def create_application(argv: list[str] | None = None):
    from dxdesk.ui.qt_i18n import QtVietnamese
    from PySide6.QtGui import QFont, QIcon
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(argv or [sys.argv[0]])
    app.setApplicationName("dxdesk")
    app.setOrganizationName("dxdesk")
    app.setApplicationDisplayName("dxdesk")
    translator = QtVietnamese(app)
    app.installTranslator(translator)
    app._dxdesk_translator = translator  # keep it alive
    family = load_fonts()
    if family:
        app.setFont(QFont(family, 10))
    with as_file(files("dxdesk.resources") / "icons" / "dxdesk.png") as icon:
        app.setWindowIcon(QIcon(str(icon)))
    return app


def build_main_window(db, paths, actor):
    from dxdesk.ui.context import PageContext
    from dxdesk.ui.main_window import MainWindow

    return MainWindow(PageContext(db=db, paths=paths, actor=actor))


# The core modules the first window needs, loaded before Qt. PySide6 installs an import hook that reads the source
# of every module imported after it (to look for its __feature__ switches): the same modules cost about a third
# more when loaded after PySide6. They are pure Python (SQLAlchemy, the models, sign-in, profile, today's entries).
_LOADED_BEFORE_QT = ("sqlalchemy.orm", "sqlalchemy.dialects.sqlite", "dxdesk.db.engine", "dxdesk.auth",
                     "dxdesk.profile", "dxdesk.today", "dxdesk.records", "dxdesk.catalogue", "dxdesk.privacy",
                     "dxdesk.backup", "dxdesk.journal", "dxdesk.contact", "dxdesk.periods")


def load_core_before_qt() -> None:
    import importlib

    for name in _LOADED_BEFORE_QT:
        importlib.import_module(name)


def show_splash(app):
    """A small window at once (before the database opens): the app's name and 'opening…'. It closes by itself when
    the next window (sign-in or the main window, or an error message) is shown."""
    from PySide6.QtCore import QEvent, QObject, Qt
    from PySide6.QtGui import QColor, QFont, QPainter, QPixmap
    from PySide6.QtWidgets import QLabel

    width, height = 380, 120
    ratio = app.primaryScreen().devicePixelRatio()  # sharp at 125 % and 150 % scaling
    pixmap = QPixmap(round(width * ratio), round(height * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(QColor("#ffffff"))
    painter = QPainter(pixmap)
    painter.setPen(QColor("#c8c8c8"))
    painter.drawRect(0, 0, width - 1, height - 1)
    app.windowIcon().paint(painter, 20, 28, 64, 64)
    painter.setPen(QColor("#1f1f1f"))
    title_font = QFont(app.font())
    title_font.setPointSize(16)
    title_font.setBold(True)
    painter.setFont(title_font)
    painter.drawText(104, 52, "dxdesk")
    painter.setFont(app.font())
    painter.drawText(104, 82, _("Opening the database…"))
    painter.end()
    # A plain label, not QSplashScreen: that one waits up to a second for the window system to show it, and stays on
    # top, where a sign-in dialog must come over it.
    splash = QLabel(objectName="splash")
    splash.setWindowFlags(Qt.WindowType.SplashScreen | Qt.WindowType.FramelessWindowHint)
    splash.setPixmap(pixmap)
    splash.setWindowTitle("dxdesk")
    screen = app.primaryScreen().availableGeometry()
    splash.move(screen.center().x() - width // 2, screen.center().y() - height // 2)

    class _CloseOnNextWindow(QObject):
        def eventFilter(self, obj, event):  # noqa: N802 - Qt override
            if event.type() == QEvent.Type.Show and obj is not splash and obj.isWidgetType() and obj.isWindow():
                splash.close()
                app.removeEventFilter(self)
            return False

    closer = _CloseOnNextWindow(splash)
    app.installEventFilter(closer)
    splash.show()
    splash.repaint()  # painted now, before the event loop runs
    app.processEvents()
    return splash


def start_daily_backup(db, paths) -> threading.Thread:
    """The first start of a day copies the database to backups/ (dxdesk.backup): in a thread of its own, so the window
    is there at once even with a large database, and the pages' workers do not wait behind it. The copy goes through
    SQLite's backup API, safe while the counter writes; a failure is logged and changes nothing. Python waits for the
    thread before the process ends, so closing the window right away does not cut a copy short."""
    from dxdesk.backup import daily_backup_if_due

    def backup() -> None:
        try:
            daily_backup_if_due(db, paths)
        except Exception:  # noqa: BLE001 - it already logs what it expects; anything else is logged here
            log.exception("daily backup")

    thread = threading.Thread(target=backup, name="daily-backup")
    thread.start()
    return thread


def run_gui(cli_ctx) -> int:
    load_core_before_qt()
    from dxdesk.ui import ui_settings

    from dxdesk import settings

    if not getattr(cli_ctx.args, "lang", None) and not os.environ.get("DXDESK_LANG"):
        set_language(ui_settings.value(cli_ctx.paths, settings.LANGUAGE) or None)
    app = create_application()
    splash = show_splash(app)
    from dxdesk.ui import crash, messages
    from dxdesk.ui.signin import sign_in

    window = None
    crash.install(cli_ctx.paths.logs, lambda: window)
    try:
        try:
            db = cli_ctx.db
        except UserError as exc:
            messages.error(None, _("Cannot open the database"), exc.message)
            return 2
        actor = sign_in(None, db, cli_ctx.paths)
        if actor is None:
            return 0
        window = build_main_window(db, cli_ctx.paths, actor)
        start_daily_backup(db, cli_ctx.paths)
        from dxdesk.ui.upload_sender import UploadSender

        window.upload_sender = UploadSender(window.ctx, window)  # sends the upload queue every minute, off the UI thread
        available = app.primaryScreen().availableGeometry()  # logical pixels: 1093×614 on 1366×768 at 125 %
        window.resize(min(1280, available.width()), min(760, available.height()))
        window.move(available.topLeft())
        maximise = os.environ.get("DXDESK_MAXIMIZED") or opens_maximised(available.width(), available.height())
        window.showMaximized() if maximise else window.show()
    finally:
        splash.close()  # already closed when another window showed; here for the ways out without one
    start_page = os.environ.get("DXDESK_START_PAGE")  # for screenshots and kiosk set-ups
    if start_page:
        try:
            window.show_page(start_page)
        except StopIteration:
            log.warning("unknown DXDESK_START_PAGE %r", start_page)
    log.info("GUI started")
    return app.exec()
