"""The global exception hook: a bug is logged with its traceback and shown as a short Vietnamese dialog."""

from __future__ import annotations

import datetime as dt
import logging
import sys
import time
import traceback
from pathlib import Path

from dxdesk import __version__
from dxdesk.errors import UserError
from dxdesk.i18n import _

log = logging.getLogger(__name__)


def write_crash_file(logs: Path, text: str) -> Path:
    logs.mkdir(parents=True, exist_ok=True)
    path = logs / f"crash-{dt.datetime.now():%Y%m%d-%H%M%S}.txt"
    path.write_text(f"dxdesk {__version__}\n{text}", encoding="utf-8")
    return path


SERVER_MESSAGE_EVERY_S = 30  # one message for a burst of failures, not one per click
_last_server_message = [-1e9]


def _server_gone(window, exc: BaseException) -> bool:
    """True when EXC says the shared PostgreSQL server of WINDOW's database is unreachable; marks it down so the
    counter keeps entries in its outbox. Never on SQLite (a local 'OperationalError' is a real problem)."""
    db = getattr(getattr(window, "ctx", None), "db", None)
    if db is None or db.is_sqlite:
        return False
    from dxdesk.exchange import outbox

    if not outbox.is_connection_error(exc):
        return False
    outbox.mark_unreachable(db)
    return True


def install(logs: Path, parent_getter=lambda: None) -> None:
    def hook(exc_type, exc, tb):
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        from dxdesk.ui import messages

        if isinstance(exc, UserError):  # an expected failure that slipped through: just say it
            messages.warning(parent_getter(), _("dxdesk"), exc.message)
            return
        if _server_gone(parent_getter(), exc):  # a shared server that stopped answering is not a bug
            log.warning("database server unreachable: %s", exc.__class__.__name__)
            if time.monotonic() - _last_server_message[0] > SERVER_MESSAGE_EVERY_S:
                _last_server_message[0] = time.monotonic()
                messages.warning(parent_getter(), _("dxdesk"),
                                 _("The server cannot be reached. Try again when it is back."))
            return
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        log.error("unexpected error:\n%s", text)
        crash = write_crash_file(logs, text)
        show_crash_dialog(parent_getter(), crash, text)

    sys.excepthook = hook


def show_crash_dialog(parent, crash_file: Path, text: str) -> None:
    from dxdesk.ui import messages

    if messages.captured is not None:
        messages.captured.append(("crash", _("Unexpected error"), str(crash_file)))
        return
    from PySide6.QtWidgets import QApplication, QMessageBox

    box = QMessageBox(QMessageBox.Icon.Critical, _("Unexpected error"),
                      _("dxdesk met an unexpected error. Your saved work is safe.\nDetails were written to {path}.").format(
                          path=crash_file), QMessageBox.StandardButton.NoButton, parent)
    copy = box.addButton(_("Copy report"), QMessageBox.ButtonRole.ActionRole)
    box.addButton(_("Close"), QMessageBox.ButtonRole.AcceptRole)
    box.exec()
    if box.clickedButton() is copy:
        QApplication.clipboard().setText(text)
