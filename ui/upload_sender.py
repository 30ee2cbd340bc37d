"""The automatic upload sender: every minute, packages in the upload queue whose next try is due are sent in a
worker thread, so retries with back-off happen while the office works, without anyone pressing "Gửi ngay".

Nothing happens without an upload address, or while a send is still running. The worker only touches the
database and the network; the result comes back through a queued signal and is shown in the status bar."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal
from sqlalchemy.exc import OperationalError

from dxdesk.errors import UserError
from dxdesk.i18n import _

log = logging.getLogger("dxdesk.ui.upload_sender")
INTERVAL_MS = 60_000
FIRST_MS = 15_000  # not during start-up


class _Signals(QObject):
    done = Signal(object)


class _Send(QRunnable):
    def __init__(self, db, signals: _Signals):
        super().__init__()
        self.db, self.signals = db, signals

    def run(self) -> None:
        from dxdesk.exchange import upload  # loaded by tick() on the UI thread already; this only looks it up

        try:
            if not upload.get_endpoint(self.db) or not upload.due_count(self.db):
                totals = {"idle": True}
            else:
                totals = upload.process_queue(self.db, upload.background_actor())
        except UserError as exc:  # e.g. the address was removed meanwhile
            totals = {"error": exc.message}
        except OperationalError:  # the shared server is down: the outbox covers the counter; try next minute
            log.info("automatic upload: database not reachable now", exc_info=True)
            totals = {"idle": True}
        except Exception:  # noqa: BLE001 - a background job never crashes the window; the log has it
            log.exception("automatic upload")
            totals = {"error": _("The automatic upload failed; details are in the log file.")}
        self.signals.done.emit(totals)


class UploadSender(QObject):
    """Owns the timer; `tick()` starts one background send when something is due. `finished` carries the totals."""

    finished = Signal(object)

    def __init__(self, ctx, parent: QObject | None = None, interval_ms: int = INTERVAL_MS, first_ms: int = FIRST_MS):
        super().__init__(parent)
        self.ctx = ctx
        self.running = False
        self._signals: _Signals | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.tick)
        self.timer.start()
        if first_ms >= 0:
            QTimer.singleShot(first_ms, self.tick)

    def tick(self) -> bool:
        """Start a background check-and-send (the UI thread never waits for the database or the network);
        returns False when one is still running."""
        if self.running:
            return False
        import dxdesk.exchange.upload  # noqa: F401 - loaded at the first tick, not at start-up (issue #16)

        self.running = True
        self._signals = _Signals()
        self._signals.done.connect(self._done)
        QThreadPool.globalInstance().start(_Send(self.ctx.db, self._signals))
        return True

    def _done(self, totals: dict) -> None:
        self.running = False
        self._signals = None
        if "error" in totals:
            self.ctx.events.status_message.emit(totals["error"])
        elif totals.get("failed"):  # refused by the server (or the address moved): needs a person
            self.ctx.events.status_message.emit(_("Upload: the server refused {n} packages — see Data exchange.").format(
                n=totals["failed"]))
        elif totals.get("sent"):
            self.ctx.events.status_message.emit(_("Upload: packages sent: {n}.").format(n=totals["sent"]))
        elif totals.get("waiting"):
            self.ctx.events.status_message.emit(_("Upload: not sent yet (no connection or the server is busy); will try "
                                                  "again later."))
        self.finished.emit(totals)
