"""Logging: named loggers into a rotating file in the user log folder; never secrets or citizens' data.

A log file that cannot be written (a full disk, a read-only folder) never puts Python's "--- Logging error ---"
traceback in front of the user: dxdesk goes on without the file and says so in one line (`problem()`)."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

_configured: Path | None = None
_problem: str | None = None
# Until (or unless) the log file is open, dxdesk's records go nowhere: never Python's "last resort" print to stderr.
logging.getLogger("dxdesk").addHandler(logging.NullHandler())


class _LogFile(logging.handlers.RotatingFileHandler):
    """The rotating log file; a record that cannot be written is dropped and remembered, never printed."""

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        import sys

        _remember(self.baseFilename, sys.exc_info()[1])


def _remember(path, exc: BaseException | None) -> None:
    global _problem
    if _problem is None:
        from dxdesk.errors import os_reason
        from dxdesk.i18n import _

        reason = os_reason(exc) or getattr(exc, "strerror", None) or type(exc).__name__
        _problem = _("The log file {path} cannot be written ({reason}); dxdesk goes on without it.").format(
            path=path, reason=reason)


def problem() -> str | None:
    """The one line to tell the user when the log file could not be written (None when all is well)."""
    return _problem


def configure(log_file: Path, level: int = logging.INFO) -> Path | None:
    """Log into LOG_FILE (rotated at 2 MB, 5 kept); None when it cannot be opened (told through problem())."""
    global _configured, _problem
    if _configured == log_file:
        return log_file
    root = logging.getLogger("dxdesk")
    for old in list(root.handlers):
        if isinstance(old, logging.handlers.RotatingFileHandler):
            root.removeHandler(old)
            old.close()
    _problem = None
    try:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handler = _LogFile(log_file, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    except OSError as exc:
        _remember(log_file, exc)
        _configured = None
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level)
    _configured = log_file
    return log_file
