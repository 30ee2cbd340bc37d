"""The automatic upload sender: every minute, packages in the upload queue whose next try is due are sent in a
worker thread, so retries with back-off happen while the office works, without anyone pressing "Gửi ngay".

Nothing happens without an upload address, or while a send is still running. The job (ui/background.Job)
only touches the database and the network; the result comes back through a queued signal and is shown in the status
bar; a failure is logged and said in one short sentence."""

from __future__ import annotations

import logging

from dxdesk.ui.background import Job
from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal

from dxdesk.i18n import _

log = logging.getLogger(__name__)
INTERVAL_MS = 60_000
FIRST_MS = 15_000  # not during start-up


def send_due(db) -> dict:
    """What the job does off the UI thread: the totals of one pass over the queue, {"idle": True} when nothing is
    due, no address is set, or the shared database server does not answer (the counter's outbox covers it; the
    next minute tries again). Any other failure is raised: the job logs it and says one short sentence."""
    from dxdesk.exchange import (  # loaded by tick() on the UI thread already; this only looks them up
        outbox,
        upload,
    )

    try:
        if not upload.get_endpoint(db) or not upload.due_count(db):
            return {"idle": True}
        return upload.process_queue(db, upload.background_actor())
    except Exception as exc:
        if not outbox.is_connection_error(exc):
            raise
        log.info("automatic upload: database not reachable now", exc_info=True)
        return {"idle": True}


class UploadSender(QObject):
    """Owns the timer; `tick()` starts one background send when something is due. `finished` carries the totals."""

    finished = Signal(object)

    def __init__(self, ctx, parent: QObject | None = None, interval_ms: int = INTERVAL_MS, first_ms: int = FIRST_MS):
        super().__init__(parent)
        self.ctx = ctx
        self.running = False
        self._job: Job | None = None
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
        import dxdesk.exchange.outbox  # noqa: F401 - loaded at the first tick, not at start-up (issue #16)
        import dxdesk.exchange.upload  # noqa: F401

        self.running = True
        db = self.ctx.db
        self._job = Job(lambda: send_due(db), what="automatic upload")
        self._job.signals.done.connect(self._done)
        # a UserError (e.g. the address was removed meanwhile) in its own words; anything else is logged by the job
        # and said in one short sentence, never the exception's text
        self._job.signals.failed.connect(self._failed)
        QThreadPool.globalInstance().start(self._job)
        return True

    def _failed(self, text: str) -> None:
        self._done({"error": text})

    def _done(self, totals: dict) -> None:
        self.running = False
        self._job = None
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
