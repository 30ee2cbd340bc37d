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
_LOADED_BEFORE_QT = ("sqlalchemy.orm", "sqlalchemy.dialects.sqlite", "dxdesk.db.engine", "dxdesk.security.auth",
                     "dxdesk.settings.profile", "dxdesk.shifts.today", "dxdesk.counter.records", "dxdesk.counting.catalogue", "dxdesk.security.privacy",
                     "dxdesk.settings.backup", "dxdesk.counter.journal", "dxdesk.counter.contact", "dxdesk.periods", "dxdesk.volunteers.members",
                     "dxdesk.exchange.outbox")


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
    """The first start of a day copies the database to backups/ (dxdesk.settings.backup): in a thread of its own, so the window
    is there at once even with a large database, and the pages' workers do not wait behind it. The copy goes through
    SQLite's backup API, safe while the counter writes; a failure is logged and changes nothing. Python waits for the
    thread before the process ends, so closing the window right away does not cut a copy short."""
    from dxdesk.settings.backup import daily_backup_if_due

    def backup() -> None:
        try:
            daily_backup_if_due(db, paths)
        except Exception:  # noqa: BLE001 - it already logs what it expects; anything else is logged here
            log.exception("daily backup")

    thread = threading.Thread(target=backup, name="daily-backup")
    thread.start()
    return thread


def place_and_show(app, window) -> None:
    """The window's size and place on the screen it opens on, then shown (maximised on the office PC's small
    screen)."""
    available = app.primaryScreen().availableGeometry()  # logical pixels: 1093×614 on 1366×768 at 125 %
    window.resize(min(1280, available.width()), min(760, available.height()))
    window.move(available.topLeft())
    maximise = os.environ.get("DXDESK_MAXIMIZED") or opens_maximised(available.width(), available.height())
    window.showMaximized() if maximise else window.show()


def complete_start(window, db, paths, actor) -> None:
    """The database is open and ACTOR signed in: the window gets its pages and status. The housekeeping (the
    retention purge once a day, the day's backup copy, the upload queue's sender) starts once the page is painted:
    the volunteer gets the Counter page first."""
    from dxdesk.ui.context import PageContext
    from dxdesk.ui.first_paint import call_after_first_paint

    window.attach(PageContext(db=db, paths=paths, actor=actor))
    start_page = os.environ.get("DXDESK_START_PAGE")  # for screenshots and kiosk set-ups
    if start_page:
        try:
            window.show_page(start_page)
        except StopIteration:
            log.warning("unknown DXDESK_START_PAGE %r", start_page)
    call_after_first_paint(window.stack.currentWidget(), lambda: start_housekeeping(window, db, paths))


def start_housekeeping(window, db, paths) -> None:
    from dxdesk.ui.pages.exchange.upload_sender import UploadSender
    from dxdesk.ui.signin import after_sign_in

    after_sign_in(db)
    start_daily_backup(db, paths)
    window.upload_sender = UploadSender(window.ctx, window)  # sends the upload queue every minute, off the UI thread


def open_in_window(app, window, cli_ctx) -> None:
    """The second half of a frame-first start, run right after the main window's first paint: open the database
    (loading SQLAlchemy and the models), sign in (a demo database opens as its coordinator; should a PIN be needed
    after all, the dialog comes over the window), then the Counter page. Input typed meanwhile waits in the queue
    and reaches the Counter page, which has the focus by then."""
    from dxdesk.ui import messages
    from dxdesk.ui.signin import sign_in

    try:
        db = cli_ctx.db
        actor = sign_in(window, db, cli_ctx.paths)
    except UserError as exc:
        messages.error(window, _("Cannot open the database"), exc.message)
        app.exit(2)
        window.close()
        return
    except Exception:  # noqa: BLE001 - the crash hook logs it, writes the crash file and says so; then quit
        sys.excepthook(*sys.exc_info())
        app.exit(1)
        window.close()
        return
    if actor is None:  # the sign-in dialog was cancelled
        app.exit(0)
        window.close()
        return
    complete_start(window, db, cli_ctx.paths, actor)
    log.info("GUI started")  # the smoke tests of the built program look for this line: database open, page built


def sign_in_first(cli_ctx):
    """A start where a PIN will be asked (dxdesk.startup): the sign-in dialog is the first window, on screen before
    the database layer loads; the database opens right after the dialog's first paint, while the person reads it
    (what they type meanwhile waits in the queue and lands in the dialog). Returns (database, actor), or the exit
    code when nobody signed in (0) or the database cannot be opened (2)."""
    from dxdesk.ui import messages
    from dxdesk.ui.first_paint import call_after_first_paint
    from dxdesk.ui.signin import SignInDialog, sign_in
    from PySide6.QtCore import QEventLoop

    dialog = SignInDialog(None)
    outcome: dict = {}
    loop = QEventLoop()

    def after_first_paint() -> None:
        try:
            if not dialog.isVisible():  # closed before the database opened: nobody signs in
                return
            db = outcome["db"] = cli_ctx.db
            outcome["actor"] = sign_in(None, db, cli_ctx.paths, shown=dialog)
        except BaseException as exc:  # noqa: BLE001 - raised again below, outside the event loop
            outcome["error"] = exc
        finally:
            loop.quit()

    dialog.show()
    call_after_first_paint(dialog, after_first_paint)
    loop.exec()
    error = outcome.get("error")
    if error is not None:
        dialog.close()
        if isinstance(error, UserError):
            messages.error(None, _("Cannot open the database"), error.message)
            return 2
        raise error
    if outcome.get("actor") is None:
        return 0
    return outcome["db"], outcome["actor"]


def run_gui(cli_ctx) -> int:
    """Three ways in (dxdesk.startup tells which from the database file, before the database layer loads):
    * a demo database: the main window's frame is the first window; the database opens right after its first paint;
    * a database with users: the sign-in dialog is the first window; the database opens right after its first paint;
    * anything else (a first start, --db, a file that cannot be read): the splash, the database, then whatever
      window comes next."""
    from dxdesk.startup import MAIN_WINDOW, SIGN_IN, first_window

    first = first_window(cli_ctx.paths, cli_ctx.db_url)
    if first is None:
        load_core_before_qt()
    from dxdesk.ui import ui_settings

    from dxdesk.settings import store as settings

    if not getattr(cli_ctx.args, "lang", None) and not os.environ.get("DXDESK_LANG"):
        set_language(ui_settings.value(cli_ctx.paths, settings.LANGUAGE) or None)
    app = create_application()
    from dxdesk.ui import crash
    from dxdesk.ui.main_window import MainWindow

    window = None
    crash.install(cli_ctx.paths.logs, lambda: window)
    if first == MAIN_WINDOW:
        window = MainWindow()
        place_and_show(app, window)
        window.call_after_first_paint(lambda: open_in_window(app, window, cli_ctx))
        log.info("main window shown; opening the database")
        return app.exec()
    splash = show_splash(app) if first is None else None
    try:
        if first == SIGN_IN:
            signed_in = sign_in_first(cli_ctx)
            if isinstance(signed_in, int):
                return signed_in
            db, actor = signed_in
        else:
            from dxdesk.ui import messages
            from dxdesk.ui.signin import sign_in

            try:
                db = cli_ctx.db
            except UserError as exc:
                messages.error(None, _("Cannot open the database"), exc.message)
                return 2
            actor = sign_in(None, db, cli_ctx.paths)
            if actor is None:
                return 0
        window = MainWindow()
        complete_start(window, db, cli_ctx.paths, actor)
        place_and_show(app, window)
    finally:
        if splash is not None:
            splash.close()  # already closed when another window showed; here for the ways out without one
    log.info("GUI started")
    return app.exec()
